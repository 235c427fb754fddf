package reports

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/stat/distuv"
)

func checkInterval(t *testing.T, name string, got, want Interval, tol float64) {
	t.Helper()
	if !scalar.EqualWithinAbs(got.Lo, want.Lo, tol) || !scalar.EqualWithinAbs(got.Hi, want.Hi, tol) {
		t.Errorf("%s = [%.10f, %.10f], want [%.10f, %.10f] (±%g)", name, got.Lo, got.Hi, want.Lo, want.Hi, tol)
	}
}

// The published values are Newcombe (1998), "Two-sided confidence
// intervals for the single proportion: comparison of seven methods",
// Statistics in Medicine 17:857–872, Table II (methods 3, Wilson score, and
// 5, Clopper–Pearson exact), given to 4 decimals: tolerance half a unit in
// the last place. The 10-decimal values were computed independently by
// bisection on the binomial distribution function (CP) and from the
// closed form (Wilson) in double precision.
var proportionCases = []struct {
	k, n            int
	wilson, clopper Interval // Newcombe, 4 decimals
	wilson10, cp10  Interval // 10 decimals
	published       bool
}{
	{81, 263, Interval{0.2553, 0.3662}, Interval{0.2527, 0.3676},
		Interval{0.2552885199, 0.3662095770}, Interval{0.2527367456, 0.3676219226}, true},
	{15, 148, Interval{0.0624, 0.1605}, Interval{0.0578, 0.1617},
		Interval{0.0623863995, 0.1604872417}, Interval{0.0578440101, 0.1616504903}, true},
	{0, 20, Interval{0, 0.1611}, Interval{0, 0.1684},
		Interval{0, 0.1611251581}, Interval{0, 0.1684334710}, true},
	{1, 29, Interval{0.0061, 0.1718}, Interval{0.0009, 0.1776},
		Interval{0.0061132143, 0.1717552188}, Interval{0.0008726469, 0.1776442955}, true},
	{5, 20, Interval{}, Interval{},
		Interval{0.1118617014, 0.4687008776}, Interval{0.0865714691, 0.4910458717}, false},
	{80, 80, Interval{}, Interval{},
		Interval{0.9541818705, 1}, Interval{0.9549359649, 1}, false},
}

func TestProportionIntervals(t *testing.T) {
	t.Parallel()
	for _, c := range proportionCases {
		w := Wilson(c.k, c.n, 0.95)
		cp := ClopperPearson(c.k, c.n, 0.95)
		if c.published {
			checkInterval(t, "Wilson (Newcombe)", w, c.wilson, 5e-5)
			checkInterval(t, "Clopper–Pearson (Newcombe)", cp, c.clopper, 5e-5)
		}
		checkInterval(t, "Wilson", w, c.wilson10, 1e-9)
		checkInterval(t, "Clopper–Pearson", cp, c.cp10, 1e-9)
	}
	// Zero events: the Clopper–Pearson upper bound is 1 − (α/2)^(1/n).
	if got, want := ClopperPearson(0, 80, 0.95).Hi, 1-math.Pow(0.025, 1.0/80); !scalar.EqualWithinAbs(got, want, 1e-12) {
		t.Errorf("CP(0/80).Hi = %v, want %v", got, want)
	}
}

