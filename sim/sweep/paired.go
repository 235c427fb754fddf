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
// (common random numbers). Probabilities use Newcombe's hybrid score
// interval for paired proportions, means a Student t interval on the
// per-run differences, quantiles and expected shortfalls a paired
// percentile bootstrap that resamples runs, keeping each run's two values
// together. Runs missing a value at either point are left out.
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
	case "P>", "P<":
		var both, onlyA, onlyB int
		for i := range xa {
			ha, hb := f.hit(xa[i]), f.hit(xb[i])
			switch {
			case ha && hb:
				both++
			case ha:
				onlyA++
			case hb:
				onlyB++
			}
		}
		iv := pairedProportions(both, onlyA, onlyB, n)
		e.Value, e.Lo, e.Hi = float64(onlyA-onlyB)/float64(n), iv.Lo, iv.Hi
		e.Method = "Newcombe hybrid score interval for paired proportions"
		return e
	case "mean":
		d := make([]float64, n)
		for i := range d {
			d[i] = xa[i] - xb[i]
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

// pairedProportions is Newcombe's hybrid score interval (his method 10,
// without continuity correction) for p_a − p_b from n paired runs: both
// count at both points, onlyA at a alone, onlyB at b alone. It combines
// the Wilson intervals of the two proportions with their correlation, so
// that it stays honest where a Student t interval on per-run indicators
// collapses: with no run changing its outcome between the points, t gives
// [0, 0], while n runs only bound the difference to about ±3.8/n.
func pairedProportions(both, onlyA, onlyB, n int) reports.Interval {
	neither := n - both - onlyA - onlyB
	ka, kb := both+onlyA, both+onlyB
	pa, pb := float64(ka)/float64(n), float64(kb)/float64(n)
	wa, wb := reports.Wilson(ka, n, Confidence), reports.Wilson(kb, n, Confidence)
	phi := 0.0
	if den := float64(ka) * float64(n-ka) * float64(kb) * float64(n-kb); den > 0 {
		phi = (float64(both)*float64(neither) - float64(onlyA)*float64(onlyB)) / math.Sqrt(den)
	}
	d := pa - pb
	lo := math.Sqrt(math.Max(0, sq(pa-wa.Lo)-2*phi*(pa-wa.Lo)*(wb.Hi-pb)+sq(wb.Hi-pb)))
	hi := math.Sqrt(math.Max(0, sq(wa.Hi-pa)-2*phi*(wa.Hi-pa)*(pb-wb.Lo)+sq(pb-wb.Lo)))
	return reports.Interval{Lo: math.Max(-1, d-lo), Hi: math.Min(1, d+hi)}
}

func sq(x float64) float64 { return x * x }
