package sweep

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/tempest-risk/tempest/reports"
)

// pairedResamples is the bootstrap size of paired quantile and tail
// differences.
const pairedResamples = 1000

// PairedDiff estimates the figure at a minus the figure at b, where a[i]
// and b[i] are run i's values at two points that ran the same seeds
// (common random numbers). Probabilities and means use the per-run
// differences (indicators for a probability) and a Student t interval;
// quantiles and expected shortfalls a paired percentile bootstrap that
// resamples runs, keeping each run's two values together. Runs missing a
// value at either point are left out.
func (f *Figure) PairedDiff(a, b []float64, seed uint64) Estimate {
	if len(a) != len(b) {
		panic("sweep: PairedDiff of points with different runs")
	}
	var xa, xb []float64
	for i := range a {
		if !math.IsNaN(a[i]) && !math.IsNaN(b[i]) {
			xa, xb = append(xa, a[i]), append(xb, b[i])
		}
	}
	n := len(xa)
	e := Estimate{N: n, Value: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	if n == 0 {
		return e
	}
	switch f.Kind {
	case "P>", "P<", "mean":
		d := make([]float64, n)
		for i := range d {
			if f.Kind == "mean" {
				d[i] = xa[i] - xb[i]
			} else {
				d[i] = indicator(f.hit(xa[i])) - indicator(f.hit(xb[i]))
			}
		}
		m, iv, ok := reports.MeanT(d, Confidence)
		e.Value, e.Method = m, "paired Student t on per-run differences"
		if ok {
			e.Lo, e.Hi = iv.Lo, iv.Hi
		}
		return e
	}
	stat := func(sa, sb []float64) float64 {
		slices.Sort(sa)
		slices.Sort(sb)
		if f.Kind == "VaR" {
			return reports.Quantile(sa, f.Arg) - reports.Quantile(sb, f.Arg)
		}
		return reports.ExpectedShortfall(sa, f.Arg) - reports.ExpectedShortfall(sb, f.Arg)
	}
	e.Method = "paired percentile bootstrap (1,000 resamples of runs)"
	e.Value = stat(slices.Clone(xa), slices.Clone(xb))
	need := reports.MinRunsES(f.Arg)
	if f.Kind == "VaR" {
		need = reports.MinRunsQuantileCI(f.Arg, Confidence)
	}
	if n < need {
		e.NeedRuns = need
		return e
	}
	rng := rand.New(rand.NewPCG(seed, 0x706169)) // "pai"
	sa, sb := make([]float64, n), make([]float64, n)
	est := make([]float64, pairedResamples)
	for r := range est {
		for i := range sa {
			j := rng.IntN(n)
			sa[i], sb[i] = xa[j], xb[j]
		}
		est[r] = stat(sa, sb)
	}
	slices.Sort(est)
	alpha := (1 - Confidence) / 2
	e.Lo, e.Hi = reports.Quantile(est, alpha), reports.Quantile(est, 1-alpha)
	return e
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
