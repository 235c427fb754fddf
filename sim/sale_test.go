package sim

import (
	"math"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// TestPoolSale: with sale = "pool" (the benchmark's peer model) every bark
// sells its collateral into the pool in its own transaction, so no auction
// ever runs; the arbitrageur, whose trade is sized when it executes, leaves
// the pool at the market price at the end of every block, after the
// block's sales; and the run's figures add up: the shortfall (tab unpaid)
// is what the protocol's totals say, at least the bad debt (due unpaid),
// and positive when a 150-ETH pool takes the dumps.
func TestPoolSale(t *testing.T) {
	c := loadCompiled(t, "../configs/bench/cdp-gbm.toml",
		scenario.Override{Key: "pools.eth.liquidity", Value: "150"},
		scenario.Override{Key: "auction.eth.sale", Value: "pool"})
	r := firstRun(t, c)
	cp := &r.CPools[0]
	for step := 1; step <= c.Steps; step++ {
		if err := r.block(step); err != nil {
			t.Fatalf("block %d: %v", step, err)
		}
		if n := r.Sys.Clip[0].N; n != 0 {
			t.Fatalf("block %d: %d auctions running", step, n)
		}
		pool := fixed.ToFloat(&cp.pool.Reserve1, 18) / fixed.ToFloat(&cp.pool.Reserve0, 18)
		if market := r.View.Prices[r.C.profiles[0].asset]; math.Abs(pool/market-1) > 1e-6 {
			t.Fatalf("block %d: pool price %.6f, market %.6f", step, pool, market)
		}
	}
	st := &r.Stats
	short := rad(&r.Sys.Totals.Shortfall)
	if st.Liquidations == 0 || int64(st.Liquidations) != r.Sys.Totals.Barks || r.Sys.Totals.Takes != 0 {
		t.Fatalf("liquidations %d, barks %d, takes %d", st.Liquidations, r.Sys.Totals.Barks, r.Sys.Totals.Takes)
	}
	if !(short > 0) || st.BadDebt > short {
		t.Fatalf("shortfall %g, bad debt %g: want 0 < bad debt ≤ shortfall", short, st.BadDebt)
	}
	if got := summaryValue("shortfall", r); got != short {
		t.Fatalf("shortfall metric %g, totals %g", got, short)
	}
	var raised uint256.Int
	raised.Add(&r.Sys.Totals.Raised, &r.Sys.Totals.Shortfall)
	if due := st.LiquidatedDebt * 1.13; math.Abs(rad(&raised)/due-1) > 1e-9 {
		t.Fatalf("raised + shortfall %g, Σ tab %g", rad(&raised), due)
	}
	if err := r.Sys.CheckInvariants(true); err != nil {
		t.Fatal(err)
	}
}

// TestPoolArbAtPeg: a constant-product pool quotes collateral in rwaUSD and
// the market in USD, so with rwaUSD off its peg the arbitrageur brings the
// pool to the market price over the peg, not to the market price.
func TestPoolArbAtPeg(t *testing.T) {
	c := loadCompiled(t, "../configs/bench/cdp-gbm.toml")
	r := firstRun(t, c)
	if err := r.block(1); err != nil {
		t.Fatal(err)
	}
	arb := token.Account(-1)
	for a := range r.Sys.L.Accounts() {
		if r.Sys.L.Label(token.Account(a)) == "pool-arb0" {
			arb = token.Account(a)
		}
	}
	if arb < 0 {
		t.Fatal("no pool arbitrageur")
	}
	cp := &r.CPools[0]
	market := r.View.Prices[r.C.profiles[0].asset]
	for _, peg := range []float64{0.95, 1.04, 1} {
		r.View.Peg = peg
		var rc agents.Receipt
		r.exec(&agents.Tx{Kind: agents.CPArb, From: arb, Pool: 0}, &rc)
		if rc.Err != nil {
			t.Fatalf("peg %g: %v", peg, rc.Err)
		}
		pool := fixed.ToFloat(&cp.pool.Reserve1, 18) / fixed.ToFloat(&cp.pool.Reserve0, 18)
		if want := market / peg; math.Abs(pool/want-1) > 1e-6 {
			t.Errorf("peg %g: pool price %.4f rwaUSD, want %.4f (market %.4f USD)", peg, pool, want, market)
		}
	}
}
