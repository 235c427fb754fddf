package stats

import (
	"math"
	"math/big"
)

// carryUnit is the weight of one unit of Sum.over: 2^1023, the largest power
// of two a float64 can hold.
const carryUnit = 0x1p1023

// carryShift is log2(carryUnit / 2^-1074): Sum.over counts multiples of
// 2^carryShift in the integer scale used by Sum.exact.
const carryShift = 1023 + 1074

// Sum is an exact accumulator of float64 values. It keeps the running total
// without rounding error as an expansion: a list of non-overlapping float64
// partials of increasing magnitude (Shewchuk's exact floating-point
// expansion arithmetic) plus an integer count of 2^1023 carries that
// absorbs totals beyond the float64 range. Because the total is exact,
// Value does not depend on the order of Add and Merge calls, and the
// serialised form (MarshalBinary) is canonical.
//
// Non-finite inputs follow IEEE arithmetic but order-independently: a NaN
// makes Value NaN for good, +Inf makes it +Inf, -Inf makes it -Inf, and
// both infinities together make it NaN. Finite values keep being
// accumulated exactly alongside.
//
// The zero value is an empty sum, ready to use. A Sum is not safe for
// concurrent use.
type Sum struct {
	partials []float64 // non-overlapping, increasing magnitude, no zeros
	over     int64     // carries: the total is over*2^1023 + Σ partials
	special  uint8     // specialNaN | specialPosInf | specialNegInf
}

// Flags for the non-finite values seen by a Sum.
const (
	specialNaN    = 1 << 0
	specialPosInf = 1 << 1
	specialNegInf = 1 << 2
)

// sumInitCap is the capacity given to the partials on the first Add. Random
// data of one sign needs two or three partials, so a table of thousands of
// sums stays small; adversarial data spanning the whole float64 range
// needs about 40, at which point the slice grows a few times and then
// stays.
const sumInitCap = 4

// Add adds x to the sum exactly. It does not allocate except the first
// time and, rarely, when the expansion outgrows its capacity.
func (s *Sum) Add(x float64) {
	if x == 0 {
		return
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		s.addSpecial(x)
		return
	}
	if s.partials == nil {
		s.partials = make([]float64, 0, sumInitCap)
	}
	// Grow the expansion by x: walk the partials from the smallest, carry
	// the rounded sum upwards and keep every rounding error, which is exact
	// (|x| >= |y| makes y - (hi - x) the error of hi = x + y).
	p := s.partials
	i := 0
	for _, y := range p {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		if math.IsInf(hi, 0) {
			x, y = s.carry(x, y)
			hi = x + y
		}
		lo := y - (hi - x)
		if lo != 0 {
			p[i] = lo
			i++
		}
		x = hi
	}
	p = p[:i]
	if x != 0 {
		p = append(p, x)
	}
	s.partials = p
}

// carry is called when x + y overflowed, with |x| >= |y| both finite. Then x
// and y have the same sign and |x| >= 2^1023 (two magnitudes below 2^1023
// add up to at most MaxFloat64). It moves one 2^1023 out of x, and out of y
// too if |y| >= 2^1023, into s.over and returns the reduced pair, ordered by
// magnitude, whose sum is now below 2^1024. Each subtraction is exact (it
// clears the leading bit) and keeps the bits of the operand a subset of
// the original bits, so the expansion stays non-overlapping.
func (s *Sum) carry(x, y float64) (float64, float64) {
	u := math.Copysign(carryUnit, x)
	d := int64(1)
	if x < 0 {
		d = -1
	}
	x -= u
	s.over += d
	if math.Abs(y) >= carryUnit {
		y -= u
		s.over += d
	}
	if math.Abs(x) < math.Abs(y) {
		x, y = y, x
	}
	return x, y
}

func (s *Sum) addSpecial(x float64) {
	switch {
	case math.IsNaN(x):
		s.special |= specialNaN
	case x > 0:
		s.special |= specialPosInf
	default:
		s.special |= specialNegInf
	}
}

// Merge adds the total of o to s exactly. o is not modified; s and o may be
// the same Sum, which doubles it.
func (s *Sum) Merge(o *Sum) {
	ps := o.partials
	if o == s {
		ps = append([]float64(nil), ps...)
	}
	over, special := o.over, o.special
	for _, p := range ps {
		s.Add(p)
	}
	s.over += over
	s.special |= special
}

// Reset empties the sum, keeping its storage.
func (s *Sum) Reset() {
	s.partials = s.partials[:0]
	s.over = 0
	s.special = 0
}

// Value returns the total correctly rounded to the nearest float64 (ties to
// even), or ±Inf if it is beyond the float64 range. An exactly zero total
// is +0. See Sum for non-finite inputs. Value allocates only when the total
// is at least 2^1023 in magnitude.
func (s *Sum) Value() float64 {
	if s.special != 0 {
		return s.specialValue()
	}
	if s.over == 0 {
		if v := roundExpansion(s.partials); math.Abs(v) < carryUnit {
			return v
		}
	}
	return scaledToFloat(s.exact())
}

