package rwausd

// Collateral Account transactions as a user makes them through
// DssProxyActions (makerdao/dss-proxy-actions @bac8bff
// src/DssProxyActions.sol: lockGem, freeGem, draw, wipe, wipeAll, with the
// amounts of _getDrawDart, _getWipeDart and _getWipeAllWad) over
// GemJoin/DaiJoin and Vat.frob (makerdao/dss @fa4f663).
// Deviations: see doc.go.

import (
	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// account loads Collateral Account u and checks that owner owns it.
func (s *System) account(owner token.Account, u vault.AccountID) (*vault.Account, error) {
	if int(u) < 0 || int(u) >= len(s.Vat.Accounts) {
		return nil, ErrNoSuchAccount
	}
	a := &s.Vat.Accounts[u]
	if a.Owner != owner {
		return nil, ErrNotOwner
	}
	return a, nil
}

// joinGem moves amt [token units] of profile i's collateral from usr's
// wallet into the engine as free collateral (GemJoin.join) and returns the
// amount in wad.
func (s *System) joinGem(i vault.ProfileID, usr token.Account, amt, wad *uint256.Int) error {
	p := &s.Vat.Profiles[i]
	if err := fixed.Mul(wad, amt, &p.Scale); err != nil {
		return err
	}
	if err := s.L.Transfer(p.Token, usr, s.GemJoin[i], amt); err != nil {
		return err
	}
	return s.Vat.Slip(i, usr, wad)
}

// exitGem moves up to wad of usr's free collateral of profile i to usr's
// wallet, floored to whole token units (GemJoin.exit); it returns the token
// amount.
func (s *System) exitGem(i vault.ProfileID, usr token.Account, wad, amt *uint256.Int) error {
	p := &s.Vat.Profiles[i]
	if err := fixed.Div(amt, wad, &p.Scale); err != nil {
		return err
	}
	if amt.IsZero() {
		return nil
	}
	var w, neg uint256.Int
	w.Mul(amt, &p.Scale)
	neg.Neg(&w)
	if err := s.Vat.Slip(i, usr, &neg); err != nil {
		return err
	}
	return s.L.Transfer(p.Token, s.GemJoin[i], usr, amt)
}

// joinStable burns wad of usr's rwaUSD and credits the same internal balance
// (DaiJoin.join).
func (s *System) joinStable(usr token.Account, wad *uint256.Int) error {
	if err := s.L.Burn(s.Stable, usr, wad); err != nil {
		return err
	}
	var rad uint256.Int
	if err := fixed.Mul(&rad, wad, &fixed.RAY); err != nil {
		return err
	}
	return s.Vat.Move(s.JoinAcct, usr, &rad)
}

// exitStable debits wad of usr's internal balance and mints the rwaUSD
// (DaiJoin.exit).
func (s *System) exitStable(usr token.Account, wad *uint256.Int) error {
	var rad uint256.Int
	if err := fixed.Mul(&rad, wad, &fixed.RAY); err != nil {
		return err
	}
	if err := s.Vat.Move(usr, s.JoinAcct, &rad); err != nil {
		return err
	}
	return s.L.Mint(s.Stable, usr, wad)
}

// ensureDai joins just enough of usr's rwaUSD that its internal balance
// covers rad (rounding the join up to whole wad).
func (s *System) ensureDai(usr token.Account, rad *uint256.Int) error {
	have := s.Vat.Dai(usr)
	if !have.Lt(rad) {
		return nil
	}
	var need, wad, rem uint256.Int
	need.Sub(rad, have)
	wad.DivMod(&need, &fixed.RAY, &rem)
	if !rem.IsZero() {
		wad.AddUint64(&wad, 1)
	}
	return s.joinStable(usr, &wad)
}

// Deposit locks amt [collateral token units] from owner's wallet into
// Collateral Account u (GemJoin.join + Vat.frob with dink > 0).
func (s *System) Deposit(owner token.Account, u vault.AccountID, amt *uint256.Int) error {
	s.begin()
	return s.end(s.deposit(owner, u, amt))
}

func (s *System) deposit(owner token.Account, u vault.AccountID, amt *uint256.Int) error {
	a, err := s.account(owner, u)
	if err != nil {
		return err
	}
	var wad, zero uint256.Int
	if err := s.joinGem(a.Profile, owner, amt, &wad); err != nil {
		return err
	}
	return s.Vat.Frob(u, owner, owner, &wad, &zero)
}

// Withdraw frees amt [collateral token units] from Collateral Account u to
// owner's wallet (Vat.frob with dink < 0 + GemJoin.exit). It reverts
// Vat/not-safe if the account would fail the solvency check.
func (s *System) Withdraw(owner token.Account, u vault.AccountID, amt *uint256.Int) error {
	s.begin()
	err := s.withdraw(owner, u, amt)
	if err == nil && !s.Vat.Safe(u) {
		s.fail(errRiskGate("withdraw", u))
	}
	return s.end(err)
}

func (s *System) withdraw(owner token.Account, u vault.AccountID, amt *uint256.Int) error {
	a, err := s.account(owner, u)
	if err != nil {
		return err
	}
	i := a.Profile
	var wad, neg, zero, out uint256.Int
	if err := fixed.Mul(&wad, amt, &s.Vat.Profiles[i].Scale); err != nil {
		return err
	}
	neg.Neg(&wad)
	if fixed.IsNeg(&wad) {
		return fixed.ErrOverflow
	}
	if err := s.Vat.Frob(u, owner, owner, &neg, &zero); err != nil {
		return err
	}
	return s.exitGem(i, owner, &wad, &out)
}

// Mint draws wad of rwaUSD against Collateral Account u to owner's wallet:
// Jug.drip, Vat.frob with the principal DssProxyActions computes (rounded up
// so the owner receives exactly wad), DaiJoin.exit. It reverts Vat/not-safe
// or Vat/ceiling-exceeded when the solvency check or a ceiling fails.
func (s *System) Mint(owner token.Account, u vault.AccountID, wad *uint256.Int) error {
	s.begin()
	err := s.mint(owner, u, wad)
	if err == nil && !s.Vat.Safe(u) {
		s.fail(errRiskGate("mint", u))
	}
	return s.end(err)
}

func (s *System) mint(owner token.Account, u vault.AccountID, wad *uint256.Int) error {
	a, err := s.account(owner, u)
	if err != nil {
		return err
	}
	rate, err := s.Vat.Drip(a.Profile, s.Now)
	if err != nil {
		return err
	}
	var want, dart, zero uint256.Int
	if err := fixed.Mul(&want, wad, &fixed.RAY); err != nil {
		return err
	}
	if dai := s.Vat.Dai(owner); dai.Lt(&want) {
		// dart = (wad·RAY − dai) / rate, plus one if dart·rate < wad·RAY
		dart.Sub(&want, dai)
		if err := fixed.Div(&dart, &dart, rate); err != nil {
			return err
		}
		var t uint256.Int
		if err := fixed.Mul(&t, &dart, rate); err != nil {
			return err
		}
		if t.Lt(&want) {
			dart.AddUint64(&dart, 1)
		}
		if fixed.IsNeg(&dart) {
			return fixed.ErrOverflow
		}
	}
	if err := s.Vat.Frob(u, owner, owner, &zero, &dart); err != nil {
		return err
	}
	return s.exitStable(owner, wad)
}

// Repay pays back wad of rwaUSD from owner's wallet into Collateral Account
// u (DaiJoin.join + Vat.frob with the principal DssProxyActions.wipe
// computes: the owner's whole internal balance divided by the fee index,
// capped at the principal). Any remainder stays as the owner's internal
// balance.
func (s *System) Repay(owner token.Account, u vault.AccountID, wad *uint256.Int) error {
	s.begin()
	return s.end(s.repay(owner, u, wad))
}

func (s *System) repay(owner token.Account, u vault.AccountID, wad *uint256.Int) error {
	a, err := s.account(owner, u)
	if err != nil {
		return err
	}
	if err := s.joinStable(owner, wad); err != nil {
		return err
	}
	rate := &s.Vat.Profiles[a.Profile].FeeIndex
	var dart, zero uint256.Int
	if err := fixed.Div(&dart, s.Vat.Dai(owner), rate); err != nil {
		return err
	}
	fixed.Min(&dart, &dart, &a.Principal)
	dart.Neg(&dart)
	return s.Vat.Frob(u, owner, owner, &zero, &dart)
}

// RepayAll repays Collateral Account u's whole liability from owner's
// wallet (DssProxyActions.wipeAll: joins ceil((art·rate − dai)/RAY)).
func (s *System) RepayAll(owner token.Account, u vault.AccountID) error {
	s.begin()
	return s.end(s.repayAll(owner, u))
}

func (s *System) repayAll(owner token.Account, u vault.AccountID) error {
	a, err := s.account(owner, u)
	if err != nil {
		return err
	}
	var tab uint256.Int
	if err := fixed.Mul(&tab, &a.Principal, &s.Vat.Profiles[a.Profile].FeeIndex); err != nil {
		return err
	}
	var need, wad, rem uint256.Int
	if err := fixed.Sub(&need, &tab, s.Vat.Dai(owner)); err != nil {
		return err
	}
	wad.DivMod(&need, &fixed.RAY, &rem)
	if !rem.IsZero() {
		wad.AddUint64(&wad, 1)
	}
	if err := s.joinStable(owner, &wad); err != nil {
		return err
	}
	var dart, zero uint256.Int
	dart.Neg(&a.Principal)
	return s.Vat.Frob(u, owner, owner, &zero, &dart)
}

// ExitStable moves wad of owner's internal rwaUSD balance (keeper rewards,
// repayment leftovers) to its wallet.
func (s *System) ExitStable(owner token.Account, wad *uint256.Int) error {
	s.begin()
	return s.end(s.exitStable(owner, wad))
}

// ExitGem moves wad of owner's free collateral of profile i inside the
// engine to its wallet, floored to token units.
func (s *System) ExitGem(owner token.Account, i vault.ProfileID, wad *uint256.Int) error {
	s.begin()
	var amt uint256.Int
	return s.end(s.exitGem(i, owner, wad, &amt))
}

// Drip accrues profile i's Fee Index to now (Jug.drip, permissionless).
func (s *System) Drip(i vault.ProfileID) error {
	s.begin()
	_, err := s.Vat.Drip(i, s.Now)
	return s.end(err)
}

// Poke sets profile i's safe price from an oracle value val [wad] and its
// validity (Spotter.poke, permissionless).
func (s *System) Poke(i vault.ProfileID, val *uint256.Int, has bool) error {
	s.begin()
	return s.end(s.Vat.Poke(i, val, has))
}
