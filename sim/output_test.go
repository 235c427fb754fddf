package sim

import (
	"math"
	"testing"
)

// TestSeriesResolution: a series value within seriesResolution of its
// level is sketched as the level itself, so the sketch's buckets do not
// reach ever closer to the level as runs are added; larger deviations
// keep their value to the sketch's relative accuracy.
func TestSeriesResolution(t *testing.T) {
	c := loadCompiled(t, "../configs/baseline.toml")
	o, err := newOutputs(c, Options{Out: t.TempDir()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer o.abort()
	peg := -1
	for k, m := range o.series {
		if m.Name == "peg" {
			peg = k
		}
	}
	if peg < 0 || o.series[peg].Level != 1 {
		t.Fatalf("baseline has no peg series at level 1: %+v", o.series)
	}
	devs := []float64{5e-7, -3e-7, 2e-6, -0.01}
	for i, d := range devs {
		res := &RunResult{Index: i, Summary: make([]float64, len(c.Summary())), Series: make([][]float64, len(o.series))}
		for k := range res.Series {
			res.Series[k] = make([]float64, c.buckets)
		}
		res.Series[peg][0] = 1 + d
		if err := o.add(res); err != nil {
			t.Fatal(err)
		}
		o.addSeries(o.table, res)
	}
	s := o.table.Sketch(peg, 0)
	if s.Count() != 4 {
		t.Fatalf("count %d, want 4", s.Count())
	}
	// Ranks 1 and 2 (of 0..3) are the two deviations below the resolution,
	// both recorded as 0; the extremes keep their values.
	for _, q := range []float64{1.0 / 3, 2.0 / 3} {
		if got := s.Quantile(q); got != 0 {
			t.Errorf("quantile %.3f = %g, want 0 (a deviation below %g)", q, got, seriesResolution)
		}
	}
	if got := s.Max(); math.Abs(got-2e-6) > 1e-15 {
		t.Errorf("max %g, want 2e-6", got)
	}
	if got := s.Min(); math.Abs(got+0.01) > 1e-15 {
		t.Errorf("min %g, want -0.01", got)
	}
}
