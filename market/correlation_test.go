package market

import (
	"errors"
	"math"
	"testing"
)

func TestCorrelationErrors(t *testing.T) {
	t.Parallel()
	// det = 1 + 2(.9)(.9)(−.9) − 3(.81) < 0: not positive semi-definite.
	_, err := NewCorrelation([][]float64{{1, 0.9, -0.9}, {0.9, 1, 0.9}, {-0.9, 0.9, 1}})
	wantFieldErr(t, err, "correlation", ErrNotPSD)
	if !errors.Is(err, ErrNotPSD) {
		t.Errorf("errors.Is(%v, ErrNotPSD) = false", err)
	}
	_, err = NewCorrelation([][]float64{{1, 0.5}, {0.4, 1}})
	wantFieldErr(t, err, "correlation[0][1]", ErrNotSymmetric)
	_, err = NewCorrelation([][]float64{{2, 0}, {0, 1}})
	wantFieldErr(t, err, "correlation[0][0]", ErrOutOfRange)
	_, err = NewCorrelation([][]float64{{1, 1.5}, {1.5, 1}})
	wantFieldErr(t, err, "correlation[0][1]", ErrOutOfRange)
	_, err = NewCorrelation([][]float64{{1, 0}, {0}})
	wantFieldErr(t, err, "correlation[1]", ErrShape)
	_, err = NewCorrelation([][]float64{{1, math.NaN()}, {math.NaN(), 1}})
	wantFieldErr(t, err, "correlation[0][1]", ErrNotFinite)
	_, err = NewCorrelation(nil)
	wantFieldErr(t, err, "correlation", ErrRequired)
}

func TestCorrelationFactor(t *testing.T) {
	t.Parallel()
	cases := map[string][][]float64{
		"positive definite": {{1, 0.3, -0.2}, {0.3, 1, 0.5}, {-0.2, 0.5, 1}},
		// Perfectly correlated assets: PSD with a zero eigenvalue.
		"rank one": {{1, 1, -1}, {1, 1, -1}, {-1, -1, 1}},
		// The third asset is (x+y)/√2 of two independent ones.
		"rank two": {{1, 0, math.Sqrt2 / 2}, {0, 1, math.Sqrt2 / 2}, {math.Sqrt2 / 2, math.Sqrt2 / 2, 1}},
	}
	for name, c := range cases {
		f, err := NewCorrelation(c)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// L·Lᵀ reproduces C (the jitter of singular matrices is ≤ 1e-8).
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				s := 0.0
				for k := 0; k < 3; k++ {
					s += f.At(i, k) * f.At(j, k)
				}
				if math.Abs(s-c[i][j]) > 1e-6 {
					t.Errorf("%s: (L·Lᵀ)[%d][%d] = %v, want %v", name, i, j, s, c[i][j])
				}
			}
			for j := i + 1; j < 3; j++ {
				if f.At(i, j) != 0 {
					t.Errorf("%s: L[%d][%d] = %v, want lower triangular", name, i, j, f.At(i, j))
				}
			}
		}
	}
	// With correlation 1 the correlated normals coincide.
	f, err := NewCorrelation(cases["rank one"])
	if err != nil {
		t.Fatal(err)
	}
	e := [][]float64{make([]float64, 1000), make([]float64, 1000), make([]float64, 1000)}
	r := newRand()
	for _, row := range e {
		Normals(r, row)
	}
	f.Apply(e)
	for i := range e[0] {
		if math.Abs(e[0][i]-e[1][i]) > 1e-3 || math.Abs(e[0][i]+e[2][i]) > 1e-3 {
			t.Fatalf("step %d: %v %v %v, want z0 = z1 = −z2", i, e[0][i], e[1][i], e[2][i])
		}
	}
	mustPanic(t, "Apply with wrong dimension", func() { f.Apply(e[:2]) })
}
