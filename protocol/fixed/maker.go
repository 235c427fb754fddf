package fixed

// Maker dss rounding family (dss @fa4f663: vat.sol, jug.sol, dog.sol,
// clip.sol, abaci.sol math sections). Everything floors except RPow, which
// rounds half up at each step. No deviations.

import "github.com/holiman/uint256"

// WMul sets z = floor(x · y / WAD) (dss wmul).
func WMul(z, x, y *uint256.Int) error { return MulDiv(z, x, y, &WAD) }

// RMul sets z = floor(x · y / RAY) (dss rmul).
func RMul(z, x, y *uint256.Int) error { return MulDiv(z, x, y, &RAY) }

// WDiv sets z = floor(x · WAD / y) (dss wdiv).
func WDiv(z, x, y *uint256.Int) error { return MulDiv(z, x, &WAD, y) }

// RDiv sets z = floor(x · RAY / y) (dss rdiv).
func RDiv(z, x, y *uint256.Int) error { return MulDiv(z, x, &RAY, y) }

// RPow sets z = x^n in base b by repeated squaring, rounding half up after
// every multiplication, exactly as dss's _rpow (jug.sol, abaci.sol). 0^0 is b
// and 0^n is 0. It fails with ErrOverflow where the assembly reverts; as in
// the assembly, a zero base b divides to 0 rather than failing.
func RPow(z, x *uint256.Int, n uint64, b *uint256.Int) error {
	if x.IsZero() {
		if n == 0 {
			z.Set(b)
		} else {
			z.Clear()
		}
		return nil
	}
	// b == 0 is not an error: the assembly's div by zero yields 0.
	var half, xx, acc, t uint256.Int
	half.Rsh(b, 1)
	xx.Set(x)
	if n%2 == 0 {
		acc.Set(b)
	} else {
		acc.Set(x)
	}
	for n /= 2; n > 0; n /= 2 {
		if of := MulOverflow(&t, &xx, &xx); of {
			return ErrOverflow
		}
		if _, of := t.AddOverflow(&t, &half); of {
			return ErrOverflow
		}
		xx.Div(&t, b)
		if n%2 == 1 {
			if of := MulOverflow(&t, &acc, &xx); of && !xx.IsZero() {
				return ErrOverflow
			}
			if _, of := t.AddOverflow(&t, &half); of {
				return ErrOverflow
			}
			acc.Div(&t, b)
		}
	}
	z.Set(&acc)
	return nil
}

// AddInt sets z = x + y where y is a two's complement int256 (dss's
// _add(uint, int)): it fails with ErrUnderflow if the sum would go below
// zero and ErrOverflow past 2^256 - 1.
func AddInt(z, x, y *uint256.Int) error {
	neg := IsNeg(y)
	var s uint256.Int
	s.Add(x, y)
	if neg && s.Gt(x) {
		return ErrUnderflow
	}
	if !neg && s.Lt(x) {
		return ErrOverflow
	}
	z.Set(&s)
	return nil
}

// MulInt sets z = x · y where x is unsigned and y and z are two's complement
// int256 (dss's _mul(uint, int)). It fails with ErrOverflow if x does not fit
// an int256 or the product overflows.
func MulInt(z, x, y *uint256.Int) error {
	if IsNeg(x) {
		return ErrOverflow
	}
	neg := IsNeg(y)
	var m uint256.Int
	m.Abs(y)
	var p uint256.Int
	if of := MulOverflow(&p, x, &m); of {
		return ErrOverflow
	}
	// |p| must fit int256; -2^255 is representable only as a negative result.
	if IsNeg(&p) && !(neg && p[3] == 1<<63 && p[2]|p[1]|p[0] == 0) {
		return ErrOverflow
	}
	if neg {
		p.Neg(&p)
	}
	z.Set(&p)
	return nil
}

// Diff sets z = x - y as a two's complement int256 (dss's _diff); it fails
// with ErrOverflow if either operand does not fit an int256.
func Diff(z, x, y *uint256.Int) error {
	if IsNeg(x) || IsNeg(y) {
		return ErrOverflow
	}
	z.Sub(x, y)
	return nil
}

// Int sets z to the two's complement representation of v.
func Int(z *uint256.Int, v int64) *uint256.Int {
	if v >= 0 {
		return z.SetUint64(uint64(v))
	}
	z.SetUint64(uint64(-v))
	return z.Neg(z)
}
