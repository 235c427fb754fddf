package stats

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sumCases are hand-picked sums whose naive evaluation is wrong or overflows
// in some order; want is the correctly rounded exact sum.
var sumCases = []struct {
	name string
	xs   []float64
	want float64
}{
	{"empty", nil, 0},
	{"zeros", []float64{0, math.Copysign(0, -1)}, 0},
	{"cancel", []float64{1e308, -1e308, 1e-308}, 1e-308},
	{"carry", []float64{1e308, 1e308, -1e308}, 1e308},
	{"carry twice", []float64{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, -math.MaxFloat64, -math.MaxFloat64}, math.MaxFloat64},
	{"overflow", []float64{math.MaxFloat64, math.MaxFloat64}, math.Inf(1)},
	{"negative overflow", []float64{-1e308, -1e308, 1e307}, math.Inf(-1)},
	// MaxFloat64 plus half an ulp is a tie, rounded to even: to 2^1024,
	// which overflows; a hair less stays at MaxFloat64.
	{"overflow tie", []float64{math.MaxFloat64, 0x1p970}, math.Inf(1)},
	{"below overflow tie", []float64{math.MaxFloat64, 0x1p970, -0x1p-1074}, math.MaxFloat64},
	{"subnormals", []float64{0x1p-1074, 0x1p-1074, 0x1p-1074}, 0x1.8p-1073},
	// 1 + 2^-53 is a tie that rounds to 1; the tiny third term breaks it
	// upwards (the half-even correction of the final rounding).
	{"tie broken up", []float64{1, 0x1p-53, 0x1p-105}, 1 + 0x1p-52},
	{"tie broken down", []float64{1 + 0x1p-52, 0x1p-53, -0x1p-105}, 1 + 0x1p-52},
	{"tie to even", []float64{1, 0x1p-53}, 1},
	// 1 + 1e16 is a tie rounded down to even; 1e-16 breaks it upwards.
	{"small breaks tie", []float64{1e-16, 1, 1e16}, 10000000000000002},
	{"2^53 minus", []float64{0x1p53, -0.5, -0x1p-54}, 0x1p53 - 1},
	{"many tiny", slices.Repeat([]float64{0.1}, 10), 1},
}

func TestSumCases(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	for _, c := range sumCases {
		if o := oracleSum(c.xs); !sameFloat(o, c.want) {
			t.Fatalf("%s: oracle %g, table says %g", c.name, o, c.want)
		}
		for range 20 {
			var s Sum
			for _, x := range shuffled(r, c.xs) {
				s.Add(x)
			}
			if got := s.Value(); !sameFloat(got, c.want) {
				t.Errorf("%s: Value() = %g (%x), want %g", c.name, got, math.Float64bits(got), c.want)
			}
		}
	}
}

// adversarialSums returns samples mixing magnitudes from the whole float64
// range, with cancellation and carries beyond MaxFloat64.
func adversarialSums(r *rand.Rand) [][]float64 {
	randExp := func() float64 {
		// Random sign, mantissa and exponent over the whole range,
		// subnormals included.
		x := math.Float64frombits(r.Uint64() & (1<<63 | 1<<52 - 1 | uint64(r.IntN(2047))<<52))
		return x
	}
	var out [][]float64
	a := []float64{1e308, -1e308, 1e-308, 1, -1, 1e16, 1e-16, math.SmallestNonzeroFloat64}
	for i := range 200 {
		a = append(a, float64(i+1)*1e-320, -float64(i)*1e-310)
	}
	out = append(out, a)
	b := slices.Repeat([]float64{1e308}, 7)
	b = append(b, slices.Repeat([]float64{-1e308}, 7)...)
	b = append(b, math.MaxFloat64, -math.MaxFloat64, 3, 0x1p-1074, -1e-300)
	out = append(out, b)
	c := make([]float64, 0, 2000)
	for range 1000 {
		x := randExp()
		c = append(c, x, -x) // cancels exactly
	}
	c = append(c, 0x1p-1074)
	out = append(out, c)
	for range 20 {
		d := make([]float64, 300)
		for i := range d {
			d[i] = randExp()
		}
		out = append(out, d)
	}
	return out
}