func TestProportionPanics(t *testing.T) {
	t.Parallel()
	for _, f := range []func(){
		func() { ClopperPearson(3, 2, 0.95) },
		func() { ClopperPearson(0, 0, 0.95) },
		func() { Wilson(-1, 5, 0.95) },
		func() { Wilson(1, 5, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
}

func TestMinRuns(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		q                 float64
		point, ci, esBoot int
	}{
		// point: n(1−q) ≥ 1; ci: q^n ≤ 2.5% and (1−q)^n ≤ 2.5%;
		// es: n(1−q) ≥ 10.
		{0.5, 2, 6, 20},
		{0.95, 20, 72, 200},
		{0.99, 100, 368, 1000},
		{0.999, 1000, 3688, 10000},
	} {
		if got := MinRunsQuantile(c.q); got != c.point {
			t.Errorf("MinRunsQuantile(%v) = %d, want %d", c.q, got, c.point)
		}
		if got := MinRunsQuantileCI(c.q, 0.95); got != c.ci {
			t.Errorf("MinRunsQuantileCI(%v) = %d, want %d", c.q, got, c.ci)
		}
		if got := MinRunsES(c.q); got != c.esBoot {
			t.Errorf("MinRunsES(%v) = %d, want %d", c.q, got, c.esBoot)
		}
		// The threshold is exactly where QuantileCI starts to answer.
		x := make([]float64, c.ci)
		for i := range x {
			x[i] = float64(i)
		}
		if _, ok := QuantileCI(x, c.q, 0.95); !ok {
			t.Errorf("QuantileCI(%v) with %d runs: no interval", c.q, c.ci)
		}
		if _, ok := QuantileCI(x[:c.ci-1], c.q, 0.95); ok {
			t.Errorf("QuantileCI(%v) with %d runs: interval, want none", c.q, c.ci-1)
		}
	}
}

func TestQuantileCIRanks(t *testing.T) {
	t.Parallel()
	// The ranks were checked against a direct search over the binomial
	// distribution function in exact-enough double arithmetic; n=100,
	// q=0.5 gives (40, 61), the classic table value for the median.
	for _, c := range []struct {
		n    int
		q    float64
		l, u int
	}{
		{100, 0.5, 40, 61},
		{80, 0.95, 72, 80},
		{200, 0.95, 184, 197},
		{500, 0.99, 490, 500},
		{1000, 0.95, 936, 964},
	} {
		l, u, ok := quantileCIRanks(c.n, c.q, 0.95)
		if !ok || l != c.l || u != c.u {
			t.Errorf("ranks(n=%d, q=%v) = %d, %d, %v; want %d, %d", c.n, c.q, l, u, ok, c.l, c.u)
		}
	}
}

// TestQuantileCICoverage draws R samples of n exponential values, with a
// fixed seed, and counts how often the order-statistic interval covers
// the true quantile. The exact coverage of the method is
// F(u−1) − F(l−1) for B ~ Binomial(n, q); the observed share must lie
// within 4 binomial standard errors of it (R = 4000: about ±0.013), and
// the exact coverage must be at least 95%.
func TestQuantileCICoverage(t *testing.T) {
	t.Parallel()
	const R = 4000
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		n int
		q float64
	}{{200, 0.95}, {500, 0.99}, {100, 0.5}} {
		truth := -math.Log(1 - c.q) // quantile of Exp(1)
		l, u, ok := quantileCIRanks(c.n, c.q, 0.95)
		if !ok {
			t.Fatalf("no interval for n=%d q=%v", c.n, c.q)
		}
		b := distuv.Binomial{N: float64(c.n), P: c.q}
		exact := b.CDF(float64(u-1)) - b.CDF(float64(l-1))
		if exact < 0.95 {
			t.Errorf("n=%d q=%v: exact coverage %.4f < 0.95", c.n, c.q, exact)
		}
		x := make([]float64, c.n)
		hit := 0
		for range R {
			for i := range x {
				x[i] = rnd.ExpFloat64()
			}
			slices.Sort(x)
			iv, _ := QuantileCI(x, c.q, 0.95)
			if iv.Lo <= truth && truth <= iv.Hi {
				hit++
			}
		}
		got := float64(hit) / R
		tol := 4 * math.Sqrt(exact*(1-exact)/R)
		if math.Abs(got-exact) > tol {
			t.Errorf("n=%d q=%v: coverage %.4f, exact %.4f (tolerance %.4f)", c.n, c.q, got, exact, tol)
		}
	}
}

func TestExpectedShortfallExact(t *testing.T) {
	t.Parallel()
	x := make([]float64, 100) // 1, 2, …, 100
	for i := range x {
		x[i] = float64(i + 1)
	}
	for _, c := range []struct {
		q, varq, es float64
	}{
		{0.95, 95, 98},           // mean of 96…100
		{0.975, 98, 99.2},        // (100 + 99 + ½·98) / 2.5
		{0.99, 99, 100},          // the largest
		{0.5, 50, 75.5},          // mean of 51…100
		{0.999, 100, 100},        // a tenth of the largest run
		{0.955, 96, 442.0 / 4.5}, // (100+99+98+97 + ½·96) / 4.5
	} {
		if got := Quantile(x, c.q); got != c.varq {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.varq)
		}
		if got := ExpectedShortfall(x, c.q); !scalar.EqualWithinAbsOrRel(got, c.es, 1e-12, 1e-12) {
			t.Errorf("ExpectedShortfall(%v) = %v, want %v", c.q, got, c.es)
		}
		// Rockafellar–Uryasev form: VaR + E[(X−VaR)+]/(1−q).
		v, excess := Quantile(x, c.q), 0.0
		for _, xi := range x {
			excess += math.Max(xi-v, 0)
		}
		ru := v + excess/float64(len(x))/(1-c.q)
		if got := ExpectedShortfall(x, c.q); !scalar.EqualWithinAbsOrRel(got, ru, 1e-9, 1e-9) {
			t.Errorf("ExpectedShortfall(%v) = %v, Rockafellar–Uryasev %v", c.q, got, ru)
		}
	}
}

