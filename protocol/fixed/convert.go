package fixed

// Boundary conversions between fixed-point integers and the decimal strings
// and floats of configs, agents and reports.
//
// Mirrors no contract: these are the model's own conversions. They are exact
// (ParseDecimal, FormatDecimal), exactly rounded (FromFloat rounds half up,
// ToFloat to nearest even) and allocation-free except for FormatDecimal's
// result string and the error values of failed parses.
// No deviations.

import (
	"errors"
	"math"
	"math/bits"
	"strconv"

	"github.com/holiman/uint256"
)

// MaxDecimals is the largest number of decimals the conversions accept:
// 10^77 is the largest power of ten below 2^256.
const MaxDecimals = 77

// Conversion failures. Parse errors are returned wrapped in a *DecimalError
// that names the input; match them with errors.Is.
var (
	// ErrSyntax reports a string that is not digits with at most one
	// decimal point: signs, exponents, spaces, underscores and empty
	// integer or fractional parts are rejected.
	ErrSyntax = errors.New("fixed: invalid decimal syntax")
	// ErrPrecision reports more fractional digits than decimals.
	ErrPrecision = errors.New("fixed: more fractional digits than decimals")
	// ErrDecimals reports a number of decimals above MaxDecimals.
	ErrDecimals = errors.New("fixed: decimals out of range")
	// ErrInvalidFloat reports a NaN or infinite float, or a negative one
	// where an unsigned value is wanted.
	ErrInvalidFloat = errors.New("fixed: float is NaN, infinite or negative")
)

// DecimalError describes a failed ParseDecimal or ParseDecimalInt.
type DecimalError struct {
	Input    string // the string that failed to parse
	Decimals uint   // the requested number of decimals
	Err      error  // ErrSyntax, ErrPrecision, ErrDecimals or ErrOverflow
}

// Error returns the message "fixed: parsing <input> at <n> decimals: <cause>".
func (e *DecimalError) Error() string {
	return "fixed: parsing " + quote(e.Input) + " at " + strconv.FormatUint(uint64(e.Decimals), 10) + " decimals: " + e.Err.Error()
}

// Unwrap returns the cause, for errors.Is.
func (e *DecimalError) Unwrap() error { return e.Err }

// quote quotes s for an error message, cutting it at 64 bytes.
func quote(s string) string {
	const limit = 64
	if len(s) > limit {
		return strconv.Quote(s[:limit]) + "..."
	}
	return strconv.Quote(s)
}

// pow10 holds 10^0 … 10^77.
var pow10 = func() (t [MaxDecimals + 1]uint256.Int) {
	t[0].SetOne()
	ten := uint256.NewInt(10)
	for i := 1; i < len(t); i++ {
		t[i].Mul(&t[i-1], ten)
	}
	return t
}()

// pow5 holds 5^0 … 5^77 (5^77 < 2^179).
var pow5 = func() (t [MaxDecimals + 1]uint256.Int) {
	t[0].SetOne()
	five := uint256.NewInt(5)
	for i := 1; i < len(t); i++ {
		t[i].Mul(&t[i-1], five)
	}
	return t
}()

// Pow10 sets z = 10^n and returns z. It panics if n > MaxDecimals.
func Pow10(z *uint256.Int, n uint) *uint256.Int {
	if n > MaxDecimals {
		panic("fixed: Pow10 exponent out of range")
	}
	return z.Set(&pow10[n])
}

// ParseDecimal sets z to the exact fixed-point value of the decimal string s
// with the given number of decimals: "1.05" at 18 decimals is
// 1050000000000000000. s is one or more digits, optionally followed by a
// point and one or more digits. Leading zeros are allowed. The error, a
// *DecimalError, wraps ErrSyntax for anything else (signs, exponents,
// spaces, an empty string or part), ErrPrecision for more fractional digits
// than decimals, ErrDecimals for decimals > MaxDecimals and ErrOverflow if
// the value exceeds 2^256-1. On error z is unspecified.
func ParseDecimal(z *uint256.Int, s string, decimals uint) error {
	if err := parseDecimal(z, s, decimals); err != nil {
		return &DecimalError{Input: s, Decimals: decimals, Err: err}
	}
	return nil
}

