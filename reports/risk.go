package reports

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Levels are the VaR and expected-shortfall levels of the report.
var Levels = []float64{0.95, 0.99, 0.999}

// DefaultResamples is the number of bootstrap resamples behind each
// expected-shortfall interval.
const DefaultResamples = 2000

// esMinTail is the number of runs beyond the VaR below which the report
// gives no bootstrap interval for the expected shortfall: with fewer, the
// resampled tails hold too few distinct values for the percentiles to mean
// anything.
const esMinTail = 10

// Kind is the kind of a risk figure, which decides its estimator and
// interval.
type Kind int

// Kinds of risk figure.
const (
	KindProbability Kind = iota // share of runs with the event; Clopper–Pearson interval
	KindQuantile                // empirical quantile; order-statistic interval
	KindShortfall               // expected shortfall; percentile-bootstrap interval
	KindMean                    // sample mean; Student-t interval
	KindMax                     // largest run value; no interval
)

// Figure is one risk figure: an estimate from the successful runs and its
// 95% Monte Carlo interval.
type Figure struct {
	ID     string // stable key, e.g. "var99_final_deficit"
	Group  string // heading the figure is listed under
	Label  string // what it estimates, e.g. "VaR 99% of the final deficit"
	Metric string // per-run summary it is computed from
	Unit   string // unit of the estimate; "" for a probability
	Kind   Kind
	Level  float64 // quantile level, or the threshold of a probability
	N      int     // runs with a value for Metric

	Estimate float64  // NaN when there are too few runs
	CI       Interval // NaN bounds when there is no interval
	HasCI    bool
	Method   string // how the interval was made
	// Unbounded is set for an expected shortfall whose runs beyond the
	// level are all zero, or a mean of runs that are all zero: its
	// interval would be [0, 0], yet the probability of a non-zero value
	// allows a positive tail of a size the batch cannot bound, so the
	// figure has no interval.
	Unbounded bool
	// NeedPoint and NeedCI are the runs the estimate and the interval
	// need, when the batch has fewer; zero otherwise.
	NeedPoint, NeedCI int
}

// Options control Generate and RiskFigures.
type Options struct {
	// Out is the directory the report is written to; empty means the
	// batch directory.
	Out string
	// Resamples is the number of bootstrap resamples for the expected
	// shortfall intervals; zero means DefaultResamples.
	Resamples int
	// BootstrapSeed seeds the bootstrap; zero means the batch's master
	// seed. Each metric draws from its own PCG stream (the FNV-1a hash of
	// its name), so a figure does not depend on which others are computed.
	BootstrapSeed uint64

	// skipImages leaves the figures undrawn (tests of the text only).
	skipImages bool
}

func (o Options) resamples() int {
	if o.Resamples > 0 {
		return o.Resamples
	}
	return DefaultResamples
}

func (o Options) seed(b *Batch) uint64 {
	if o.BootstrapSeed != 0 {
		return o.BootstrapSeed
	}
	return b.Manifest.Seed
}

// riskSpec names one family of risk figures and the summary it needs.
type riskSpec struct {
	group  string
	metric string
	kind   Kind
	below  bool    // probability: P(metric < level) instead of P(metric > level)
	level  float64 // threshold or quantile level; unused for tails and means
	label  string  // for tails, the noun ("final deficit")
	// onlyIf names a metric that must be above zero in some run for the
	// figure to be given (a peg rail's loss needs a rail that held coins).
	onlyIf string
}