// TestExpectedShortfallExponential compares the estimate from n = 1e5
// draws of Exp(1) with the exact ES = 1 − ln(1−q) (memorylessness: the
// tail beyond the VaR is the VaR plus a unit exponential). The tolerance
// is 5 asymptotic standard errors, sqrt((Var(X|X>VaR) + q(ES−VaR)²) /
// (n(1−q))) = sqrt((1+q) / (n(1−q))).
func TestExpectedShortfallExponential(t *testing.T) {
	t.Parallel()
	const n = 100000
	rnd := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = rnd.ExpFloat64()
	}
	slices.Sort(x)
	for _, q := range []float64{0.95, 0.99, 0.999} {
		exact := 1 - math.Log(1-q)
		se := math.Sqrt((1 + q) / (n * (1 - q)))
		if got := ExpectedShortfall(x, q); math.Abs(got-exact) > 5*se {
			t.Errorf("ES(%v) = %.4f, exact %.4f (tolerance %.4f)", q, got, exact, 5*se)
		}
	}
}

// TestESBootstrap checks that the bootstrap is reproducible from its seed,
// that its intervals contain the estimate, and that their width is that of
// a normal interval with the asymptotic standard error (see
// TestExpectedShortfallExponential) within a factor 1.5.
func TestESBootstrap(t *testing.T) {
	t.Parallel()
	const n = 5000
	rnd := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = rnd.ExpFloat64()
	}
	slices.Sort(x)
	qs := []float64{0.95, 0.99}
	a := ESBootstrap(x, qs, 0.95, 2000, rand.New(rand.NewPCG(7, 9)))
	b := ESBootstrap(x, qs, 0.95, 2000, rand.New(rand.NewPCG(7, 9)))
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different intervals: %v, %v", a, b)
	}
	for i, q := range qs {
		est := ExpectedShortfall(x, q)
		if !(a[i].Lo <= est && est <= a[i].Hi) {
			t.Errorf("q=%v: estimate %.4f outside [%.4f, %.4f]", q, est, a[i].Lo, a[i].Hi)
		}
		want := 2 * 1.96 * math.Sqrt((1+q)/(n*(1-q)))
		if r := a[i].Width() / want; r < 1/1.5 || r > 1.5 {
			t.Errorf("q=%v: width %.4f, asymptotic %.4f", q, a[i].Width(), want)
		}
	}
}

func TestMeanT(t *testing.T) {
	t.Parallel()
	// mean 3, s = √2.5, t(4, 0.975) = 2.7764451051977987.
	mean, iv, ok := MeanT([]float64{1, 2, 3, 4, 5}, 0.95)
	half := 2.7764451051977987 * math.Sqrt(2.5) / math.Sqrt(5)
	if !ok || mean != 3 {
		t.Fatalf("MeanT: mean %v ok %v", mean, ok)
	}
	checkInterval(t, "MeanT", iv, Interval{3 - half, 3 + half}, 1e-12)
	if _, _, ok := MeanT([]float64{1}, 0.95); ok {
		t.Error("MeanT of one value: interval, want none")
	}
}

