package market

import (
	"math"
	"testing"
)

// TestNAVAccrues: with no yield volatility the price grows at exactly the
// deterministic OU yield path; with volatility, a year of 10-minute steps
// gives a mean log growth equal to the mean integrated yield.
func TestNAVAccrues(t *testing.T) {
	n := NAV{Yield: 0.05, Theta: 0, Mu: 0.05, Sigma: 0}
	dt := 600.0 / SecondsPerYear
	steps := 52560 // one year
	out := make([]float64, steps+1)
	z := make([]float64, steps)
	n.Fill(newRand(), z, nil, dt, 1, out)
	if got, want := out[steps], math.Exp(0.05); math.Abs(got/want-1) > 1e-10 { // 52,560 products of rounding 1e-16 each
		t.Fatalf("one year at 5%%: %v, want %v", got, want)
	}

	// Random yield: E[∫y dt] over one year with y0 = mu is mu (OU is
	// mean-reverting around mu from mu). n = 2000 paths; the sd of ∫y dt
	// for theta 0.1, sigma 0.01 over a year is about 0.0057, so 5 SE ≈ 6.4e-4.
	n = NAV{Yield: 0.04, Theta: 0.1, Mu: 0.04, Sigma: 0.01}
	r := newRand()
	const paths = 2000
	var sum float64
	for p := 0; p < paths; p++ {
		Normals(r, z)
		n.Fill(r, z, nil, dt, 1, out)
		sum += math.Log(out[steps])
	}
	if got := sum / paths; math.Abs(got-0.04) > 6.4e-4 {
		t.Fatalf("mean log growth %v, want 0.04 ± 6.4e-4", got)
	}
	if err := (NAV{Theta: -1}).Validate(); err == nil {
		t.Fatal("negative theta accepted")
	}
}
