package fixed

// Pendle rounding family: PMath, WAD arithmetic that truncates.
//
// Mirrors pendle-finance/pendle-core-v2-public (@e8c2cca)
// contracts/core/libraries/math/PMath.sol, read at @0a3cc91 (Solidity ^0.8).
// Signed values are two's complement int256; Solidity 0.8 checks every
// signed product and sum, and its int256 division truncates toward zero.
//
// Deviations: none in results. Reverts map to sentinels: checked-arithmetic
// panics to ErrOverflow, ErrUnderflow or ErrDivByZero by cause; subNoNeg's
// "negative" to ErrNegative; the reasonless range requires of the Int and
// Uint casts to ErrOverflow and ErrUnderflow. Not ported: the narrowing
// casts (Int128, Uint32 ... Uint192), clamp, addWithUpperBound,
// subWithLowerBound and the isAApproxB family.

import (
	"errors"

	"github.com/holiman/uint256"
)

// ErrNegative is PMath.subNoNeg's revert: the difference would be negative.
var ErrNegative = errors.New("negative")

// MaxInt256 is 2^255 - 1, type(int256).max. Treat it as a constant.
var MaxInt256 = uint256.Int{^uint64(0), ^uint64(0), ^uint64(0), 1<<63 - 1}

// MinInt256 is -2^255, type(int256).min, in two's complement. Treat it as a
// constant.
var MinInt256 = minInt256

// MulDown sets z = floor(a·b / 1e18) (PMath.mulDown(uint256, uint256)). It
// fails with ErrOverflow if a·b overflows.
func MulDown(z, a, b *uint256.Int) error {
	if of := MulOverflow(z, a, b); of {
		return ErrOverflow
	}
	z.Div(z, &WAD)
	return nil
}

// DivDown sets z = floor(a·1e18 / b) (PMath.divDown(uint256, uint256)). As
// the contract evaluates the product first, it fails with ErrOverflow if
// a·1e18 overflows and otherwise with ErrDivByZero if b is zero.
func DivDown(z, a, b *uint256.Int) error {
	var t uint256.Int
	if of := MulOverflow(&t, a, &WAD); of {
		return ErrOverflow
	}
	if b.IsZero() {
		return ErrDivByZero
	}
	z.Div(&t, b)
	return nil
}

// RawDivUp sets z = (a + b - 1) / b, a quotient rounded up
// (PMath.rawDivUp(uint256, uint256)). Checked in the contract's order: it
// fails with ErrOverflow if a + b overflows, ErrUnderflow if a = b = 0, and
// ErrDivByZero if b is zero.
func RawDivUp(z, a, b *uint256.Int) error {
	var t uint256.Int
	if _, of := t.AddOverflow(a, b); of {
		return ErrOverflow
	}
	if _, uf := t.SubOverflow(&t, one); uf {
		return ErrUnderflow
	}
	if b.IsZero() {
		return ErrDivByZero
	}
	z.Div(&t, b)
	return nil
}

// SMulDown sets z = a·b / 1e18 truncated toward zero, for signed WADs
// (PMath.mulDown(int256, int256)). It fails with ErrOverflow if the exact
// product does not fit an int256.
func SMulDown(z, a, b *uint256.Int) error {
	if sMulOverflow(z, a, b) {
		return ErrOverflow
	}
	sdiv(z, z, &WAD)
	return nil
}

// SDivDown sets z = a·1e18 / b truncated toward zero, for signed WADs
// (PMath.divDown(int256, int256)). It fails with ErrOverflow if a·1e18 does
// not fit an int256 and otherwise with ErrDivByZero if b is zero.
func SDivDown(z, a, b *uint256.Int) error {
	var t uint256.Int
	if sMulOverflow(&t, a, &WAD) {
		return ErrOverflow
	}
	// t is a multiple of 1e18, never type(int256).min, so t / -1 is safe.
	return sDiv(z, &t, b)
}

