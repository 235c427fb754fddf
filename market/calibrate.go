package market

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// LogReturns returns ln(prices[i+1]/prices[i]). It returns an error naming
// the first price that is not positive and finite.
func LogReturns(prices []float64) ([]float64, error) {
	for i, p := range prices {
		if !(p > 0) || math.IsInf(p, 1) {
			return nil, fieldErr(fmt.Sprintf("prices[%d]", i), p, fmt.Errorf("%w: log returns need positive finite prices", ErrNotPositive))
		}
	}
	if len(prices) < 2 {
		return nil, fieldErr("prices", len(prices), ErrTooShort)
	}
	out := make([]float64, len(prices)-1)
	for i := range out {
		out[i] = math.Log(prices[i+1] / prices[i])
	}
	return out, nil
}

// checkReturns rejects fewer than min returns, non-finite returns and a
// non-positive dt.
func checkReturns(returns []float64, dt float64, min int) error {
	if !(dt > 0) || math.IsInf(dt, 1) {
		return fieldErr("dt", dt, ErrNotPositive)
	}
	if len(returns) < min {
		return fieldErr("returns", len(returns), fmt.Errorf("%w: need at least %d", ErrTooShort, min))
	}
	for i, r := range returns {
		if !finite(r) {
			return fieldErr(fmt.Sprintf("returns[%d]", i), r, ErrNotFinite)
		}
	}
	return nil
}

// FitGBM fits a GBM to log returns spaced dt years apart by moments:
// Sigma² = Var(r)/dt (unbiased sample variance) and
// Mu = mean(r)/dt + Sigma²/2.
func FitGBM(returns []float64, dt float64) (GBM, error) {
	if err := checkReturns(returns, dt, 2); err != nil {
		return GBM{}, err
	}
	m, v := stat.MeanVariance(returns, nil)
	s2 := v / dt
	return GBM{Mu: m/dt + s2/2, Sigma: math.Sqrt(s2)}, nil
}

// FitMerton fits a Merton jump diffusion to log returns spaced dt years
// apart by the threshold method: a return is a jump if it is more than
// threshold standard deviations from the mean, where mean and standard
// deviation are those of the non-jump returns (iterated until the set of
// jumps is stable, at most 100 times). Then Sigma comes from the non-jump
// returns, Lambda = jumps/(N·dt), JumpMean and JumpSD from the jump returns
// less the diffusive mean and variance of a step, and Mu so that the model's
// mean log return equals the sample's. threshold must be positive (4 is
// usual).
func FitMerton(returns []float64, dt, threshold float64) (Merton, error) {
	if err := checkReturns(returns, dt, 3); err != nil {
		return Merton{}, err
	}
	if !(threshold > 0) || math.IsInf(threshold, 1) {
		return Merton{}, fieldErr("threshold", threshold, ErrNotPositive)
	}
	m, v := stat.MeanVariance(returns, nil)
	sd := math.Sqrt(v)
	jump := make([]bool, len(returns))
	for iter := 0; iter < 100; iter++ {
		changed := false
		var sum, sum2 float64
		n := 0
		for i, r := range returns {
			j := math.Abs(r-m) > threshold*sd
			if j != jump[i] {
				jump[i], changed = j, true
			}
			if !j {
				sum += r
				n++
			}
		}
		if n < 2 {
			return Merton{}, fieldErr("threshold", threshold, fmt.Errorf("%w: fewer than 2 returns within the threshold", ErrOutOfRange))
		}
		m = sum / float64(n)
		for i, r := range returns {
			if !jump[i] {
				sum2 += (r - m) * (r - m)
			}
		}
		sd = math.Sqrt(sum2 / float64(n-1))
		if !changed && iter > 0 {
			break
		}
	}
	var js []float64
	for i, r := range returns {
		if jump[i] {
			js = append(js, r-m)
		}
	}
	out := Merton{Sigma: sd / math.Sqrt(dt)}
	if len(js) > 0 {
		jm, jv := stat.MeanVariance(js, nil)
		if len(js) == 1 {
			jv = 0
		}
		out.Lambda = float64(len(js)) / (float64(len(returns)) * dt)
		out.JumpMean = jm
		out.JumpSD = math.Sqrt(math.Max(jv-sd*sd, 0))
	}
	mean := stat.Mean(returns, nil)
	s2 := out.Sigma * out.Sigma
	out.Mu = mean/dt + s2/2 + out.Lambda*out.Kappa() - out.Lambda*out.JumpMean
	return out, nil
}

