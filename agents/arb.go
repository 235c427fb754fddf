package agents

import (
	"math/rand/v2"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// Arbitrageur trades the peg pool against the peg rail with an atomic
// contract call (ArbRail): when rwaUSD is cheap in the pool it buys rwaUSD
// there with reference coins and redeems it at the rail for reference coins
// (paying tout); when rwaUSD is dear it mints rwaUSD at the rail (paying
// tin) and sells it in the pool. It sizes the trade by bisection on the
// pool's own quote so the profit is largest, within its reference-coin
// Capital, and trades only for at least MinProfit after gas.
type Arbitrageur struct {
	Base
	Latency   int
	MinProfit float64 // [USD]
}

// Decide implements Agent.
func (a *Arbitrageur) Decide(v *View, r *rand.Rand, out []Tx) []Tx {
	a.Next = v.Step + max(1, a.Latency)
	if v.Pool == nil {
		return out
	}
	sys := v.Sys
	rail := sys.Rails[v.PoolRail]
	dec := sys.L.Decimals(v.RefToken)
	tin, tout := wad(&rail.Tin), wad(&rail.Tout)
	gas := v.GasUSD(Gas[ArbRail])
	// Direction 0: rwaUSD cheap in the pool (costs fewer reference coins
	// than the rail pays back, 1/(1+tout)).
	if !rail.Tout.Eq(&haltedFee) && v.PoolPrice < 1/(1+tout) {
		budget := v.Wallet(v.RefToken, a.Acct)
		x, profit := a.best(v, budget, func(x float64) float64 {
			out := a.quote(v, 1, 0, x, dec, 18) // rwaUSD bought
			return out/(1+tout) - x
		})
		if profit*v.RefPrice > a.MinProfit+gas {
			t := a.tx(ArbRail)
			t.I, t.Rail = 0, int32(v.PoolRail)
			if toUnits(&t.Amt, x, dec) {
				out = append(out, t)
			}
		}
		return out
	}
	// Direction 1: rwaUSD dear in the pool.
	if !rail.Tin.Eq(&haltedFee) && v.PoolPrice > 1/(1-min(tin, 0.999)) {
		budget := v.Wallet(v.RefToken, a.Acct)
		x, profit := a.best(v, budget, func(x float64) float64 {
			minted := x * (1 - tin)
			return a.quote(v, 0, 1, minted, 18, dec) - x
		})
		if profit*v.RefPrice > a.MinProfit+gas {
			t := a.tx(ArbRail)
			t.I, t.Rail = 1, int32(v.PoolRail)
			if toUnits(&t.Amt, x, dec) {
				out = append(out, t)
			}
		}
	}
	return out
}

var haltedFee = fixed.Max

// quote returns the pool's output for dx of coin i, in whole coins.
func (a *Arbitrageur) quote(v *View, i, j int, dx float64, di, dj uint8) float64 {
	var in uint256.Int
	if !toUnits(&in, dx, di) {
		return 0
	}
	out, err := v.Pool.GetDy(i, j, &in, v.Now)
	if err != nil {
		return 0
	}
	return units(&out, dj)
}

// best maximises a concave profit over [0, budget] by ternary search (the
// pool's quote makes profit concave in size) and returns the size and the
// profit.
func (a *Arbitrageur) best(v *View, budget float64, profit func(float64) float64) (float64, float64) {
	if budget <= 0 {
		return 0, 0
	}
	lo, hi := 0.0, budget
	for it := 0; it < 40 && hi-lo > 1e-6*budget; it++ {
		m1, m2 := lo+(hi-lo)/3, hi-(hi-lo)/3
		if profit(m1) < profit(m2) {
			lo = m1
		} else {
			hi = m2
		}
	}
	x := (lo + hi) / 2
	return x, profit(x)
}

// Clone implements Agent.
func (a *Arbitrageur) Clone() Agent {
	c := *a
	return &c
}