// ParseDecimalInt is ParseDecimal for a signed value: s may start with one
// '-' (not '+'), and z is set to the two's complement int256. It fails with
// ErrOverflow outside [-2^255, 2^255-1]. "-0" is zero.
func ParseDecimalInt(z *uint256.Int, s string, decimals uint) error {
	neg := len(s) > 0 && s[0] == '-'
	body := s
	if neg {
		body = s[1:]
	}
	err := parseDecimal(z, body, decimals)
	if err == nil {
		if neg {
			if z.Gt(&minInt256) {
				err = ErrOverflow
			} else {
				z.Neg(z)
			}
		} else if IsNeg(z) {
			err = ErrOverflow
		}
	}
	if err != nil {
		return &DecimalError{Input: s, Decimals: decimals, Err: err}
	}
	return nil
}

func parseDecimal(z *uint256.Int, s string, decimals uint) error {
	if decimals > MaxDecimals {
		return ErrDecimals
	}
	intPart, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, frac = s[:i], s[i+1:]
			if len(frac) == 0 {
				return ErrSyntax
			}
			break
		}
	}
	if len(intPart) == 0 {
		return ErrSyntax
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return ErrSyntax
	}
	if uint(len(frac)) > decimals {
		return ErrPrecision
	}
	z.Clear()
	if err := accumulate(z, intPart); err != nil {
		return err
	}
	if err := accumulate(z, frac); err != nil {
		return err
	}
	if of := MulOverflow(z, z, &pow10[decimals-uint(len(frac))]); of {
		return ErrOverflow
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// accumulate sets z = z·10^len(s) + s for a string of digits, 19 digits at a
// time, failing with ErrOverflow past 2^256-1.
func accumulate(z *uint256.Int, s string) error {
	for len(s) > 0 {
		n := min(len(s), 19)
		var chunk uint64
		for i := 0; i < n; i++ {
			chunk = chunk*10 + uint64(s[i]-'0')
		}
		s = s[n:]
		if z.IsZero() {
			z.SetUint64(chunk)
			continue
		}
		if of := MulOverflow(z, z, &pow10[n]); of {
			return ErrOverflow
		}
		var c uint256.Int
		c.SetUint64(chunk)
		if _, of := z.AddOverflow(z, &c); of {
			return ErrOverflow
		}
	}
	return nil
}

// FormatDecimal returns the exact decimal form of x with the given number of
// decimals, with trailing fractional zeros and a bare point trimmed:
// 1050000000000000000 at 18 decimals is "1.05", zero is "0". ParseDecimal
// reads it back to x. It panics if decimals > MaxDecimals.
func FormatDecimal(x *uint256.Int, decimals uint) string {
	var buf [80 + MaxDecimals]byte
	return string(formatDecimal(buf[:0], x, decimals))
}

// FormatDecimalInt is FormatDecimal for a two's complement int256 x: a
// negative value starts with '-'.
func FormatDecimalInt(x *uint256.Int, decimals uint) string {
	var buf [81 + MaxDecimals]byte
	b := buf[:0]
	var a uint256.Int
	a.Abs(x)
	if IsNeg(x) {
		b = append(b, '-')
	}
	return string(formatDecimal(b, &a, decimals))
}

// formatDecimal appends the decimal form of x to b.
func formatDecimal(b []byte, x *uint256.Int, decimals uint) []byte {
	if decimals > MaxDecimals {
		panic("fixed: FormatDecimal decimals out of range")
	}
	digits := x.Dec()
	d := int(decimals)
	lead := 0 // zeros between the point and the first digit of digits
	if len(digits) > d {
		b = append(b, digits[:len(digits)-d]...)
		digits = digits[len(digits)-d:]
	} else {
		b = append(b, '0')
		lead = d - len(digits)
	}
	digits = digits[:len(digits)-trailingZeros(digits)]
	if len(digits) > 0 {
		b = append(b, '.')
		for range lead {
			b = append(b, '0')
		}
		b = append(b, digits...)
	}
	return b
}

func trailingZeros(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '0' {
		n++
	}
	return n
}

// FromFloat sets z to f·10^decimals rounded to the nearest integer, ties
// rounded up, computed exactly from the float's binary mantissa and
// exponent (f = m·2^e, so f·10^d = m·5^d·2^(e+d) with m·5^d < 2^232). -0 is
// zero. It fails with ErrInvalidFloat if f is NaN, infinite or negative,
// ErrDecimals if decimals > MaxDecimals and ErrOverflow if the result
// exceeds 2^256-1.
func FromFloat(z *uint256.Int, f float64, decimals uint) error {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return ErrInvalidFloat
	}
	return fromFloat(z, f, decimals)
}

