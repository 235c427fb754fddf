package agents

import (
	"math"
	"slices"

	"github.com/tempest-risk/tempest/protocol/rwausd"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// Index keeps each profile's Collateral Accounts sorted by principal per
// unit of collateral, art/ink. Every account of a profile shares the fee
// index and the safe price, so an account is unsafe exactly when
// art/ink > spot/rate: the unsafe accounts are a prefix of the order, and a
// block only looks at the accounts whose threshold the price crossed, as a
// keeper's liquidation-price index does. The float order is a filter:
// callers confirm each candidate with the exact check.
//
// The engine calls Touch for every account a transaction changed.
type Index struct {
	sys  *rwausd.System
	byP  [][]entry // by profile, descending ratio
	pos  []int32   // position of each account in its profile's list
	prof []int32   // profile of each account
	out  []vault.AccountID
}

type entry struct {
	ratio float64 // art/ink; +Inf for debt without collateral, 0 for no debt
	u     vault.AccountID
}

// NewIndex indexes every Collateral Account of sys.
func NewIndex(sys *rwausd.System) *Index {
	x := &Index{sys: sys, byP: make([][]entry, len(sys.Vat.Profiles))}
	x.pos = make([]int32, len(sys.Vat.Accounts))
	x.prof = make([]int32, len(sys.Vat.Accounts))
	for u := range sys.Vat.Accounts {
		p := sys.Vat.Accounts[u].Profile
		x.prof[u] = int32(p)
		x.byP[p] = append(x.byP[p], entry{x.ratio(vault.AccountID(u)), vault.AccountID(u)})
	}
	for p := range x.byP {
		l := x.byP[p]
		slices.SortFunc(l, cmpEntry)
		for k, e := range l {
			x.pos[e.u] = int32(k)
		}
	}
	return x
}

// cmpEntry orders by descending ratio, then by account id.
func cmpEntry(a, b entry) int {
	switch {
	case a.ratio > b.ratio:
		return -1
	case a.ratio < b.ratio:
		return 1
	}
	return int(a.u) - int(b.u)
}

func (x *Index) ratio(u vault.AccountID) float64 {
	a := &x.sys.Vat.Accounts[u]
	if a.Principal.IsZero() {
		return 0
	}
	if a.Locked.IsZero() {
		return math.Inf(1)
	}
	return wad(&a.Principal) / wad(&a.Locked)
}

// Touch re-positions account u after a change. It allocates nothing.
func (x *Index) Touch(u vault.AccountID) {
	if int(u) < 0 || int(u) >= len(x.pos) {
		return
	}
	l := x.byP[x.prof[u]]
	k := int(x.pos[u])
	e := entry{x.ratio(u), u}
	// Bubble the entry to its new place.
	for k > 0 && cmpEntry(e, l[k-1]) < 0 {
		l[k] = l[k-1]
		x.pos[l[k].u] = int32(k)
		k--
	}
	for k < len(l)-1 && cmpEntry(e, l[k+1]) > 0 {
		l[k] = l[k+1]
		x.pos[l[k].u] = int32(k)
		k++
	}
	l[k] = e
	x.pos[u] = int32(k)
}

// Unsafe returns the accounts of profile p that fail the solvency check now,
// most indebted first. The slice is reused by the next call.
func (x *Index) Unsafe(p vault.ProfileID) []vault.AccountID {
	x.out = x.out[:0]
	prof := &x.sys.Vat.Profiles[p]
	if prof.SafePrice.IsZero() {
		return x.out
	}
	threshold := ray(&prof.SafePrice) / ray(&prof.FeeIndex) * (1 - 1e-9)
	for _, e := range x.byP[p] {
		if e.ratio <= threshold {
			break
		}
		if !x.sys.Vat.Safe(e.u) {
			x.out = append(x.out, e.u)
		}
	}
	return x.out
}