// FitGARCH fits a GARCH(1,1) to log returns spaced period years apart by
// Gaussian maximum likelihood with variance targeting: Omega is tied to the
// sample variance V by Omega = V·(1−Alpha−Beta), and Alpha, Beta are found
// by a Nelder–Mead search over a reparametrisation that keeps
// Alpha, Beta >= 0 and Alpha+Beta < 1. The recursion starts at V, on
// demeaned returns. Mu is set so that the model's mean log return equals
// the sample's.
func FitGARCH(returns []float64, period float64) (GARCH, error) {
	if err := checkReturns(returns, period, 10); err != nil {
		if fe, ok := err.(*FieldError); ok && fe.Field == "dt" {
			fe.Field = "period"
		}
		return GARCH{}, err
	}
	m, v := stat.MeanVariance(returns, nil)
	if !(v > 0) {
		return GARCH{}, fieldErr("returns", v, fmt.Errorf("%w: zero variance", ErrOutOfRange))
	}
	e2 := make([]float64, len(returns))
	for i, r := range returns {
		e2[i] = (r - m) * (r - m)
	}
	params := func(x []float64) (alpha, beta float64) {
		p := 1 / (1 + math.Exp(-x[0]))
		a := p / (1 + math.Exp(-x[1]))
		return a, p - a
	}
	nll := func(x []float64) float64 {
		a, b := params(x)
		omega := v * (1 - a - b)
		h := v
		f := 0.0
		for _, s := range e2 {
			f += math.Log(h) + s/h
			h = omega + a*s + b*h
		}
		return f / float64(len(e2))
	}
	logit := func(p float64) float64 { return math.Log(p / (1 - p)) }
	x0 := []float64{logit(0.95), logit(0.1 / 0.95)}
	xs := nelderMead2(nll, x0, 0.5, 1e-10, 2000)
	a, b := params(xs[:])
	return GARCH{Mu: (m + v/2) / period, Omega: v * (1 - a - b), Alpha: a, Beta: b, Period: period}, nil
}

// FitOU fits an OU process to levels spaced dt years apart by AR(1) least
// squares, x[i+1] = c + φ·x[i] + ε: Theta = −ln φ/dt, Mu = c/(1−φ),
// Sigma = sd(ε)·√(2·Theta/(1−φ²)), with the residual variance on n−2
// degrees of freedom. It returns [ErrNoMeanReversion] if φ is not in (0, 1).
func FitOU(levels []float64, dt float64) (OU, error) {
	if err := checkReturns(levels, dt, 3); err != nil {
		if fe, ok := err.(*FieldError); ok && fe.Field == "returns" {
			fe.Field = "levels"
		}
		return OU{}, err
	}
	x, y := levels[:len(levels)-1], levels[1:]
	c, phi := stat.LinearRegression(x, y, nil, false)
	if !(phi > 0 && phi < 1) {
		return OU{}, fieldErr("levels", phi, ErrNoMeanReversion)
	}
	ss := 0.0
	for i := range x {
		e := y[i] - c - phi*x[i]
		ss += e * e
	}
	sd := math.Sqrt(ss / float64(len(x)-2))
	theta := -math.Log(phi) / dt
	return OU{Theta: theta, Mu: c / (1 - phi), Sigma: sd * math.Sqrt(2*theta/(1-phi*phi))}, nil
}

// FitImpact fits impact = K·size^B by least squares of ln impact on
// ln size over the pairs with size > 0 and 0 < impact < 1 (zero impacts,
// the reference quote of each batch, carry no information about the curve).
// It also returns the number of pairs used. It returns an error if fewer
// than two usable pairs with distinct sizes remain, or the lengths differ.
func FitImpact(sizes, impacts []float64) (Liquidity, int, error) {
	if len(sizes) != len(impacts) {
		return Liquidity{}, 0, fieldErr("impacts", len(impacts), fmt.Errorf("%w: %d sizes", ErrShape, len(sizes)))
	}
	var lx, ly []float64
	for i, s := range sizes {
		if q := impacts[i]; s > 0 && q > 0 && q < 1 && finite(s) {
			lx = append(lx, math.Log(s))
			ly = append(ly, math.Log(q))
		}
	}
	if len(lx) < 2 || stat.Variance(lx, nil) == 0 {
		return Liquidity{}, len(lx), fieldErr("sizes", len(lx), fmt.Errorf("%w: need two usable points with distinct sizes", ErrTooShort))
	}
	a, b := stat.LinearRegression(lx, ly, nil, false)
	return Liquidity{K: math.Exp(a), B: b}, len(lx), nil
}

