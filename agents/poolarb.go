package agents

import (
	"math"
	"math/rand/v2"
)

// PoolArb moves every constant-product pool back to the external price each
// block: when the pool values the collateral below the market it buys
// collateral with rwaUSD, otherwise it sells collateral, in the amount that
// brings the pool's price to the market price (grossed up for the pool's
// 0.3% fee). It holds inventories of both and does not rebalance them.
type PoolArb struct {
	Base
}

// Decide implements Agent.
func (a *PoolArb) Decide(v *View, r *rand.Rand, out []Tx) []Tx {
	a.Next = v.Step + 1
	for i := range v.CPools {
		cp := &v.CPools[i]
		p := v.Prices[v.ProfileAsset[cp.Profile]]
		rC := units(&cp.Pool.Reserve0, cp.Decimals)
		rS := wad(&cp.Pool.Reserve1)
		if p <= 0 || rC <= 0 || rS <= 0 {
			continue
		}
		k := rC * rS
		target := math.Sqrt(k / p) // collateral reserve at the market price
		const g = 0.997
		switch {
		case target < rC*(1-1e-7):
			t := a.tx(CPSwap)
			t.Pool, t.I = int32(i), 1
			if toUnits(&t.Amt, (math.Sqrt(k*p)-rS)/g, 18) {
				out = append(out, t)
			}
		case target > rC*(1+1e-7):
			t := a.tx(CPSwap)
			t.Pool, t.I = int32(i), 0
			if toUnits(&t.Amt, (target-rC)/g, cp.Decimals) {
				out = append(out, t)
			}
		}
	}
	return out
}

// Clone implements Agent.
func (a *PoolArb) Clone() Agent {
	c := *a
	return &c
}