// FromFloatInt is FromFloat for a signed result: z is the two's complement
// int256 of f·10^decimals rounded to nearest, ties away from zero. It fails
// with ErrOverflow outside [-2^255, 2^255-1].
func FromFloatInt(z *uint256.Int, f float64, decimals uint) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ErrInvalidFloat
	}
	neg := f < 0
	if err := fromFloat(z, math.Abs(f), decimals); err != nil {
		return err
	}
	if neg {
		if z.Gt(&minInt256) {
			return ErrOverflow
		}
		z.Neg(z)
	} else if IsNeg(z) {
		return ErrOverflow
	}
	return nil
}

// fromFloat handles a finite f ≥ 0.
func fromFloat(z *uint256.Int, f float64, decimals uint) error {
	if decimals > MaxDecimals {
		return ErrDecimals
	}
	if f == 0 {
		z.Clear()
		return nil
	}
	fb := math.Float64bits(f)
	exp := int((fb >> 52) & 0x7ff)
	mant := fb & (1<<52 - 1)
	if exp == 0 {
		exp = 1 // subnormal
	} else {
		mant |= 1 << 52
	}
	e := exp - 1075 // f = mant · 2^e
	var p, m uint256.Int
	m.SetUint64(mant)
	p.Mul(&m, &pow5[decimals]) // < 2^53 · 2^179
	s := e + int(decimals)
	if s >= 0 {
		if p.BitLen()+s > 256 {
			return ErrOverflow
		}
		z.Lsh(&p, uint(s))
		return nil
	}
	k := uint(-s)
	if k > 256 {
		// p < 2^232, so p / 2^k < 2^-24: rounds to 0.
		z.Clear()
		return nil
	}
	// Round half up: add 2^(k-1) before truncating. p + 2^(k-1) < 2^256.
	var h uint256.Int
	h.SetOne()
	h.Lsh(&h, k-1)
	p.Add(&p, &h)
	z.Rsh(&p, k)
	return nil
}

// ToFloat returns x / 10^decimals as the float64 nearest to the exact
// quotient (ties to even): the result is correctly rounded, not merely
// within an ulp. It panics if decimals > MaxDecimals.
func ToFloat(x *uint256.Int, decimals uint) float64 {
	if decimals > MaxDecimals {
		panic("fixed: ToFloat decimals out of range")
	}
	if x.IsZero() {
		return 0
	}
	if decimals <= maxPow5Word {
		return toFloatPow5(x, decimals)
	}
	if decimals <= 2*maxPow5Word {
		return toFloatPow5x2(x, decimals)
	}
	den := &pow10[decimals]
	n := x.BitLen()
	b := den.BitLen()
	// q = floor(x·2^s / den) has 63 or 64 bits; sticky records any
	// remainder so the conversion to float64 rounds once, correctly.
	s := 63 + b - n
	var q, t uint256.Int
	sticky := false
	if s >= 0 && s <= 256-n {
		// x·2^s fits 256 bits: one 256-bit division gives q and the
		// remainder.
		var r uint256.Int
		t.Lsh(x, uint(s))
		q.DivMod(&t, den, &r)
		sticky = !r.IsZero()
	} else if s >= 0 {
		a := min(s, 256-n)
		t.Lsh(x, uint(a))
		var p2 uint256.Int
		p2.SetOne()
		p2.Lsh(&p2, uint(s-a))
		q.MulDivOverflow(&t, &p2, den)
		// The remainder t·p2 − q·den lies in [0, den), so it equals the
		// difference of the two products mod 2^256: wrapping shifts and
		// multiplications give it without a second 512-bit division.
		var r, qd uint256.Int
		r.Lsh(&t, uint(s-a))
		qd.Mul(&q, den)
		r.Sub(&r, &qd)
		sticky = !r.IsZero()
	} else {
		k := uint(-s)
		t.Rsh(x, k)
		var back uint256.Int
		back.Lsh(&t, k)
		sticky = !back.Eq(x)
		var r uint256.Int
		q.DivMod(&t, den, &r)
		sticky = sticky || !r.IsZero()
	}
	m := q.Uint64()
	if sticky {
		m |= 1
	}
	// m ≥ 2^62, so bit 0 lies below float64's rounding bit: it only breaks
	// ties, as the discarded remainder would.
	return scale2(float64(m), -s)
}

