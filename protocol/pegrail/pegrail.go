// Package pegrail is rwaUSD's Peg Rail: fixed-spread conversion between
// rwaUSD and a reference stablecoin.
//
// It mirrors Maker's PSM, makerdao/dss-psm @7d717d8 src/psm.sol (DssPsm):
// sellGem takes gemAmt of the reference stablecoin, locks gemAmt·conv in the
// rail's own Collateral Account (an ilk with rate fixed at 1 and mat 1),
// mints the same amount of rwaUSD and pays gemAmt·conv·(1 − tin) to the user,
// the fee to the backstop; buyGem is the reverse with tout. Fees floor, so a
// tiny swap may pay none. The exposure cap is the rail profile's debt
// ceiling (a sell past it reverts Vat/ceiling-exceeded), as for dss-psm.
//
// From makerdao/dss-lite-psm @dbf0022 src/DssLitePsm.sol it takes HALTED
// (tin or tout = 2^256 − 1 disables that side) and the bound tin, tout ≤ 1
// otherwise, with LitePSM's reason strings.
//
// The package holds the rail's parameters and the quote arithmetic; the
// System applies the Vat and ledger moves in one journaled transaction.
// Deviations: no wards, no kiss/diss fee exemptions, no pre-minted buffer
// (LitePSM's gush/rush/chug are not modelled; the dss-psm frob-per-swap is).
package pegrail

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// Halted, as tin or tout, disables that side of the rail.
var Halted = fixed.Max

// Reverts of the rail.
var (
	ErrSellHalted = errors.New("DssLitePsm/sell-gem-halted")
	ErrBuyHalted  = errors.New("DssLitePsm/buy-gem-halted")
	ErrTinRange   = errors.New("DssLitePsm/tin-out-of-range")
	ErrToutRange  = errors.New("DssLitePsm/tout-out-of-range")
)

// Rail is one peg rail: a reference stablecoin, its fees and the accounts
// the System uses for it.
type Rail struct {
	J       *token.Journal
	Name    string
	Gem     token.ID      // the reference stablecoin
	Conv    uint256.Int   // 10^(18 − decimals): to18ConversionFactor
	Tin     uint256.Int   // fee on selling gem for rwaUSD [wad], or Halted
	Tout    uint256.Int   // fee on buying gem with rwaUSD [wad], or Halted
	Profile int32         // the rail's vault profile (vault.ProfileID)
	Self    token.Account // the rail's own account (owner of its Collateral Account)
	Urn     int32         // the rail's Collateral Account (vault.AccountID)
}

// Quote is the arithmetic of one swap.
type Quote struct {
	Gem18  uint256.Int // gemAmt·conv [wad]
	Fee    uint256.Int // fee to the backstop [wad]
	Stable uint256.Int // rwaUSD paid to (sell) or by (buy) the user [wad]
}

// SetTin sets the sell fee [wad]: at most 1, or Halted.
func (r *Rail) SetTin(v *uint256.Int) error {
	if !v.Eq(&Halted) && v.Gt(&fixed.WAD) {
		return ErrTinRange
	}
	r.J.Set(&r.Tin, v)
	return nil
}

// SetTout sets the buy fee [wad]: at most 1, or Halted.
func (r *Rail) SetTout(v *uint256.Int) error {
	if !v.Eq(&Halted) && v.Gt(&fixed.WAD) {
		return ErrToutRange
	}
	r.J.Set(&r.Tout, v)
	return nil
}

// QuoteSell computes psm.sellGem for gemAmt [gem units]: gem18 = gemAmt·conv,
// fee = gem18·tin / WAD, stable = gem18 − fee.
func (r *Rail) QuoteSell(gemAmt *uint256.Int, q *Quote) error {
	if r.Tin.Eq(&Halted) {
		return ErrSellHalted
	}
	if err := fixed.Mul(&q.Gem18, gemAmt, &r.Conv); err != nil {
		return err
	}
	if err := fixed.MulDiv(&q.Fee, &q.Gem18, &r.Tin, &fixed.WAD); err != nil {
		return err
	}
	return fixed.Sub(&q.Stable, &q.Gem18, &q.Fee)
}

// QuoteBuy computes psm.buyGem for gemAmt [gem units]: gem18 = gemAmt·conv,
// fee = gem18·tout / WAD, stable = gem18 + fee.
func (r *Rail) QuoteBuy(gemAmt *uint256.Int, q *Quote) error {
	if r.Tout.Eq(&Halted) {
		return ErrBuyHalted
	}
	if err := fixed.Mul(&q.Gem18, gemAmt, &r.Conv); err != nil {
		return err
	}
	if err := fixed.MulDiv(&q.Fee, &q.Gem18, &r.Tout, &fixed.WAD); err != nil {
		return err
	}
	return fixed.Add(&q.Stable, &q.Gem18, &q.Fee)
}
