package sim

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// pegFlows records the peg pool's trades of a run: the borrowers' sales of
// rwaUSD into it, the arbitrageurs' round trips against the rail, and the
// pool's lowest price at the start of a block (the end of the one before).
type pegFlows struct {
	sales, arbs, arbReverts int
	unprofitable            []string // arbitrage round trips that paid out less than they cost
	low                     float64
}

func (p *pegFlows) Block(r *Run) { p.low = math.Min(p.low, r.poolPrice()) }

func (p *pegFlows) Tx(r *Run, rc *agents.Receipt) {
	a := r.Agents[rc.Tx.Agent]
	name := r.Sys.L.Label(a.Self().Acct)
	switch _, borrower := a.(*agents.Borrower); {
	case rc.Tx.Kind == agents.PoolSwap && rc.Tx.I == 0 && rc.Err == nil && borrower:
		p.sales++
	case rc.Tx.Kind == agents.ArbRail && rc.Err != nil:
		p.arbReverts++
	case rc.Tx.Kind == agents.ArbRail:
		p.arbs++
		// Direction 0 pays reference coins into the pool and gets them
		// back from the rail; direction 1 the reverse: either way In and
		// Out are reference coins.
		if !rc.Out.Gt(&rc.In) {
			p.unprofitable = append(p.unprofitable, name+": in "+rc.In.Dec()+", out "+rc.Out.Dec())
		}
	}
}

// TestPegArbitrage: leverage seekers who sell the rwaUSD they mint into the
// peg pool push its price down; the arbitrageurs buy it back there and
// redeem it at the rail, each round trip for more reference coins than it
// costs, which holds the pool's price near the rail's redemption price
// 1/(1 + tout) = 0.999. The baseline with gold drifting up (mu 3/yr) and
// every gold borrower a leverage seeker minting at a 3% rise and selling
// all of it; run 0 of seed 20261122 (139 sales of 11k-52k rwaUSD each in
// a pool of 20M a side). Tolerance: the pool's lowest price at any block
// at least 0.9985, half the tout below the redemption price (what is left
// of a sale no arbitrage is worth its gas and minimum profit).
func TestPegArbitrage(t *testing.T) {
	c := loadCompiled(t, "../configs/baseline.toml",
		scenario.Override{Key: "market.assets.gold.mu", Value: "3.0"},
		scenario.Override{Key: "agents.borrowers[1].leverage_share", Value: "1.0"},
		scenario.Override{Key: "agents.borrowers[1].leverage_band.value", Value: "0.03"},
		scenario.Override{Key: "agents.borrowers[1].sell_share", Value: "1.0"})
	p := &pegFlows{low: math.Inf(1)}
	r := firstRun(t, c)
	r.trace = p
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sales into the pool, %d arbitrage round trips (%d reverted), lowest pool price %.6f",
		p.sales, p.arbs, p.arbReverts, p.low)
	if p.sales == 0 {
		t.Fatal("no borrower sold rwaUSD into the peg pool")
	}
	if p.arbs == 0 {
		t.Fatal("no arbitrageur traded against the sales")
	}
	for _, u := range p.unprofitable {
		t.Errorf("an arbitrage paid out no more than it cost: %s", u)
	}
	if p.low < 0.9985 {
		t.Errorf("the pool's price fell to %.6f, below 0.9985: the arbitrage did not hold it", p.low)
	}

	// With the default band (a 25% rise) the same market brings no sales
	// in the first run: the band is what sets the flow.
	c = loadCompiled(t, "../configs/baseline.toml",
		scenario.Override{Key: "market.assets.gold.mu", Value: "3.0"},
		scenario.Override{Key: "agents.borrowers[1].leverage_share", Value: "1.0"},
		scenario.Override{Key: "agents.borrowers[1].sell_share", Value: "1.0"})
	q := &pegFlows{low: math.Inf(1)}
	r = firstRun(t, c)
	r.trace = q
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	if q.sales >= p.sales {
		t.Errorf("a 25%% band gave %d sales, a 3%% band %d: the band does not set when borrowers mint", q.sales, p.sales)
	}
}

