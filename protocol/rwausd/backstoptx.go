package rwausd

// Backstop transactions: Vow.flog/heal/flop/flap and Flopper.dent/deal/tick
// (makerdao/dss @fa4f663 vow.sol, flop.sol), a governance recap transfer,
// and the deficit and surplus figures. Deviations: see doc.go and backstop.

import (
	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/backstop"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// InAuction sets z to the debt still being auctioned, at its value without
// penalty: Σ over running auctions of tab·WAD/chop [rad]. The backstop's
// bad-debt queue holds that debt, but the collateral at auction still
// stands behind it.
func (s *System) InAuction(z *uint256.Int) *uint256.Int {
	z.Clear()
	for i, c := range s.Clip {
		if c == nil {
			continue
		}
		chop := &s.Dog.Ilks[i].Chop
		for k := int64(0); k < c.N; k++ {
			var d uint256.Int
			d.Mul(&c.Sales[k].Tab, &fixed.WAD) // tab ≤ 2^200 in practice; checked below
			if d.Lt(&c.Sales[k].Tab) {
				d.SetAllOne()
			}
			d.Div(&d, chop)
			z.Add(z, &d)
		}
	}
	return z
}

// net returns cover = surplus + debt at auction and owed = bad debt [rad].
func (s *System) net(cover, owed *uint256.Int) {
	s.InAuction(cover)
	cover.Add(cover, s.Vat.Dai(s.VowAcct))
	owed.Set(s.Vat.Sin(s.VowAcct))
}

// Deficit sets z to the backstop's bad debt covered neither by its surplus
// nor by collateral still at auction [rad], floored at zero: what recap
// would have to pay if nothing else happened.
func (s *System) Deficit(z *uint256.Int) *uint256.Int {
	var cover, owed uint256.Int
	s.net(&cover, &owed)
	if !owed.Gt(&cover) {
		return z.Clear()
	}
	return z.Sub(&owed, &cover)
}

// Surplus sets z to the backstop's surplus net of bad debt, counting debt
// at auction as covered [rad], floored at zero: the reserve buffer
// available.
func (s *System) Surplus(z *uint256.Int) *uint256.Int {
	var cover, owed uint256.Int
	s.net(&cover, &owed)
	if owed.Gt(&cover) {
		return z.Clear()
	}
	return z.Sub(&cover, &owed)
}

// FlogAll releases every debt-queue entry whose wait has passed (Vow.flog,
// permissionless) and returns the amount released [rad].
func (s *System) FlogAll(released *uint256.Int) error {
	s.begin()
	return s.end(s.Vow.FlogAll(s.Now, released))
}

// Heal cancels rad of released bad debt against the backstop's surplus
// (Vow.heal, permissionless).
func (s *System) Heal(rad *uint256.Int) error {
	s.begin()
	return s.end(s.heal(rad))
}

func (s *System) heal(rad *uint256.Int) error {
	if err := s.Vow.CheckHeal(rad, s.Vat.Dai(s.VowAcct), s.Vat.Sin(s.VowAcct)); err != nil {
		return err
	}
	if err := s.Vat.Heal(s.VowAcct, rad); err != nil {
		return err
	}
	s.add(&s.Totals.Healed, rad)
	return nil
}

// HealMax heals as much released bad debt as the surplus covers and returns
// the amount healed [rad]; healing nothing is not a revert.
func (s *System) HealMax(healed *uint256.Int) error {
	var free uint256.Int
	if err := s.Vow.Unqueued(&free, s.Vat.Sin(s.VowAcct)); err != nil {
		return err
	}
	fixed.Min(healed, &free, s.Vat.Dai(s.VowAcct))
	if healed.IsZero() {
		return nil
	}
	s.begin()
	return s.end(s.heal(healed))
}

// Flop starts a debt auction of dump governance token for sump of rwaUSD
// when at least sump of released bad debt remains and the surplus is zero
// (Vow.flop, permissionless). It returns the auction id.
func (s *System) Flop() (int64, error) {
	s.Flopper.Reserve()
	s.begin()
	err := s.Vow.Flop(s.Vat.Dai(s.VowAcct), s.Vat.Sin(s.VowAcct))
	var id int64
	if err == nil {
		id = s.Flopper.Kick(s.VowAcct, &s.Vow.Dump, &s.Vow.Sump, s.Now)
	}
	return id, s.end(err)
}

// Dent bids in debt auction id: who accepts lot [wad] of governance token
// for the auction's fixed bid [rad] (Flopper.dent). The bid is paid from
// who's internal balance, topped up from its wallet; on the first bid the
// backstop heals min(bid, Ash).
func (s *System) Dent(who token.Account, id int64, lot, bid *uint256.Int) error {
	s.begin()
	return s.end(s.dent(who, id, lot, bid))
}

func (s *System) dent(who token.Account, id int64, lot, bid *uint256.Int) error {
	var r backstop.DentResult
	if err := s.Flopper.Dent(id, who, lot, bid, s.Now, &r); err != nil {
		return err
	}
	if !r.Pay {
		return nil
	}
	if err := s.ensureDai(who, bid); err != nil {
		return err
	}
	if err := s.Vat.Move(who, r.Prev, bid); err != nil {
		return err
	}
	if r.FirstBid && r.Prev == s.VowAcct {
		var k uint256.Int
		fixed.Min(&k, bid, &s.Vow.Ash)
		if err := s.Vow.Kiss(&k, s.Vat.Dai(s.VowAcct)); err != nil {
			return err
		}
		if err := s.Vat.Heal(s.VowAcct, &k); err != nil {
			return err
		}
		s.add(&s.Totals.Healed, &k)
	}
	return nil
}

// Deal settles finished debt auction id and mints its lot of governance
// token to the winner (Flopper.deal, permissionless).
func (s *System) Deal(id int64) error {
	s.begin()
	guy, lot, err := s.Flopper.Deal(id, s.Now)
	if err == nil {
		err = s.L.Mint(s.Gov, guy, &lot)
	}
	if err == nil {
		s.add(&s.Totals.GovMinted, &lot)
	}
	return s.end(err)
}

// TickFlop restarts debt auction id that ended without bids with a larger
// lot (Flopper.tick, permissionless).
func (s *System) TickFlop(id int64) error {
	s.begin()
	return s.end(s.Flopper.Tick(id, s.Now))
}

// Flap sends bump of surplus out of the backstop when the surplus exceeds
// bad debt + bump + hump (the reserve buffer) and no released debt remains
// (Vow.flap, permissionless).
func (s *System) Flap() error {
	s.begin()
	err := s.Vow.CheckFlap(s.Vat.Dai(s.VowAcct), s.Vat.Sin(s.VowAcct))
	if err == nil {
		err = s.Vat.Move(s.VowAcct, s.Sink, &s.Vow.Bump)
	}
	if err == nil {
		s.add(&s.Totals.Flapped, &s.Vow.Bump)
	}
	return s.end(err)
}

// Recap transfers wad of rwaUSD from governance account from into the
// backstop's surplus: the plain last-resort recapitalisation. It is recorded
// in Totals.Recap; healing the debt is a separate Heal.
func (s *System) Recap(from token.Account, wad *uint256.Int) error {
	s.begin()
	err := s.joinStable(from, wad)
	if err == nil {
		var rad uint256.Int
		rad.Mul(wad, &fixed.RAY)
		err = s.Vat.Move(from, s.VowAcct, &rad)
	}
	if err == nil {
		s.add(&s.Totals.Recap, wad)
	}
	return s.end(err)
}
