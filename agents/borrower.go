package agents

import (
	"math/rand/v2"

	"github.com/tempest-risk/tempest/protocol/vault"
)

// Borrower holds one Collateral Account. It watches its collateral ratio
// (collateral at the market price over its liability) at random times, on
// average every Attention blocks:
//
//   - below ActAt (its own threshold, above the protocol's) it restores
//     TargetCR, first by locking spare collateral from its wallet, then by
//     repaying with rwaUSD from its wallet, buying rwaUSD from the peg pool
//     or the rail with its reference coins if it has to;
//   - if it is a leverage seeker and the ratio rose above TargetCR·(1+Band),
//     it mints back down to TargetCR and sells SellShare of the new rwaUSD
//     into the peg pool.
//
// Once fully liquidated it stops.
type Borrower struct {
	Base
	Urn       vault.AccountID
	Profile   vault.ProfileID
	Asset     int
	TargetCR  float64
	ActAt     float64
	Band      float64
	Leverage  bool
	SellShare float64
	Attention float64 // mean blocks between looks
	Passive   bool    // never touches its position
	Done      bool
}

// Decide implements Agent.
func (b *Borrower) Decide(v *View, r *rand.Rand, out []Tx) []Tx {
	if b.Passive {
		b.Next = Never
		return out
	}
	b.Next = v.Step + expSteps(r, b.Attention)
	locked, debt := v.Position(b.Urn)
	if debt <= 0 {
		if locked <= 0 {
			b.Done = true
			b.Next = Never
		}
		return out
	}
	price := v.Prices[b.Asset]
	cr := locked * price / debt
	prof := &v.Sys.Vat.Profiles[b.Profile]
	dec := v.Sys.L.Decimals(prof.Token)
	switch {
	case cr < b.ActAt:
		// Lock spare collateral first.
		need := b.TargetCR*debt/price - locked
		if spare := v.Wallet(prof.Token, b.Acct); spare > 0 && need > 0 {
			amt := min(spare, need)
			t := b.tx(Deposit)
			t.Account = int32(b.Urn)
			if toUnits(&t.Amt, amt, dec) {
				out = append(out, t)
				locked += amt
			}
		}
		// Then repay what is still missing.
		if cr2 := locked * price / debt; cr2 < b.TargetCR {
			repay := debt - locked*price/b.TargetCR
			out = b.repay(v, repay, out)
		}
	case b.Leverage && cr > b.TargetCR*(1+b.Band):
		mint := locked*price/b.TargetCR - debt
		if mint > 0 {
			t := b.tx(Mint)
			t.Account = int32(b.Urn)
			if toUnits(&t.Amt, mint, 18) {
				out = append(out, t)
			}
			if b.SellShare > 0 && v.Pool != nil {
				s := b.tx(PoolSwap)
				s.I, s.J = 0, 1
				if toUnits(&s.Amt, mint*b.SellShare, 18) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// repay sends rwaUSD to pay down amt of liability, buying the shortfall
// with reference coins where the wallet holds them.
func (b *Borrower) repay(v *View, amt float64, out []Tx) []Tx {
	have := v.Wallet(v.Sys.Stable, b.Acct)
	if short := amt - have; short > 0 {
		ref := v.Wallet(v.RefToken, b.Acct)
		buy := min(short*1.01, ref) // a little extra for fees and price
		if buy > 0 {
			t := b.buyStable(v, buy)
			if t.Kind != None {
				out = append(out, t)
				have += buy * 0.99
			}
		}
	}
	pay := min(amt, have)
	if pay <= 0 {
		return out
	}
	t := b.tx(Repay)
	t.Account = int32(b.Urn)
	if toUnits(&t.Amt, pay, 18) {
		out = append(out, t)
	}
	return out
}

// buyStable buys rwaUSD with ref reference coins where it is cheaper: the
// peg pool or the rail.
func (b *Borrower) buyStable(v *View, ref float64) Tx {
	dec := v.Sys.L.Decimals(v.RefToken)
	rail := v.Sys.Rails[v.PoolRail]
	tin := wad(&rail.Tin)
	railPrice := 1 / (1 - min(tin, 0.999)) // reference coins per rwaUSD at the rail
	var t Tx
	if v.Pool != nil && v.PoolPrice < railPrice {
		t = b.tx(PoolSwap)
		t.I, t.J = 1, 0
	} else {
		t = b.tx(SellGem)
		t.Rail = int32(v.PoolRail)
	}
	if !toUnits(&t.Amt, ref, dec) {
		return Tx{}
	}
	return t
}

// Clone implements Agent. A passive borrower never changes (it is never
// scheduled and sends nothing), so clones share it.
func (a *Borrower) Clone() Agent {
	if a.Passive {
		return a
	}
	c := *a
	return &c
}
