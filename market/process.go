package market

import (
	"math"
	"math/rand/v2"
)

// SecondsPerYear is the length of the year that annualised parameters refer
// to: 365 days. A step of s seconds is dt = s/SecondsPerYear years.
const SecondsPerYear = 365 * 24 * 60 * 60

// Years converts a duration in seconds to years of [SecondsPerYear].
func Years(seconds int64) float64 { return float64(seconds) / SecondsPerYear }

// Process is a stochastic model of one exogenous series.
//
// Fill writes a path of len(out)-1 steps of dt years into out: out[0] = x0
// and out[i] is the level at time i·dt. Step i consumes z[i-1], a standard
// normal innovation (correlated with other assets' when the caller applied a
// [Correlation]), and scale[i-1], a multiplier on the process's volatility
// for that step (a nil scale means 1 everywhere). Randomness beyond z (jump
// times, regime switches, bootstrap blocks) is drawn from r in the order each
// type documents. Fill allocates nothing.
//
// Fill panics if r is nil, if dt is not positive and finite, if
// len(z) < len(out)-1, if scale is not nil and len(scale) < len(out)-1, or if
// x0 is invalid for the process (for example not positive for a price).
// Results for parameters that fail Validate are unspecified.
//
// Validate reports every invalid parameter as a [*FieldError] (joined with
// errors.Join), with the field named in snake case.
type Process interface {
	Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64)
	Validate() error
}

// HorizonChecker is implemented by processes that can only produce paths up
// to some length (historical replay). CheckHorizon returns an error if a
// path of steps steps of dt years cannot be produced.
type HorizonChecker interface {
	CheckHorizon(steps int, dt float64) error
}

// Normals fills z with independent standard normals from r.
// It panics if r is nil.
func Normals(r *rand.Rand, z []float64) {
	if r == nil {
		panic("market: nil rand source")
	}
	for i := range z {
		z[i] = r.NormFloat64()
	}
}

// checkFill enforces the panics documented on Process.Fill.
func checkFill(r *rand.Rand, z, scale []float64, dt float64, out []float64) {
	if r == nil {
		panic("market: nil rand source")
	}
	if !(dt > 0) || math.IsInf(dt, 1) {
		panic("market: dt must be positive and finite")
	}
	n := len(out) - 1
	if len(z) < n {
		panic("market: len(z) < len(out)-1")
	}
	if scale != nil && len(scale) < n {
		panic("market: len(scale) < len(out)-1")
	}
}

// checkPositiveStart panics unless x0 is a positive finite level.
func checkPositiveStart(x0 float64) {
	if !(x0 > 0) || math.IsInf(x0, 1) {
		panic("market: initial level must be positive and finite")
	}
}

// scaleAt returns scale[i], or 1 if scale is nil.
func scaleAt(scale []float64, i int) float64 {
	if scale == nil {
		return 1
	}
	return scale[i]
}

// GBM is geometric Brownian motion: dS/S = Mu dt + Sigma dW, simulated
// exactly in logs. Mu and Sigma are annualised. The volatility scale of a
// step multiplies Sigma (with the matching Itô correction), so a scaled step
// keeps E[S] unchanged. GBM draws nothing from r.
type GBM struct {
	Mu    float64 // drift per year
	Sigma float64 // volatility per √year
}

// Validate checks that Mu is finite and Sigma is non-negative.
func (g GBM) Validate() error {
	var c checker
	c.finite("mu", g.Mu)
	c.nonNegative("sigma", g.Sigma)
	return c.err()
}

// Fill implements [Process]. It panics as documented there and if x0 <= 0.
func (g GBM) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	checkPositiveStart(x0)
	out[0] = x0
	sq := math.Sqrt(dt)
	lx := math.Log(x0)
	for i := 1; i < len(out); i++ {
		s := g.Sigma * scaleAt(scale, i-1)
		lx += (g.Mu-0.5*s*s)*dt + s*sq*z[i-1]
		out[i] = math.Exp(lx)
	}
}

// Merton is Merton's jump diffusion: GBM plus a compound Poisson process of
// jumps in log price. Jumps arrive at Lambda per year and each is
// Normal(JumpMean, JumpSD²) in log price. The drift is compensated so that
// E[S_t] = S_0·exp(Mu·t).
//
// Draws: for every step, in this order, one uniform (the number of jumps in
// the step, by inversion of the Poisson distribution) and one standard
// normal (the sum of the step's jumps, which is Normal(k·JumpMean, k·JumpSD²)
// given k jumps), whether or not a jump occurs; a step therefore always uses
// two draws, so changing Lambda keeps the other draws aligned. The
// volatility scale multiplies Sigma only, not the jumps.
type Merton struct {
	Mu       float64 // drift per year, compensated for jumps
	Sigma    float64 // diffusion volatility per √year
	Lambda   float64 // jump intensity per year
	JumpMean float64 // mean of one log jump
	JumpSD   float64 // standard deviation of one log jump
}

// Validate checks that Mu and JumpMean are finite and Sigma, Lambda and
// JumpSD are non-negative.
func (m Merton) Validate() error {
	var c checker
	c.finite("mu", m.Mu)
	c.nonNegative("sigma", m.Sigma)
	c.nonNegative("lambda", m.Lambda)
	c.finite("jump_mean", m.JumpMean)
	c.nonNegative("jump_sd", m.JumpSD)
	return c.err()
}

// Kappa returns E[e^J]-1, the mean relative size of one jump.
func (m Merton) Kappa() float64 {
	return math.Expm1(m.JumpMean + 0.5*m.JumpSD*m.JumpSD)
}

// Fill implements [Process]. It panics as documented there and if x0 <= 0.
func (m Merton) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	checkPositiveStart(x0)
	out[0] = x0
	sq := math.Sqrt(dt)
	lam := m.Lambda * dt
	p0 := math.Exp(-lam)
	comp := m.Lambda * m.Kappa()
	lx := math.Log(x0)
	for i := 1; i < len(out); i++ {
		u := r.Float64()
		g := r.NormFloat64()
		s := m.Sigma * scaleAt(scale, i-1)
		lx += (m.Mu-0.5*s*s-comp)*dt + s*sq*z[i-1]
		if k := poissonInv(lam, p0, u); k > 0 {
			fk := float64(k)
			lx += fk*m.JumpMean + math.Sqrt(fk)*m.JumpSD*g
		}
		out[i] = math.Exp(lx)
	}
}

// poissonInv returns the Poisson(mean) quantile at u in [0,1): the smallest k
// with P(N <= k) > u. p0 must be e^(−mean) (callers compute it once per
// path). For mean > 30 it uses the normal approximation.
func poissonInv(mean, p0, u float64) int {
	if mean <= 0 || u < p0 {
		return 0
	}
	if mean > 30 {
		x := mean + math.Sqrt(mean)*math.Sqrt2*math.Erfinv(2*u-1)
		if x < 0 {
			return 0
		}
		return int(math.Round(x))
	}
	p := p0
	cdf := p
	k := 0
	for u >= cdf && k < 1000 {
		k++
		p *= mean / float64(k)
		cdf += p
	}
	return k
}

// Constant is a process that stays at its initial level. It draws nothing
// and ignores z and scale.
type Constant struct{}

// Validate always returns nil.
func (Constant) Validate() error { return nil }

// Fill implements [Process]: every point equals x0.
func (Constant) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	for i := range out {
		out[i] = x0
	}
}