func (s *Sum) specialValue() float64 {
	switch {
	case s.special&specialNaN != 0, s.special == specialPosInf|specialNegInf:
		return math.NaN()
	case s.special == specialPosInf:
		return math.Inf(1)
	default:
		return math.Inf(-1)
	}
}

// roundExpansion returns the sum of p (non-overlapping, increasing
// magnitude) correctly rounded to nearest-even, provided no step overflows
// (the caller checks the result is below 2^1023 and otherwise recomputes).
//
// It adds the partials from the largest down until an addition is inexact.
// The rounding error lo of that addition lies within half an ulp of hi and
// the partials still unread are smaller than the lowest bit of the last one
// added, so they cannot move the total across a rounding boundary, except
// when lo is exactly half an ulp: then hi was rounded to even, and if the
// remaining partials push the same way as lo the true total lies beyond
// the half-way point and hi must move one ulp towards it.
func roundExpansion(p []float64) float64 {
	n := len(p)
	if n == 0 {
		return 0
	}
	n--
	hi := p[n]
	var lo float64
	for n > 0 {
		x := hi
		n--
		y := p[n]
		hi = x + y
		lo = y - (hi - x)
		if lo != 0 {
			break
		}
	}
	if n > 0 && (lo < 0 && p[n-1] < 0 || lo > 0 && p[n-1] > 0) {
		y := lo * 2
		x := hi + y
		if x-hi == y {
			hi = x
		}
	}
	return hi
}

// exact returns the finite part of the total as an integer m, the total
// being m·2^-1074 (every float64 is an integer multiple of 2^-1074).
func (s *Sum) exact() *big.Int {
	m := new(big.Int)
	var t big.Int
	for _, p := range s.partials {
		mant, shift := scaledParts(p)
		t.SetUint64(mant)
		t.Lsh(&t, shift)
		if p < 0 {
			m.Sub(m, &t)
		} else {
			m.Add(m, &t)
		}
	}
	if s.over != 0 {
		t.SetInt64(s.over)
		t.Lsh(&t, carryShift)
		m.Add(m, &t)
	}
	return m
}

// scaledParts returns mant and shift with |x| = mant·2^shift·2^-1074 for a
// finite x.
func scaledParts(x float64) (mant uint64, shift uint) {
	b := math.Float64bits(x)
	exp := uint(b>>52) & 0x7ff
	mant = b & (1<<52 - 1)
	if exp == 0 { // subnormal: mant·2^-1074
		return mant, 0
	}
	return mant | 1<<52, exp - 1
}

// scaledToFloat returns m·2^-1074 correctly rounded to float64.
func scaledToFloat(m *big.Int) float64 {
	if m.Sign() == 0 {
		return 0
	}
	f := new(big.Float).SetInt(m) // exact: precision grows to m's bit length
	f.SetMantExp(f, -1074)
	v, _ := f.Float64()
	return v
}

// setExact sets the finite part of s to m·2^-1074, in the canonical form
// produced by Unmarshal: the carries are m's quotient by 2^carryShift
// (truncated) and the remainder is split into 52-bit chunks, lowest first,
// each an exact float64. It reports false if the carry count does not fit
// an int64.
func (s *Sum) setExact(m *big.Int) bool {
	var q, r big.Int
	unit := new(big.Int).Lsh(big.NewInt(1), carryShift)
	q.QuoRem(m, unit, &r)
	if !q.IsInt64() {
		return false
	}
	s.over = q.Int64()
	neg := r.Sign() < 0
	r.Abs(&r)
	if s.partials == nil {
		s.partials = make([]float64, 0, sumInitCap)
	}
	s.partials = s.partials[:0]
	const chunk = 52
	mask := new(big.Int).SetUint64(1<<chunk - 1)
	var c big.Int
	for e := 0; r.Sign() != 0; e += chunk {
		c.And(&r, mask)
		if v := c.Uint64(); v != 0 {
			f := math.Ldexp(float64(v), e-1074)
			if neg {
				f = -f
			}
			s.partials = append(s.partials, f)
		}
		r.Rsh(&r, chunk)
	}
	return true
}

// exactMean returns the total of s divided by n > 0, correctly rounded.
func exactMean(s *Sum, n uint64) float64 {
	if s.special != 0 {
		return s.specialValue()
	}
	if s.over == 0 && n <= 1<<53 {
		switch len(s.partials) {
		case 0:
			return 0
		case 1:
			// The total and n are exact float64s, and IEEE division is
			// correctly rounded.
			return s.partials[0] / float64(n)
		}
	}
	den := new(big.Int).SetUint64(n)
	den.Lsh(den, 1074)
	v, _ := new(big.Rat).SetFrac(s.exact(), den).Float64()
	return v
}
