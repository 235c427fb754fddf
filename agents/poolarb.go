package agents

import (
	"math"
	"math/rand/v2"
)

// PoolArb moves every constant-product pool back to the external price each
// block. Its transaction is sized when it runs, on the pool's reserves at
// that moment, as an arbitrage contract reads them on chain: it runs after
// the block's liquidations (keepers pay a higher priority fee), so the pool
// ends every block at the market price whatever was sold into it
// (PoolArbTrade). It holds inventories of both coins and does not
// rebalance them.
type PoolArb struct {
	Base
}

// Decide implements Agent.
func (a *PoolArb) Decide(v *View, r *rand.Rand, out []Tx) []Tx {
	a.Next = v.Step + 1
	for i := range v.CPools {
		if v.Prices[v.ProfileAsset[v.CPools[i].Profile]] > 0 {
			t := a.tx(CPArb)
			t.Pool = int32(i)
			out = append(out, t)
		}
	}
	return out
}

// PoolArbTrade sets t's direction and amount to the swap that brings pool cp
// to price p [rwaUSD per collateral unit]: when the pool values the
// collateral below p it buys collateral with rwaUSD (I = 1), otherwise it
// sells collateral (I = 0). The amount solves the pool's swap with its 0.3%
// fee for the price after it: selling x collateral leaves reserves
// (rC + x, rS − rS·γx/(rC + γx)), whose price is p when
// (rC + γx)(rC + x) = rC·rS/p, and buying with y rwaUSD likewise gives
// (rS + γy)(rS + y) = p·rC·rS. It reports false when the pool is within
// 1e-7 of p or empty.
func PoolArbTrade(cp *CPool, p float64, t *Tx) bool {
	rC := units(&cp.Pool.Reserve0, cp.Decimals)
	rS := wad(&cp.Pool.Reserve1)
	if p <= 0 || rC <= 0 || rS <= 0 {
		return false
	}
	k := rC * rS
	target := math.Sqrt(k / p) // collateral reserve at the market price, without fees
	switch {
	case target < rC*(1-1e-7):
		t.I = 1
		return toUnits(&t.Amt, feeRoot(rS, p*k), 18)
	case target > rC*(1+1e-7):
		t.I = 0
		return toUnits(&t.Amt, feeRoot(rC, k/p), cp.Decimals)
	}
	return false
}

// feeRoot is the positive root z of (r + γz)(r + z) = want, for want > r²,
// with γ = 0.997, the pool's fee: γz² + (1+γ)r·z − (want − r²) = 0, written
// so that a small move loses no precision.
func feeRoot(r, want float64) float64 {
	const g = 0.997
	c := want - r*r
	b := (1 + g) * r
	return 2 * c / (b + math.Sqrt(b*b+4*g*c))
}

// Clone implements Agent.
func (a *PoolArb) Clone() Agent {
	c := *a
	return &c
}
