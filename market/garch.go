package market

import (
	"math"
	"math/rand/v2"
)

// GARCH is a GARCH(1,1) model of log returns. Over one interval of Period
// years the log return is
//
//	r = Mu·Period − h/2 + √h·ε,   h' = Omega + Alpha·(√h·ε)² + Beta·h,
//
// with ε standard normal and h the conditional variance of the interval's
// return, started at the unconditional variance Omega/(1−Alpha−Beta).
// Omega is a variance per Period (not annualised); Alpha+Beta < 1 is
// required.
//
// When Fill's dt differs from Period (parameters fitted on hourly data driving
// 10-minute steps), the parameters are mapped to the step by [GARCH.PerStep],
// which keeps the annualised unconditional variance and the persistence per
// unit of time; see there. The volatility scale of a step multiplies ε, so a
// volatility shock feeds the following conditional variances as a real
// shock would. GARCH draws nothing from r.
type GARCH struct {
	Mu     float64 // drift of the price per year
	Omega  float64 // variance intercept per Period
	Alpha  float64 // weight of the last squared innovation
	Beta   float64 // weight of the last conditional variance
	Period float64 // length in years of the interval the parameters refer to
}

// Validate checks Omega > 0, Alpha >= 0, Beta >= 0, Alpha+Beta < 1 (reported
// on field "alpha+beta" with [ErrNotStationary]), Period > 0 and Mu finite.
func (g GARCH) Validate() error {
	var c checker
	c.finite("mu", g.Mu)
	c.positive("omega", g.Omega)
	c.nonNegative("alpha", g.Alpha)
	c.nonNegative("beta", g.Beta)
	if finite(g.Alpha) && finite(g.Beta) && g.Alpha+g.Beta >= 1 {
		c.add("alpha+beta", g.Alpha+g.Beta, ErrNotStationary)
	}
	c.positive("period", g.Period)
	return c.err()
}

// Persistence returns Alpha+Beta.
func (g GARCH) Persistence() float64 { return g.Alpha + g.Beta }

// Variance returns the unconditional variance per Period,
// Omega/(1−Alpha−Beta).
func (g GARCH) Variance() float64 { return g.Omega / (1 - g.Alpha - g.Beta) }

// AnnualVolatility returns the unconditional volatility per √year.
func (g GARCH) AnnualVolatility() float64 { return math.Sqrt(g.Variance() / g.Period) }

// PerStep returns the GARCH(1,1) parameters for steps of dt years. If dt
// equals Period they are Omega, Alpha and Beta. Otherwise, with
// ρ = dt/Period and p = Alpha+Beta, the step's persistence is p^ρ (the same
// decay of volatility shocks per unit time), its Alpha is Alpha·√ρ (the
// scaling of Nelson's diffusion limit of GARCH(1,1), capped at the
// persistence), Beta takes the rest, and Omega is set so that the
// annualised unconditional variance is unchanged. This is an approximation
// meant for dt ≤ Period: GARCH is not closed under changes of sampling
// frequency.
func (g GARCH) PerStep(dt float64) (omega, alpha, beta float64) {
	if dt == g.Period {
		return g.Omega, g.Alpha, g.Beta
	}
	rho := dt / g.Period
	p := g.Alpha + g.Beta
	ps := math.Pow(p, rho)
	alpha = math.Min(g.Alpha*math.Sqrt(rho), ps)
	beta = ps - alpha
	annual := g.Variance() / g.Period
	omega = annual * dt * (1 - ps)
	return omega, alpha, beta
}

// Fill implements [Process]. It panics as documented there and if x0 <= 0.
func (g GARCH) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	checkPositiveStart(x0)
	out[0] = x0
	omega, alpha, beta := g.PerStep(dt)
	h := omega / (1 - alpha - beta)
	lx := math.Log(x0)
	for i := 1; i < len(out); i++ {
		s := scaleAt(scale, i-1)
		shock := math.Sqrt(h) * s * z[i-1]
		lx += g.Mu*dt - 0.5*h*s*s + shock
		out[i] = math.Exp(lx)
		h = omega + alpha*shock*shock + beta*h
	}
}
