package market

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Statistical tests use n = 1e5 steps (more where dependence inflates the
// standard error) from rand.NewPCG(1, 1) and accept 5 standard errors: a
// correct model fails with probability below 1e-6 per check, so a failure
// is a bug, not bad luck. Standard errors of variances use the normal
// approximation Var(s²) = 2σ⁴/(n−1).

func TestGBMLogReturnMoments(t *testing.T) {
	t.Parallel()
	const n = 100_000
	g := GBM{Mu: 0.05, Sigma: 0.8}
	dt := 1.0 / 365
	r := logReturns(fill(g, newRand(), n, dt, 100, nil))
	m, v := meanVar(r)
	wantV := g.Sigma * g.Sigma * dt
	checkWithin(t, "mean", m, (g.Mu-g.Sigma*g.Sigma/2)*dt, math.Sqrt(wantV/n), 5)
	checkWithin(t, "variance", v, wantV, wantV*math.Sqrt(2.0/(n-1)), 5)
}

func TestCorrelatedGBMs(t *testing.T) {
	t.Parallel()
	const n, rho = 100_000, 0.6
	c, err := NewCorrelation([][]float64{{1, rho}, {rho, 1}})
	if err != nil {
		t.Fatal(err)
	}
	r := newRand()
	e := [][]float64{make([]float64, n), make([]float64, n)}
	Normals(r, e[0])
	Normals(r, e[1])
	c.Apply(e)
	dt := 1.0 / 365
	a, b := make([]float64, n+1), make([]float64, n+1)
	GBM{Mu: 0.1, Sigma: 0.9}.Fill(r, e[0], nil, dt, 2000, a)
	GBM{Mu: 0, Sigma: 0.4}.Fill(r, e[1], nil, dt, 30000, b)
	got := sampleCorr(logReturns(a), logReturns(b))
	// Standard error of a sample correlation: (1−ρ²)/√n.
	checkWithin(t, "correlation", got, rho, (1-rho*rho)/math.Sqrt(n), 5)
}

func sampleCorr(x, y []float64) float64 {
	mx, vx := meanVar(x)
	my, vy := meanVar(y)
	s := 0.0
	for i := range x {
		s += (x[i] - mx) * (y[i] - my)
	}
	return s / float64(len(x)-1) / math.Sqrt(vx*vy)
}

func TestMertonJumps(t *testing.T) {
	t.Parallel()
	const n = 100_000
	m := Merton{Mu: 0.02, Sigma: 0, Lambda: 50, JumpMean: -0.05, JumpSD: 0.1}
	dt := 1.0 / 365
	r := logReturns(fill(m, newRand(), n, dt, 1, nil))
	drift := (m.Mu - m.Lambda*m.Kappa()) * dt
	jumps := 0
	for _, x := range r {
		if math.Abs(x-drift) > 1e-12 {
			jumps++
		}
	}
	// A step has a jump with probability 1 − e^(−λ·dt); binomial SE.
	p := -math.Expm1(-m.Lambda * dt)
	checkWithin(t, "jump frequency", float64(jumps)/n, p, math.Sqrt(p*(1-p)/n), 5)
	// Per-step log return: mean drift + λdt·m, variance λdt·(s² + m²).
	lam := m.Lambda * dt
	wantV := lam * (m.JumpSD*m.JumpSD + m.JumpMean*m.JumpMean)
	mean, v := meanVar(r)
	checkWithin(t, "mean", mean, drift+lam*m.JumpMean, math.Sqrt(wantV/n), 5)
	// Compound Poisson steps are far from normal: SE of s² from the fourth
	// moment, √((μ4 − σ⁴)/n), with μ4 ≈ λdt·E[J⁴] for small λdt.
	j4 := 3*math.Pow(m.JumpSD, 4) + 6*m.JumpSD*m.JumpSD*m.JumpMean*m.JumpMean + math.Pow(m.JumpMean, 4)
	checkWithin(t, "variance", v, wantV, math.Sqrt((lam*j4-wantV*wantV)/n), 5)
}

func TestMertonFitRecovers(t *testing.T) {
	t.Parallel()
	const n = 200_000
	m := Merton{Mu: 0.1, Sigma: 0.6, Lambda: 20, JumpMean: -0.08, JumpSD: 0.05}
	dt := 1.0 / (365 * 24)
	got, err := FitMerton(logReturns(fill(m, newRand(), n, dt, 1, nil)), dt, 4)
	if err != nil {
		t.Fatal(err)
	}
	// About n·λ·dt = 457 jumps of which nearly all exceed 4σ of a step
	// (σ√dt = 0.0064 vs |J| ≈ 0.08): λ within 15%, jump mean within 0.01,
	// σ within 2%; the exact values depend on the threshold's misses.
	if math.Abs(got.Lambda/m.Lambda-1) > 0.15 || math.Abs(got.JumpMean-m.JumpMean) > 0.01 ||
		math.Abs(got.Sigma/m.Sigma-1) > 0.02 {
		t.Errorf("FitMerton = %+v, want near %+v", got, m)
	}
}

func TestPoissonInv(t *testing.T) {
	t.Parallel()
	// Exact quantiles of Poisson(0.5): P(0) = e^−0.5 = 0.6065, P(≤1) = 0.9098.
	for _, c := range []struct {
		mean, u float64
		want    int
	}{
		{0.5, 0, 0}, {0.5, 0.6065, 0}, {0.5, 0.6066, 1}, {0.5, 0.9097, 1}, {0.5, 0.9099, 2},
		{0, 0.99, 0}, {100, 0.5, 100},
	} {
		if got := poissonInv(c.mean, math.Exp(-c.mean), c.u); got != c.want {
			t.Errorf("poissonInv(%v, %v) = %d, want %d", c.mean, c.u, got, c.want)
		}
	}
}

// garchR2Moments returns, for a GARCH(1,1) with Gaussian innovations, the
// kurtosis of returns and the variance inflation factor 1+2Σρ_k of the
// squared returns (ρ_1 = α(1−αβ−β²)/(1−2αβ−β²), ρ_k = ρ_1(α+β)^(k−1)).
func garchR2Moments(a, b float64) (kurt, inflation float64) {
	p := a + b
	kurt = 3 * (1 - p*p) / (1 - p*p - 2*a*a)
	rho1 := a * (1 - a*b - b*b) / (1 - 2*a*b - b*b)
	return kurt, 1 + 2*rho1/(1-p)
}

func TestGARCHUnconditionalVariance(t *testing.T) {
	t.Parallel()
	const n = 200_000
	g := GARCH{Mu: 0, Omega: 1e-5, Alpha: 0.1, Beta: 0.8, Period: 1.0 / 365}
	r := logReturns(fill(g, newRand(), n, g.Period, 1, nil))
	_, v := meanVar(r)
	// SE of the sample variance: √((κ−1)·inflation/n)·V.
	kurt, infl := garchR2Moments(g.Alpha, g.Beta)
	checkWithin(t, "variance", v, g.Variance(), g.Variance()*math.Sqrt((kurt-1)*infl/n), 5)
	checkClose(t, "Variance()", g.Variance(), 1e-4, 1e-12)

	// Volatility clustering: squared returns are positively autocorrelated
	// at lag 1 (theory 0.14); an i.i.d. series would give 0 ± 1/√n.
	sq := make([]float64, len(r))
	for i, x := range r {
		sq[i] = x * x
	}
	if ac := sampleCorr(sq[:n-1], sq[1:]); ac < 0.08 {
		t.Errorf("lag-1 autocorrelation of squared returns = %.3f, want about 0.14", ac)
	}
}

func TestGARCHPerStep(t *testing.T) {
	t.Parallel()
	g := GARCH{Mu: 0, Omega: 1e-5, Alpha: 0.1, Beta: 0.8, Period: 1.0 / 365}
	if o, a, b := g.PerStep(g.Period); o != g.Omega || a != g.Alpha || b != g.Beta {
		t.Errorf("PerStep(Period) = %v %v %v, want the parameters", o, a, b)
	}
	dt := g.Period / 6
	o, a, b := g.PerStep(dt)
	checkClose(t, "persistence^6", math.Pow(a+b, 6), g.Persistence(), 1e-12)
	checkClose(t, "annual variance", o/(1-a-b)/dt, g.Variance()/g.Period, 1e-12)
	checkClose(t, "alpha", a, g.Alpha/math.Sqrt(6), 1e-12)

	// Simulated at dt, the annualised variance is preserved.
	const n = 600_000
	r := logReturns(fill(g, newRand(), n, dt, 1, nil))
	_, v := meanVar(r)
	kurt, infl := garchR2Moments(a, b)
	want := g.Variance() / g.Period * dt
	checkWithin(t, "variance per step", v, want, want*math.Sqrt((kurt-1)*infl/n), 5)
}

func TestGARCHFitRecovers(t *testing.T) {
	t.Parallel()
	const n = 50_000
	g := GARCH{Mu: 0.1, Omega: 2e-6, Alpha: 0.1, Beta: 0.85, Period: 1.0 / 8760}
	r := logReturns(fill(g, newRand(), n, g.Period, 1, nil))
	got, err := FitGARCH(r, g.Period)
	if err != nil {
		t.Fatal(err)
	}
	// Asymptotic standard errors of the MLE at n = 5e4 are about 0.006 for
	// α and 0.01 for β; accept about 5 of them.
	if math.Abs(got.Alpha-g.Alpha) > 0.03 || math.Abs(got.Beta-g.Beta) > 0.05 {
		t.Errorf("FitGARCH = %+v, want near %+v", got, g)
	}
	// The search ends at a local maximum of the likelihood: no nearby
	// (α, β) does better.
	nll := func(a, b float64) float64 {
		m, v := meanVar(r)
		h, f := v, 0.0
		for _, x := range r {
			e2 := (x - m) * (x - m)
			f += math.Log(h) + e2/h
			h = v*(1-a-b) + a*e2 + b*h
		}
		return f
	}
	best := nll(got.Alpha, got.Beta)
	for _, d := range [][2]float64{{1e-3, 0}, {-1e-3, 0}, {0, 1e-3}, {0, -1e-3}, {1e-3, -1e-3}, {-1e-3, 1e-3}} {
		if f := nll(got.Alpha+d[0], got.Beta+d[1]); f < best-1e-6 {
			t.Errorf("nll at %+v = %v below the fit's %v", d, f, best)
		}
	}
}

func TestOUStationary(t *testing.T) {
	t.Parallel()
	const n = 200_000
	o := OU{Theta: 5, Mu: 0.03, Sigma: 0.02}
	dt := 1.0 / 52
	x := fill(o, newRand(), n, dt, o.Mu, nil)[1:]
	m, v := meanVar(x)
	// An AR(1) with φ = e^(−θdt): SE of the mean sd·√((1+φ)/((1−φ)n)), of
	// the variance V·√(2(1+φ²)/((1−φ²)n)).
	phi := math.Exp(-o.Theta * dt)
	sv := o.StationarySD() * o.StationarySD()
	checkWithin(t, "mean", m, o.Mu, o.StationarySD()*math.Sqrt((1+phi)/((1-phi)*n)), 5)
	checkWithin(t, "variance", v, sv, sv*math.Sqrt(2*(1+phi*phi)/((1-phi*phi)*n)), 5)

	got, err := FitOU(x, dt)
	if err != nil {
		t.Fatal(err)
	}
	// Over T = n·dt = 3,846 years: SE(θ̂) ≈ √(2θ/T), SE(μ̂) as the mean's,
	// SE(σ̂) ≈ σ/√(2n).
	T := n * dt
	checkWithin(t, "fitted theta", got.Theta, o.Theta, math.Sqrt(2*o.Theta/T), 5)
	checkWithin(t, "fitted mu", got.Mu, o.Mu, o.StationarySD()*math.Sqrt((1+phi)/((1-phi)*n)), 5)
	checkWithin(t, "fitted sigma", got.Sigma, o.Sigma, o.Sigma/math.Sqrt(2*n), 5)
	if _, err := FitOU([]float64{1, 2, 3, 4, 5}, dt); !errors.Is(err, ErrNoMeanReversion) {
		t.Errorf("FitOU on a trend: %v, want ErrNoMeanReversion", err)
	}
}

func TestPegAndLogOU(t *testing.T) {
	t.Parallel()
	const n = 100_000
	p := Peg{Theta: 200, Sigma: 0.02}
	dt := 1.0 / 8760
	x := fill(p, newRand(), n, dt, 1, nil)[1:]
	m, _ := meanVar(x)
	phi := math.Exp(-p.Theta * dt)
	sd := p.Sigma / math.Sqrt(2*p.Theta)
	checkWithin(t, "peg mean", m, 1, sd*math.Sqrt((1+phi)/((1-phi)*n)), 5)

	// LogOU without jumps: ln x is OU around ln Level.
	l := LogOU{Theta: 500, Level: 20, Sigma: 10}
	y := fill(l, newRand(), n, dt, 20, nil)[1:]
	for i := range y {
		y[i] = math.Log(y[i])
	}
	m, v := meanVar(y)
	phi = math.Exp(-l.Theta * dt)
	sv := l.Sigma * l.Sigma / (2 * l.Theta)
	checkWithin(t, "log gas mean", m, math.Log(20), math.Sqrt(sv*(1+phi)/((1-phi)*n)), 5)
	checkWithin(t, "log gas variance", v, sv, sv*math.Sqrt(2*(1+phi*phi)/((1-phi*phi)*n)), 5)

	// Jumps push the level up and then decay.
	l.Lambda, l.JumpMean, l.JumpSD = 365, math.Log(3), 0
	g := fill(l, newRand(), 8760, dt, 20, nil)
	maxv := 0.0
	for _, v := range g {
		maxv = math.Max(maxv, v)
	}
	if maxv < 40 {
		t.Errorf("a year of daily spikes peaked at %.1f gwei, want spikes near 60", maxv)
	}
}

func TestRegimeOccupancy(t *testing.T) {
	t.Parallel()
	t.Run("rates", func(t *testing.T) {
		t.Parallel()
		const n = 1_000_000
		m := RegimeSwitching{Mu: []float64{0.1, -0.5}, Sigma: []float64{0.4, 1.2},
			Rates: [][]float64{{-200, 200}, {300, -300}}}
		pi, err := m.Stationary()
		if err != nil {
			t.Fatal(err)
		}
		checkClose(t, "π0", pi[0], 0.6, 1e-12)
		dt := 1e-4
		reg := make([]int, n)
		z := make([]float64, n)
		r := newRand()
		Normals(r, z)
		m.FillRegimes(r, z, nil, dt, 1, make([]float64, n+1), reg)
		occ := 0
		for _, k := range reg {
			if k == 0 {
				occ++
			}
		}
		// Time average of a two-state chain over T = n·dt years has
		// variance 2π0π1/((q01+q10)·T).
		se := math.Sqrt(2 * pi[0] * pi[1] / (500 * n * dt))
		checkWithin(t, "occupancy of regime 0", float64(occ)/n, pi[0], se, 5)
	})
	t.Run("transition", func(t *testing.T) {
		t.Parallel()
		const n = 200_000
		m := RegimeSwitching{Mu: []float64{0, 0}, Sigma: []float64{0.2, 0.8},
			Transition: [][]float64{{0.9, 0.1}, {0.2, 0.8}}, Initial: 1}
		pi, err := m.Stationary()
		if err != nil {
			t.Fatal(err)
		}
		checkClose(t, "π0", pi[0], 2.0/3, 1e-12)
		reg := make([]int, n)
		z := make([]float64, n)
		r := newRand()
		Normals(r, z)
		out := make([]float64, n+1)
		m.FillRegimes(r, z, nil, 1.0/365, 1, out, reg)
		occ := 0
		var r0 []float64
		for i, k := range reg {
			if k == 0 {
				occ++
				r0 = append(r0, math.Log(out[i+1]/out[i]))
			}
		}
		// Discrete two-state chain with λ = 1−p−q = 0.7: the mean of the
		// indicator has variance π0π1(1+λ)/((1−λ)n).
		se := math.Sqrt(pi[0] * pi[1] * 1.7 / (0.3 * n))
		checkWithin(t, "occupancy of regime 0", float64(occ)/n, pi[0], se, 5)
		_, v := meanVar(r0)
		want := 0.04 / 365
		checkWithin(t, "regime-0 variance", v, want, want*math.Sqrt(2.0/float64(len(r0))), 5)
	})
}

func TestReplayReproduces(t *testing.T) {
	t.Parallel()
	prices := []float64{100, 101, 99.5, 102, 104, 103, 90, 95}
	p := Replay{Prices: prices, Interval: 1.0 / 8760}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(prices))
	p.Fill(newRand(), make([]float64, len(out)-1), nil, p.Interval, prices[0], out)
	for i := range prices {
		checkClose(t, "replay", out[i], prices[i], 1e-12)
	}
	// From Start 2, rescaled to x0 = 1, at 4 steps per interval: every
	// fourth point is the series, the others interpolate geometrically.
	p.Start = 2
	out = make([]float64, 4*5+1)
	p.Fill(newRand(), make([]float64, len(out)-1), nil, p.Interval/4, 1, out)
	for k := 0; k <= 5; k++ {
		checkClose(t, "replay at data point", out[4*k], prices[2+k]/prices[2], 1e-12)
	}
	checkClose(t, "interpolated", out[2], math.Sqrt(prices[3]/prices[2]), 1e-12)
	if err := p.CheckHorizon(21, p.Interval/4); !errors.Is(err, ErrTooShort) {
		t.Errorf("CheckHorizon(21 quarter steps) = %v, want ErrTooShort", err)
	}
	if err := p.CheckHorizon(20, p.Interval/4); err != nil {
		t.Errorf("CheckHorizon(20 quarter steps) = %v", err)
	}
	mustPanic(t, "replay past the data", func() {
		p.Fill(newRand(), make([]float64, 21), nil, p.Interval/4, 1, make([]float64, 22))
	})
}

