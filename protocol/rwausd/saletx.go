package rwausd

// Unwinding by immediate sale: Dog.bark's checks, Vat.grab and Vow.fess
// (makerdao/dss @fa4f663 dog.sol), then, in place of Clipper.kick, the
// confiscated collateral is sold in the same transaction by a seller the
// caller supplies (a swap into a pool) and the proceeds settle the tab at
// once. No dss contract does this: it is the liquidation of models that
// dump seized collateral on the market (the benchmark's peer model), kept
// exact in the protocol's units so the two can be compared. Deviations from
// bark beyond the sale: nothing stays in auction, so the Dog's Dirt and the
// Clipper's sales are untouched (its limits still bound the bark, and its
// stop level 1 still blocks it); proceeds above the tab go to the account
// owner's internal balance, as a sold-out auction's leftover collateral
// would; a collateral remainder below one token unit (the exit floors)
// goes to the owner as free collateral.

import (
	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/auction"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// Seller sells amt [token units] of collateral that account from holds in
// its wallet and credits the proceeds to from's wallet in rwaUSD, setting
// out [wad]. It runs inside the sale's transaction: if it or anything after
// it fails, every ledger write rolls back (state outside the ledger, such
// as a pool's reserves, is the caller's to restore).
type Seller func(from token.Account, amt, out *uint256.Int) error

// SaleResult is what a bark with an immediate sale did.
type SaleResult struct {
	Plan     auction.BarkPlan
	Coin     uint256.Int // keeper reward paid to the caller's internal balance [rad]
	Sold     uint256.Int // collateral sold [token units]
	Proceeds uint256.Int // what the sale fetched [wad]
	Owe      uint256.Int // of it, paid to the backstop: min(proceeds, tab) [rad]
	Short    uint256.Int // tab left unpaid [rad]
}

// BarkSell unwinds unsafe Collateral Account u like Bark, but sells the
// confiscated collateral at once through sell instead of starting an
// auction: the proceeds pay the backstop up to the tab (debt plus penalty),
// the rest goes to the account owner. A tab the sale does not cover is left
// unraised (counted in Totals.Shortfall, debt plus penalty); the backstop
// carries as its deficit only the confiscated debt, without the penalty,
// that the proceeds did not cover, as with an auction. kpr
// receives the keeper reward tip + chip·tab. Reverts: Bark's, and the
// seller's.
func (s *System) BarkSell(kpr token.Account, u vault.AccountID, sell Seller, r *SaleResult) error {
	if sell == nil {
		panic("rwausd: BarkSell with a nil seller")
	}
	i, c, err := s.clipper(u)
	if err != nil {
		return err
	}
	if c.Stopped >= 1 {
		return auction.ErrStopped
	}
	s.Vow.Reserve()
	s.begin()
	return s.end(s.barkSell(kpr, u, i, c, sell, r))
}

func (s *System) barkSell(kpr token.Account, u vault.AccountID, i vault.ProfileID, c *auction.Clipper, sell Seller, r *SaleResult) error {
	owner := s.Vat.Accounts[u].Owner
	plan := &r.Plan
	if err := s.seize(u, i, plan); err != nil {
		return err
	}
	clip := s.ClipAcct[i]
	if err := s.exitGem(i, clip, &plan.Dink, &r.Sold); err != nil {
		return err
	}
	// What the exit's floor left of this bark's collateral goes to the
	// owner: only that, for the clipper's account also holds the lots of
	// the profile's running auctions.
	var dust uint256.Int
	dust.Mul(&r.Sold, &s.Vat.Profiles[i].Scale) // ≤ Dink
	if dust.Sub(&plan.Dink, &dust); !dust.IsZero() {
		if err := s.Vat.Flux(i, clip, owner, &dust); err != nil {
			return err
		}
	}
	r.Proceeds.Clear()
	if !r.Sold.IsZero() {
		if err := sell(clip, &r.Sold, &r.Proceeds); err != nil {
			return err
		}
	}
	if err := s.joinStable(clip, &r.Proceeds); err != nil {
		return err
	}
	var got uint256.Int
	if err := fixed.Mul(&got, &r.Proceeds, &fixed.RAY); err != nil {
		return err
	}
	fixed.Min(&r.Owe, &got, &plan.Tab)
	if err := s.Vat.Move(clip, s.VowAcct, &r.Owe); err != nil {
		return err
	}
	var left uint256.Int
	if left.Sub(&got, &r.Owe); !left.IsZero() {
		if err := s.Vat.Move(clip, owner, &left); err != nil {
			return err
		}
	}
	r.Short.Sub(&plan.Tab, &r.Owe)
	s.add(&s.Totals.Raised, &r.Owe)
	if !r.Short.IsZero() {
		s.add(&s.Totals.Shortfall, &r.Short)
	}
	if err := c.Reward(&r.Coin, &plan.Tab); err != nil {
		return err
	}
	return s.barked(kpr, plan, &r.Coin)
}
