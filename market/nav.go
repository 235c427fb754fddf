package market

import (
	"math"
	"math/rand/v2"
)

// NAV is the price of a tokenized short-duration Treasury fund: the fund's
// yield y follows an Ornstein–Uhlenbeck process (as the T-bill rate does)
//
//	dy = Theta·(Mu − y) dt + Sigma dW,   y(0) = Yield,
//
// and the price accrues at it, x' = x·e^(y·dt), so the price never falls
// unless the yield is negative. The yield is simulated exactly as [OU] does,
// from this feed's normals; the volatility scale multiplies Sigma. NAV
// draws nothing from r.
type NAV struct {
	Yield float64 // initial yield per year (e.g. 0.05)
	Theta float64 // mean-reversion speed of the yield per year
	Mu    float64 // long-run yield per year
	Sigma float64 // yield volatility per √year
}

// Validate checks the yield parameters.
func (n NAV) Validate() error {
	var c checker
	c.finite("yield", n.Yield)
	c.nonNegative("theta", n.Theta)
	c.finite("mu", n.Mu)
	c.nonNegative("sigma", n.Sigma)
	return c.err()
}

// Fill implements [Process]. It panics as documented there and if x0 is not
// positive.
func (n NAV) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	if !(x0 > 0) || math.IsInf(x0, 1) {
		panic("market: initial level must be positive and finite")
	}
	decay, sd := ouStep(n.Theta, n.Sigma, dt)
	out[0] = x0
	x, y := x0, n.Yield
	for i := 1; i < len(out); i++ {
		x *= math.Exp(y * dt)
		out[i] = x
		y = n.Mu + (y-n.Mu)*decay + sd*scaleAt(scale, i-1)*z[i-1]
	}
}
