package auction

// Abacus price curves (makerdao/dss @fa4f663 src/abaci.sol). No deviations
// in the arithmetic; the three contracts are one value type with a Kind.

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// CurveKind selects a price curve.
type CurveKind int

// The three Abacus curves.
const (
	Linear      CurveKind = iota // LinearDecrease: to 0 over Tau seconds
	Stairstep                    // StairstepExponentialDecrease: ×Cut every Step seconds
	Exponential                  // ExponentialDecrease: ×Cut every second
)

// Reverts of curve configuration.
var (
	ErrCutGtRay = errors.New("StairstepExponentialDecrease/cut-gt-RAY")
	ErrBadCurve = errors.New("Abacus/invalid-curve")
)

// Curve is an auction price curve: price(top, dur) in RAY.
type Curve struct {
	Kind CurveKind
	Tau  int64       // Linear: seconds to reach 0
	Step int64       // Stairstep: seconds per step
	Cut  uint256.Int // Stairstep, Exponential: multiplier per step or second [ray], ≤ RAY
}

// Validate checks the parameters the contracts' file() would accept and
// those without which price() would revert (a zero step or tau).
func (c *Curve) Validate() error {
	switch c.Kind {
	case Linear:
		if c.Tau <= 0 {
			return fmt.Errorf("%w: linear tau must be > 0", ErrBadCurve)
		}
	case Stairstep:
		if c.Step <= 0 {
			return fmt.Errorf("%w: stairstep step must be > 0", ErrBadCurve)
		}
		if c.Cut.Gt(&fixed.RAY) {
			return ErrCutGtRay
		}
	case Exponential:
		if c.Cut.Gt(&fixed.RAY) {
			return errors.New("ExponentialDecrease/cut-gt-RAY")
		}
	default:
		return ErrBadCurve
	}
	return nil
}

// Price sets z to the auction price [ray] dur seconds after the start at top
// [ray].
func (c *Curve) Price(z, top *uint256.Int, dur int64) error {
	if dur < 0 {
		return ErrBadCurve
	}
	switch c.Kind {
	case Linear:
		// if (dur >= tau) return 0; return rmul(top, mul(tau - dur, RAY) / tau)
		if dur >= c.Tau {
			z.Clear()
			return nil
		}
		var f uint256.Int
		if err := fixed.MulDiv(&f, uint256.NewInt(uint64(c.Tau-dur)), &fixed.RAY, uint256.NewInt(uint64(c.Tau))); err != nil {
			return err
		}
		return fixed.RMul(z, top, &f)
	case Stairstep:
		if c.Step <= 0 {
			return fixed.ErrDivByZero
		}
		var f uint256.Int
		if err := fixed.RPow(&f, &c.Cut, uint64(dur/c.Step), &fixed.RAY); err != nil {
			return err
		}
		return fixed.RMul(z, top, &f)
	case Exponential:
		var f uint256.Int
		if err := fixed.RPow(&f, &c.Cut, uint64(dur), &fixed.RAY); err != nil {
			return err
		}
		return fixed.RMul(z, top, &f)
	}
	return ErrBadCurve
}
