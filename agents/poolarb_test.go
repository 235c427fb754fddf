package agents

import (
	"math"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/dex"
	"github.com/tempest-risk/tempest/protocol/fixed"
)

// TestFeeRoot: the root solves (r + γz)(r + z) = want, also for a move so
// small that the naive quadratic formula would cancel to nothing.
func TestFeeRoot(t *testing.T) {
	const g = 0.997
	for _, c := range []struct{ r, want float64 }{
		{1000, 1000 * 1000 * 1.44},
		{1000, 1000 * 1000 * (1 + 1e-9)},
		{3e15, 3e15 * 3e15 * 9},
		{1e-3, 4e-6},
	} {
		z := feeRoot(c.r, c.want)
		if got := (c.r + g*z) * (c.r + z); !(z > 0) || math.Abs(got/c.want-1) > 1e-14 {
			t.Errorf("feeRoot(%g, %g) = %g: (r+γz)(r+z) = %g", c.r, c.want, z, got)
		}
	}
}

// TestPoolArbTrade: the trade, swapped through the pool with its fee and
// the integer rounding, leaves the pool at the target price to within what
// one unit of the traded token can move it; the pool then needs no trade.
func TestPoolArbTrade(t *testing.T) {
	for _, c := range []struct {
		dec          uint8
		coll, stable float64 // reserves [whole tokens]
		target       float64 // [rwaUSD per collateral unit]
		wantI        int8
	}{
		{18, 1000, 2e6, 1500, 0}, // the pool prices ETH at 2000: sell ETH into it
		{18, 1000, 2e6, 2600, 1}, // buy ETH with rwaUSD
		{18, 1000, 2e6, 2000.5, 1},
		{8, 10, 6e5, 30000, 0},
		{8, 10, 6e5, 102000, 1},
		{6, 1e6, 1e6, 0.9, 0},
		{6, 1e6, 1e6, 1.1, 1},
		{18, 2e15, 2e15, 1.5, 1}, // reserves of half the pair's 2^112 limit after the trade
	} {
		pool := &dex.ConstantProduct{}
		var a0, a1 uint256.Int
		if fixed.FromFloat(&a0, c.coll, uint(c.dec)) != nil || fixed.FromFloat(&a1, c.stable, 18) != nil {
			t.Fatal("reserves")
		}
		if _, err := pool.Deposit(&a0, &a1); err != nil {
			t.Fatal(err)
		}
		cp := &CPool{Pool: pool, Decimals: c.dec}
		var tx Tx
		if !PoolArbTrade(cp, c.target, &tx) {
			t.Errorf("%+v: no trade", c)
			continue
		}
		if tx.I != c.wantI {
			t.Errorf("%+v: direction %d, want %d", c, tx.I, c.wantI)
		}
		var zero uint256.Int
		if _, err := pool.SwapExactIn(int(tx.I), &tx.Amt, &zero); err != nil {
			t.Errorf("%+v: swap of %s: %v", c, tx.Amt.Dec(), err)
			continue
		}
		rC := units(&pool.Reserve0, c.dec)
		rS := wad(&pool.Reserve1)
		unit := math.Max(math.Pow10(-int(c.dec))/rC, 1e-18/rS) // one unit's share of its reserve
		if got := rS / rC; math.Abs(got/c.target-1) > 1e-9+4*unit {
			t.Errorf("%+v: pool at %.10g after the trade", c, got)
		}
		if PoolArbTrade(cp, c.target, &tx) {
			t.Errorf("%+v: a second trade of %s", c, tx.Amt.Dec())
		}
	}
}
