package stats

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// floatsOf reads the bytes as little-endian float64s (a trailing partial
// word is ignored).
func floatsOf(data []byte) []float64 {
	xs := make([]float64, 0, len(data)/8)
	for ; len(data) >= 8; data = data[8:] {
		xs = append(xs, math.Float64frombits(binary.LittleEndian.Uint64(data)))
	}
	return xs
}

func bytesOf(xs ...float64) []byte {
	var b []byte
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// seedSketches are encodings used to seed the decoding fuzzers.
func seedSketches(f *testing.F) [][]byte {
	var out [][]byte
	for _, s := range []*Sketch{
		NewSketch(testAlpha, testMaxB),
		sketchOf(testAlpha, testMaxB, []float64{-3, -1e-3, 0, 0, 2.5, 7, 1e9, 1e-9}),
		sketchOf(0.01, 8, []float64{1e-300, 1, 2, 3, 1e10, -1e300, -5}),
		sketchOf(testAlpha, 2, []float64{0, 0}),
		sketchOf(testAlpha, 100, datasets(500)[3].xs),
	} {
		out = append(out, mustMarshal(f, s))
	}
	return out
}

// FuzzUnmarshalSketch feeds arbitrary bytes to Sketch.UnmarshalBinary: it
// must never panic, must reject bad input with ErrCorrupt, and whatever it
// accepts must be canonical and usable (see checkDecoded).
func FuzzUnmarshalSketch(f *testing.F) {
	for _, b := range seedSketches(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecoded(t, data)
	})
}

// FuzzUnmarshalTable does the same for Table.UnmarshalBinary.
func FuzzUnmarshalTable(f *testing.F) {
	tb := NewTable([]string{"a", "b"}, 2, testAlpha, 16)
	f.Add(mustMarshal(f, tb))
	tb.Add(0, 1, 3)
	tb.Add(1, 0, -2)
	tb.Add(1, 0, 0)
	f.Add(mustMarshal(f, tb))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodedTable(t, data)
	})
}

// FuzzSketchRoundTrip builds sketches of arbitrary finite values (with a
// bucket limit of 1 to 64, or 8192, so that collapsing is exercised) in
// two orders, one through serialised shards, and checks they encode
// identically, decode to the same summary, have the exact count, mean,
// min and max, and, when nothing collapsed, accurate quantiles.
func FuzzSketchRoundTrip(f *testing.F) {
	f.Add(bytesOf(1, 2, 3, -4, 0), uint8(0))
	f.Add(bytesOf(1e-300, 1e300, -1e300, 1, math.Copysign(0, -1)), uint8(3))
	f.Add(bytesOf(math.MaxFloat64, math.MaxFloat64, -math.SmallestNonzeroFloat64), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, mb uint8) {
		var xs []float64
		for _, x := range floatsOf(data) {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				xs = append(xs, x)
			}
		}
		maxB := testMaxB
		if mb != 0 {
			maxB = 1 + int(mb%64)
		}
		a := sketchOf(testAlpha, maxB, xs)
		rev := reversed(xs)
		h := len(rev) / 2
		b := sketchOf(testAlpha, maxB, rev[:h])
		var c Sketch
		if err := c.UnmarshalBinary(mustMarshal(t, sketchOf(testAlpha, maxB, rev[h:]))); err != nil {
			t.Fatal(err)
		}
		b.Merge(&c)
		ab := mustMarshal(t, a)
		equalBytes(t, "reversed and merged", mustMarshal(t, b), ab)
		var u Sketch
		if err := u.UnmarshalBinary(ab); err != nil {
			t.Fatal(err)
		}
		equalBytes(t, "re-marshalled", mustMarshal(t, &u), ab)
		if u.Count() != uint64(len(xs)) {
			t.Fatalf("Count %d, want %d", u.Count(), len(xs))
		}
		if len(xs) == 0 {
			return
		}
		sorted := slices.Sorted(slices.Values(xs))
		lo, hi := sorted[0], sorted[len(sorted)-1]
		if lo == 0 {
			lo = 0 // -0 is reported as +0
		}
		if hi == 0 {
			hi = 0
		}
		if !sameFloat(u.Min(), lo) || !sameFloat(u.Max(), hi) {
			t.Fatalf("Min, Max = %g, %g, want %g, %g", u.Min(), u.Max(), lo, hi)
		}
		if got, want := u.Mean(), oracleSum(xs)/float64(len(xs)); !sameFloat(got, want) {
			t.Fatalf("Mean %g, exact %g", got, want)
		}
		collapsed := u.pos.total > 0 && u.pos.hi-u.pos.lo+1 == maxB || u.neg.total > 0 && u.neg.hi-u.neg.lo+1 == maxB
		for _, q := range append([]float64{0, 1}, testQuantiles...) {
			got, want := u.Quantile(q), lowerQuantile(sorted, q)
			if got != a.Quantile(q) {
				t.Fatalf("Quantile(%g) %g after round trip, %g before", q, got, a.Quantile(q))
			}
			if want == 0 || math.Abs(want) >= 1e-300 && !collapsed {
				if math.Abs(got-want) > relTol*math.Abs(want) {
					t.Fatalf("Quantile(%g) = %g, exact %g", q, got, want)
				}
			}
		}
	})
}

// FuzzSum checks Sum against the math/big oracle on arbitrary float64s,
// non-finite ones included, and that the order of Add and Merge and a
// round trip through the encoding change nothing.
func FuzzSum(f *testing.F) {
	for _, c := range sumCases {
		f.Add(bytesOf(c.xs...))
	}
	f.Add(bytesOf(math.Inf(1), 1, math.Inf(-1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		xs := floatsOf(data)
		var finite []float64
		var nan, pinf, ninf bool
		for _, x := range xs {
			switch {
			case math.IsNaN(x):
				nan = true
			case math.IsInf(x, 1):
				pinf = true
			case math.IsInf(x, -1):
				ninf = true
			default:
				finite = append(finite, x)
			}
		}
		var want float64
		switch {
		case nan || pinf && ninf:
			want = math.NaN()
		case pinf:
			want = math.Inf(1)
		case ninf:
			want = math.Inf(-1)
		default:
			want = oracleSum(finite)
		}
		var a Sum
		for _, x := range xs {
			a.Add(x)
		}
		if got := a.Value(); !sameFloat(got, want) {
			t.Fatalf("Value() = %g, want %g", got, want)
		}
		rev := reversed(xs)
		var b, c Sum
		for _, x := range rev[:len(rev)/2] {
			b.Add(x)
		}
		for _, x := range rev[len(rev)/2:] {
			c.Add(x)
		}
		b.Merge(&c)
		ab := mustMarshal(t, &a)
		equalBytes(t, "reversed and merged", mustMarshal(t, &b), ab)
		var u Sum
		if err := u.UnmarshalBinary(ab); err != nil {
			t.Fatal(err)
		}
		if got := u.Value(); !sameFloat(got, want) {
			t.Fatalf("Value() after round trip = %g, want %g", got, want)
		}
	})
}
