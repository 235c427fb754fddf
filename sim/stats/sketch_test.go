package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

const (
	testAlpha = 0.005
	testMaxB  = 8192
	// relTol is the accuracy bound of a quantile. By construction
	// |returned − true| <= α·|true|: both lie in the same bucket
	// (γ^(i-1), γ^i] and the representative γ^i·(1−α) is within relative
	// distance α of every point of it. The 1e-9·α slack (5e-12 relative)
	// covers the few ulps of rounding in math.Pow and of math.Log at a
	// bucket boundary.
	relTol = testAlpha * (1 + 1e-9)
)

// checkQuantiles checks every test quantile of s against the exact order
// statistic of sorted with the same rank convention.
func checkQuantiles(t *testing.T, name string, s *Sketch, sorted []float64, tol float64, qs []float64) {
	t.Helper()
	for _, q := range qs {
		got, want := s.Quantile(q), lowerQuantile(sorted, q)
		if math.Abs(got-want) > tol*math.Abs(want) {
			t.Errorf("%s: Quantile(%g) = %.10g, exact %.10g: relative error %.3g > %g",
				name, q, got, want, math.Abs(got-want)/math.Abs(want), tol)
		}
	}
}

// TestSketchAccuracy checks the quantiles of n = 1e5 draws from each
// dataset against the exact order statistics.
func TestSketchAccuracy(t *testing.T) {
	t.Parallel()
	for _, d := range datasets(1e5) {
		s := sketchOf(testAlpha, testMaxB, d.xs)
		sorted := slices.Sorted(slices.Values(d.xs))
		checkQuantiles(t, d.name, s, sorted, relTol, testQuantiles)
		// Every permille, not only the reported quantiles.
		worst := 0.0
		qs := make([]float64, 1001)
		for i := range qs {
			qs[i] = float64(i) / 1000
			if want := lowerQuantile(sorted, qs[i]); want != 0 {
				worst = max(worst, math.Abs(s.Quantile(qs[i])-want)/math.Abs(want))
			}
		}
		checkQuantiles(t, d.name, s, sorted, relTol, qs)
		t.Logf("%s: worst relative error over 1001 quantiles %.7g (alpha %g)", d.name, worst, testAlpha)
	}
}

// TestSketchOrderIndependent adds the same data in 10 shuffled orders,
// sequentially, through random merge trees of 1 to 8 shards and through
// shards serialised and decoded; every result must marshal to the same
// bytes. It also checks a sketch small enough to collapse.
func TestSketchOrderIndependent(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	var all []float64
	for _, d := range datasets(2e4) {
		all = append(all, d.xs...)
	}
	for _, maxB := range []int{testMaxB, 40} {
		ref := sketchOf(testAlpha, maxB, all)
		want := mustMarshal(t, ref)
		if maxB == 40 && ref.pos.hi-ref.pos.lo+1 != 40 {
			t.Fatalf("maxBuckets 40: the store spans %d buckets; the test should collapse", ref.pos.hi-ref.pos.lo+1)
		}
		for k := range 10 {
			xs := shuffled(r, all)
			name := fmt.Sprintf("maxBuckets %d order %d", maxB, k)
			equalBytes(t, name+" sequential", mustMarshal(t, sketchOf(testAlpha, maxB, xs)), want)
			equalBytes(t, name+" merge tree", mustMarshal(t, treeSketch(t, r, testAlpha, maxB, xs, false)), want)
			equalBytes(t, name+" decoded shards", mustMarshal(t, treeSketch(t, r, testAlpha, maxB, xs, true)), want)
		}
	}
}

// TestSketchMean checks that Mean is the exact mean correctly rounded.
func TestSketchMean(t *testing.T) {
	t.Parallel()
	cases := datasets(1e5)
	cases = append(cases,
		dataset{"overflowing sum", []float64{1e308, 1e308, 1e308, -1e300}},
		dataset{"cancellation", []float64{1e16, 1, -1e16, 3}},
		dataset{"single", []float64{1.0 / 3}},
		dataset{"zeros", []float64{0, 0, math.Copysign(0, -1)}},
		dataset{"subnormal", []float64{0x1p-1074, 0x1p-1074, 0}},
	)
	for _, d := range cases {
		s := sketchOf(testAlpha, testMaxB, d.xs)
		if got, want := s.Mean(), oracleSum(d.xs)/float64(len(d.xs)); !sameFloat(got, want) {
			t.Errorf("%s: Mean() = %.17g, exact %.17g", d.name, got, want)
		}
	}
}

