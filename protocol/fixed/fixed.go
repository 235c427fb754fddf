package fixed

// Checked uint256 operations with Solidity ≥ 0.8 semantics (revert on
// overflow, underflow and division by zero) and OpenZeppelin Math.mulDiv
// (FullMulDiv) for the contracts that keep a 512-bit intermediate.
// No deviations.

import (
	"errors"
	"math/bits"

	"github.com/holiman/uint256"
)

// Units. Treat these as constants: never pass them as a destination.
var (
	// BLN is 1e9, the factor between WAD and RAY.
	BLN = *uint256.NewInt(1e9)
	// WAD is 1e18, the unit of token amounts.
	WAD = *uint256.NewInt(1e18)
	// RAY is 1e27, the unit of rates, indices and prices.
	RAY = *uint256.MustFromDecimal("1000000000000000000000000000")
	// RAD is 1e45 = WAD·RAY, the unit of the accounting core's balances.
	RAD = *uint256.MustFromDecimal("1000000000000000000000000000000000000000000000")
	// Max is 2^256 - 1.
	Max = *new(uint256.Int).SetAllOne()
)

var one = uint256.NewInt(1)

// Arithmetic failures. Their messages are the stable revert reasons of a
// transaction that hit them.
var (
	ErrOverflow  = errors.New("math/overflow")
	ErrUnderflow = errors.New("math/underflow")
	ErrDivByZero = errors.New("math/division-by-zero")
)

// Add sets z = x + y and fails with ErrOverflow past 2^256 - 1.
func Add(z, x, y *uint256.Int) error {
	if _, of := z.AddOverflow(x, y); of {
		return ErrOverflow
	}
	return nil
}

// Sub sets z = x - y and fails with ErrUnderflow if y > x.
func Sub(z, x, y *uint256.Int) error {
	if _, uf := z.SubOverflow(x, y); uf {
		return ErrUnderflow
	}
	return nil
}

// Mul sets z = x · y and fails with ErrOverflow past 2^256 - 1.
func Mul(z, x, y *uint256.Int) error {
	if of := MulOverflow(z, x, y); of {
		return ErrOverflow
	}
	return nil
}

// MulOverflow sets z = x · y mod 2^256 and reports whether the product
// overflowed, as uint256's MulOverflow does; z may alias x or y. When both
// factors are below 2^128, as token amounts, prices and indices are, the
// product always fits and takes four 64-bit multiplications rather than a
// 512-bit product: about a fifth of the time.
func MulOverflow(z, x, y *uint256.Int) bool {
	if x[2]|x[3]|y[2]|y[3] != 0 {
		_, of := z.MulOverflow(x, y)
		return of
	}
	h00, l00 := bits.Mul64(x[0], y[0])
	h01, l01 := bits.Mul64(x[0], y[1])
	h10, l10 := bits.Mul64(x[1], y[0])
	h11, l11 := bits.Mul64(x[1], y[1])
	w1, c1 := bits.Add64(h00, l01, 0)
	w1, c2 := bits.Add64(w1, l10, 0)
	w2, d1 := bits.Add64(h01, h10, c1)
	w2, d2 := bits.Add64(w2, l11, c2)
	z[0], z[1], z[2], z[3] = l00, w1, w2, h11+d1+d2 // below 2^256: no carry out
	return false
}

// Sum sets z = Σ xs mod 2^256 and reports whether the sum reached 2^256
// (the running sum of such unsigned words overflows exactly then). The
// total stays in registers, with the carries out of the top word counted
// apart: several times faster over a long slice than adding into z, whose
// every addition would wait on the last one's store.
func Sum(z *uint256.Int, xs []uint256.Int) (overflow bool) {
	var s0, s1, s2, s3, out uint64
	for i := range xs {
		x := &xs[i]
		var c uint64
		s0, c = bits.Add64(s0, x[0], 0)
		s1, c = bits.Add64(s1, x[1], c)
		s2, c = bits.Add64(s2, x[2], c)
		s3, c = bits.Add64(s3, x[3], c)
		out += c
	}
	z[0], z[1], z[2], z[3] = s0, s1, s2, s3
	return out != 0
}

// Div sets z = floor(x / y) and fails with ErrDivByZero if y is zero.
func Div(z, x, y *uint256.Int) error {
	if y.IsZero() {
		return ErrDivByZero
	}
	z.Div(x, y)
	return nil
}

// MulDiv sets z = floor(x · y / d) with Solidity's semantics: the product
// must fit in 256 bits (ErrOverflow) and d must not be zero (ErrDivByZero).
// Use FullMulDiv where the contract keeps a 512-bit intermediate.
func MulDiv(z, x, y, d *uint256.Int) error {
	if d.IsZero() {
		return ErrDivByZero
	}
	// The product goes to a temporary: z may alias d.
	var p uint256.Int
	if of := MulOverflow(&p, x, y); of {
		return ErrOverflow
	}
	floorDiv(z, &p, d)
	return nil
}

// floorDiv sets z = floor(p / d) for d ≠ 0; z may alias p or d. A division by
// RAY is a shift by 27 and a division by 5^27, which fits one word:
// ⌊⌊p/2^27⌋/5^27⌋ = ⌊p/RAY⌋, and uint256 divides by one word without
// Knuth's algorithm.
func floorDiv(z, p, d *uint256.Int) {
	if *d != RAY {
		z.Div(p, d)
		return
	}
	var t uint256.Int
	t.Rsh(p, 27)
	z.Div(&t, &pow5[maxPow5Word])
}

// FullMulDiv sets z = x · y / d computed with a 512-bit intermediate, as
// OpenZeppelin's Math.mulDiv does, rounding up when roundUp is set. It fails
// with ErrDivByZero if d is zero and ErrOverflow if the result does not fit.
func FullMulDiv(z, x, y, d *uint256.Int, roundUp bool) error {
	if d.IsZero() {
		return ErrDivByZero
	}
	// The remainder is taken before z is written: z may alias x, y or d.
	var r uint256.Int
	if roundUp {
		r.MulMod(x, y, d)
	}
	if _, of := z.MulDivOverflow(x, y, d); of {
		return ErrOverflow
	}
	if !r.IsZero() {
		if _, of := z.AddOverflow(z, one); of {
			return ErrOverflow
		}
	}
	return nil
}

// Min sets z to the smaller of x and y.
func Min(z, x, y *uint256.Int) *uint256.Int {
	if x.Lt(y) {
		return z.Set(x)
	}
	return z.Set(y)
}

// Max2 sets z to the larger of x and y.
func Max2(z, x, y *uint256.Int) *uint256.Int {
	if x.Gt(y) {
		return z.Set(x)
	}
	return z.Set(y)
}

// IsNeg reports whether x, read as a two's complement int256, is negative.
func IsNeg(x *uint256.Int) bool { return x[3]>>63 == 1 }
