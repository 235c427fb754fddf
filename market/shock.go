package market

import (
	"fmt"
	"math"
)

// AllFeeds, as the Feed of a shock, selects every asset feed (crash,
// volatility, drought) or every feed (oracle freeze).
const AllFeeds = "*"

// Window is the half-open range of path points [Start, End) during which a
// shock acts. Point i is the state at time i·dt, the state the engine sees at
// step i; a path of Steps steps has points 0..Steps. The engine converts
// durations to points.
type Window struct {
	Start int `toml:"start"`
	End   int `toml:"end"`
}

// Contains reports whether Start <= i < End.
func (w Window) Contains(i int) bool { return i >= w.Start && i < w.End }

// validate checks 0 <= Start < End, and End <= points (= steps+1) if
// points > 0.
func (w Window) validate(c *checker, points int) {
	if w.Start < 0 || w.End <= w.Start || (points > 0 && w.End > points) {
		c.add("window", fmt.Sprintf("[%d,%d)", w.Start, w.End), fmt.Errorf("%w = %d", ErrWindow, points))
	}
}

// Crash lowers a feed by the fraction Drop over its window, multiplicatively
// and geometrically ramped: at point Start+m (m = 0..End−Start−1) the path is
// multiplied by (1−Drop)^((m+1)/(End−Start)), so the full drop is reached at
// point End−1, and every later point is multiplied by 1−Drop: the path goes
// on from the crashed level with its own randomness.
type Crash struct {
	Feed string  `toml:"feed"` // feed name, or AllFeeds for every asset
	Drop float64 `toml:"drop"` // fraction lost, in (0, 1)
	Window
}

// Validate checks Drop in (0,1), a non-empty Feed and 0 <= Start < End.
func (s Crash) Validate() error { return s.validate(0) }

func (s Crash) validate(points int) error {
	var c checker
	if s.Feed == "" {
		c.add("feed", nil, ErrRequired)
	}
	if c.finite("drop", s.Drop) && (s.Drop <= 0 || s.Drop >= 1) {
		c.add("drop", s.Drop, fmt.Errorf("%w: need 0 < drop < 1", ErrOutOfRange))
	}
	s.Window.validate(&c, points)
	return c.err()
}

// Factor returns the multiplier the crash applies at point i.
func (s Crash) Factor(i int) float64 {
	switch {
	case i < s.Start:
		return 1
	case i >= s.End:
		return 1 - s.Drop
	default:
		return math.Pow(1-s.Drop, float64(i-s.Start+1)/float64(s.End-s.Start))
	}
}

// VolShock multiplies a feed's volatility by Multiplier for the steps that
// produce the points of its window (step i produces point i). It acts during
// generation, on the innovations, so the path's later randomness is
// unchanged and GARCH feels it as a real shock.
type VolShock struct {
	Feed       string  `toml:"feed"`       // feed name, or AllFeeds for every asset
	Multiplier float64 `toml:"multiplier"` // > 0
	Window
}

// Validate checks Multiplier > 0, a non-empty Feed and 0 <= Start < End.
func (s VolShock) Validate() error { return s.validate(0) }

func (s VolShock) validate(points int) error {
	var c checker
	if s.Feed == "" {
		c.add("feed", nil, ErrRequired)
	}
	c.positive("multiplier", s.Multiplier)
	s.Window.validate(&c, points)
	return c.err()
}

// Depeg moves the reference stablecoin away from 1 to Target: over the
// window the displacement Target−1 is added linearly (fully at point End−1);
// afterwards, if Recover, it decays with a half-life of HalfLife points, and
// otherwise it stays. The displacement adds to the [Peg] noise, so the price
// is Target plus noise at point End−1.
type Depeg struct {
	Target   float64 `toml:"target"`    // price reached at the end of the window, > 0
	Recover  bool    `toml:"recover"`   // whether the peg recovers after the window
	HalfLife int     `toml:"half_life"` // points; required if Recover
	Window
}

// Validate checks Target > 0, HalfLife > 0 when Recover, and the window.
func (s Depeg) Validate() error { return s.validate(0) }

func (s Depeg) validate(points int) error {
	var c checker
	c.positive("target", s.Target)
	if s.Recover && s.HalfLife <= 0 {
		c.add("half_life", s.HalfLife, fmt.Errorf("%w: required when recover is true", ErrNotPositive))
	}
	s.Window.validate(&c, points)
	return c.err()
}

