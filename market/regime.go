package market

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// RegimeSwitching is a Markov regime-switching GBM: in regime k the log
// price moves as a GBM with Mu[k] and Sigma[k] (annualised). The regime
// follows a Markov chain given by exactly one of
//
//   - Rates, the generator of a continuous-time chain (per year: Rates[i][j]
//     >= 0 is the rate of switching from i to j, each row sums to 0). The
//     chain is simulated exactly in continuous time; a step uses the regime
//     in force at its start.
//   - Transition, the row-stochastic matrix of a discrete chain that moves
//     once per step (so its meaning depends on dt).
//
// The chain starts in regime Initial. The slices are shared, not copied:
// do not modify them after Validate.
//
// Draws: with Rates, at every switch (in time order) one exponential (the
// holding time in the new regime, drawn when it is entered, the first at
// time 0) and, at the switch, one uniform (which regime comes next). With
// Transition, one uniform per step, after the step's return. The volatility
// scale multiplies the regime's Sigma.
type RegimeSwitching struct {
	Mu         []float64
	Sigma      []float64
	Rates      [][]float64
	Transition [][]float64
	Initial    int
}

// stochasticTol is the tolerance on row sums of Rates and Transition.
const stochasticTol = 1e-9

// Validate checks that Mu and Sigma have K >= 1 entries, that exactly one of
// Rates and Transition is set and is K×K with valid rows, and that Initial
// is in [0, K).
func (m RegimeSwitching) Validate() error {
	var c checker
	k := len(m.Mu)
	if k == 0 {
		c.add("mu", nil, ErrRequired)
	}
	if len(m.Sigma) != k {
		c.add("sigma", len(m.Sigma), fmt.Errorf("%w: need %d entries, one per regime", ErrShape, k))
	}
	for i, v := range m.Mu {
		c.finite(fmt.Sprintf("mu[%d]", i), v)
	}
	for i, v := range m.Sigma {
		c.nonNegative(fmt.Sprintf("sigma[%d]", i), v)
	}
	switch {
	case m.Rates == nil && m.Transition == nil:
		c.add("rates", nil, fmt.Errorf("%w: set rates or transition", ErrRequired))
	case m.Rates != nil && m.Transition != nil:
		c.add("transition", nil, fmt.Errorf("%w: set rates or transition, not both", ErrOutOfRange))
	case m.Rates != nil:
		m.checkMatrix(&c, "rates", m.Rates, k, true)
	default:
		m.checkMatrix(&c, "transition", m.Transition, k, false)
	}
	if k > 0 && (m.Initial < 0 || m.Initial >= k) {
		c.add("initial", m.Initial, fmt.Errorf("%w: need 0 <= initial < %d", ErrOutOfRange, k))
	}
	return c.err()
}

func (m RegimeSwitching) checkMatrix(c *checker, name string, a [][]float64, k int, rates bool) {
	if len(a) != k {
		c.add(name, len(a), fmt.Errorf("%w: need %d rows", ErrShape, k))
		return
	}
	for i, row := range a {
		f := fmt.Sprintf("%s[%d]", name, i)
		if len(row) != k {
			c.add(f, len(row), fmt.Errorf("%w: need %d columns", ErrShape, k))
			continue
		}
		sum, scale := 0.0, 0.0
		bad := false
		for j, v := range row {
			fj := fmt.Sprintf("%s[%d]", f, j)
			if !c.finite(fj, v) {
				bad = true
				continue
			}
			switch {
			case i != j && v < 0:
				c.add(fj, v, ErrNegative)
				bad = true
			case !rates && (v < 0 || v > 1):
				c.add(fj, v, fmt.Errorf("%w: a probability must be in [0,1]", ErrOutOfRange))
				bad = true
			}
			sum += v
			scale = math.Max(scale, math.Abs(v))
		}
		if bad {
			continue
		}
		if rates && math.Abs(sum) > stochasticTol*math.Max(scale, 1) {
			c.add(f, sum, fmt.Errorf("%w: a generator row must sum to 0", ErrOutOfRange))
		}
		if !rates && math.Abs(sum-1) > stochasticTol {
			c.add(f, sum, fmt.Errorf("%w: a transition row must sum to 1", ErrOutOfRange))
		}
	}
}

// Stationary returns the stationary distribution π of the regime chain
// (π·Rates = 0 or π·Transition = π, with Σπ = 1). It returns an error if the
// parameters are invalid or the chain has no unique stationary distribution.
func (m RegimeSwitching) Stationary() ([]float64, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	k := len(m.Mu)
	a := mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			// Row j of a is column j of Q (or of P−I): the balance equation
			// for state j.
			if m.Rates != nil {
				a.Set(j, i, m.Rates[i][j])
			} else {
				v := m.Transition[i][j]
				if i == j {
					v--
				}
				a.Set(j, i, v)
			}
		}
	}
	for i := 0; i < k; i++ {
		a.Set(k-1, i, 1) // replace one balance equation by Σπ = 1
	}
	b := mat.NewVecDense(k, nil)
	b.SetVec(k-1, 1)
	var pi mat.VecDense
	if err := pi.SolveVec(a, b); err != nil {
		return nil, fmt.Errorf("market: regime chain has no unique stationary distribution: %w", err)
	}
	out := make([]float64, k)
	for i := range out {
		out[i] = pi.AtVec(i)
	}
	return out, nil
}

// Fill implements [Process]. It panics as documented there and if x0 <= 0.
func (m RegimeSwitching) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	m.FillRegimes(r, z, scale, dt, x0, out, nil)
}

// FillRegimes is Fill that also records, if regimes is not nil, the regime
// in force during step i in regimes[i-1]. It panics as Fill does and if
// regimes is not nil and len(regimes) < len(out)-1.
func (m RegimeSwitching) FillRegimes(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64, regimes []int) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	if regimes != nil && len(regimes) < len(out)-1 {
		panic("market: len(regimes) < len(out)-1")
	}
	checkPositiveStart(x0)
	out[0] = x0
	sq := math.Sqrt(dt)
	lx := math.Log(x0)
	k := m.Initial
	next := 0.0 // time of the next switch, continuous-time chain only
	if m.Rates != nil {
		next = m.holding(r, k)
	}
	for i := 1; i < len(out); i++ {
		if regimes != nil {
			regimes[i-1] = k
		}
		s := m.Sigma[k] * scaleAt(scale, i-1)
		lx += (m.Mu[k]-0.5*s*s)*dt + s*sq*z[i-1]
		out[i] = math.Exp(lx)
		if m.Rates != nil {
			t := float64(i) * dt
			for next <= t {
				k = pick(m.Rates[k], k, -m.Rates[k][k], r.Float64())
				next += m.holding(r, k)
			}
		} else {
			k = pick(m.Transition[k], -1, 1, r.Float64())
		}
	}
}

// holding draws the holding time in regime k (infinite if k is absorbing).
func (m RegimeSwitching) holding(r *rand.Rand, k int) float64 {
	q := -m.Rates[k][k]
	if q <= 0 {
		return math.Inf(1)
	}
	return r.ExpFloat64() / q
}

// pick returns the index j (skipping skip) at which the cumulative weight
// row[j]/total first exceeds u. Rounding falls back to the last candidate.
func pick(row []float64, skip int, total, u float64) int {
	target := u * total
	acc := 0.0
	last := skip
	for j, v := range row {
		if j == skip || v <= 0 {
			continue
		}
		acc += v
		last = j
		if target < acc {
			return j
		}
	}
	return last
}