// scale2 returns x·2^e for x in [2^62, 2^64], as math.Ldexp does. Where
// 2^e is a normal float64 and the product cannot leave the normal range,
// the product is exact and one multiplication gives it; elsewhere (a
// subnormal result, which rounds) math.Ldexp does.
func scale2(x float64, e int) float64 {
	if e >= -1022+64 && e <= 1023-64 {
		return x * math.Float64frombits(uint64(1023+e)<<52)
	}
	return math.Ldexp(x, e)
}

// maxPow5Word is the largest n with 5^n < 2^64.
const maxPow5Word = 27

// toFloatPow5 is ToFloat for decimals ≤ 27, where 10^decimals = 2^d·5^d
// and 5^d fits one word: the 2^d goes to the exponent and the division by 5^d
// takes two word divisions. Same rounding as the general path: a quotient
// of 63 or 64 bits with the remainder folded into bit 0 as a sticky bit, so
// the conversion to float64 rounds once.
func toFloatPow5(x *uint256.Int, decimals uint) float64 {
	d := pow5[decimals][0] // < 2^64 for decimals ≤ 27
	b := bits.Len64(d)
	n := x.BitLen()
	s := 63 + b - n // x·2^s has 63+b ≤ 127 bits: two words
	var t uint256.Int
	sticky := shift(&t, x, s)
	q1, r1 := bits.Div64(0, t[1], d)
	q0, r0 := bits.Div64(r1, t[0], d)
	_ = q1 // zero: the quotient has at most 64 bits
	m := q0
	if sticky || r0 != 0 {
		m |= 1
	}
	return scale2(float64(m), -s-int(decimals))
}

// shift sets t to x·2^s, rounded down for a negative s, and reports
// whether the rounding dropped any bits.
func shift(t, x *uint256.Int, s int) (sticky bool) {
	if s >= 0 {
		t.Lsh(x, uint(s))
		return false
	}
	k := uint(-s)
	t.Rsh(x, k)
	var back uint256.Int
	back.Lsh(t, k)
	return !back.Eq(x)
}

// toFloatPow5x2 is ToFloat for 27 < decimals ≤ 54 (rad's 45 among them):
// 5^decimals takes two words, but it is the product of 5^27 and
// 5^(decimals−27), which take one each, and dividing by one and then the
// other gives the same quotient as dividing by their product
// (⌊⌊t/a⌋/b⌋ = ⌊t/(ab)⌋), in word divisions instead of a 256-bit one. The
// quotient and the sticky bit are those of the general path.
func toFloatPow5x2(x *uint256.Int, decimals uint) float64 {
	a := pow5[maxPow5Word][0]
	b := pow5[decimals-maxPow5Word][0]
	n := x.BitLen()
	s := 63 + pow5[decimals].BitLen() - n // x·2^s has at most 63+126 bits: three words
	var t uint256.Int
	sticky := shift(&t, x, s)
	// u = ⌊t/a⌋ has at most 189−62 bits: two words (u1, u0).
	_, r := bits.Div64(0, t[2], a)
	u1, r := bits.Div64(r, t[1], a)
	u0, ra := bits.Div64(r, t[0], a)
	// ⌊u/b⌋ < 2^64, as in the general path.
	_, r = bits.Div64(0, u1, b)
	m, rb := bits.Div64(r, u0, b)
	if sticky || ra != 0 || rb != 0 {
		m |= 1
	}
	return scale2(float64(m), -s-int(decimals))
}

// ToFloatInt is ToFloat for a two's complement int256 x.
func ToFloatInt(x *uint256.Int, decimals uint) float64 {
	if !IsNeg(x) {
		return ToFloat(x, decimals)
	}
	var a uint256.Int
	a.Abs(x)
	return -ToFloat(&a, decimals)
}