func TestBootstrapPreservesDistribution(t *testing.T) {
	t.Parallel()
	// A skewed, fat-tailed sample of 5,000 hourly returns.
	src := rand.New(rand.NewPCG(7, 7))
	data := make([]float64, 5000)
	for i := range data {
		data[i] = 0.01*src.NormFloat64() + 0.02*(src.ExpFloat64()-1)
	}
	em, ev := meanVar(data)
	for _, stationary := range []bool{false, true} {
		b := Bootstrap{Returns: data, Interval: 1.0 / 8760, BlockLen: 24, Stationary: stationary}
		if err := b.Validate(); err != nil {
			t.Fatal(err)
		}
		const n = 200_000
		r := logReturns(fill(b, newRand(), n, b.Interval, 1, nil))
		for _, x := range r {
			found := false
			for _, d := range data[:] {
				if math.Abs(x-d) < 1e-12 {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("stationary=%v: return %v is not in the data", stationary, x)
			}
			break // the membership scan is O(n·len); one is enough here
		}
		m, v := meanVar(r)
		// Each resampled return is a uniform draw from the data; blocks of
		// consecutive (independent) data points do not inflate the SE.
		// Fourth-moment SE for the variance.
		var m4 float64
		for _, d := range data {
			m4 += math.Pow(d-em, 4)
		}
		m4 /= float64(len(data))
		checkWithin(t, "mean", m, em, math.Sqrt(ev/n), 5)
		checkWithin(t, "variance", v, ev, math.Sqrt((m4-ev*ev)/n), 5)
	}
	// Fixed blocks: consecutive returns within a block are consecutive data.
	b := Bootstrap{Returns: data, Interval: 1, BlockLen: 10}
	r := logReturns(fill(b, newRand(), 10, 1, 1, nil))
	start := -1
	for i, d := range data {
		if math.Abs(d-r[0]) < 1e-12 {
			start = i
		}
	}
	if start < 0 {
		t.Fatalf("first bootstrap return %v is not in the data", r[0])
	}
	for k := 1; k < 10; k++ {
		checkClose(t, "block", r[k], data[(start+k)%len(data)], 1e-12)
	}
}

func TestProcessValidate(t *testing.T) {
	t.Parallel()
	wantFieldErr(t, GBM{Mu: 0, Sigma: -1}.Validate(), "sigma", ErrNegative)
	wantFieldErr(t, GBM{Mu: math.NaN()}.Validate(), "mu", ErrNotFinite)
	wantFieldErr(t, Merton{Lambda: -1}.Validate(), "lambda", ErrNegative)
	wantFieldErr(t, GARCH{Omega: 1e-6, Alpha: 0.2, Beta: 0.8, Period: 1}.Validate(), "alpha+beta", ErrNotStationary)
	wantFieldErr(t, GARCH{Omega: 0, Alpha: 0.1, Beta: 0.8, Period: 1}.Validate(), "omega", ErrNotPositive)
	wantFieldErr(t, GARCH{Omega: 1, Alpha: 0.1, Beta: 0.8}.Validate(), "period", ErrNotPositive)
	wantFieldErr(t, OU{Theta: -1}.Validate(), "theta", ErrNegative)
	wantFieldErr(t, LogOU{Theta: 1, Level: 0}.Validate(), "level", ErrNotPositive)
	wantFieldErr(t, Peg{Theta: 0}.Validate(), "theta", ErrNotPositive)
	wantFieldErr(t, Replay{Prices: []float64{1, 0, 2}, Interval: 1}.Validate(), "prices[1]", ErrOutOfRange)
	wantFieldErr(t, Replay{Prices: []float64{1, 2}, Interval: 1, Start: 1}.Validate(), "start", ErrOutOfRange)
	wantFieldErr(t, Bootstrap{Returns: []float64{0.1}, Interval: 1}.Validate(), "block_len", ErrNotPositive)
	rs := RegimeSwitching{Mu: []float64{0, 0}, Sigma: []float64{1, 1}}
	wantFieldErr(t, rs.Validate(), "rates", ErrRequired)
	rs.Rates = [][]float64{{-1, 1}, {2, -1}}
	wantFieldErr(t, rs.Validate(), "rates[1]", ErrOutOfRange)
	rs.Rates = nil
	rs.Transition = [][]float64{{0.5, 0.5}, {1.5, -0.5}}
	wantFieldErr(t, rs.Validate(), "transition[1][0]", ErrOutOfRange)
	wantFieldErr(t, rs.Validate(), "transition[1][1]", ErrOutOfRange)
	rs.Transition = [][]float64{{1}}
	wantFieldErr(t, rs.Validate(), "transition", ErrShape)
	for _, p := range []Process{GBM{Sigma: 0.5}, Merton{Sigma: 0.5}, GARCH{Omega: 1e-6, Alpha: 0.1, Beta: 0.8, Period: 1},
		OU{Theta: 1}, LogOU{Theta: 1, Level: 1}, Peg{Theta: 1}, Constant{}} {
		if err := p.Validate(); err != nil {
			t.Errorf("%T: %v", p, err)
		}
	}
}

func TestFillPanics(t *testing.T) {
	t.Parallel()
	procs := []Process{
		GBM{Sigma: 0.5}, Merton{Sigma: 0.5, Lambda: 1}, GARCH{Omega: 1e-6, Alpha: 0.1, Beta: 0.8, Period: 1},
		RegimeSwitching{Mu: []float64{0}, Sigma: []float64{1}, Transition: [][]float64{{1}}},
		Replay{Prices: []float64{1, 2, 3}, Interval: 1}, Bootstrap{Returns: []float64{0.1}, Interval: 1, BlockLen: 1},
		OU{Theta: 1}, LogOU{Theta: 1, Level: 1}, Peg{Theta: 1}, Constant{},
	}
	for _, p := range procs {
		z := make([]float64, 2)
		out := make([]float64, 3)
		mustPanic(t, "nil rand", func() { p.Fill(nil, z, nil, 1, 1, out) })
		mustPanic(t, "short z", func() { p.Fill(newRand(), z[:1], nil, 1, 1, out) })
		mustPanic(t, "short scale", func() { p.Fill(newRand(), z, []float64{1}, 1, 1, out) })
		mustPanic(t, "zero dt", func() { p.Fill(newRand(), z, nil, 0, 1, out) })
	}
	mustPanic(t, "GBM x0 = 0", func() { GBM{}.Fill(newRand(), make([]float64, 1), nil, 1, 0, make([]float64, 2)) })
	mustPanic(t, "Normals nil", func() { Normals(nil, make([]float64, 1)) })
}
