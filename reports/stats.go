package reports

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Confidence is the coverage of every interval in the report.
const Confidence = 0.95

// Interval is a two-sided confidence interval [Lo, Hi].
type Interval struct {
	Lo, Hi float64
}

// Width is Hi - Lo.
func (iv Interval) Width() float64 { return iv.Hi - iv.Lo }

// checkConf panics unless 0 < conf < 1.
func checkConf(conf float64) {
	if !(conf > 0 && conf < 1) {
		panic("reports: confidence level out of (0, 1)")
	}
}

// checkBinomial panics unless 0 <= k <= n and n >= 1.
func checkBinomial(k, n int) {
	if n < 1 || k < 0 || k > n {
		panic("reports: binomial count out of range")
	}
}

// ClopperPearson returns the exact (Clopper–Pearson) interval for a
// binomial proportion after k successes in n trials: the bounds are Beta
// quantiles, and the coverage is at least conf for every true proportion.
// It panics if n < 1, k is outside [0, n] or conf is outside (0, 1).
func ClopperPearson(k, n int, conf float64) Interval {
	checkBinomial(k, n)
	checkConf(conf)
	a := (1 - conf) / 2
	iv := Interval{Lo: 0, Hi: 1}
	if k > 0 {
		iv.Lo = distuv.Beta{Alpha: float64(k), Beta: float64(n - k + 1)}.Quantile(a)
	}
	if k < n {
		iv.Hi = distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(1 - a)
	}
	return iv
}

// Wilson returns the Wilson score interval for a binomial proportion after
// k successes in n trials. Its coverage is close to conf on average but,
// unlike ClopperPearson, not guaranteed for every proportion. It panics if
// n < 1, k is outside [0, n] or conf is outside (0, 1).
func Wilson(k, n int, conf float64) Interval {
	checkBinomial(k, n)
	checkConf(conf)
	z := distuv.UnitNormal.Quantile(1 - (1-conf)/2)
	nf := float64(n)
	p := float64(k) / nf
	z2 := z * z
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{Lo: math.Max(0, centre-half), Hi: math.Min(1, centre+half)}
}

// tailRuns is n(1-q), the expected number of runs beyond the q-quantile,
// rounded to the nearest integer when it is one up to floating error (so
// that 80 runs at 95% give exactly 4).
func tailRuns(n int, q float64) float64 {
	m := float64(n) * (1 - q)
	if r := math.Round(m); math.Abs(m-r) < 1e-9*math.Max(1, m) {
		return r
	}
	return m
}

// quantileRank is the 1-based rank of the empirical q-quantile of n
// values: the smallest rank r with r/n >= q.
func quantileRank(n int, q float64) int {
	r := n - int(math.Floor(tailRuns(n, q)))
	return min(max(r, 1), n)
}

// Quantile returns the empirical q-quantile of sorted, the smallest value x
// with at least a fraction q of the values at or below it: for a loss, the
// value at risk at level q. It panics if sorted is empty or q is outside
// (0, 1); sorted must be in increasing order.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		panic("reports: quantile of no data")
	}
	checkConf(q)
	return sorted[quantileRank(len(sorted), q)-1]
}

// MinRunsQuantile is the smallest number of runs for which the empirical
// q-quantile (and the expected shortfall beyond it) rests on at least one
// run in the tail: n(1-q) >= 1, so 20 runs at 95%, 100 at 99% and 1,000 at
// 99.9%. It panics if q is outside (0, 1).
func MinRunsQuantile(q float64) int {
	checkConf(q)
	n := int(math.Ceil(1/(1-q) - 1e-9))
	for tailRuns(n, q) < 1 {
		n++
	}
	return n
}

// MinRunsQuantileCI is the smallest number of runs for which the
// order-statistic interval of QuantileCI exists at level conf: both
// q^n and (1-q)^n at most (1-conf)/2. At conf 0.95 that is 72 runs for
// the 95% quantile, 368 for 99% and 3,688 for 99.9%. It panics if q or
// conf is outside (0, 1).
func MinRunsQuantileCI(q, conf float64) int {
	checkConf(q)
	checkConf(conf)
	a := (1 - conf) / 2
	n := int(math.Ceil(math.Max(math.Log(a)/math.Log(q), math.Log(a)/math.Log(1-q))))
	n = max(n-2, 1)
	for !quantileCIExists(n, q, conf) {
		n++
	}
	return n
}

// quantileCIExists reports whether n runs give an order-statistic interval
// for the q-quantile: some rank must have a lower-tail probability
// P(B < l) <= a and some rank an upper-tail probability P(B >= u) <= a,
// where B ~ Binomial(n, q) and a = (1-conf)/2.
func quantileCIExists(n int, q, conf float64) bool {
	a := (1 - conf) / 2
	return n >= 1 && math.Pow(q, float64(n)) <= a && math.Pow(1-q, float64(n)) <= a
}

// QuantileCI returns the distribution-free interval [x_(l), x_(u)] for the
// q-quantile of the distribution sorted was drawn from. With
// B ~ Binomial(n, q) the number of values at or below the true quantile,
// l is the largest rank with P(B <= l-1) <= (1-conf)/2 and u the smallest
// with P(B <= u-1) >= 1-(1-conf)/2, so the coverage P(l <= B <= u-1) is at
// least conf for any continuous distribution (and the closed interval
// still covers for one with atoms). It assumes nothing about the shape of
// the distribution. ok is false when n < MinRunsQuantileCI(q, conf). It
// panics if q or conf is outside (0, 1); sorted must be in increasing
// order.
func QuantileCI(sorted []float64, q, conf float64) (iv Interval, ok bool) {
	l, u, ok := quantileCIRanks(len(sorted), q, conf)
	if !ok {
		return Interval{Lo: math.NaN(), Hi: math.NaN()}, false
	}
	return Interval{Lo: sorted[l-1], Hi: sorted[u-1]}, true
}

