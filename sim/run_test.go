package sim

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/sim/scenario"
)

func loadCompiled(t testing.TB, path string, overrides ...scenario.Override) *Compiled {
	t.Helper()
	s, err := scenario.Load(path, overrides...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// firstRun builds run 0 of c's batch at the scenario's seed, in fresh
// market buffers.
func firstRun(t testing.TB, c *Compiled) *Run {
	t.Helper()
	mw, err := market.NewWorld(c.Market)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRun(c, c.S.Seed, 0, mw)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBaselineOneRun(t *testing.T) {
	c := loadCompiled(t, "../configs/baseline.toml")
	r := firstRun(t, c)
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, m := range SummaryMetrics() {
		t.Logf("%s = %v", m.Name, summaryValue(m.Name, r))
	}
}

func summaryValue(name string, r *Run) float64 {
	for _, s := range registry.summary {
		if s.Name == name {
			return s.value(r)
		}
	}
	return 0
}

// benchWorld compiles the scenario at path and makes market buffers for it.
func benchWorld(b *testing.B, path string) (*Compiled, *market.World) {
	c := loadCompiled(b, path)
	mw, err := market.NewWorld(c.Market)
	if err != nil {
		b.Fatal(err)
	}
	return c, mw
}

func BenchmarkBaselineRun(b *testing.B) {
	c, mw := benchWorld(b, "../configs/baseline.toml")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r, err := NewRun(c, c.S.Seed, i, mw)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Execute(); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBenchScenario runs the benchmark scenario one run at a time:
// afresh, as RunOne does, and reused, as a batch's worker does (each run
// in the storage and series buffers of the last).
func BenchmarkBenchScenario(b *testing.B) {
	c, mw := benchWorld(b, "../configs/bench/cdp-gbm.toml")
	b.Run("afresh", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if res := RunOne(c, 1, i, mw, nil); res.Failed {
				b.Fatal(res.Err)
			}
			i++
		}
	})
	b.Run("reused", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		var spare *Run
		var series [][]float64
		for b.Loop() {
			res, r := runOne(c, 1, i, mw, nil, spare, series)
			if res.Failed {
				b.Fatal(res.Err)
			}
			spare, series = r, res.Series
			i++
		}
	})
}

// TestPoolPriceCache: the peg pool's price the view uses is the pool's
// get_p, recomputed when a balance or A changes (or while A ramps), and
// equal to computing it afresh each time.
func TestPoolPriceCache(t *testing.T) {
	c := loadCompiled(t, "../configs/baseline.toml")
	r := firstRun(t, c)
	fresh := func() float64 {
		x, err := r.Pool.GetP(r.Sys.Now)
		if err != nil {
			t.Fatal(err)
		}
		return 1 / fixed.ToFloat(&x, 18)
	}
	check := func(what string) {
		t.Helper()
		if got, want := r.poolPrice(), fresh(); got != want {
			t.Errorf("%s: cached price %v, computed afresh %v", what, got, want)
		}
	}
	check("at the start")
	before := r.poolPrice()
	r.Pool.StoredBalances[0].Add(&r.Pool.StoredBalances[0], uint256.MustFromDecimal("3000000000000000000000000")) // 3M rwaUSD
	check("after rwaUSD entered the pool")
	if r.poolPrice() == before {
		t.Error("the price did not move when a balance did")
	}
	// A ramp from A to 4A over a day: the price moves with time alone.
	r.Pool.InitialA, r.Pool.InitialATime = r.Pool.FutureA, r.Sys.Now
	r.Pool.FutureA.Mul(&r.Pool.FutureA, uint256.NewInt(4))
	r.Pool.FutureATime = r.Sys.Now + 86400
	check("at the ramp's start")
	at := r.poolPrice()
	r.Sys.SetTime(r.Sys.Now + 43200)
	check("half way through the ramp")
	if r.poolPrice() == at {
		t.Error("the price did not move with A")
	}
	r.Sys.SetTime(r.Sys.Now + 86400)
	check("after the ramp")
}

// TestActiveBook: a book's borrowers who are not passive act on the
// group's settings from their opening ratio: with the benchmark's book and
// market, they repay before their ratio reaches the trigger and so fewer
// vaults are liquidated than when they never act. Seed 1, runs 0-9.
func TestActiveBook(t *testing.T) {
	passive := loadCompiled(t, "../configs/bench/cdp-gbm.toml")
	active := loadCompiled(t, "../configs/bench/cdp-gbm.toml", scenario.Override{Key: "agents.borrowers[0].passive", Value: "false"})
	mw, err := market.NewWorld(passive.Market)
	if err != nil {
		t.Fatal(err)
	}
	run := func(c *Compiled, i int) (liquidations, repays int) {
		r, err := NewRun(c, 1, i, mw)
		if err != nil {
			t.Fatal(err)
		}
		count := &txCounter{kind: agents.Repay}
		r.trace = count
		if err := r.Execute(); err != nil {
			t.Fatal(err)
		}
		return r.Stats.Liquidations, count.ok
	}
	var lp, la, repays int
	for i := range 10 {
		l, rp := run(passive, i)
		if rp != 0 {
			t.Fatalf("run %d: passive borrowers repaid %d times", i, rp)
		}
		lp += l
		l, rp = run(active, i)
		la += l
		repays += rp
	}
	t.Logf("liquidations in 10 runs: %d passive, %d active; %d repayments", lp, la, repays)
	if repays == 0 {
		t.Fatal("the active book's borrowers never repaid")
	}
	if la >= lp {
		t.Errorf("active borrowers were liquidated %d times, passive ones %d: acting did not help them", la, lp)
	}
}

// txCounter counts a run's successful transactions of one kind.
type txCounter struct {
	kind agents.Kind
	ok   int
}

func (c *txCounter) Block(*Run) {}

func (c *txCounter) Tx(_ *Run, rc *agents.Receipt) {
	if rc.Tx.Kind == c.kind && rc.Err == nil {
		c.ok++
	}
}

// TestSenderOrder: after the block's sort, each sender's transactions run
// in the order it sent them (its nonces), in the places the sort gave that
// sender, whatever the permutation.
func TestSenderOrder(t *testing.T) {
	r := &Run{Agents: make([]agents.Agent, 4)}
	senders := []int32{2, 0, 2, 1, 2, 0, 3, 2, 1} // agent of each transaction, in submission order
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		r.txs = r.txs[:0]
		for i, a := range senders {
			r.txs = append(r.txs, agents.Tx{Agent: a, Priority: uint32(i)}) // Priority: the submission index
		}
		idx := r.orderIdx(len(r.txs))
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		places := slices.Clone(idx)
		r.senderOrder(idx)
		last := map[int32]uint32{}
		for p, i := range idx {
			tx := r.txs[i]
			if tx.Agent != r.txs[places[p]].Agent {
				t.Fatalf("trial %d: place %d went from agent %d to agent %d", trial, p, r.txs[places[p]].Agent, tx.Agent)
			}
			if prev, ok := last[tx.Agent]; ok && tx.Priority < prev {
				t.Fatalf("trial %d: agent %d sends transaction %d after %d", trial, tx.Agent, tx.Priority, prev)
			}
			last[tx.Agent] = tx.Priority
		}
		for a, f := range r.first {
			if f != -1 {
				t.Fatalf("trial %d: agent %d's list is not used up (%d)", trial, a, f)
			}
		}
	}
}

