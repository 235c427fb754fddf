package rwausd

// The seed's invariants and dss's accounting identities as executable
// checks: not a contract.

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// ErrInvariant wraps every invariant violation, so callers can tell a broken
// model from a revert.
var ErrInvariant = errors.New("invariant violated")

func errRiskGate(op string, u vault.AccountID) error {
	return fmt.Errorf("%w: risk gate: %s left account %d unsafe", ErrInvariant, op, u)
}

func violation(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvariant}, args...)...)
}

// CheckInvariants verifies the seed's invariants and the conservation
// identities after a block (or, in tests, after every transaction):
//
//  1. No untracked issuance: the rwaUSD supply is backed one to one by the
//     join's internal balance, and the accounting core's identities hold
//     (debt = Σ dai, vice = Σ sin, Σ Art·rate + vice = debt), so every
//     stablecoin in existence is a recorded liability or a recorded deficit.
//  2. Risk checks gate issuance and withdrawal: every mint and withdraw left
//     its account safe (checked as each commits; reported here).
//  3. Unsafe accounts are unwindable by anyone: with thorough set, every
//     unsafe account's bark computes, or is refused only for the auction
//     limits (Dog/liquidation-limit-hit) or the partial-liquidation dust
//     rule, never for another reason.
//  4. Shortfalls are explicit: the backstop's queued and on-auction debt
//     never exceed its recorded bad debt, and each Dog limit counter equals
//     the tabs of its running auctions.
//  5. Conservation: every token's supply equals the sum of its balances, and
//     each profile's collateral in custody equals its locked, free and
//     in-auction collateral.
//
// The cheap checks are O(accounts) additions; thorough adds one bark plan
// per unsafe account.
func (s *System) CheckInvariants(thorough bool) error {
	if s.violation != nil {
		return s.violation
	}
	if err := s.L.CheckInvariants(); err != nil {
		return violation("conservation: %v", err)
	}
	if err := s.Vat.CheckInvariants(); err != nil {
		return violation("accounting: %v", err)
	}
	var backing uint256.Int
	if of := fixed.MulOverflow(&backing, s.L.Supply(s.Stable), &fixed.RAY); of || !backing.Eq(s.Vat.Dai(s.JoinAcct)) {
		return violation("untracked issuance: rwaUSD supply·RAY %s != join balance %s",
			backing.Dec(), s.Vat.Dai(s.JoinAcct).Dec())
	}
	if err := s.checkCollateral(); err != nil {
		return err
	}
	if err := s.checkBackstop(); err != nil {
		return err
	}
	if thorough {
		return s.checkUnwindable()
	}
	return nil
}

// CheckCheap runs the invariants that cost O(profiles), not O(accounts): the
// stablecoin's backing, the auction and debt-queue bookkeeping and each
// auction's collateral. The engine runs it after every block and
// CheckInvariants periodically.
func (s *System) CheckCheap() error {
	if s.violation != nil {
		return s.violation
	}
	var backing uint256.Int
	if of := fixed.MulOverflow(&backing, s.L.Supply(s.Stable), &fixed.RAY); of || !backing.Eq(s.Vat.Dai(s.JoinAcct)) {
		return violation("untracked issuance: rwaUSD supply·RAY %s != join balance %s",
			backing.Dec(), s.Vat.Dai(s.JoinAcct).Dec())
	}
	for i, c := range s.Clip {
		if c == nil {
			continue
		}
		var lots, tabs uint256.Int
		for _, sale := range c.Active() {
			lots.Add(&lots, &sale.Lot)
			tabs.Add(&tabs, &sale.Tab)
		}
		if g := s.Vat.Gem(vault.ProfileID(i), s.ClipAcct[i]); !g.Eq(&lots) {
			return violation("conservation: profile %s: auction holds %s wad, lots sum to %s", s.Vat.Profiles[i].Name, g.Dec(), lots.Dec())
		}
		if d := &s.Dog.Ilks[i].Dirt; !d.Eq(&tabs) {
			return violation("shortfall accounting: profile %s: dirt %s != Σ tab %s", s.Vat.Profiles[i].Name, d.Dec(), tabs.Dec())
		}
	}
	return s.checkBackstop()
}

