package market

import (
	"math"
	"math/rand/v2"
)

// ouStep returns the exact one-step decay factor e^(−θ·dt) and the standard
// deviation of the step's noise for an OU process with speed theta and
// volatility sigma (Brownian motion when theta is 0).
func ouStep(theta, sigma, dt float64) (decay, sd float64) {
	if theta == 0 {
		return 1, sigma * math.Sqrt(dt)
	}
	decay = math.Exp(-theta * dt)
	return decay, sigma * math.Sqrt(-math.Expm1(-2*theta*dt)/(2*theta))
}

// OU is the Ornstein–Uhlenbeck (Vasicek) process
//
//	dx = Theta·(Mu − x) dt + Sigma dW,
//
// simulated exactly: x' = Mu + (x − Mu)·e^(−Theta·dt) + sd·z. Use it for
// yields and funding rates (as fractions per year, e.g. 0.05). It can go
// negative. Theta is per year (half-life ln2/Theta years), Sigma per √year;
// the stationary variance is Sigma²/(2·Theta). Theta = 0 gives Brownian
// motion. The volatility scale multiplies Sigma. OU draws nothing from r.
type OU struct {
	Theta float64 // mean-reversion speed per year
	Mu    float64 // long-run level
	Sigma float64 // volatility per √year
}

// Validate checks Theta >= 0, Sigma >= 0 and Mu finite.
func (o OU) Validate() error {
	var c checker
	c.nonNegative("theta", o.Theta)
	c.finite("mu", o.Mu)
	c.nonNegative("sigma", o.Sigma)
	return c.err()
}

// StationarySD returns the standard deviation of the stationary
// distribution, Sigma/√(2·Theta) (infinite if Theta is 0).
func (o OU) StationarySD() float64 { return o.Sigma / math.Sqrt(2*o.Theta) }

// Fill implements [Process]. It panics as documented there and if x0 is not
// finite.
func (o OU) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	if !finite(x0) {
		panic("market: initial level must be finite")
	}
	decay, sd := ouStep(o.Theta, o.Sigma, dt)
	out[0] = x0
	x := x0
	for i := 1; i < len(out); i++ {
		x = o.Mu + (x-o.Mu)*decay + sd*scaleAt(scale, i-1)*z[i-1]
		out[i] = x
	}
}

// LogOU is a positive mean-reverting process with jumps: y = ln x is an OU
// process reverting to ln Level at speed Theta with volatility Sigma, plus
// Poisson jumps in y (Lambda per year, each Normal(JumpMean, JumpSD²)) that
// then decay at the same speed. It models the gas price: spikes that fade.
//
// Draws: per step, one uniform then one standard normal, as [Merton] does.
// The volatility scale multiplies Sigma.
type LogOU struct {
	Theta    float64 // mean-reversion speed of ln x per year
	Level    float64 // long-run level (median of the stationary law without jumps)
	Sigma    float64 // volatility of ln x per √year
	Lambda   float64 // jumps per year
	JumpMean float64 // mean of one jump in ln x
	JumpSD   float64 // standard deviation of one jump in ln x
}

// Validate checks Theta, Sigma, Lambda and JumpSD >= 0, Level > 0 and
// JumpMean finite.
func (o LogOU) Validate() error {
	var c checker
	c.nonNegative("theta", o.Theta)
	c.positive("level", o.Level)
	c.nonNegative("sigma", o.Sigma)
	c.nonNegative("lambda", o.Lambda)
	c.finite("jump_mean", o.JumpMean)
	c.nonNegative("jump_sd", o.JumpSD)
	return c.err()
}

// Fill implements [Process]. It panics as documented there and if x0 <= 0.
func (o LogOU) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	checkPositiveStart(x0)
	decay, sd := ouStep(o.Theta, o.Sigma, dt)
	mu := math.Log(o.Level)
	lam := o.Lambda * dt
	p0 := math.Exp(-lam)
	out[0] = x0
	y := math.Log(x0)
	for i := 1; i < len(out); i++ {
		u := r.Float64()
		g := r.NormFloat64()
		y = mu + (y-mu)*decay + sd*scaleAt(scale, i-1)*z[i-1]
		if k := poissonInv(lam, p0, u); k > 0 {
			fk := float64(k)
			y += fk*o.JumpMean + math.Sqrt(fk)*o.JumpSD*g
		}
		out[i] = math.Exp(y)
	}
}

// Peg is the price of a reference stablecoin when nothing is wrong: an OU
// process reverting to 1 at speed Theta with volatility Sigma (both per
// year). A [Depeg] shock in a [World] displaces it from 1. The volatility
// scale multiplies Sigma. Peg draws nothing from r.
type Peg struct {
	Theta float64 // mean-reversion speed per year
	Sigma float64 // volatility per √year
}

// Validate checks Theta > 0 and Sigma >= 0.
func (p Peg) Validate() error {
	var c checker
	c.positive("theta", p.Theta)
	c.nonNegative("sigma", p.Sigma)
	return c.err()
}

// Fill implements [Process]. It panics as documented there and if x0 is not
// finite.
func (p Peg) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	OU{Theta: p.Theta, Mu: 1, Sigma: p.Sigma}.Fill(r, z, scale, dt, x0, out)
}