// Displacement returns the amount the depeg adds to the reference price at
// point i.
func (s Depeg) Displacement(i int) float64 {
	d := s.Target - 1
	switch {
	case i < s.Start:
		return 0
	case i < s.End:
		return d * float64(i-s.Start+1) / float64(s.End-s.Start)
	case s.Recover:
		return d * math.Exp2(-float64(i-(s.End-1))/float64(s.HalfLife))
	default:
		return d
	}
}

// OracleFreeze stops the oracles of a feed during its window: the engine
// must not call their Update (see [World.OracleFrozen]), so they keep their
// last answer and grow stale.
type OracleFreeze struct {
	Feed string `toml:"feed"` // feed name, or AllFeeds for every feed
	Window
}

// Validate checks a non-empty Feed and 0 <= Start < End.
func (s OracleFreeze) Validate() error { return s.validate(0) }

func (s OracleFreeze) validate(points int) error {
	var c checker
	if s.Feed == "" {
		c.add("feed", nil, ErrRequired)
	}
	s.Window.validate(&c, points)
	return c.err()
}

// KeeperOutage takes the fraction Fraction of keepers offline during its
// window (1 = all of them). See [World.KeeperAvailability].
type KeeperOutage struct {
	Fraction float64 `toml:"fraction"` // in (0, 1]
	Window
}

// Validate checks Fraction in (0,1] and 0 <= Start < End.
func (s KeeperOutage) Validate() error { return s.validate(0) }

func (s KeeperOutage) validate(points int) error {
	var c checker
	if c.finite("fraction", s.Fraction) && (s.Fraction <= 0 || s.Fraction > 1) {
		c.add("fraction", s.Fraction, fmt.Errorf("%w: need 0 < fraction <= 1", ErrOutOfRange))
	}
	s.Window.validate(&c, points)
	return c.err()
}

// GasSpike multiplies the gas price by Multiplier and the block gas limit
// by LimitFactor during its window (LimitFactor 1 keeps the limit; a
// congested scenario lowers it).
type GasSpike struct {
	Multiplier  float64 `toml:"multiplier"`   // > 0
	LimitFactor float64 `toml:"limit_factor"` // in (0, 1]; 1 keeps the gas limit
	Window
}

// Validate checks Multiplier > 0, LimitFactor in (0,1] and the window.
func (s GasSpike) Validate() error { return s.validate(0) }

func (s GasSpike) validate(points int) error {
	var c checker
	c.positive("multiplier", s.Multiplier)
	if c.finite("limit_factor", s.LimitFactor) && (s.LimitFactor <= 0 || s.LimitFactor > 1) {
		c.add("limit_factor", s.LimitFactor, fmt.Errorf("%w: need 0 < limit_factor <= 1 (1 keeps the limit)", ErrOutOfRange))
	}
	s.Window.validate(&c, points)
	return c.err()
}

// Drought multiplies the external price-impact coefficient k of a feed
// (see [Liquidity]) by Multiplier during its window.
type Drought struct {
	Feed       string  `toml:"feed"`       // feed name, or AllFeeds for every asset
	Multiplier float64 `toml:"multiplier"` // > 0
	Window
}

// Validate checks Multiplier > 0, a non-empty Feed and 0 <= Start < End.
func (s Drought) Validate() error { return s.validate(0) }

func (s Drought) validate(points int) error {
	var c checker
	if s.Feed == "" {
		c.add("feed", nil, ErrRequired)
	}
	c.positive("multiplier", s.Multiplier)
	s.Window.validate(&c, points)
	return c.err()
}

// Shocks lists the shocks of a scenario by kind. Within a kind, shocks apply
// in list order; overlapping shocks of one kind combine by multiplication
// (crash factors, volatility and gas multipliers, limit factors, drought
// multipliers, keeper availabilities 1−Fraction) or addition (depeg
// displacements), so the order does not change the result. The order of
// application in [World.Generate] is documented there.
type Shocks struct {
	Crashes       []Crash        `toml:"crash"`
	Vol           []VolShock     `toml:"vol"`
	Depegs        []Depeg        `toml:"depeg"`
	OracleFreezes []OracleFreeze `toml:"oracle_freeze"`
	KeeperOutages []KeeperOutage `toml:"keeper_outage"`
	GasSpikes     []GasSpike     `toml:"gas_spike"`
	Droughts      []Drought      `toml:"drought"`
}