// riskSpecs is the risk-figure section; it is the only part of the report
// that names metrics, and a spec whose metric the batch lacks is skipped.
// Shortfall specs expand to VaR and expected shortfall at every level.
var riskSpecs = []riskSpec{
	{group: "Deficit", metric: "final_deficit", kind: KindProbability, level: 0, label: "P(final deficit > 0)"},
	{group: "Deficit", metric: "peak_deficit", kind: KindProbability, level: 0, label: "P(peak deficit > 0)"},
	{group: "Deficit", metric: "final_deficit", kind: KindShortfall, label: "final deficit"},
	{group: "Deficit", metric: "peak_deficit", kind: KindShortfall, label: "peak deficit"},
	{group: "Bad debt", metric: "bad_debt", kind: KindProbability, level: 0, label: "P(bad debt > 0)"},
	{group: "Bad debt", metric: "shortfall", kind: KindProbability, level: 0, label: "P(unpaid auction target > 0)"},
	{group: "Bad debt", metric: "bad_debt", kind: KindShortfall, label: "bad debt"},
	{group: "Peg", metric: "peg_min", kind: KindProbability, below: true, level: 0.99, label: "P(peg below 0.99 at any time)"},
	{group: "Peg", metric: "peg_min", kind: KindProbability, below: true, level: 0.95, label: "P(peg below 0.95 at any time)"},
	{group: "Peg", metric: "hours_off_1pct", kind: KindQuantile, level: 0.5, label: "Median hours off peg by more than 1%"},
	{group: "Peg", metric: "hours_off_1pct", kind: KindQuantile, level: 0.95, label: "95th percentile of hours off peg by more than 1%"},
	{group: "Peg", metric: "hours_off_5pct", kind: KindQuantile, level: 0.5, label: "Median hours off peg by more than 5%"},
	{group: "Peg", metric: "hours_off_5pct", kind: KindQuantile, level: 0.95, label: "95th percentile of hours off peg by more than 5%"},
	{group: "Liquidations and backstop", metric: "liquidated_debt", kind: KindProbability, level: 0, label: "P(any debt liquidated)"},
	{group: "Liquidations and backstop", metric: "liquidated_debt", kind: KindMean, label: "Expected liquidation volume (debt liquidated)"},
	{group: "Liquidations and backstop", metric: "liquidated_debt", kind: KindMax, label: "Largest liquidation volume in any run"},
	{group: "Liquidations and backstop", metric: "reserve_drawn", kind: KindProbability, level: 0, label: "P(reserve drawn > 0)"},
	{group: "Liquidations and backstop", metric: "reserve_drawn", kind: KindMean, label: "Expected reserve drawn"},
	{group: "Liquidations and backstop", metric: "reserve_drawn", kind: KindMax, label: "Largest reserve drawn in any run"},
	{group: "Liquidations and backstop", metric: "recap", kind: KindProbability, level: 0, label: "P(recapitalisation > 0)"},
	{group: "Liquidations and backstop", metric: "recap", kind: KindMean, label: "Expected recapitalisation"},
	{group: "Liquidations and backstop", metric: "recap", kind: KindMax, label: "Largest recapitalisation in any run"},
	{group: "Peg rail", metric: "rail_loss_max", kind: KindProbability, level: 0, label: "P(peg rail holdings worth less than par at any time)", onlyIf: "rail_exposure_max"},
	{group: "Peg rail", metric: "rail_loss_max", kind: KindMean, label: "Expected peak peg rail loss", onlyIf: "rail_exposure_max"},
	{group: "Peg rail", metric: "rail_loss_max", kind: KindMax, label: "Largest peak peg rail loss in any run", onlyIf: "rail_exposure_max"},
	{group: "Peg rail", metric: "rail_exposure_max", kind: KindMean, label: "Expected peak peg rail holdings", onlyIf: "rail_exposure_max"},
	{group: "Peg rail", metric: "rail_exposure_max", kind: KindMax, label: "Largest peak peg rail holdings in any run", onlyIf: "rail_exposure_max"},
}

// Method descriptions, as the report prints them next to each interval.
const (
	methodCP    = "Clopper–Pearson"
	methodOrder = "order statistics"
	methodBoot  = "percentile bootstrap"
	methodT     = "Student t"
	methodMax   = "largest run value (no interval)"
)