// TestSumOrderIndependent checks on adversarial data that Value equals the
// math/big oracle bit for bit, and that the Value and the encoding are the
// same for every order of Add and every grouping of Merge.
func TestSumOrderIndependent(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	for i, xs := range adversarialSums(r) {
		want := oracleSum(xs)
		var ref Sum
		for _, x := range xs {
			ref.Add(x)
		}
		wantBytes := mustMarshal(t, &ref)
		for k := range 10 {
			ys := shuffled(r, xs)
			var parts []*Sum
			for _, p := range split(r, ys, 1+r.IntN(8)) {
				s := new(Sum)
				for _, x := range p {
					s.Add(x)
				}
				parts = append(parts, s)
			}
			s := mergeTree(r, parts, (*Sum).Merge)
			if got := s.Value(); !sameFloat(got, want) {
				t.Errorf("sample %d order %d: Value() = %g, oracle %g", i, k, got, want)
			}
			equalBytes(t, "shuffled and merged sum", mustMarshal(t, s), wantBytes)
		}
	}
}

// TestSumRounding compares the fast final rounding (roundExpansion) with
// the math/big path and the oracle on many random expansions, including
// ones that sit on rounding ties.
func TestSumRounding(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	for i := range 20000 {
		n := 1 + r.IntN(6)
		xs := make([]float64, n)
		base := r.IntN(200) - 100
		for j := range xs {
			// Terms near 2^base, 2^(base-53), ... so that ties and
			// near-ties between partials are common.
			m := float64(r.IntN(1<<20) - 1<<19)
			if i%2 == 0 {
				m = float64(r.IntN(33) - 16) // few bits: exact ties
			}
			xs[j] = math.Ldexp(m, base-53*j/2-r.IntN(3))
		}
		var s Sum
		for _, x := range xs {
			s.Add(x)
		}
		want := oracleSum(xs)
		if got := s.Value(); !sameFloat(got, want) {
			t.Fatalf("case %d %v: Value() = %g, oracle %g", i, xs, got, want)
		}
		if slow := scaledToFloat(s.exact()); !sameFloat(slow, want) {
			t.Fatalf("case %d %v: big path %g, oracle %g", i, xs, slow, want)
		}
	}
}

func TestSumSpecial(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{1, inf, 2}, inf},
		{[]float64{-inf, 1e308, 1e308}, -inf},
		{[]float64{inf, 1, -inf}, nan},
		{[]float64{nan, 1}, nan},
		{[]float64{inf, nan}, nan},
	} {
		for _, xs := range [][]float64{c.xs, reversed(c.xs)} {
			var s Sum
			for _, x := range xs {
				s.Add(x)
			}
			if got := s.Value(); !sameFloat(got, c.want) {
				t.Errorf("%v: Value() = %g, want %g", xs, got, c.want)
			}
			var u Sum
			if err := u.UnmarshalBinary(mustMarshal(t, &s)); err != nil {
				t.Fatal(err)
			}
			if got := u.Value(); !sameFloat(got, c.want) {
				t.Errorf("%v: Value() after round trip = %g, want %g", xs, got, c.want)
			}
		}
	}
}

func TestSumMergeSelfAndReset(t *testing.T) {
	t.Parallel()
	var s Sum
	for _, x := range []float64{1e308, 0.1, -3} {
		s.Add(x)
	}
	s.Merge(&s)
	if got, want := s.Value(), oracleSum([]float64{1e308, 0.1, -3, 1e308, 0.1, -3}); got != want {
		t.Errorf("self merge: %g, want %g", got, want)
	}
	s.Reset()
	if got := s.Value(); got != 0 || math.Signbit(got) {
		t.Errorf("after Reset: %g, want +0", got)
	}
	var zero Sum
	equalBytes(t, "reset sum", mustMarshal(t, &s), mustMarshal(t, &zero))
}

func TestSumMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	for i, xs := range adversarialSums(r) {
		var s Sum
		for _, x := range xs {
			s.Add(x)
		}
		b := mustMarshal(t, &s)
		var u Sum
		if err := u.UnmarshalBinary(b); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if got, want := u.Value(), s.Value(); !sameFloat(got, want) {
			t.Errorf("sample %d: %g after round trip, want %g", i, got, want)
		}
		equalBytes(t, "re-marshalled sum", mustMarshal(t, &u), b)
		// The decoded sum keeps accumulating exactly.
		u.Add(1e-300)
		s.Add(1e-300)
		equalBytes(t, "sum after round trip and Add", mustMarshal(t, &u), mustMarshal(t, &s))
	}
}

func TestSumUnmarshalErrors(t *testing.T) {
	t.Parallel()
	var s Sum
	for _, x := range []float64{1e308, 1e308, -0.5} {
		s.Add(x)
	}
	good := mustMarshal(t, &s)
	bad := map[string][]byte{
		"empty":         {},
		"magic":         append([]byte("xS"), good[2:]...),
		"version":       append([]byte("tS\x02"), good[3:]...),
		"flags":         append([]byte("tS\x01\x10"), good[4:]...),
		"trailing":      append(slices.Clone(good), 0),
		"leading zero":  {'t', 'S', 1, 0, 2, 0, 1},
		"negative zero": {'t', 'S', 1, flagNegative, 0},
		"overlong len":  {'t', 'S', 1, 0, 0x81, 0x00, 1},
		// 271 bytes: passes the length bound but the carries overflow int64.
		"too large":      append([]byte{'t', 'S', 1, 0, 0x8f, 0x02}, slices.Repeat([]byte{0xff}, 271)...),
		"too long":       append([]byte{'t', 'S', 1, 0, 0xac, 0x02}, slices.Repeat([]byte{1}, 300)...),
		"length too big": {'t', 'S', 1, 0, 5, 1, 2},
	}
	for i := range len(good) {
		bad[fmt.Sprintf("truncated at %d", i)] = good[:i]
	}
	for name, b := range bad {
		u := s
		if err := u.UnmarshalBinary(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
		if u.Value() != s.Value() {
			t.Errorf("%s: receiver changed on error", name)
		}
	}
}

func TestSumAddDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = math.Exp(10 * r.NormFloat64())
	}
	var s Sum
	s.Add(1) // the first Add allocates the partials
	i := 0
	if a := testing.AllocsPerRun(10000, func() {
		s.Add(xs[i%len(xs)])
		i++
	}); a != 0 {
		t.Errorf("Sum.Add: %g allocs/op, want 0", a)
	}
}

// TestSumBodyMatchesBigInt: the encoded total (built in fixed-width
// limbs) equals the exact total computed with math/big, for sums of mixed
// signs and magnitudes, carries past the float64 range, and cancellation
// to zero (seed PCG(5, 6), 3,000 sums).
func TestSumBodyMatchesBigInt(t *testing.T) {
	t.Parallel()
	ref := func(s *Sum) []byte {
		m := s.exact()
		flags := s.special
		if m.Sign() < 0 {
			flags |= flagNegative
		}
		mag := m.Abs(m).Bytes()
		b := []byte{flags}
		b = binary.AppendUvarint(b, uint64(len(mag)))
		return append(b, mag...)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for k := range 3000 {
		var s Sum
		var xs []float64
		for range r.IntN(12) {
			x := math.Ldexp(r.Float64()+0.5, r.IntN(2100)-1075)
			if r.IntN(2) == 0 {
				x = -x
			}
			switch r.IntN(8) {
			case 0:
				x = math.MaxFloat64 * float64(1-2*r.IntN(2)) // carries
			case 1:
				x = math.SmallestNonzeroFloat64 * float64(r.IntN(5)-2) // subnormal
			}
			xs = append(xs, x)
			s.Add(x)
		}
		if k%3 == 0 { // cancel to exactly zero
			for _, x := range xs {
				s.Add(-x)
			}
		}
		if got, want := s.appendBody(nil), ref(&s); !bytes.Equal(got, want) {
			t.Fatalf("sum %d of %v: body %x, math/big gives %x", k, xs, got, want)
		}
	}
}