func (s *System) checkCollateral() error {
	var local [8]uint256.Int // no allocation for up to eight profiles
	held := local[:0]
	if n := len(s.Vat.Profiles); n <= len(local) {
		held = local[:n]
	} else {
		held = make([]uint256.Int, n)
	}
	s.Vat.SumByProfile(held, true)
	for i := range s.Vat.Profiles {
		p := &s.Vat.Profiles[i]
		id := vault.ProfileID(i)
		var free uint256.Int
		held[i].Add(&held[i], s.Vat.SumGem(&free, id, s.L.Accounts()))
		var custody uint256.Int
		custody.Mul(s.L.Balance(p.Token, s.GemJoin[i]), &p.Scale)
		if !custody.Eq(&held[i]) {
			return violation("conservation: profile %s: custody %s wad != locked + free + in auction %s",
				p.Name, custody.Dec(), held[i].Dec())
		}
		c := s.Clip[i]
		if c == nil {
			continue
		}
		var lots, tabs uint256.Int
		for _, sale := range c.Active() {
			lots.Add(&lots, &sale.Lot)
			tabs.Add(&tabs, &sale.Tab)
		}
		if g := s.Vat.Gem(id, s.ClipAcct[i]); !g.Eq(&lots) {
			return violation("conservation: profile %s: auction holds %s wad, lots sum to %s", p.Name, g.Dec(), lots.Dec())
		}
		if d := &s.Dog.Ilks[i].Dirt; !d.Eq(&tabs) {
			return violation("shortfall accounting: profile %s: dirt %s != Σ tab %s", p.Name, d.Dec(), tabs.Dec())
		}
	}
	return nil
}

func (s *System) checkBackstop() error {
	var dirt uint256.Int
	for i := range s.Dog.Ilks {
		dirt.Add(&dirt, &s.Dog.Ilks[i].Dirt)
	}
	if !dirt.Eq(&s.Dog.Dirt) {
		return violation("shortfall accounting: Dirt %s != Σ dirt %s", s.Dog.Dirt.Dec(), dirt.Dec())
	}
	var queued uint256.Int
	for _, e := range s.Vow.Queue[:s.Vow.N] {
		queued.Add(&queued, &e.Amt)
	}
	if !queued.Eq(&s.Vow.Sin) {
		return violation("shortfall accounting: Sin %s != Σ queue %s", s.Vow.Sin.Dec(), queued.Dec())
	}
	var owed uint256.Int
	owed.Add(&s.Vow.Sin, &s.Vow.Ash)
	if owed.Gt(s.Vat.Sin(s.VowAcct)) {
		return violation("shortfall accounting: Sin + Ash %s > backstop bad debt %s", owed.Dec(), s.Vat.Sin(s.VowAcct).Dec())
	}
	return nil
}

func (s *System) checkUnwindable() error {
	var plan auction.BarkPlan
	for u := range s.Vat.Accounts {
		a := &s.Vat.Accounts[u]
		if s.Clip[a.Profile] == nil || s.Vat.Safe(vault.AccountID(u)) {
			continue
		}
		p := &s.Vat.Profiles[a.Profile]
		if p.SafePrice.IsZero() {
			continue // no valid price: nobody can tell it is unsafe
		}
		err := s.Dog.PlanBark(int(a.Profile), &a.Locked, &a.Principal, &p.FeeIndex, &p.SafePrice, &p.Dust, &plan)
		switch {
		case err == nil, errors.Is(err, auction.ErrLimitHit), errors.Is(err, auction.ErrDustyPartial):
		default:
			return violation("unwindable: unsafe account %d cannot be barked: %v", u, err)
		}
	}
	return nil
}
