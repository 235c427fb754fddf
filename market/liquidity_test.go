package market

import (
	"math"
	"testing"
)

func TestLiquidity(t *testing.T) {
	t.Parallel()
	l := Liquidity{K: 1e-3, B: 0.5} // 10% impact at $10,000
	checkClose(t, "impact", l.Impact(1e4, 1), 0.1, 1e-15)
	checkClose(t, "impact in a 2× drought", l.Impact(1e4, 2), 0.2, 1e-15)
	checkClose(t, "zero size", l.Impact(0, 1), 0, 0)
	if got := l.Impact(1e7, 1); !(got < 1) || got < 0.999999 {
		t.Errorf("impact of $10M = %v, want just below 1", got)
	}
	checkClose(t, "proceeds", l.Proceeds(10, 1000, 1), 9000, 1e-12)
	if p := l.Proceeds(1e5, 1000, 1); !(p > 0) {
		t.Errorf("proceeds with impact clamped = %v, want positive", p)
	}
	checkClose(t, "max size", l.MaxSize(0.1, 1), 1e4, 1e-12)
	checkClose(t, "max size in drought", l.MaxSize(0.2, 2), 1e4, 1e-12)
	checkClose(t, "round trip", l.Impact(l.MaxSize(0.037, 3), 3), 0.037, 1e-12)
	// BestSize = (1/(K(1+B)))^(1/B) = (1/1.5e-3)² ≈ 444,444.
	s := l.BestSize(1)
	checkClose(t, "best size", s, 1/(1.5e-3*1.5e-3), 1e-12)
	checkClose(t, "impact at best size", l.Impact(s, 1), 1/(1+l.B), 1e-12)
	best := s * (1 - l.Impact(s, 1))
	for _, f := range []float64{0.99, 1.01} {
		if v := s * f * (1 - l.Impact(s*f, 1)); v >= best {
			t.Errorf("proceeds at %v·BestSize = %v ≥ %v", f, v, best)
		}
	}
	free := Liquidity{K: 0, B: 0.5}
	if !math.IsInf(free.MaxSize(0.1, 1), 1) || !math.IsInf(free.BestSize(1), 1) || free.Impact(1e9, 1) != 0 {
		t.Error("K = 0 is not a free market")
	}
	mustPanic(t, "negative size", func() { l.Impact(-1, 1) })
	mustPanic(t, "negative quantity", func() { l.Proceeds(-1, 1, 1) })
	mustPanic(t, "impact 1", func() { l.MaxSize(1, 1) })
	wantFieldErr(t, Liquidity{K: -1, B: 0.5}.Validate(), "k", ErrNegative)
	wantFieldErr(t, Liquidity{K: 1, B: 0}.Validate(), "b", ErrNotPositive)
}

func TestFitImpact(t *testing.T) {
	t.Parallel()
	// Exact power law plus unusable points (zero impact, impact ≥ 1).
	sizes := []float64{1e3, 1e4, 1e5, 1e6, 5e2, 1e9}
	impacts := make([]float64, len(sizes))
	for i, s := range sizes {
		impacts[i] = 2e-5 * math.Pow(s, 0.7)
	}
	impacts[4] = 0
	got, n, err := FitImpact(sizes, impacts)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("used %d points, want 4", n)
	}
	checkClose(t, "K", got.K, 2e-5, 1e-9)
	checkClose(t, "B", got.B, 0.7, 1e-12)
	sq, _, err := FitImpactFixedB(sizes[:4], impacts[:4], 0.7)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "K with B fixed", sq.K, 2e-5, 1e-9)
	if _, _, err := FitImpact([]float64{1}, []float64{0.1}); err == nil {
		t.Error("FitImpact with one point succeeded")
	}
}
