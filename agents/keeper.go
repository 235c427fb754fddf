package agents

import (
	"math"
	"math/rand/v2"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// Keeper liquidates. Every Latency blocks, if it is online (a keeper outage
// takes a share of keepers offline), it:
//
//  1. sells on the external market the collateral it bought at auction;
//  2. refills its rwaUSD float from its reference coins at the rail when
//     the float falls below half of Capital;
//  3. barks unsafe accounts (racing the other keepers: the first bark
//     wins, the others revert);
//  4. takes from running auctions when the auction price is below what the
//     collateral fetches externally after price impact, by at least
//     MinProfit plus gas, sizing the purchase where the marginal external
//     proceeds meet the auction price, within its rwaUSD;
//  5. redoes auctions that need a reset (the redo reward pays for it).
//
// It sends at most MaxTxs transactions a block.
type Keeper struct {
	Base
	Capital   float64 // rwaUSD float it keeps [rwaUSD]
	Latency   int     // blocks between looks
	MinProfit float64 // [USD]
	MaxTxs    int
	Slot      float64 // in [0,1): offline when Slot < share of keepers offline
}

// Decide implements Agent.
func (k *Keeper) Decide(v *View, r *rand.Rand, out []Tx) []Tx {
	k.Next = v.Step + max(1, k.Latency)
	if k.Slot >= v.Availability {
		return out // offline
	}
	n0 := len(out)
	full := func() bool { return len(out)-n0 >= k.MaxTxs }
	sys := v.Sys
	// 1. Sell auction winnings.
	for p := range sys.Vat.Profiles {
		if sys.Clip[p] == nil || full() {
			continue
		}
		tok := sys.Vat.Profiles[p].Token
		if tok == v.RefToken {
			continue // collateral that is the reference coin is the keeper's cash
		}
		if bal := sys.L.Balance(tok, k.Acct); !bal.IsZero() {
			var t Tx
			if pi := v.PoolOf[p]; pi >= 0 {
				t = k.tx(CPSwap) // sell on chain, into the collateral's pool
				t.Pool, t.I = int32(pi), 0
			} else {
				t = k.tx(SellExternal)
				t.Token = tok
			}
			t.Profile = int32(p)
			t.Amt = *bal
			out = append(out, t)
		}
	}
	// 2. Refill the float.
	stable := v.Wallet(sys.Stable, k.Acct) + rad(sys.Vat.Dai(k.Acct))
	if stable < k.Capital/2 && !full() {
		ref := v.Wallet(v.RefToken, k.Acct)
		if amt := min(ref, k.Capital-stable); amt > 0 {
			t := k.tx(SellGem)
			t.Rail = int32(v.PoolRail)
			if toUnits(&t.Amt, amt, sys.L.Decimals(v.RefToken)) {
				out = append(out, t)
			}
		}
	}
	// 3. Bark every unsafe account it sees (the reward, tip + chip·tab, is
	// what keeps keepers doing this).
	for p := range sys.Vat.Profiles {
		c := sys.Clip[p]
		if c == nil || c.Stopped >= 1 {
			continue
		}
		for _, u := range v.Index.Unsafe(vault.ProfileID(p)) {
			if full() {
				break
			}
			t := k.tx(Bark)
			t.Account = int32(u)
			out = append(out, t)
		}
	}
	// 4 and 5. Take and redo.
	var price uint256.Int
	for p := range sys.Vat.Profiles {
		c := sys.Clip[p]
		if c == nil || c.Stopped >= 3 {
			continue
		}
		asset := v.ProfileAsset[p]
		for _, sale := range c.Active() {
			if full() {
				return out
			}
			needsRedo, ok := sys.AuctionStatus(vault.ProfileID(p), sale.ID, &price)
			if !ok {
				continue
			}
			if needsRedo {
				if c.Stopped < 2 {
					t := k.tx(Redo)
					t.Profile, t.ID = int32(p), sale.ID
					out = append(out, t)
				}
				continue
			}
			if t, ok := k.take(v, p, asset, &sale.Lot, &price, sale.ID, stable); ok {
				out = append(out, t)
				stable -= wad(&t.Amt) * ray(&price)
			}
		}
	}
	return out
}

// take sizes a profitable purchase from an auction at price [ray].
func (k *Keeper) take(v *View, profile, asset int, lot, price *uint256.Int, id int64, budget float64) (Tx, bool) {
	if pi := v.PoolOf[profile]; pi >= 0 {
		return k.takeForPool(v, &v.CPools[pi], profile, lot, price, id, budget)
	}
	pa := ray(price) * v.Peg // USD per collateral unit paid
	pe := v.Prices[asset]    // USD per unit externally
	if pa <= 0 || pe <= 0 || budget <= 0 {
		return Tx{}, false
	}
	liq := v.Liquidity[asset]
	mult := v.Impact[asset]
	ratio := pa / pe
	if ratio >= 1 {
		return Tx{}, false
	}
	lotUnits := wad(lot)
	q := lotUnits
	if kk := liq.K * mult; kk > 0 {
		// Marginal proceeds pe·(1 − (1+b)·kk·s^b) = pa at s* (USD).
		s := math.Pow((1-ratio)/((1+liq.B)*kk), 1/liq.B)
		q = min(q, s/pe)
	}
	q = min(q, budget/(ray(price)))
	if q <= 0 {
		return Tx{}, false
	}
	impact := liq.Impact(q*pe, mult)
	profit := q*pe*(1-impact) - q*pa - v.GasUSD(Gas[Take]) - v.GasUSD(Gas[PoolSwap])
	if profit < k.MinProfit {
		return Tx{}, false
	}
	return k.takeTx(profile, id, price, lot, q, lotUnits)
}

// takeTx is a take of q units of a lot (the whole lot when q reaches it)
// at no more than price.
func (k *Keeper) takeTx(profile int, id int64, price, lot *uint256.Int, q, lotUnits float64) (Tx, bool) {
	t := k.tx(Take)
	t.Profile, t.ID = int32(profile), id
	t.Max = *price
	if q >= lotUnits {
		t.Amt = *lot
	} else if !toUnits(&t.Amt, q, 18) {
		return Tx{}, false
	}
	return t, true
}

// takeForPool sizes a purchase to sell into a constant-product pool: the
// amount at which the pool's marginal proceeds, rS·γ·rC/(rC+γq)², fall to
// the auction price (γ = 0.997, the fee), within the lot and the budget.
func (k *Keeper) takeForPool(v *View, cp *CPool, profile int, lot, price *uint256.Int, id int64, budget float64) (Tx, bool) {
	pa := ray(price)
	rC := units(&cp.Pool.Reserve0, cp.Decimals)
	rS := wad(&cp.Pool.Reserve1)
	if pa <= 0 || rC <= 0 || rS <= 0 || budget <= 0 {
		return Tx{}, false
	}
	const g = 0.997
	q := (math.Sqrt(rS*g*rC/pa) - rC) / g
	lotUnits := wad(lot)
	q = min(q, lotUnits, budget/pa)
	if q <= 0 {
		return Tx{}, false
	}
	proceeds := rS * g * q / (rC + g*q)
	if proceeds-q*pa-v.GasUSD(Gas[Take])-v.GasUSD(Gas[CPSwap]) < k.MinProfit {
		return Tx{}, false
	}
	return k.takeTx(profile, id, price, lot, q, lotUnits)
}

// KeeperValue is a keeper's holdings valued in USD: rwaUSD (wallet and
// internal) at the peg, the reference coin at its price, collateral at the
// market price.
func KeeperValue(v *View, a token.Account) float64 {
	sys := v.Sys
	val := (v.Wallet(sys.Stable, a) + rad(sys.Vat.Dai(a))) * v.Peg
	val += v.Wallet(v.RefToken, a) * v.RefPrice
	for p := range sys.Vat.Profiles {
		if sys.Clip[p] == nil || sys.Vat.Profiles[p].Token == v.RefToken {
			continue
		}
		val += v.Wallet(sys.Vat.Profiles[p].Token, a) * v.Prices[v.ProfileAsset[p]]
	}
	return val
}

// Clone implements Agent.
func (a *Keeper) Clone() Agent {
	c := *a
	return &c
}
