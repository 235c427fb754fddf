package vault

// Spotter (makerdao/dss @fa4f663 src/spot.sol): spot = val·1e9 / par / mat.
// Deviation: mat is derived from the seed's Haircut h and Safety Factor s as
// mat = s / (1 − h), rounded up.

import (
	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// Poke updates profile i's safe price from an oracle value val [wad] and
// its validity (spotter.poke): spot = rdiv(rdiv(val·1e9, par), mat), or 0
// when the oracle has no valid price, which blocks minting and unwinds.
func (e *Engine) Poke(i ProfileID, val *uint256.Int, has bool) error {
	p := &e.Profiles[i]
	var spot uint256.Int
	if has {
		if err := fixed.Mul(&spot, val, &fixed.BLN); err != nil {
			return err
		}
		if err := fixed.RDiv(&spot, &spot, &e.Par); err != nil {
			return err
		}
		if err := fixed.RDiv(&spot, &spot, &p.Mat); err != nil {
			return err
		}
	}
	e.set(&p.Price, val)
	valid := int64(0)
	if has {
		valid = 1
	}
	e.L.J.SetInt(&p.PriceValid, valid)
	e.set(&p.SafePrice, &spot)
	return nil
}

// SetRisk sets profile i's Haircut h [ray] and Safety Factor s [ray] and
// derives mat = ceil(s·RAY / (RAY − h)). It requires 0 ≤ h < 1 and s ≥ 1.
// The safe price changes at the next Poke, as with spotter.file("mat").
func (e *Engine) SetRisk(i ProfileID, h, s *uint256.Int) error {
	if !h.Lt(&fixed.RAY) || s.Lt(&fixed.RAY) {
		return ErrSpotterBadParam
	}
	var oneMinusH, mat uint256.Int
	oneMinusH.Sub(&fixed.RAY, h)
	if err := fixed.FullMulDiv(&mat, s, &fixed.RAY, &oneMinusH, true); err != nil {
		return err
	}
	p := &e.Profiles[i]
	e.set(&p.Haircut, h)
	e.set(&p.SafetyFactor, s)
	e.set(&p.Mat, &mat)
	return nil
}

// SetDebtCeiling sets profile i's debt ceiling [rad] (vat.file "line").
func (e *Engine) SetDebtCeiling(i ProfileID, line *uint256.Int) {
	e.set(&e.Profiles[i].DebtCeiling, line)
}

// SetDust sets profile i's minimum liability [rad] (vat.file "dust").
func (e *Engine) SetDust(i ProfileID, dust *uint256.Int) { e.set(&e.Profiles[i].Dust, dust) }

// SetLine sets the global debt ceiling [rad] (vat.file "Line").
func (e *Engine) SetLine(line *uint256.Int) { e.set(&e.Line, line) }
