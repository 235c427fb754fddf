package market

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// walkEps is the tolerance, in data intervals, below which the data-time
// walker treats two positions as equal.
const walkEps = 1e-9

// walker maps steps of dt onto a sequence of data intervals of length
// Interval: a step that covers a fraction f of data interval j gets f times
// that interval's log return (linear interpolation of the log price).
type walker struct {
	pos     float64 // data time consumed, in intervals
	end     float64 // end of the interval entered last
	entered int     // intervals entered so far
	ret     float64 // log return of the current interval
	inc     float64 // log increment accumulated for the current step
}

// advance consumes data time up to target and reports whether it stopped
// because the next interval must be entered first (call enter, then advance
// again).
func (w *walker) advance(target float64) bool {
	for target-w.pos > walkEps {
		if w.pos >= w.end-walkEps {
			return true
		}
		t := math.Min(w.end, target)
		w.inc += w.ret * (t - w.pos)
		w.pos = t
	}
	return false
}

// enter starts the next data interval, whose log return is ret.
func (w *walker) enter(ret float64) {
	w.pos = w.end
	w.entered++
	w.end = float64(w.entered)
	w.ret = ret
}

// intervalsNeeded returns how many data intervals a path of steps steps of
// dt needs.
func intervalsNeeded(steps int, dt, interval float64) int {
	return int(math.Ceil(float64(steps)*dt/interval - walkEps))
}

// Replay replays a historical price series: the path has the log returns of
// Prices[Start:], rescaled to start at x0, so with x0 = Prices[Start] and
// dt = Interval it reproduces the series. Interval is the spacing of the
// series in years; when dt differs, the log price is interpolated linearly
// in time, so variation within a data interval is not modelled. The
// volatility scale multiplies each step's log return. Replay ignores z and
// draws nothing from r. Prices is shared, not copied.
type Replay struct {
	Prices   []float64
	Interval float64
	Start    int
}

// Validate checks that Prices has at least two positive finite entries
// from Start, Interval > 0 and 0 <= Start < len(Prices)-1.
func (p Replay) Validate() error {
	var c checker
	c.positive("interval", p.Interval)
	if p.Start < 0 || p.Start >= len(p.Prices)-1 {
		c.add("start", p.Start, fmt.Errorf("%w: need 0 <= start < len(prices)-1 = %d", ErrOutOfRange, len(p.Prices)-1))
	}
	for i, v := range p.Prices {
		if !(v > 0) || math.IsInf(v, 1) {
			c.add(fmt.Sprintf("prices[%d]", i), v, fmt.Errorf("%w: prices must be positive and finite", ErrOutOfRange))
			break
		}
	}
	return c.err()
}

// CheckHorizon implements [HorizonChecker]: the series must cover the
// path.
func (p Replay) CheckHorizon(steps int, dt float64) error {
	need := intervalsNeeded(steps, dt, p.Interval)
	if have := len(p.Prices) - 1 - p.Start; have < need {
		return fieldErr("prices", len(p.Prices), fmt.Errorf("%w: %d steps of %g years need %d intervals after start %d, have %d",
			ErrTooShort, steps, dt, need, p.Start, have))
	}
	return nil
}

// Fill implements [Process]. It panics as documented there, if x0 <= 0, and
// if the series is too short for the path (see [Replay.CheckHorizon]).
func (p Replay) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	checkPositiveStart(x0)
	if p.CheckHorizon(len(out)-1, dt) != nil {
		panic("market: replay series too short for the path")
	}
	out[0] = x0
	ratio := dt / p.Interval
	lx := math.Log(x0)
	var w walker
	for i := 1; i < len(out); i++ {
		w.inc = 0
		for w.advance(float64(i) * ratio) {
			j := p.Start + w.entered
			w.enter(math.Log(p.Prices[j+1] / p.Prices[j]))
		}
		lx += scaleAt(scale, i-1) * w.inc
		out[i] = math.Exp(lx)
	}
}

// Bootstrap resamples historical log returns (spaced Interval years apart)
// in blocks, which keeps their distribution and short-range dependence
// (volatility clustering within a block).
//
//   - Fixed (Stationary false): circular moving blocks of exactly BlockLen
//     returns, each starting at a uniform position.
//   - Stationary (Stationary true): the stationary bootstrap of Politis and
//     Romano: after each return a new block starts with probability
//     1/BlockLen, so block lengths are geometric with mean BlockLen.
//
// Draws, per data return, in order: fixed: one IntN at each block start;
// stationary: for every return after the first one uniform, then one IntN if
// a block starts (the first return always starts a block). Steps of dt ≠
// Interval interpolate as [Replay] does. The volatility scale multiplies the
// step's log return. Bootstrap ignores z. Returns is shared, not copied.
type Bootstrap struct {
	Returns    []float64
	Interval   float64
	BlockLen   int
	Stationary bool
}

// Validate checks that Returns is non-empty and finite, Interval > 0 and
// BlockLen >= 1.
func (b Bootstrap) Validate() error {
	var c checker
	if len(b.Returns) == 0 {
		c.add("returns", nil, ErrRequired)
	}
	for i, v := range b.Returns {
		if !finite(v) {
			c.add(fmt.Sprintf("returns[%d]", i), v, ErrNotFinite)
			break
		}
	}
	c.positive("interval", b.Interval)
	if b.BlockLen < 1 {
		c.add("block_len", b.BlockLen, ErrNotPositive)
	}
	return c.err()
}

// Fill implements [Process]. It panics as documented there and if x0 <= 0.
func (b Bootstrap) Fill(r *rand.Rand, z, scale []float64, dt, x0 float64, out []float64) {
	checkFill(r, z, scale, dt, out)
	if len(out) == 0 {
		return
	}
	checkPositiveStart(x0)
	out[0] = x0
	n := len(b.Returns)
	ratio := dt / b.Interval
	restart := 1 / float64(b.BlockLen)
	lx := math.Log(x0)
	idx := 0
	var w walker
	for i := 1; i < len(out); i++ {
		w.inc = 0
		for w.advance(float64(i) * ratio) {
			j := w.entered
			switch {
			case j == 0:
				idx = r.IntN(n)
			case b.Stationary:
				if r.Float64() < restart {
					idx = r.IntN(n)
				} else {
					idx = (idx + 1) % n
				}
			case j%b.BlockLen == 0:
				idx = r.IntN(n)
			default:
				idx = (idx + 1) % n
			}
			w.enter(b.Returns[idx])
		}
		lx += scaleAt(scale, i-1) * w.inc
		out[i] = math.Exp(lx)
	}
}