// quantileCIRanks returns the 1-based ranks l and u of QuantileCI.
func quantileCIRanks(n int, q, conf float64) (l, u int, ok bool) {
	checkConf(q)
	checkConf(conf)
	if !quantileCIExists(n, q, conf) {
		return 0, 0, false
	}
	a := (1 - conf) / 2
	b := distuv.Binomial{N: float64(n), P: q}
	// F(j) = P(B <= j) is increasing in j. l: the largest l in [1, n]
	// with F(l-1) <= a; F(0) = (1-q)^n <= a, so l >= 1.
	l = 1 + searchLast(n, func(j int) bool { return b.CDF(float64(j)) <= a })
	// u: the smallest u in [1, n] with F(u-1) >= 1-a; F(n-1) = 1-q^n >= 1-a.
	u = 1 + searchFirst(n, func(j int) bool { return b.CDF(float64(j)) >= 1-a })
	return l, u, true
}

// searchFirst returns the smallest j in [0, n) with f(j), for f false then
// true; n-1 if none.
func searchFirst(n int, f func(int) bool) int {
	lo, hi := 0, n-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if f(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// searchLast returns the largest j in [0, n) with f(j), for f true then
// false; 0 if none.
func searchLast(n int, f func(int) bool) int {
	lo, hi := 0, n-1
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if f(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// ExpectedShortfall returns the expected shortfall at level q of the
// empirical distribution of sorted: the mean of the worst fraction 1-q of
// the values, counting the value at the boundary fractionally when n(1-q)
// is not a whole number (the Acerbi–Tasche estimator; it equals
// VaR + E[(X-VaR)+]/(1-q) with VaR = Quantile(sorted, q)). It panics if
// sorted is empty or q is outside (0, 1); sorted must be in increasing
// order.
func ExpectedShortfall(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		panic("reports: expected shortfall of no data")
	}
	checkConf(q)
	return tailMean(sorted, nil, q)
}

// tailMean is the expected shortfall at level q of sorted with each value
// counted counts[i] times (once if counts is nil).
func tailMean(sorted []float64, counts []int32, q float64) float64 {
	n := len(sorted)
	m := tailRuns(n, q)
	rest, sum := m, 0.0
	for i := n - 1; i >= 0 && rest > 0; i-- {
		c := 1.0
		if counts != nil {
			c = float64(counts[i])
		}
		take := math.Min(c, rest)
		sum += take * sorted[i]
		rest -= take
	}
	return sum / m
}

// ESBootstrap returns a percentile-bootstrap interval for the expected
// shortfall at each level in qs: it draws resamples samples of
// len(sorted) values with replacement using rnd, computes each level's
// expected shortfall of every resample, and takes the (1-conf)/2 and
// 1-(1-conf)/2 empirical quantiles of those estimates. A resample is drawn
// as counts per sorted position, so no resample is sorted again and the
// cost is O(len(sorted)) per resample. It panics if sorted is empty,
// resamples < 1, rnd is nil or a level is outside (0, 1).
func ESBootstrap(sorted []float64, qs []float64, conf float64, resamples int, rnd *rand.Rand) []Interval {
	n := len(sorted)
	if n == 0 {
		panic("reports: bootstrap of no data")
	}
	if resamples < 1 {
		panic("reports: no bootstrap resamples")
	}
	if rnd == nil {
		panic("reports: nil rand source")
	}
	checkConf(conf)
	for _, q := range qs {
		checkConf(q)
	}
	counts := make([]int32, n)
	est := make([][]float64, len(qs))
	for j := range est {
		est[j] = make([]float64, resamples)
	}
	for b := range resamples {
		clear(counts)
		for range n {
			counts[rnd.IntN(n)]++
		}
		for j, q := range qs {
			est[j][b] = tailMean(sorted, counts, q)
		}
	}
	a := (1 - conf) / 2
	out := make([]Interval, len(qs))
	for j := range qs {
		slices.Sort(est[j])
		out[j] = Interval{Lo: Quantile(est[j], a), Hi: Quantile(est[j], 1-a)}
	}
	return out
}

// MeanT returns the sample mean of x and its Student-t interval
// mean ± t(n-1) s/√n at level conf. ok is false when len(x) < 2. It
// panics if conf is outside (0, 1).
func MeanT(x []float64, conf float64) (mean float64, iv Interval, ok bool) {
	checkConf(conf)
	if len(x) == 0 {
		return math.NaN(), Interval{Lo: math.NaN(), Hi: math.NaN()}, false
	}
	mean, sd := stat.MeanStdDev(x, nil)
	if len(x) < 2 {
		return mean, Interval{Lo: math.NaN(), Hi: math.NaN()}, false
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(x) - 1)}.Quantile(1 - (1-conf)/2)
	half := t * sd / math.Sqrt(float64(len(x)))
	return mean, Interval{Lo: mean - half, Hi: mean + half}, true
}

// finiteSorted returns the finite values of x in increasing order, in a
// new slice.
func finiteSorted(x []float64) []float64 {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}