// RiskFigures computes the risk figures of b from its successful runs, in
// report order. Figures whose metric b lacks are left out.
func RiskFigures(b *Batch, opt Options) []Figure {
	var out []Figure
	for _, s := range riskSpecs {
		m, ok := b.Summary(s.metric)
		if !ok || (s.onlyIf != "" && !anyPositive(b, s.onlyIf)) {
			continue
		}
		raw, _ := b.Values(s.metric)
		x := finiteSorted(raw)
		switch s.kind {
		case KindProbability:
			out = append(out, probFigure(s, x))
		case KindQuantile:
			out = append(out, quantileFigure(s, m, x))
		case KindMean:
			out = append(out, meanFigure(s, m, x))
		case KindMax:
			out = append(out, maxFigure(s, m, x))
		case KindShortfall:
			out = append(out, tailFigures(s, m, x, opt.resamples(), opt.seed(b))...)
		}
	}
	return out
}

// anyPositive reports whether metric is above zero in some run of b.
func anyPositive(b *Batch, metric string) bool {
	x, ok := b.Values(metric)
	return ok && slices.ContainsFunc(x, func(v float64) bool { return v > 0 })
}

func nanInterval() Interval { return Interval{Lo: math.NaN(), Hi: math.NaN()} }

func newFigure(s riskSpec, id, label, unit string, x []float64) Figure {
	return Figure{ID: id, Group: s.group, Label: label, Metric: s.metric, Unit: unit, Kind: s.kind,
		Level: s.level, N: len(x), Estimate: math.NaN(), CI: nanInterval()}
}

func probFigure(s riskSpec, x []float64) Figure {
	op := "gt"
	if s.below {
		op = "lt"
	}
	f := newFigure(s, fmt.Sprintf("p_%s_%s_%g", s.metric, op, s.level), s.label, "", x)
	f.Method = methodCP
	if len(x) == 0 {
		f.NeedPoint = 1
		return f
	}
	k := 0
	for _, v := range x {
		if (s.below && v < s.level) || (!s.below && v > s.level) {
			k++
		}
	}
	f.Estimate = float64(k) / float64(len(x))
	f.CI, f.HasCI = ClopperPearson(k, len(x), Confidence), true
	return f
}

func quantileFigure(s riskSpec, m Metric, x []float64) Figure {
	f := newFigure(s, fmt.Sprintf("q%s_%s", levelTag(s.level), s.metric), s.label, m.Unit, x)
	f.Method = methodOrder
	quantileInto(&f, x, s.level)
	return f
}

// quantileInto sets the estimate and order-statistic interval of the
// q-quantile of x, or the runs they need.
func quantileInto(f *Figure, x []float64, q float64) {
	if need := MinRunsQuantile(q); len(x) < need {
		f.NeedPoint = need
		f.NeedCI = MinRunsQuantileCI(q, Confidence)
		return
	}
	f.Estimate = Quantile(x, q)
	if iv, ok := QuantileCI(x, q, Confidence); ok {
		f.CI, f.HasCI = iv, true
	} else {
		f.NeedCI = MinRunsQuantileCI(q, Confidence)
	}
}

func meanFigure(s riskSpec, m Metric, x []float64) Figure {
	f := newFigure(s, "mean_"+s.metric, s.label, m.Unit, x)
	f.Method = methodT
	mean, iv, ok := MeanT(x, Confidence)
	if clipMean(x, &iv) {
		f.Method = methodT + ", clipped at 0"
	}
	switch {
	case len(x) == 0:
		f.NeedPoint, f.NeedCI = 1, 2
	case !ok:
		f.Estimate, f.NeedCI = mean, 2
	case zeroRuns(x):
		// Every run is zero: the t-interval is [0, 0], yet P(> 0)'s
		// upper bound allows runs above zero of any size.
		f.Estimate, f.Unbounded = mean, true
	default:
		f.Estimate, f.CI, f.HasCI = mean, iv, true
	}
	return f
}

// maxFigure is the largest run value, which shows how far the few runs
// behind a small mean went; a maximum has no Monte Carlo interval.
func maxFigure(s riskSpec, m Metric, x []float64) Figure {
	f := newFigure(s, "max_"+s.metric, s.label, m.Unit, x)
	f.Method = methodMax
	if len(x) == 0 {
		f.NeedPoint = 1
		return f
	}
	f.Estimate = x[len(x)-1]
	return f
}