// TestSketchMinMax checks that Min, Max, Quantile(0) and Quantile(1) are
// the exact extremes, and that -0 is reported as +0.
func TestSketchMinMax(t *testing.T) {
	t.Parallel()
	for _, d := range datasets(1e5) {
		s := sketchOf(testAlpha, testMaxB, d.xs)
		lo, hi := slices.Min(d.xs), slices.Max(d.xs)
		if s.Min() != lo || s.Quantile(0) != lo {
			t.Errorf("%s: Min %g, Quantile(0) %g, want %g", d.name, s.Min(), s.Quantile(0), lo)
		}
		if s.Max() != hi || s.Quantile(1) != hi {
			t.Errorf("%s: Max %g, Quantile(1) %g, want %g", d.name, s.Max(), s.Quantile(1), hi)
		}
		if s.Count() != uint64(len(d.xs)) {
			t.Errorf("%s: Count %d, want %d", d.name, s.Count(), len(d.xs))
		}
	}
	negZero := math.Copysign(0, -1)
	a := sketchOf(testAlpha, testMaxB, []float64{negZero, 0, 1})
	b := sketchOf(testAlpha, testMaxB, []float64{0, negZero, 1})
	if math.Signbit(a.Min()) || math.Signbit(b.Min()) {
		t.Errorf("Min of {-0, 0, 1} is -0")
	}
	equalBytes(t, "-0 then 0 vs 0 then -0", mustMarshal(t, a), mustMarshal(t, b))
	one := sketchOf(testAlpha, testMaxB, []float64{-2.5})
	for _, q := range []float64{0, 0.3, 1} {
		if got := one.Quantile(q); got != -2.5 {
			t.Errorf("single value: Quantile(%g) = %g, want -2.5", q, got)
		}
	}
}

func TestSketchEmpty(t *testing.T) {
	t.Parallel()
	s := NewSketch(testAlpha, testMaxB)
	check := func(when string) {
		t.Helper()
		if s.Count() != 0 {
			t.Errorf("%s: Count %d", when, s.Count())
		}
		for name, v := range map[string]float64{"Mean": s.Mean(), "Min": s.Min(), "Max": s.Max(), "Quantile(0.5)": s.Quantile(0.5), "Quantile(0)": s.Quantile(0)} {
			if !math.IsNaN(v) {
				t.Errorf("%s: %s = %g, want NaN", when, name, v)
			}
		}
	}
	check("new")
	want := mustMarshal(t, s)
	s.Merge(NewSketch(testAlpha, testMaxB))
	check("merged with empty")
	for _, x := range []float64{1, -1e10, 0, 1e-10} {
		s.Add(x)
	}
	s.Reset()
	check("reset")
	equalBytes(t, "reset sketch", mustMarshal(t, s), want)
	var u Sketch
	if err := u.UnmarshalBinary(want); err != nil {
		t.Fatal(err)
	}
	s = &u
	check("decoded")
	// An empty sketch merged into a full one changes nothing.
	f := sketchOf(testAlpha, testMaxB, []float64{3, 4})
	fb := mustMarshal(t, f)
	f.Merge(&u)
	equalBytes(t, "merge of empty", mustMarshal(t, f), fb)
}

// TestSketchCollapse checks that with a small bucket limit no count is lost,
// each store keeps at most maxBuckets buckets, the high quantiles keep
// their accuracy and the low ones stay within [Min, Max].
func TestSketchCollapse(t *testing.T) {
	t.Parallel()
	// Every dataset spans more than 1000 buckets in one of its stores.
	const maxB = 1000
	for _, d := range datasets(1e5) {
		s := sketchOf(testAlpha, maxB, d.xs)
		if s.pos.hi-s.pos.lo+1 < maxB && s.neg.hi-s.neg.lo+1 < maxB {
			t.Fatalf("%s: no store collapsed; pick other data", d.name)
		}
		if s.Count() != uint64(len(d.xs)) {
			t.Errorf("%s: Count %d, want %d", d.name, s.Count(), len(d.xs))
		}
		if got := s.zeros + s.pos.total + s.neg.total; got != uint64(len(d.xs)) {
			t.Errorf("%s: buckets hold %d values, want %d", d.name, got, len(d.xs))
		}
		for _, st := range []*store{&s.pos, &s.neg} {
			if st.total > 0 && st.hi-st.lo+1 > maxB {
				t.Errorf("%s: store spans %d buckets > %d", d.name, st.hi-st.lo+1, maxB)
			}
		}
		sorted := slices.Sorted(slices.Values(d.xs))
		// The values of the top maxB buckets of the positive store are
		// never collapsed; p95 and p99 of these samples lie there.
		hi := sorted[len(sorted)-1]
		for _, q := range []float64{0.95, 0.99, 1} {
			want := lowerQuantile(sorted, q)
			if want <= 0 || want < hi*math.Pow(s.gamma, -maxB+1) {
				t.Fatalf("%s: p%g = %g is in the collapsed range; pick other data", d.name, 100*q, want)
			}
		}
		checkQuantiles(t, d.name+" collapsed", s, sorted, relTol, []float64{0.95, 0.99, 1})
		for _, q := range testQuantiles {
			if v := s.Quantile(q); v < s.Min() || v > s.Max() {
				t.Errorf("%s: Quantile(%g) = %g outside [Min, Max]", d.name, q, v)
			}
		}
	}
	// One bucket: everything collapses into the largest, still counted.
	s := sketchOf(testAlpha, 1, []float64{1, 10, 100, 1e-9, -5, -1e6})
	if s.pos.hi != s.pos.lo || s.pos.total != 4 || s.neg.total != 2 {
		t.Errorf("maxBuckets 1: pos [%d, %d] total %d, neg total %d", s.pos.lo, s.pos.hi, s.pos.total, s.neg.total)
	}
}

