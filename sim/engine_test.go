package sim

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tempest-risk/tempest/agents"
	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/sim/scenario"
)

const tiny = "../cmd/tempest/testdata/tiny.toml"

// crashGold rewrites the gold path of the run's market to fall by half from
// the first block, so accounts become unsafe once the oracle follows.
func crashGold(t *testing.T, r *Run) {
	t.Helper()
	for a, name := range r.C.Assets {
		if name == "gold" {
			p := r.mw.Path(r.feeds[a])
			for i := 1; i < len(p); i++ {
				p[i] = p[0] * 0.5
			}
			return
		}
	}
	t.Fatal("no gold asset")
}

// TestRacingKeepers: two keepers see the same unsafe account in the same
// block and both bark it; the first in block order succeeds, the second
// reverts Dog/not-unsafe, and each finds its receipt in the next view.
func TestRacingKeepers(t *testing.T) {
	c := loadCompiled(t, tiny)
	r := firstRun(t, c)
	crashGold(t, r)
	for _, a := range r.Agents {
		if b, ok := a.(*agents.Borrower); ok {
			b.Passive = true // borrowers asleep: nobody saves their account
		}
	}
	for _, k := range r.Keepers {
		k.Latency = 1
	}
	for step := 1; step <= c.Steps; step++ {
		if err := r.block(step); err != nil {
			t.Fatal(err)
		}
		// Receipts of this block, by keeper.
		won := map[int32]barks{}
		for _, k := range r.Keepers {
			for _, rc := range r.View.Receipts[k.ID] {
				if rc.Tx.Kind != agents.Bark {
					continue
				}
				e := won[rc.Tx.Account]
				if rc.Err == nil {
					e.ok = append(e.ok, k.ID)
				} else if errors.Is(rc.Err, auction.ErrNotUnsafe) {
					e.reverted = append(e.reverted, k.ID)
				}
				won[rc.Tx.Account] = e
			}
		}
		for acct, e := range won {
			if len(e.ok) == 1 && len(e.reverted) == 1 && e.ok[0] != e.reverted[0] {
				t.Logf("block %d, account %d: keeper %d barked, keeper %d reverted Dog/not-unsafe", step, acct, e.ok[0], e.reverted[0])
				return
			}
			if len(e.ok) > 1 {
				t.Fatalf("account %d barked twice in block %d", acct, step)
			}
		}
	}
	t.Fatal("no race between keepers seen")
}

type barks struct{ ok, reverted []int32 }

// TestCommonRandomNumbers: changing a protocol parameter (the gold haircut)
// leaves every feed's price path of every run unchanged.
func TestCommonRandomNumbers(t *testing.T) {
	a := loadCompiled(t, tiny)
	s2, err := scenario.Load(tiny)
	if err != nil {
		t.Fatal(err)
	}
	s2.Profiles["gold"].Haircut = scenario.D("0.25")
	s2.Agents.Keepers.Count = 4
	b, err := Compile(s2)
	if err != nil {
		t.Fatal(err)
	}
	mwA, _ := market.NewWorld(a.Market)
	mwB, _ := market.NewWorld(b.Market)
	for i := 0; i < 5; i++ {
		ra, err := NewRun(a, 7, i, mwA)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := NewRun(b, 7, i, mwB)
		if err != nil {
			t.Fatal(err)
		}
		for k := range ra.feeds {
			pa, pb := mwA.Path(ra.feeds[k]), mwB.Path(rb.feeds[k])
			for j := range pa {
				if pa[j] != pb[j] {
					t.Fatalf("run %d feed %s step %d: %v != %v", i, a.Assets[k], j, pa[j], pb[j])
				}
			}
		}
	}
}

// breakAt panics at a chosen step of a run, as a bug in a model would.
type breakAt struct{ step int }

func (b breakAt) Block(r *Run) {
	if r.Step == b.step {
		panic("injected failure")
	}
}
func (breakAt) Tx(*Run, *agents.Receipt) {}

// TestFailedRunRecorded: a run that panics is recorded in runs.csv with its
// seed, step and reason and a partial summary, and the batch goes on.
func TestFailedRunRecorded(t *testing.T) {
	c := loadCompiled(t, tiny)
	dir := t.TempDir()
	opt := Options{Runs: 4, Seed: 3, Workers: 2, Out: dir,
		tracer: func(i int) Tracer {
			if i == 2 {
				return breakAt{step: 100}
			}
			return nil
		}}
	res, err := RunBatch(context.Background(), c, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 1 {
		t.Fatalf("%d failed runs, want 1", res.Failed)
	}
	f, _ := os.Open(filepath.Join(dir, RunsFile))
	rows, _ := csv.NewReader(f).ReadAll()
	f.Close()
	row := rows[3] // header + runs 0, 1, 2
	if row[0] != "2" || row[2] != "failed" || row[3] != "100" || !strings.Contains(row[4], "injected failure") {
		t.Fatalf("run 2 row: %v", row[:5])
	}
	if row[5+5] == "" { // peg_min of the partial run
		t.Error("partial summary missing")
	}
	for _, r := range []int{1, 2, 4} {
		if rows[r][2] != "ok" {
			t.Errorf("run %s: %s", rows[r][0], rows[r][2])
		}
	}
}

// corruptAt breaks the engine's debt accounting (Σ dai = Debt) at a chosen
// step, which only the full invariant check sees.
type corruptAt struct{ step int }

func (b corruptAt) Block(r *Run) {
	if r.Step == b.step {
		r.Sys.Vat.Debt.AddUint64(&r.Sys.Vat.Debt, 1)
	}
}
func (corruptAt) Tx(*Run, *agents.Receipt) {}

// TestFullChecks: a break the full check finds fails the run at the first
// periodic check after it, and at the last step by the thorough check
// that ends every run, which stands in for the last block's periodic one.
func TestFullChecks(t *testing.T) {
	for _, every := range []string{"1h", "2d"} { // 2d: the horizon, a single check at the end
		c := loadCompiled(t, tiny, scenario.Override{Key: "check_every", Value: every})
		mw, err := market.NewWorld(c.Market)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []int{7, c.Steps} {
			res := RunOne(c, c.S.Seed, 0, mw, corruptAt{step: at})
			want := c.Steps
			if every == "1h" && at < c.Steps {
				want = (at/c.checkEvery + 1) * c.checkEvery
			}
			if !res.Failed || res.FailStep != want || !strings.Contains(res.Err, "debt") || !strings.Contains(res.Err, "invariant") {
				t.Errorf("check_every %s, break at step %d: failed %v at step %d (want %d): %s", every, at, res.Failed, res.FailStep, want, res.Err)
			}
		}
	}
}