// clipMean raises the lower bound of a mean's interval to 0 when every
// value of sorted is non-negative (a mean of such values cannot be
// negative, though a t-interval of skewed data can reach below zero), and
// reports whether it did.
func clipMean(sorted []float64, iv *Interval) bool {
	if len(sorted) > 0 && sorted[0] >= 0 && iv.Lo < 0 {
		iv.Lo = 0
		return true
	}
	return false
}

// MinRunsES is the smallest number of runs for which the report gives a
// bootstrap interval for the expected shortfall at level q: esMinTail runs
// beyond the VaR (200 at 95%, 1,000 at 99%, 10,000 at 99.9%). It panics if
// q is outside (0, 1).
func MinRunsES(q float64) int {
	checkConf(q)
	n := int(math.Ceil(esMinTail/(1-q) - 1e-9))
	for tailRuns(n, q) < esMinTail {
		n++
	}
	return n
}

// tailFigures returns VaR then expected shortfall at every level.
func tailFigures(s riskSpec, m Metric, x []float64, resamples int, seed uint64) []Figure {
	var vars, ess []Figure
	var bootLevels []float64
	var bootAt []int
	for _, q := range Levels {
		v := newFigure(s, fmt.Sprintf("var%s_%s", levelTag(q), s.metric),
			fmt.Sprintf("VaR %s of the %s", pct(q), s.label), m.Unit, x)
		v.Kind, v.Level, v.Method = KindQuantile, q, methodOrder
		quantileInto(&v, x, q)
		vars = append(vars, v)

		e := newFigure(s, fmt.Sprintf("es%s_%s", levelTag(q), s.metric),
			fmt.Sprintf("Expected shortfall %s of the %s", pct(q), s.label), m.Unit, x)
		e.Kind, e.Level = KindShortfall, q
		e.Method = fmt.Sprintf("%s (%s resamples, seed %d)", methodBoot, group3(resamples), seed)
		if need := MinRunsQuantile(q); len(x) < need {
			e.NeedPoint, e.NeedCI = need, MinRunsES(q)
		} else {
			e.Estimate = ExpectedShortfall(x, q)
			if need := MinRunsES(q); len(x) < need {
				e.NeedCI = need
			} else {
				bootLevels = append(bootLevels, q)
				bootAt = append(bootAt, len(ess))
			}
		}
		ess = append(ess, e)
	}
	if len(bootLevels) > 0 {
		h := fnv.New64a()
		h.Write([]byte(s.metric))
		rnd := rand.New(rand.NewPCG(seed, h.Sum64()))
		ivs := ESBootstrap(x, bootLevels, Confidence, resamples, rnd)
		for i, j := range bootAt {
			if zeroTail(x, bootLevels[i]) {
				ess[j].Unbounded = true
				continue
			}
			ess[j].CI, ess[j].HasCI = ivs[i], true
		}
	}
	return append(vars, ess...)
}

// zeroTail reports whether the runs beyond the q-quantile of sorted, the
// ones its expected shortfall averages, are all zero.
func zeroTail(sorted []float64, q float64) bool {
	n := len(sorted)
	return zeroRuns(sorted[n-min(int(math.Ceil(tailRuns(n, q))), n):])
}

// zeroRuns reports whether sorted, non-empty, holds only zeros: a mean or
// expected shortfall of such runs has the interval [0, 0], which the data
// do not bound.
func zeroRuns(sorted []float64) bool {
	return len(sorted) > 0 && sorted[0] == 0 && sorted[len(sorted)-1] == 0
}

// notBounded is the interval column of a figure whose interval the data
// cannot bound: every run is zero (for an expected shortfall, every run
// beyond the VaR, so every run of a metric that is never negative), so the
// runs say nothing of the size of a loss, only, by the probability's
// interval, how rare it is.
const notBounded = "no interval: every run is 0"