// TestSketchStoreGrowth adds values that widen a store downwards, upwards
// and in alternation, and compares the counts with those of a sketch built
// from the sorted values.
func TestSketchStoreGrowth(t *testing.T) {
	t.Parallel()
	var xs []float64
	for i := range 3000 {
		e := float64(i%2*2-1) * float64(i) / 100 // alternating sign exponents
		xs = append(xs, math.Pow(10, e))
	}
	for _, maxB := range []int{1, 2, 63, 64, 65, 500, testMaxB} {
		a := sketchOf(testAlpha, maxB, xs)
		b := sketchOf(testAlpha, maxB, slices.Sorted(slices.Values(xs)))
		c := sketchOf(testAlpha, maxB, reversed(slices.Sorted(slices.Values(xs))))
		wa := mustMarshal(t, a)
		equalBytes(t, fmt.Sprintf("maxBuckets %d, sorted", maxB), mustMarshal(t, b), wa)
		equalBytes(t, fmt.Sprintf("maxBuckets %d, reverse sorted", maxB), mustMarshal(t, c), wa)
		for _, s := range []*Sketch{a, b, c} {
			var n uint64
			for k := range s.pos.size() {
				cnt := s.pos.get(k)
				if i := k + s.pos.offset; cnt != 0 && (i < s.pos.lo || i > s.pos.hi) {
					t.Errorf("maxBuckets %d: bucket %d outside [%d, %d] holds %d", maxB, i, s.pos.lo, s.pos.hi, cnt)
				}
				n += cnt
			}
			if n != uint64(len(xs)) {
				t.Errorf("maxBuckets %d: %d values in the buckets, want %d", maxB, n, len(xs))
			}
		}
	}
}

func TestSketchSelfMerge(t *testing.T) {
	t.Parallel()
	xs := datasets(1000)[3].xs
	s := sketchOf(testAlpha, 50, xs)
	s.Merge(s)
	want := sketchOf(testAlpha, 50, append(slices.Clone(xs), xs...))
	equalBytes(t, "self merge", mustMarshal(t, s), mustMarshal(t, want))
}

func TestSketchMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 1))
	for _, d := range datasets(1e4) {
		for _, maxB := range []int{testMaxB, 30} {
			s := sketchOf(testAlpha, maxB, d.xs)
			b := mustMarshal(t, s)
			var u Sketch
			if err := u.UnmarshalBinary(b); err != nil {
				t.Fatalf("%s: %v", d.name, err)
			}
			if u.Count() != s.Count() || !sameFloat(u.Mean(), s.Mean()) || u.Min() != s.Min() || u.Max() != s.Max() ||
				u.Alpha() != s.Alpha() || u.MaxBuckets() != s.MaxBuckets() {
				t.Errorf("%s: summary differs after round trip", d.name)
			}
			for q := 0.0; q <= 1; q += 0.01 {
				if u.Quantile(q) != s.Quantile(q) {
					t.Errorf("%s: Quantile(%g) %g after round trip, want %g", d.name, q, u.Quantile(q), s.Quantile(q))
				}
			}
			equalBytes(t, d.name+" re-marshalled", mustMarshal(t, &u), b)
			// A decoded sketch keeps working: adding the rest of the data
			// to it gives the same as adding all of it at once.
			extra := shuffled(r, d.xs)[:100]
			for _, x := range extra {
				u.Add(x)
			}
			equalBytes(t, d.name+" decoded then added",
				mustMarshal(t, &u), mustMarshal(t, sketchOf(testAlpha, maxB, append(slices.Clone(d.xs), extra...))))
		}
	}
}

