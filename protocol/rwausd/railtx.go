package rwausd

// Peg rail transactions: psm.sellGem and psm.buyGem (makerdao/dss-psm
// @7d717d8 psm.sol) with LitePSM's HALTED sides. Deviations: see pegrail.

import (
	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/pegrail"
	"github.com/tempest-risk/tempest/protocol/token"
	"github.com/tempest-risk/tempest/protocol/vault"
)

func (s *System) rail(k int) (*pegrail.Rail, error) {
	if k < 0 || k >= len(s.Rails) {
		return nil, ErrNoSuchRail
	}
	r := s.Rails[k]
	if !s.Vat.Profiles[r.Profile].FeeIndex.Eq(&fixed.RAY) {
		return nil, ErrRateNotRay
	}
	return r, nil
}

// SellGem converts gemAmt [reference-stablecoin units] from usr's wallet into
// rwaUSD at par minus tin on rail k (psm.sellGem). It reverts
// DssLitePsm/sell-gem-halted when the side is halted and
// Vat/ceiling-exceeded past the rail's exposure cap.
func (s *System) SellGem(usr token.Account, k int, gemAmt *uint256.Int, q *pegrail.Quote) error {
	r, err := s.rail(k)
	if err != nil {
		return err
	}
	s.begin()
	return s.end(s.sellGem(usr, r, gemAmt, q))
}

func (s *System) sellGem(usr token.Account, r *pegrail.Rail, gemAmt *uint256.Int, q *pegrail.Quote) error {
	if err := r.QuoteSell(gemAmt, q); err != nil {
		return err
	}
	i := vault.ProfileID(r.Profile)
	var wad uint256.Int
	if err := s.joinGem(i, usr, gemAmt, &wad); err != nil {
		return err
	}
	if err := s.Vat.Flux(i, usr, r.Self, &wad); err != nil {
		return err
	}
	if err := s.Vat.Frob(vault.AccountID(r.Urn), r.Self, r.Self, &q.Gem18, &q.Gem18); err != nil {
		return err
	}
	var fee uint256.Int
	if err := fixed.Mul(&fee, &q.Fee, &fixed.RAY); err != nil {
		return err
	}
	if err := s.Vat.Move(r.Self, s.VowAcct, &fee); err != nil {
		return err
	}
	var pay uint256.Int
	pay.Mul(&q.Stable, &fixed.RAY)
	if err := s.Vat.Move(r.Self, usr, &pay); err != nil {
		return err
	}
	if err := s.exitStable(usr, &q.Stable); err != nil {
		return err
	}
	s.add(&s.Totals.RailFees, &q.Fee)
	return nil
}

// BuyGem converts rwaUSD from usr's wallet into gemAmt [reference-stablecoin
// units] at par plus tout on rail k (psm.buyGem). It reverts
// DssLitePsm/buy-gem-halted when the side is halted and Vat/... when the
// rail holds too little.
func (s *System) BuyGem(usr token.Account, k int, gemAmt *uint256.Int, q *pegrail.Quote) error {
	r, err := s.rail(k)
	if err != nil {
		return err
	}
	s.begin()
	return s.end(s.buyGem(usr, r, gemAmt, q))
}

func (s *System) buyGem(usr token.Account, r *pegrail.Rail, gemAmt *uint256.Int, q *pegrail.Quote) error {
	if err := r.QuoteBuy(gemAmt, q); err != nil {
		return err
	}
	i := vault.ProfileID(r.Profile)
	if err := s.joinStable(usr, &q.Stable); err != nil {
		return err
	}
	var paid uint256.Int
	paid.Mul(&q.Stable, &fixed.RAY)
	if err := s.Vat.Move(usr, r.Self, &paid); err != nil {
		return err
	}
	var neg uint256.Int
	neg.Neg(&q.Gem18)
	if err := s.Vat.Frob(vault.AccountID(r.Urn), r.Self, r.Self, &neg, &neg); err != nil {
		return err
	}
	if err := s.Vat.Flux(i, r.Self, usr, &q.Gem18); err != nil {
		return err
	}
	var out uint256.Int
	if err := s.exitGem(i, usr, &q.Gem18, &out); err != nil {
		return err
	}
	var fee uint256.Int
	fee.Mul(&q.Fee, &fixed.RAY)
	if err := s.Vat.Move(r.Self, s.VowAcct, &fee); err != nil {
		return err
	}
	s.add(&s.Totals.RailFees, &q.Fee)
	return nil
}

// Exposure sets z to rail k's holdings of the reference stablecoin [wad].
func (s *System) Exposure(z *uint256.Int, k int) *uint256.Int {
	r := s.Rails[k]
	return z.Set(&s.Vat.Accounts[r.Urn].Locked)
}