// levelTag writes a level for an ID: 0.95 -> "95", 0.999 -> "99.9".
func levelTag(q float64) string {
	return fmt.Sprintf("%g", math.Round(q*1e4)/1e2)
}

// pct writes a level as a percentage: 0.95 -> "95%", 0.999 -> "99.9%".
func pct(q float64) string { return levelTag(q) + "%" }

// PrecisionNote says which probability has the widest interval (in
// absolute terms: probabilities share a scale, and a zero estimate is the
// headline figure of a clean batch, not one to skip) and about how many
// more runs would halve it, and which figures need more runs than the
// batch has. The runs that halve a Clopper–Pearson interval are found by
// recomputing it at the same share of runs with the event: with no event
// its upper bound is about 3.69/n at 95%, so halving takes about twice the
// runs, not the four times of an interval that shrinks like 1/√n. Without
// a probability it falls back to the interval widest relative to its
// estimate. It returns "" when there is nothing to say.
func PrecisionNote(figs []Figure) string {
	var s string
	var widest *Figure
	for i := range figs {
		f := &figs[i]
		if f.Kind == KindProbability && f.HasCI && f.N > 0 && f.CI.Width() > 0 &&
			(widest == nil || f.CI.Width() > widest.CI.Width()) {
			widest = f
		}
	}
	if widest != nil {
		est, ci := formatEstimate(*widest)
		k, more := halvingMore(widest)
		s = fmt.Sprintf("Precision: the widest interval of a probability is that of %s, %s %s (%s percentage points); ",
			widest.Label, est, ci, pointsWide(widest.CI.Width()))
		if k == 0 || k == widest.N {
			side := "no run with the event"
			if k > 0 {
				side = "the event in every run"
			}
			s += fmt.Sprintf("with %s its width falls like 1/n (about 3.7/n), so halving it takes "+
				"about twice the runs, %s more, while the intervals of the other figures narrow roughly like 1/√n "+
				"and need about four times the runs (%s more) to halve.", side, group3(more), group3(3*widest.N))
		} else {
			s += fmt.Sprintf("at the same share of runs with the event, halving it takes about %s more runs, and "+
				"the intervals of the other figures, which narrow roughly like 1/√n, about four times the runs "+
				"(%s more).", group3(more), group3(3*widest.N))
		}
		s += relativeNote(figs, widest)
	} else {
		rel := 0.0
		for i := range figs {
			f := &figs[i]
			if !f.HasCI || f.Estimate == 0 || math.IsNaN(f.Estimate) || f.CI.Width() <= 0 {
				continue
			}
			if r := f.CI.Width() / math.Abs(f.Estimate); r > rel {
				widest, rel = f, r
			}
		}
		if widest != nil {
			est, ci := formatEstimate(*widest)
			s = fmt.Sprintf("Precision: the widest interval relative to its estimate is %s: %s, interval %s, "+
				"a width of %s of the estimate. It narrows roughly like 1/√n, so halving it takes about four "+
				"times the runs: about %s more runs.", widest.Label, est, ci, percentOf(rel), group3(3*widest.N))
		}
	}
	need, needFor := 0, ""
	for _, f := range figs {
		if f.NeedCI > need {
			need, needFor = f.NeedCI, f.Label
		}
	}
	if need > 0 {
		if s != "" {
			s += " "
		}
		s += fmt.Sprintf("Figures marked n/a need more runs; the most demanding, the interval of %s, needs %s runs.",
			lowerFirst(needFor), group3(need))
	}
	return s
}