// SRawDivUp sets z = (a + b - 1) / b in checked int256 arithmetic, division
// truncating toward zero (PMath.rawDivUp(int256, int256)). The result is
// the ceiling of a/b only for a ≥ 0 and b > 0; for other signs it is the
// contract's expression as written. It fails with ErrOverflow on signed
// overflow and ErrDivByZero if b is zero.
func SRawDivUp(z, a, b *uint256.Int) error {
	var t uint256.Int
	if sAddOverflow(&t, a, b) {
		return ErrOverflow
	}
	if sSubOverflow(&t, &t, one) {
		return ErrOverflow
	}
	return sDiv(z, &t, b)
}

// SubMax0 sets z = a - b if a ≥ b and 0 otherwise (PMath.subMax0).
func SubMax0(z, a, b *uint256.Int) *uint256.Int {
	if a.Lt(b) {
		return z.Clear()
	}
	return z.Sub(a, b)
}

// SubNoNeg sets z = a - b for signed a and b (PMath.subNoNeg). It fails with
// ErrNegative if a < b and ErrOverflow if the difference overflows.
func SubNoNeg(z, a, b *uint256.Int) error {
	if a.Slt(b) {
		return ErrNegative
	}
	if sSubOverflow(z, a, b) {
		return ErrOverflow
	}
	return nil
}

// SAbs sets z = |x| for a signed x (PMath.abs). It fails with ErrOverflow
// for type(int256).min, whose negation reverts.
func SAbs(z, x *uint256.Int) error {
	if x.Eq(&minInt256) {
		return ErrOverflow
	}
	z.Abs(x)
	return nil
}

// SNeg sets z = -x for a signed x (PMath.neg(int256), x·(-1)). It fails with
// ErrOverflow for type(int256).min.
func SNeg(z, x *uint256.Int) error {
	if x.Eq(&minInt256) {
		return ErrOverflow
	}
	z.Neg(x)
	return nil
}

// NegUint sets z = -x as an int256 for an unsigned x (PMath.neg(uint256)).
// It fails with ErrOverflow if x exceeds type(int256).max.
func NegUint(z, x *uint256.Int) error {
	if IsNeg(x) {
		return ErrOverflow
	}
	z.Neg(x)
	return nil
}

// ToInt sets z = x, checking that the unsigned x fits an int256 (PMath.Int).
// It fails with ErrOverflow if x exceeds type(int256).max.
func ToInt(z, x *uint256.Int) error {
	if IsNeg(x) {
		return ErrOverflow
	}
	z.Set(x)
	return nil
}

// ToUint sets z = x, checking that the signed x is not negative
// (PMath.Uint). It fails with ErrUnderflow if x < 0.
func ToUint(z, x *uint256.Int) error {
	if IsNeg(x) {
		return ErrUnderflow
	}
	z.Set(x)
	return nil
}

// SMax sets z to the larger of the signed x and y (PMath.max(int256, int256)).
func SMax(z, x, y *uint256.Int) *uint256.Int {
	if x.Sgt(y) {
		return z.Set(x)
	}
	return z.Set(y)
}

// SMin sets z to the smaller of the signed x and y (PMath.min(int256, int256)).
func SMin(z, x, y *uint256.Int) *uint256.Int {
	if x.Slt(y) {
		return z.Set(x)
	}
	return z.Set(y)
}

// TweakUp sets z = mulDown(a, 1e18 + factor) (PMath.tweakUp). It fails with
// ErrOverflow where the checked arithmetic reverts.
func TweakUp(z, a, factor *uint256.Int) error {
	var f uint256.Int
	if _, of := f.AddOverflow(&WAD, factor); of {
		return ErrOverflow
	}
	return MulDown(z, a, &f)
}

// TweakDown sets z = mulDown(a, 1e18 - factor) (PMath.tweakDown). It fails
// with ErrUnderflow if factor exceeds 1e18 and ErrOverflow if the product
// overflows.
func TweakDown(z, a, factor *uint256.Int) error {
	var f uint256.Int
	if _, uf := f.SubOverflow(&WAD, factor); uf {
		return ErrUnderflow
	}
	return MulDown(z, a, &f)
}

// Sqrt sets z = floor(√x) (PMath.sqrt, the Babylonian iteration from
// Uniswap, which converges to the floor of the square root).
func Sqrt(z, x *uint256.Int) *uint256.Int { return z.Sqrt(x) }
