package market

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// newRand returns the fixed-seed source used by the statistical tests.
func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 1)) }

// meanVar returns the sample mean and unbiased variance of x.
func meanVar(x []float64) (m, v float64) {
	for _, a := range x {
		m += a
	}
	m /= float64(len(x))
	for _, a := range x {
		v += (a - m) * (a - m)
	}
	return m, v / float64(len(x)-1)
}

// logReturns returns the log returns of a path.
func logReturns(path []float64) []float64 {
	out := make([]float64, len(path)-1)
	for i := range out {
		out[i] = math.Log(path[i+1] / path[i])
	}
	return out
}

// checkWithin fails unless |got − want| <= k·se, reporting the number of
// standard errors.
func checkWithin(t *testing.T, name string, got, want, se, k float64) {
	t.Helper()
	if os.Getenv("MARKET_SE") != "" {
		t.Logf("%s: %.2f SE", name, (got-want)/se)
	}
	if d := math.Abs(got - want); !(d <= k*se) {
		t.Errorf("%s = %.6g, want %.6g ± %.3g (%g SE); off by %.2f SE", name, got, want, k*se, k, d/se)
	}
}

// checkClose fails unless got and want agree to rel relative tolerance (or
// abs absolute tolerance).
func checkClose(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))) {
		t.Errorf("%s = %.12g, want %.12g (tol %g)", name, got, want, tol)
	}
}

// fill runs p for n steps with fresh normals from r.
func fill(p Process, r *rand.Rand, n int, dt, x0 float64, scale []float64) []float64 {
	z := make([]float64, n)
	Normals(r, z)
	out := make([]float64, n+1)
	p.Fill(r, z, scale, dt, x0, out)
	return out
}

// mustPanic fails unless f panics with a message starting "market: ".
func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic", name)
			return
		}
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "market: ") {
			t.Errorf("%s: panic %v, want a message starting %q", name, r, "market: ")
		}
	}()
	f()
}

// wantFieldErr fails unless err holds a FieldError on field wrapping target.
func wantFieldErr(t *testing.T, err error, field string, target error) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, want %s: %v", field, target)
		return
	}
	var found bool
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range j.Unwrap() {
				walk(c)
			}
			return
		}
		var fe *FieldError
		if errors.As(e, &fe) && fe.Field == field && errors.Is(fe, target) {
			found = true
		}
	}
	walk(err)
	if !found {
		t.Errorf("error %q has no field %q wrapping %q", err, field, target)
	}
}
