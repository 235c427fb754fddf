package vault

// dss's accounting identities (vat.sol: debt = Σ dai, vice = Σ sin,
// Σ Art·rate + vice = debt) as executable checks: not a contract.

import (
	"fmt"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// CheckInvariants verifies the accounting identities of the engine:
// debt = Σ dai, vice = Σ sin, Σ Art·rate + vice = debt, and each profile's
// Principal equals the sum of its accounts' principal.
func (e *Engine) CheckInvariants() error {
	var sumDai, sumSin, owed uint256.Int
	if fixed.Sum(&sumDai, e.dai) {
		return fmt.Errorf("vault: Σ dai overflows")
	}
	if fixed.Sum(&sumSin, e.sin) {
		return fmt.Errorf("vault: Σ sin overflows")
	}
	if !sumDai.Eq(&e.Debt) {
		return fmt.Errorf("vault: debt %s != Σ dai %s", e.Debt.Dec(), sumDai.Dec())
	}
	if !sumSin.Eq(&e.Vice) {
		return fmt.Errorf("vault: vice %s != Σ sin %s", e.Vice.Dec(), sumSin.Dec())
	}
	if cap(e.scratch) < len(e.Profiles) {
		e.scratch = make([]uint256.Int, len(e.Profiles))
	}
	art := e.scratch[:len(e.Profiles)]
	clear(art)
	e.SumByProfile(art, false)
	for i := range e.Profiles {
		p := &e.Profiles[i]
		if !art[i].Eq(&p.Principal) {
			return fmt.Errorf("vault: profile %s: Art %s != Σ account principal %s", p.Name, p.Principal.Dec(), art[i].Dec())
		}
		var x uint256.Int
		if of := fixed.MulOverflow(&x, &p.Principal, &p.FeeIndex); of {
			return fmt.Errorf("vault: profile %s: Art·rate overflows", p.Name)
		}
		owed.Add(&owed, &x)
	}
	owed.Add(&owed, &e.Vice)
	if !owed.Eq(&e.Debt) {
		return fmt.Errorf("vault: Σ Art·rate + vice %s != debt %s", owed.Dec(), e.Debt.Dec())
	}
	return nil
}

// CloneInto makes dst a deep copy of e's state over ledger l (normally a
// clone of e.L), reusing the storage dst holds, and returns it; a nil dst
// gives Clone's result. dst must not be e. dst's caches (not state) are
// kept: they are keyed by their inputs.
func (e *Engine) CloneInto(dst *Engine, l *token.Ledger) *Engine {
	if dst == nil {
		return e.Clone(l)
	}
	if dst == e {
		panic("vault: Engine.CloneInto onto itself")
	}
	scratch, memo := dst.scratch, dst.memo
	profiles, accounts, dai, sin := dst.Profiles, dst.Accounts, dst.dai, dst.sin
	*dst = *e
	dst.L, dst.scratch, dst.memo = l, scratch, memo
	dst.Profiles = token.CopyReusing(profiles, e.Profiles, func(p *Profile) *[]uint256.Int { return &p.gem })
	dst.Accounts = append(accounts[:0], e.Accounts...)
	dst.dai = append(dai[:0], e.dai...)
	dst.sin = append(sin[:0], e.sin...)
	return dst
}

// Clone returns a deep copy of the engine's state over ledger l (normally a
// clone of e.L), for comparisons in tests and what-if analysis.
func (e *Engine) Clone(l *token.Ledger) *Engine {
	c := *e
	c.L = l
	c.scratch = nil
	c.memo = nil
	c.Profiles = append([]Profile(nil), e.Profiles...)
	for i := range c.Profiles {
		c.Profiles[i].gem = append([]uint256.Int(nil), e.Profiles[i].gem...)
	}
	c.Accounts = append([]Account(nil), e.Accounts...)
	c.dai = append([]uint256.Int(nil), e.dai...)
	c.sin = append([]uint256.Int(nil), e.sin...)
	return &c
}