// TestSketchUnmarshalCorrupt truncates a valid encoding at every length and
// flips every bit of it: decoding must fail with ErrCorrupt, never panic,
// and whenever it succeeds the result must be canonical (re-marshal to the
// same bytes) and usable.
func TestSketchUnmarshalCorrupt(t *testing.T) {
	t.Parallel()
	s := sketchOf(testAlpha, 64, []float64{-3, -1e-3, 0, 0, 2.5, 7, 1e9, 1e-9})
	good := mustMarshal(t, s)
	for i := range len(good) {
		var u Sketch
		if err := u.UnmarshalBinary(good[:i]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("truncated to %d bytes: err = %v, want ErrCorrupt", i, err)
		}
	}
	for i := range len(good) {
		for bit := range 8 {
			b := slices.Clone(good)
			b[i] ^= 1 << bit
			checkDecoded(t, b)
		}
	}
	for name, b := range map[string][]byte{
		"trailing byte": append(slices.Clone(good), 0),
		"other type":    append([]byte("tS"), good[2:]...),
		"bad alpha":     append([]byte("tK\x01"), append(make([]byte, 8), good[11:]...)...),
	} {
		var u Sketch
		if err := u.UnmarshalBinary(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
	}
}

// checkDecoded decodes b; if it is accepted it must be canonical and every
// method must work.
func checkDecoded(t testing.TB, b []byte) {
	t.Helper()
	var u Sketch
	if err := u.UnmarshalBinary(b); err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
		return
	}
	if got := mustMarshal(t, &u); string(got) != string(b) {
		t.Fatalf("accepted a non-canonical encoding:\n in  %x\n out %x", b, got)
	}
	_ = u.Mean()
	for _, q := range []float64{0, 0.01, 0.5, 0.99, 1} {
		v := u.Quantile(q)
		if u.Count() > 0 && !(v >= u.Min() && v <= u.Max()) {
			t.Fatalf("decoded sketch: Quantile(%g) = %g outside [%g, %g]", q, v, u.Min(), u.Max())
		}
	}
	u.Add(1)
	u.Merge(&u)
}

func TestSketchPanics(t *testing.T) {
	t.Parallel()
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			t.Helper()
			r := recover()
			if msg, ok := r.(string); !ok || !strings.HasPrefix(msg, "stats: ") {
				t.Errorf("%s: recovered %v, want a panic with prefix \"stats: \"", name, r)
			}
		}()
		f()
	}
	s := NewSketch(testAlpha, testMaxB)
	mustPanic("Merge alpha", func() { s.Merge(NewSketch(0.01, testMaxB)) })
	mustPanic("Merge maxBuckets", func() { s.Merge(NewSketch(testAlpha, 10)) })
	mustPanic("Add NaN", func() { s.Add(math.NaN()) })
	mustPanic("Add +Inf", func() { s.Add(math.Inf(1)) })
	mustPanic("Add -Inf", func() { s.Add(math.Inf(-1)) })
	mustPanic("Add zero Sketch", func() { new(Sketch).Add(1) })
	mustPanic("Quantile(-0.1)", func() { s.Quantile(-0.1) })
	mustPanic("Quantile(1.1)", func() { s.Quantile(1.1) })
	mustPanic("Quantile(NaN)", func() { s.Quantile(math.NaN()) })
	for _, a := range []float64{0, -0.1, 1, 2, 1e-7, math.NaN()} {
		mustPanic(fmt.Sprintf("NewSketch(%g)", a), func() { NewSketch(a, 10) })
	}
	mustPanic("NewSketch maxBuckets 0", func() { NewSketch(testAlpha, 0) })
	mustPanic("NewSketch maxBuckets 2^20+1", func() { NewSketch(testAlpha, MaxMaxBuckets+1) })
	mustPanic("NewTable buckets 0", func() { NewTable([]string{"a"}, 0, testAlpha, 10) })
	mustPanic("NewTable duplicate", func() { NewTable([]string{"a", "b", "a"}, 1, testAlpha, 10) })
	mustPanic("NewTable alpha", func() { NewTable([]string{"a"}, 1, 0, 10) })
	tb := NewTable([]string{"a"}, 2, testAlpha, 10)
	mustPanic("Table.Add metric", func() { tb.Add(1, 0, 1) })
	mustPanic("Table.Add bucket", func() { tb.Add(0, 2, 1) })
	mustPanic("Table.Sketch", func() { tb.Sketch(0, -1) })
}

func TestSketchAddDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 4096)
	for i := range xs {
		xs[i] = r.NormFloat64() * 100
	}
	s := sketchOf(testAlpha, testMaxB, xs) // the stores now cover the range
	i := 0
	if a := testing.AllocsPerRun(10000, func() {
		s.Add(xs[i%len(xs)])
		i++
	}); a != 0 {
		t.Errorf("Sketch.Add: %g allocs/op, want 0", a)
	}
}

// TestQuantilesOnePass: the one-pass Quantiles equals Quantile for every
// level, on the same accuracy datasets (seed PCG(1,1)).
func TestQuantilesOnePass(t *testing.T) {
	qs := []float64{0, 0.001, 0.01, 0.05, 0.25, 0.5, 0.5, 0.75, 0.95, 0.99, 0.999, 1}
	out := make([]float64, len(qs))
	for _, d := range datasets(20000) {
		s := sketchOf(0.005, 8192, d.xs)
		s.Quantiles(qs, out)
		for k, q := range qs {
			if want := s.Quantile(q); !sameFloat(out[k], want) {
				t.Errorf("%s q=%g: Quantiles %v, Quantile %v", d.name, q, out[k], want)
			}
		}
	}
	var empty Sketch
	empty.init(0.01, 100)
	empty.Quantiles(qs, out)
	for _, x := range out[:len(qs)] {
		if x == x {
			t.Fatal("empty sketch quantile is not NaN")
		}
	}
}

// TestSketchBigCounts passes 254 values in some buckets, where a store
// keeps their counts apart from its bytes, and collapses such buckets:
// counts, quantiles and the encoding must be those of the same values
// however they arrive (added one by one, in reverse, merged from halves,
// decoded).
func TestSketchBigCounts(t *testing.T) {
	t.Parallel()
	const n = 1000
	var xs []float64
	for i := range n {
		xs = append(xs, 2+float64(i%3)*1e-9, 3, float64(i%300+1)) // two buckets of n values, others below 255
		if i < 200 {
			xs = append(xs, -float64(i+1)) // the other sign
		}
	}
	whole := sketchOf(testAlpha, testMaxB, xs)
	if len(whole.pos.over) != 2 {
		t.Fatalf("%d positive buckets of 255 values or more, want 2", len(whole.pos.over))
	}
	if len(whole.neg.over) != 0 {
		t.Error("the negative store kept a count apart with 200 values")
	}
	a := NewSketch(testAlpha, testMaxB)
	b := NewSketch(testAlpha, testMaxB)
	for i, x := range xs {
		[]*Sketch{a, b}[i*7/len(xs)%2].Add(x) // alternate slices of the values
	}
	if len(a.pos.over) == 0 || len(b.pos.over) == 0 {
		t.Fatal("a half kept no count apart")
	}
	a.Merge(b)
	want := mustMarshal(t, whole)
	equalBytes(t, "merged halves", mustMarshal(t, a), want)
	equalBytes(t, "reversed", mustMarshal(t, sketchOf(testAlpha, testMaxB, reversed(xs))), want)
	var dec Sketch
	if err := dec.UnmarshalBinary(want); err != nil {
		t.Fatal(err)
	}
	equalBytes(t, "decoded", mustMarshal(t, &dec), want)
	// With 64 buckets, the buckets of 2 and 3 collapse into the lowest
	// bucket kept below 300, whatever the order.
	small := sketchOf(testAlpha, 64, xs)
	if len(small.pos.over) != 1 {
		t.Errorf("collapsed store keeps %d counts apart, want 1", len(small.pos.over))
	}
	equalBytes(t, "collapsed, reversed", mustMarshal(t, sketchOf(testAlpha, 64, reversed(xs))), mustMarshal(t, small))
	if got := whole.Count(); got != uint64(len(xs)) {
		t.Errorf("count %d, want %d", got, len(xs))
	}
	for _, c := range []struct{ q, want float64 }{{0.2, 2}, {0.5, 3}} {
		if got := whole.Quantile(c.q); math.Abs(got-c.want)/c.want > testAlpha {
			t.Errorf("quantile %g is %g, want %g within %g", c.q, got, c.want, testAlpha)
		}
	}
	whole.Reset()
	if len(whole.pos.over) != 0 {
		t.Error("Reset kept counts apart")
	}
	whole.Add(3)
	if got := whole.Quantile(0.5); got != 3 {
		t.Errorf("after Reset, the median of {3} is %g", got)
	}
}
