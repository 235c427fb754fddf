package agents

import (
	"math"
	"slices"

	"github.com/holiman/uint256"

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
	sys   *rwausd.System
	byP   [][]entry // by profile, descending ratio, then ascending account
	ratio []float64 // the ratio each account is filed under
	prof  []int32   // profile of each account
	out   []vault.AccountID
	memo  []threshold // by profile: the last threshold Unsafe computed
}

// threshold is Unsafe's ratio threshold of a profile and the safe price
// and fee index it was computed from.
type threshold struct {
	safe, fee uint256.Int
	t         float64
	ok        bool
}

type entry struct {
	ratio float64 // art/ink; +Inf for debt without collateral, 0 for no debt
	u     vault.AccountID
}

// NewIndex indexes every Collateral Account of sys.
func NewIndex(sys *rwausd.System) *Index {
	n := len(sys.Vat.Accounts)
	x := &Index{sys: sys, byP: make([][]entry, len(sys.Vat.Profiles)), ratio: make([]float64, n), prof: make([]int32, n)}
	for u := range sys.Vat.Accounts {
		p := sys.Vat.Accounts[u].Profile
		x.prof[u] = int32(p)
		x.ratio[u] = x.current(vault.AccountID(u))
		x.byP[p] = append(x.byP[p], entry{x.ratio[u], vault.AccountID(u)})
	}
	for p := range x.byP {
		slices.SortFunc(x.byP[p], cmpEntry)
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

func (x *Index) current(u vault.AccountID) float64 {
	a := &x.sys.Vat.Accounts[u]
	if a.Principal.IsZero() {
		return 0
	}
	if a.Locked.IsZero() {
		return math.Inf(1)
	}
	return wad(&a.Principal) / wad(&a.Locked)
}

// Touch re-files account u after a change: two binary searches and one
// move of the entries in between. It allocates nothing.
func (x *Index) Touch(u vault.AccountID) {
	if int(u) < 0 || int(u) >= len(x.ratio) {
		return
	}
	l := x.byP[x.prof[u]]
	old := entry{x.ratio[u], u}
	e := entry{x.current(u), u}
	if e.ratio == old.ratio {
		return
	}
	i, _ := slices.BinarySearchFunc(l, old, cmpEntry) // where u is filed
	j, _ := slices.BinarySearchFunc(l, e, cmpEntry)   // where it belongs among all entries
	if j > i {
		j-- // u's own slot is vacated
		copy(l[i:j], l[i+1:j+1])
	} else {
		copy(l[j+1:i+1], l[j:i])
	}
	l[j] = e
	x.ratio[u] = e.ratio
}

// Unsafe returns the accounts of profile p that fail the solvency check now,
// most indebted first. The slice is reused by the next call.
func (x *Index) Unsafe(p vault.ProfileID) []vault.AccountID {
	x.out = x.out[:0]
	prof := &x.sys.Vat.Profiles[p]
	if prof.SafePrice.IsZero() {
		return x.out
	}
	if len(x.memo) <= int(p) {
		x.memo = append(x.memo, make([]threshold, int(p)+1-len(x.memo))...)
	}
	m := &x.memo[p]
	if !m.ok || !m.safe.Eq(&prof.SafePrice) || !m.fee.Eq(&prof.FeeIndex) {
		// Keepers ask several times a block with the same prices.
		m.safe, m.fee, m.ok = prof.SafePrice, prof.FeeIndex, true
		m.t = ray(&prof.SafePrice) / ray(&prof.FeeIndex) * (1 - 1e-9)
	}
	threshold := m.t
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

// CloneInto makes dst a copy of x over sys, a clone of the System x
// indexes, reusing the storage dst holds, and returns it; a nil dst gives
// Clone's result.
func (x *Index) CloneInto(dst *Index, sys *rwausd.System) *Index {
	if dst == nil {
		return x.Clone(sys)
	}
	if dst == x {
		panic("agents: Index.CloneInto onto itself")
	}
	byP := dst.byP
	dst.sys, dst.prof = sys, x.prof // prof never changes
	dst.byP = byP[:0]
	for p := range x.byP {
		var e []entry
		if p < len(byP) {
			e = byP[p][:0] // read before the append below overwrites byP[p]
		}
		dst.byP = append(dst.byP, append(e, x.byP[p]...))
	}
	dst.ratio = append(dst.ratio[:0], x.ratio...)
	return dst
}

// Clone returns a copy of the index over sys, a clone of the System it
// indexes.
func (x *Index) Clone(sys *rwausd.System) *Index {
	c := &Index{sys: sys, byP: make([][]entry, len(x.byP)), prof: x.prof} // prof never changes
	for p := range x.byP {
		c.byP[p] = append([]entry(nil), x.byP[p]...)
	}
	c.ratio = append([]float64(nil), x.ratio...)
	return c
}