// TestKeepersLookOutOfStep: keepers of one latency look at different blocks,
// so an auction is seen in the block after its kick or reset. In usdc-depeg
// the USDC auction falls to its cusp within two 10-minute blocks and every
// keeper there has a latency of 2: in lock-step they reset each auction at
// every look and never bought one (run 262: 44 auctions, 0 purchases,
// 14,242 resets whose rewards needed 2.57M of recapitalisation).
func TestKeepersLookOutOfStep(t *testing.T) {
	c := loadCompiled(t, "../configs/usdc-depeg.toml")
	mw, err := market.NewWorld(c.Market)
	if err != nil {
		t.Fatal(err)
	}
	// Latencies are drawn per keeper, so keepers of one latency need not
	// have neighbouring indices (run 13: latencies 1 2 1 2 3; run 214:
	// 2 3 2 3 2): within each latency the phases are taken in turn.
	for run := 0; run < 300; run++ {
		r, err := NewRun(c, c.S.Seed, run, mw)
		if err != nil {
			t.Fatal(err)
		}
		count := map[int]int{}           // keepers by latency
		phases := map[int]map[int]bool{} // by latency: first looks mod latency
		for _, k := range r.Keepers {
			l := max(1, k.Latency)
			count[l]++
			if phases[l] == nil {
				phases[l] = map[int]bool{}
			}
			if k.Next < 1 || k.Next > l {
				t.Fatalf("run %d: keeper of latency %d first looks at block %d", run, l, k.Next)
			}
			phases[l][k.Next%l] = true
		}
		for l, ph := range phases {
			if want := min(count[l], l); len(ph) != want {
				t.Errorf("run %d: %d keepers of latency %d first look at %d phases %v, want %d",
					run, count[l], l, len(ph), ph, want)
			}
		}
	}
	r, err := NewRun(c, c.S.Seed, 262, mw)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	auctions, takes := summaryValue("auctions", r), summaryValue("auction_takes", r)
	if auctions == 0 {
		t.Fatal("run 262 started no auction: the test no longer exercises auctions")
	}
	if takes == 0 {
		t.Errorf("%v auctions and no purchase", auctions)
	}
	if rec := summaryValue("recap", r); rec != 0 {
		t.Errorf("recapitalisation %v: keeper rewards for resets drained the backstop", rec)
	}
}

// TestLookSpread: agents of one latency take its phases in turn, whatever
// the latencies of the agents between them, and a latency below 1 looks
// every block.
func TestLookSpread(t *testing.T) {
	var l lookSpread
	var got []int
	for _, lat := range []int{2, 3, 2, 3, 2, 3, 3, 0, 1} {
		got = append(got, l.next(lat))
	}
	if want := []int{1, 1, 2, 2, 1, 3, 1, 1, 1}; !slices.Equal(got, want) {
		t.Errorf("first looks %v, want %v", got, want)
	}
}