func TestNum(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		x    float64
		want string
	}{
		{0, "0"}, {1234567, "1.23M"}, {1.2e6, "1.2M"}, {999.96e3, "1M"}, {999.4, "999.4"},
		{0.99658, "0.9966"}, {-4.5e9, "-4.5B"}, {12345, "12.3k"}, {math.NaN(), "n/a"}, {2.5e-5, "2.5e-05"},
	} {
		if got := Num(c.x); got != c.want {
			t.Errorf("Num(%v) = %q, want %q", c.x, got, c.want)
		}
	}
	if got := group3(1234567); got != "1,234,567" {
		t.Errorf("group3 = %q", got)
	}
}

// TestPrecisionZeroEvents: the precision line must not skip a probability
// estimated at 0 (the headline of a clean batch), and must scale its
// interval like 1/n, not 1/√n: halving [0, 1.2%] after 0 of 300 runs takes
// about 300 more runs, not 900.
func TestPrecisionZeroEvents(t *testing.T) {
	zeros := make([]float64, 300)
	figs := []Figure{
		probFigure(riskSpec{group: "Deficit", metric: "final_deficit", kind: KindProbability,
			label: "P(final deficit > 0)"}, zeros),
		meanFigure(riskSpec{group: "Backstop", metric: "recap", kind: KindMean, label: "Expected recapitalisation"},
			Metric{Name: "recap", Unit: "rwaUSD"}, zeros),
	}
	note := PrecisionNote(figs)
	for _, s := range []string{"P(final deficit > 0), 0.0% [0.0%, 1.2%] (1.2 percentage points)",
		"halving it takes about twice the runs, 300 more"} {
		if !strings.Contains(note, s) {
			t.Errorf("precision note lacks %q:\n%s", s, note)
		}
	}
	for _, c := range []struct{ k, n, lo, hi int }{
		{0, 300, 590, 610},    // 3.69/n: twice the runs
		{300, 300, 590, 610},  // the mirror image
		{30, 300, 1100, 1300}, // 1/√n: four times the runs
		{5, 1000, 2500, 3900}, // few events: in between
	} {
		if got := halvingRuns(c.k, c.n); got < c.lo || got > c.hi {
			t.Errorf("halvingRuns(%d, %d) = %d, want in [%d, %d]", c.k, c.n, got, c.lo, c.hi)
		}
	}
}

// TestPrecisionRelative: when a rare event's probability is known to
// within a large share of itself while a common event has the widest
// interval in percentage points, the precision line names both. 289 of 300
// runs with bad debt against 9 of 300 with a deficit (the usdc-depeg
// pattern): 96.3% [93.5%, 98.2%] is widest in points, 3.0% [1.4%, 5.6%] is
// the one the question turns on. With the two of similar relative width,
// the line names only the first.
func TestPrecisionRelative(t *testing.T) {
	events := func(k, n int) []float64 {
		v := make([]float64, n)
		for i := range k {
			v[i] = 1
		}
		return v
	}
	figs := []Figure{
		probFigure(riskSpec{group: "Deficit", metric: "peak_deficit", kind: KindProbability,
			label: "P(peak deficit > 0)"}, events(9, 300)),
		probFigure(riskSpec{group: "Auctions", metric: "bad_debt", kind: KindProbability,
			label: "P(bad debt > 0)"}, events(289, 300)),
	}
	note := PrecisionNote(figs)
	for _, s := range []string{"the widest interval of a probability is that of P(bad debt > 0), 96.3% [93.5%, 98.2%]",
		"Relative to its estimate, the widest is that of P(peak deficit > 0), 3.0% [1.4%, 5.6%], a width of 141% of the estimate; halving it takes about"} {
		if !strings.Contains(note, s) {
			t.Errorf("precision note lacks %q:\n%s", s, note)
		}
	}
	figs[1] = probFigure(riskSpec{group: "Auctions", metric: "bad_debt", kind: KindProbability,
		label: "P(bad debt > 0)"}, events(12, 300))
	if note := PrecisionNote(figs); strings.Contains(note, "Relative to its estimate") {
		t.Errorf("two figures of similar relative width, yet:\n%s", note)
	}
}
