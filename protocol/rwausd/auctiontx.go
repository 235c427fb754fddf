package rwausd

// Auction House transactions: Dog.bark (with Vat.grab, Vow.fess,
// Clipper.kick, Vat.suck of the keeper reward), Clipper.take, redo and yank
// (makerdao/dss @fa4f663 dog.sol, clip.sol). Deviations: see doc.go (the
// taker's rwaUSD is joined from its wallet as needed; bought and returned
// collateral is exited to wallets).

import (
	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// BarkResult is what a bark did.
type BarkResult struct {
	ID   int64 // auction id at the profile's Clipper
	Plan auction.BarkPlan
	Coin uint256.Int // keeper reward paid to the caller's internal balance [rad]
}

// Bark unwinds unsafe Collateral Account u (Dog.bark, permissionless): it
// confiscates collateral and principal, queues the debt at the backstop and
// starts an auction; kpr receives the keeper reward tip + chip·tab as
// internal rwaUSD, created as unbacked debt of the backstop (a system cost).
// Reverts: Dog/not-unsafe, Dog/liquidation-limit-hit,
// Dog/dusty-auction-from-partial-liquidation, Dog/null-auction,
// Clipper/stopped-incorrect, Clipper/invalid-price, ...
func (s *System) Bark(kpr token.Account, u vault.AccountID, r *BarkResult) error {
	i, c, err := s.clipper(u)
	if err != nil {
		return err
	}
	c.Reserve()
	s.Vow.Reserve()
	s.begin()
	return s.end(s.bark(kpr, u, i, c, r))
}

// clipper returns account u's profile and its Clipper.
func (s *System) clipper(u vault.AccountID) (vault.ProfileID, *auction.Clipper, error) {
	if int(u) < 0 || int(u) >= len(s.Vat.Accounts) {
		return 0, nil, ErrNoSuchAccount
	}
	i := s.Vat.Accounts[u].Profile
	if s.Clip[i] == nil {
		return i, nil, ErrNoAuction
	}
	return i, s.Clip[i], nil
}

func (s *System) bark(kpr token.Account, u vault.AccountID, i vault.ProfileID, c *auction.Clipper, r *BarkResult) error {
	a := &s.Vat.Accounts[u]
	p := &s.Vat.Profiles[i]
	plan := &r.Plan
	if err := s.seize(u, i, plan); err != nil {
		return err
	}
	if err := s.Dog.AddDirt(int(i), &plan.Tab); err != nil {
		return err
	}
	var feed uint256.Int
	if err := auction.FeedPrice(&feed, &p.Price, p.PriceValid == 1, &s.Vat.Par); err != nil {
		return err
	}
	id, err := c.Kick(&plan.Tab, &plan.Dink, a.Owner, int32(u), s.Now, &feed, &r.Coin)
	if err != nil {
		return err
	}
	r.ID = id
	return s.barked(kpr, plan, &r.Coin)
}

// seize runs bark's checks and arithmetic for account u of profile i into
// plan and confiscates what it says (Vat.grab: the collateral to the
// profile's auction account, the debt to the backstop, where Vow.fess
// queues it).
func (s *System) seize(u vault.AccountID, i vault.ProfileID, plan *auction.BarkPlan) error {
	a := &s.Vat.Accounts[u]
	p := &s.Vat.Profiles[i]
	if err := s.Dog.PlanBark(int(i), &a.Locked, &a.Principal, &p.FeeIndex, &p.SafePrice, &p.Dust, plan); err != nil {
		return err
	}
	var dink, dart uint256.Int
	dink.Neg(&plan.Dink)
	dart.Neg(&plan.Dart)
	if err := s.Vat.Grab(u, s.ClipAcct[i], s.VowAcct, &dink, &dart); err != nil {
		return err
	}
	return s.Vow.Fess(&plan.Due, s.Now)
}

// barked ends a bark: it pays kpr the keeper reward coin [rad] as unbacked
// debt of the backstop (Vat.suck) and counts the bark in the totals.
func (s *System) barked(kpr token.Account, plan *auction.BarkPlan, coin *uint256.Int) error {
	if !coin.IsZero() {
		if err := s.Vat.Suck(s.VowAcct, kpr, coin); err != nil {
			return err
		}
		s.add(&s.Totals.KeeperRewards, coin)
	}
	s.addN(&s.Totals.Barks, 1)
	s.add(&s.Totals.Liquidated, &plan.Due)
	s.add(&s.Totals.LiquidatedLot, &plan.Dink)
	return nil
}

// TakeResult is what a take did.
type TakeResult struct {
	auction.TakeResult
	Bought   uint256.Int // collateral delivered to the taker's wallet [token units]
	Returned uint256.Int // leftover collateral delivered to the account owner's wallet [token units]
}

// Take buys up to amt [wad] of auction id's collateral of profile i at the
// current price if that is at most max [ray] (Clipper.take). The taker pays
// from its internal rwaUSD balance, topped up from its wallet if needed, and
// receives the collateral in its wallet. Reverts: Clipper/not-running-auction,
// Clipper/needs-reset, Clipper/too-expensive, Clipper/no-partial-purchase,
// Token/insufficient-balance (the taker cannot pay), ...
func (s *System) Take(kpr token.Account, i vault.ProfileID, id int64, amt, max *uint256.Int, r *TakeResult) error {
	if int(i) < 0 || int(i) >= len(s.Clip) || s.Clip[i] == nil {
		return ErrNoAuction
	}
	s.begin()
	return s.end(s.take(kpr, i, id, amt, max, r))
}

func (s *System) take(kpr token.Account, i vault.ProfileID, id int64, amt, max *uint256.Int, r *TakeResult) error {
	c := s.Clip[i]
	tr := &r.TakeResult
	if err := c.Take(id, amt, max, s.Now, tr); err != nil {
		return err
	}
	clip := s.ClipAcct[i]
	if err := s.Vat.Flux(i, clip, kpr, &tr.Slice); err != nil {
		return err
	}
	if err := s.ensureDai(kpr, &tr.Owe); err != nil {
		return err
	}
	if err := s.Vat.Move(kpr, s.VowAcct, &tr.Owe); err != nil {
		return err
	}
	if err := s.Dog.Digs(int(i), &tr.Digs); err != nil {
		return err
	}
	r.Returned.Clear()
	if !tr.Leftover.IsZero() {
		if err := s.Vat.Flux(i, clip, tr.Usr, &tr.Leftover); err != nil {
			return err
		}
		if err := s.exitGem(i, tr.Usr, &tr.Leftover, &r.Returned); err != nil {
			return err
		}
	}
	if err := s.exitGem(i, kpr, &tr.Slice, &r.Bought); err != nil {
		return err
	}
	s.addN(&s.Totals.Takes, 1)
	s.add(&s.Totals.Raised, &tr.Owe)
	if tr.Done {
		s.addN(&s.Totals.AuctionsClosed, 1)
	}
	if tr.Shortfall {
		var short uint256.Int
		short.Sub(&tr.Digs, &tr.Owe)
		s.add(&s.Totals.Shortfall, &short)
	}
	return nil
}

// Redo restarts auction id of profile i after tail or cusp (Clipper.redo,
// permissionless) and pays kpr the keeper reward if the auction is not
// dusty. It returns the reward [rad].
func (s *System) Redo(kpr token.Account, i vault.ProfileID, id int64, coin *uint256.Int) error {
	if int(i) < 0 || int(i) >= len(s.Clip) || s.Clip[i] == nil {
		return ErrNoAuction
	}
	s.begin()
	return s.end(s.redo(kpr, i, id, coin))
}

func (s *System) redo(kpr token.Account, i vault.ProfileID, id int64, coin *uint256.Int) error {
	p := &s.Vat.Profiles[i]
	var feed uint256.Int
	if err := auction.FeedPrice(&feed, &p.Price, p.PriceValid == 1, &s.Vat.Par); err != nil {
		return err
	}
	if err := s.Clip[i].Redo(id, s.Now, &feed, coin); err != nil {
		return err
	}
	if !coin.IsZero() {
		if err := s.Vat.Suck(s.VowAcct, kpr, coin); err != nil {
			return err
		}
		s.add(&s.Totals.KeeperRewards, coin)
	}
	s.addN(&s.Totals.Redos, 1)
	return nil
}

// Yank ends auction id of profile i without a sale (Clipper.yank, a
// governance action): its tab leaves the Dog's limits and its lot goes to
// the governance account to.
func (s *System) Yank(to token.Account, i vault.ProfileID, id int64) error {
	if int(i) < 0 || int(i) >= len(s.Clip) || s.Clip[i] == nil {
		return ErrNoAuction
	}
	s.begin()
	sale, err := s.Clip[i].Yank(id)
	if err == nil {
		err = s.Dog.Digs(int(i), &sale.Tab)
	}
	if err == nil {
		err = s.Vat.Flux(i, s.ClipAcct[i], to, &sale.Lot)
	}
	return s.end(err)
}

// AuctionStatus reports whether auction id of profile i needs a redo, its
// current price [ray], and its lot and tab. ok is false if it is not
// running.
func (s *System) AuctionStatus(i vault.ProfileID, id int64, price *uint256.Int) (needsRedo, ok bool) {
	c := s.Clip[i]
	k := c.Find(id)
	if k < 0 {
		return false, false
	}
	done, err := c.Status(&c.Sales[k], s.Now, price)
	if err != nil {
		return false, false
	}
	return done, true
}