// TestBorrowersBuyToRepay: a borrower who must repay more rwaUSD than its
// wallet holds buys the rest with its reference coins where rwaUSD is
// cheaper, at the rail or in the peg pool, and repays. Baseline, seed
// 20261122, run 0; every gold borrower's rwaUSD is moved out of its wallet
// and replaced by as many USDC, and gold falls 30% over six hours on day
// 5, which takes many below their threshold.
func TestBorrowersBuyToRepay(t *testing.T) {
	src, err := os.ReadFile("../configs/baseline.toml")
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, "\n[[shocks]]\nkind = \"crash\"\nasset = \"gold\"\nstart = \"5d\"\nduration = \"6h\"\nsize = 0.3\n"...)
	s, err := scenario.Parse("../configs/baseline.toml", src)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	r := firstRun(t, c)
	l := r.Sys.L
	gold := -1
	for k, p := range r.Sys.Vat.Profiles {
		if p.Name == "gold" {
			gold = k
		}
	}
	emptied := map[int32]bool{}
	for _, a := range r.Agents {
		b, ok := a.(*agents.Borrower)
		if !ok || int(b.Profile) != gold {
			continue
		}
		var held, usdc uint256.Int
		held.Set(l.Balance(r.Sys.Stable, b.Acct))
		if held.IsZero() {
			continue
		}
		// USDC has 6 decimals, rwaUSD 18: as many coins as rwaUSD.
		usdc.Div(&held, uint256.NewInt(1_000_000_000_000))
		l.J.Begin()
		if err := l.Transfer(r.Sys.Stable, b.Acct, r.Outside, &held); err != nil {
			t.Fatal(err)
		}
		if err := l.Mint(r.Ref, b.Acct, &usdc); err != nil {
			t.Fatal(err)
		}
		l.J.Commit()
		emptied[b.ID] = true
	}
	if len(emptied) == 0 {
		t.Fatal("no gold borrower holds rwaUSD to move")
	}
	p := &repayFlows{emptied: emptied}
	r.trace = p
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d gold borrowers emptied; %d purchases of rwaUSD (%d at the rail, %d in the pool), %d repayments after one",
		len(emptied), p.rail+p.pool, p.rail, p.pool, p.repaid)
	if p.rail+p.pool == 0 {
		t.Fatal("no emptied borrower bought rwaUSD")
	}
	if p.repaid == 0 {
		t.Error("no borrower repaid with the rwaUSD it bought")
	}
	// A borrower's purchase and repayment go in the order it sent them,
	// so the repayment finds the rwaUSD bought (a dust revert is the
	// protocol's, not the order's).
	for _, e := range p.reverts {
		if strings.Contains(e, "insufficient-balance") {
			t.Errorf("a repayment ran before the purchase that pays for it: %s", e)
		}
	}
}

// repayFlows counts the purchases of rwaUSD by the borrowers whose wallets
// the test emptied, and their repayments after a purchase.
type repayFlows struct {
	emptied    map[int32]bool
	bought     map[int32]bool
	rail, pool int
	repaid     int
	reverts    []string
}

func (p *repayFlows) Block(*Run) {}

func (p *repayFlows) Tx(r *Run, rc *agents.Receipt) {
	if p.emptied[rc.Tx.Agent] && rc.Err != nil {
		p.reverts = append(p.reverts, rc.Tx.Kind.String()+": "+rc.Err.Error())
	}
	if !p.emptied[rc.Tx.Agent] || rc.Err != nil {
		return
	}
	if p.bought == nil {
		p.bought = map[int32]bool{}
	}
	switch {
	case rc.Tx.Kind == agents.SellGem:
		p.rail++
		p.bought[rc.Tx.Agent] = true
	case rc.Tx.Kind == agents.PoolSwap && rc.Tx.I == 1:
		p.pool++
		p.bought[rc.Tx.Agent] = true
	case rc.Tx.Kind == agents.Repay && p.bought[rc.Tx.Agent]:
		p.repaid++
	}
}