// nelderMead2 minimises f over two variables with the Nelder–Mead simplex
// method (reflection 1, expansion 2, contraction ½, shrink ½), starting from
// x0 and steps of size step along each axis. It stops when the spread of f
// over the simplex is below tol (relative to |f|+tol) or after maxIter
// iterations, and returns the best vertex. It is deterministic. (gonum's
// optimize package is not used because it would add a module dependency.)
func nelderMead2(f func([]float64) float64, x0 []float64, step, tol float64, maxIter int) [2]float64 {
	var p [3][2]float64
	var fv [3]float64
	p[0] = [2]float64{x0[0], x0[1]}
	p[1] = [2]float64{x0[0] + step, x0[1]}
	p[2] = [2]float64{x0[0], x0[1] + step}
	eval := func(x [2]float64) float64 { return f(x[:]) }
	for i := range p {
		fv[i] = eval(p[i])
	}
	lerp := func(a, b [2]float64, t float64) [2]float64 {
		return [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
	}
	for iter := 0; iter < maxIter; iter++ {
		// Order the vertices: p[0] best, p[2] worst.
		for i := 1; i < 3; i++ {
			for j := i; j > 0 && fv[j] < fv[j-1]; j-- {
				p[j], p[j-1] = p[j-1], p[j]
				fv[j], fv[j-1] = fv[j-1], fv[j]
			}
		}
		if math.Abs(fv[2]-fv[0]) <= tol*(math.Abs(fv[0])+tol) {
			break
		}
		c := lerp(p[0], p[1], 0.5) // centroid of all but the worst
		xr := lerp(c, p[2], -1)
		fr := eval(xr)
		switch {
		case fr < fv[0]:
			xe := lerp(c, p[2], -2)
			if fe := eval(xe); fe < fr {
				p[2], fv[2] = xe, fe
			} else {
				p[2], fv[2] = xr, fr
			}
		case fr < fv[1]:
			p[2], fv[2] = xr, fr
		default:
			xc := lerp(c, p[2], 0.5)
			if fr < fv[2] {
				xc = lerp(c, xr, 0.5)
			}
			if fc := eval(xc); fc < math.Min(fr, fv[2]) {
				p[2], fv[2] = xc, fc
			} else {
				for i := 1; i < 3; i++ {
					p[i] = lerp(p[0], p[i], 0.5)
					fv[i] = eval(p[i])
				}
			}
		}
	}
	best := 0
	for i := 1; i < 3; i++ {
		if fv[i] < fv[best] {
			best = i
		}
	}
	return p[best]
}

// FitImpactFixedB fits impact = K·size^b with the exponent fixed at b (0.5
// for the square-root law): ln K is the mean of ln impact − b·ln size over
// the usable pairs (as in [FitImpact]). It also returns the number of pairs
// used.
func FitImpactFixedB(sizes, impacts []float64, b float64) (Liquidity, int, error) {
	if len(sizes) != len(impacts) {
		return Liquidity{}, 0, fieldErr("impacts", len(impacts), fmt.Errorf("%w: %d sizes", ErrShape, len(sizes)))
	}
	if !(b > 0) || math.IsInf(b, 1) {
		return Liquidity{}, 0, fieldErr("b", b, ErrNotPositive)
	}
	sum, n := 0.0, 0
	for i, s := range sizes {
		if q := impacts[i]; s > 0 && q > 0 && q < 1 && finite(s) {
			sum += math.Log(q) - b*math.Log(s)
			n++
		}
	}
	if n == 0 {
		return Liquidity{}, 0, fieldErr("sizes", 0, fmt.Errorf("%w: no usable point", ErrTooShort))
	}
	return Liquidity{K: math.Exp(sum / float64(n)), B: b}, n, nil
}