// relativeNote names the probability whose interval is widest relative
// to its estimate when it is not abs, the widest in absolute terms: in a
// stress batch the widest absolute interval is often that of an event
// that happens in most runs, while a rare loss, the figure the question
// turns on, is the one known to within a large share of itself (3.0% in
// [1.4%, 5.6%]). It returns "" unless another probability above zero has
// a relative width at least 1.5 times abs's.
func relativeNote(figs []Figure, abs *Figure) string {
	var widest *Figure
	rel := 0.0
	for i := range figs {
		f := &figs[i]
		if f.Kind != KindProbability || !f.HasCI || f.N == 0 || !(f.Estimate > 0) || f.CI.Width() <= 0 {
			continue
		}
		if r := f.CI.Width() / f.Estimate; r > rel {
			widest, rel = f, r
		}
	}
	// Only a clearly wider one: two figures of similar relative width
	// (80% and 75%) say nothing the first sentence does not.
	if widest == nil || widest.Label == abs.Label || rel < 1.5*abs.CI.Width()/abs.Estimate {
		return ""
	}
	est, ci := formatEstimate(*widest)
	_, more := halvingMore(widest)
	return fmt.Sprintf(" Relative to its estimate, the widest is that of %s, %s %s, a width of %s of the estimate; "+
		"halving it takes about %s more runs.", widest.Label, est, ci, percentOf(rel), group3(more))
}

// halvingMore returns the runs with the event of probability figure f and
// about how many more runs would halve its interval, rounded to two
// digits.
func halvingMore(f *Figure) (k, more int) {
	k = int(math.Round(f.Estimate * float64(f.N)))
	return k, round2(halvingRuns(k, f.N) - f.N)
}

// halvingRuns is about the number of runs at which the Clopper–Pearson
// interval of k events in n runs is half as wide, the share of runs with
// the event staying k/n.
func halvingRuns(k, n int) int {
	target := ClopperPearson(k, n, Confidence).Width() / 2
	p := float64(k) / float64(n)
	width := func(m int) float64 {
		return ClopperPearson(int(math.Round(p*float64(m))), m, Confidence).Width()
	}
	lo, hi := n, 2*n
	for width(hi) > target {
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if width(mid) > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// round2 rounds a number of runs to two significant digits, the precision
// of "about".
func round2(n int) int {
	if n < 100 {
		return n
	}
	p := int(math.Pow(10, math.Floor(math.Log10(float64(n)))-1))
	return (n + p/2) / p * p
}

// pointsWide writes the width of a probability interval in percentage
// points, with the precision of percent.
func pointsWide(w float64) string {
	return strings.TrimSuffix(percent(w), "%")
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' || len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// formatEstimate writes a figure's estimate and interval for the report.
func formatEstimate(f Figure) (est, ci string) {
	val := func(x float64) string {
		if f.Kind == KindProbability {
			return percent(x)
		}
		return withUnit(x, f.Unit)
	}
	switch {
	case f.NeedPoint > 0:
		est = fmt.Sprintf("n/a (needs ≥ %s runs)", group3(f.NeedPoint))
	case f.HasCI && f.Kind != KindProbability:
		est, ci = estimateInterval(f.Estimate, f.CI.Lo, f.CI.Hi)
		if f.Unit != "" && f.Unit != "count" {
			est += " " + f.Unit
		}
		return est, ci
	default:
		est = val(f.Estimate)
	}
	switch {
	case f.HasCI && f.Kind == KindProbability:
		// The same decimals for the three, as for other figures: 0.60%
		// [0.22%, 1.30%], not 0.6% [0.22%, 1.3%].
		xs := [3]float64{100 * f.Estimate, 100 * f.CI.Lo, 100 * f.CI.Hi}
		ss := [3]string{est, percent(f.CI.Lo), percent(f.CI.Hi)}
		for i := range ss {
			ss[i] = strings.TrimSuffix(ss[i], "%")
		}
		ss = alignDecimals(xs, ss, (xs[2]-xs[1])/2, 1) // percentages keep their one decimal
		est, ci = ss[0]+"%", fmt.Sprintf("[%s%%, %s%%]", ss[1], ss[2])
	case f.Kind == KindMax:
		ci = "—"
	case f.Unbounded:
		ci = notBounded
	case f.NeedCI > 0:
		ci = fmt.Sprintf("n/a (needs ≥ %s runs)", group3(f.NeedCI))
	default:
		ci = "n/a"
	}
	return est, ci
}
