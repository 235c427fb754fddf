package market

import (
	"fmt"
	"math"
)

// OracleConfig describes a price oracle as the protocol sees it.
//
// The feed layer behaves like a Chainlink aggregator: it publishes the
// market price when the price moved more than Deviation (relative) from the
// last published answer, or when Heartbeat seconds passed since the last
// publication; the published answer is clamped to [Min, Max]. (Chainlink's
// OCR aggregators reject reports outside [minAnswer, maxAnswer], which
// leaves the answer at the last in-range value; clamping is the usual model
// of that and gives the same answer once the price has crossed the bound.)
//
// If Delay > 0, an OSM layer (Maker's Oracle Security Module) sits on top:
// the value exposed is the one the feed had at the previous poke, so it lags
// by between Delay and 2·Delay seconds. The OSM is poked at the first update
// at or after each multiple of Delay, as Maker's hop does.
//
// An answer is stale when it is more than Timeout seconds old.
type OracleConfig struct {
	Deviation float64 `toml:"deviation"` // relative threshold, e.g. 0.005 for 0.5%; 0 publishes every change
	Heartbeat int64   `toml:"heartbeat"` // seconds
	Delay     int64   `toml:"delay"`     // OSM hop in seconds; 0 for no OSM
	Timeout   int64   `toml:"timeout"`   // staleness limit in seconds
	Min       float64 `toml:"min"`       // lowest publishable answer
	Max       float64 `toml:"max"`       // highest publishable answer; may be +Inf
}

// Validate checks Deviation >= 0, Heartbeat > 0, Delay >= 0, Timeout > 0
// and 0 <= Min < Max.
func (c OracleConfig) Validate() error {
	var ch checker
	ch.nonNegative("deviation", c.Deviation)
	if c.Heartbeat <= 0 {
		ch.add("heartbeat", c.Heartbeat, ErrNotPositive)
	}
	if c.Delay < 0 {
		ch.add("delay", c.Delay, ErrNegative)
	}
	if c.Timeout <= 0 {
		ch.add("timeout", c.Timeout, ErrNotPositive)
	}
	if ch.finite("min", c.Min) && c.Min < 0 {
		ch.add("min", c.Min, ErrNegative)
	}
	if math.IsNaN(c.Max) || !(c.Max > c.Min) {
		ch.add("max", c.Max, fmt.Errorf("%w: need max > min = %v", ErrOutOfRange, c.Min))
	}
	return ch.err()
}

// Oracle is the state of one oracle; update it once per step with
// [Oracle.Update]. The zero value is not usable; build one with
// [NewOracle]. Methods allocate nothing.
type Oracle struct {
	cfg OracleConfig

	ready     bool
	last      int64   // time of the last Update
	answer    float64 // feed layer: last published answer
	updatedAt int64   // feed layer: time of that publication

	// OSM layer (Delay > 0): cur is exposed, nxt is queued.
	cur, nxt     float64
	curAt, nxtAt int64 // publication times of cur and nxt at the feed layer
	zzz          int64 // time of the last poke, rounded down to a multiple of Delay
}

// NewOracle validates cfg and returns an oracle that has published
// nothing yet.
func NewOracle(cfg OracleConfig) (Oracle, error) {
	if err := cfg.Validate(); err != nil {
		return Oracle{}, err
	}
	return Oracle{cfg: cfg}, nil
}

// Config returns the oracle's configuration.
func (o *Oracle) Config() OracleConfig { return o.cfg }

// Update shows the oracle the market price at time now (seconds) and
// reports whether the feed layer published a new answer. The first Update
// always publishes and fills the OSM queue with that answer. It panics if
// now is earlier than the previous Update or marketPrice is NaN or
// infinite. A frozen oracle is one whose Update is not called.
func (o *Oracle) Update(now int64, marketPrice float64) (published bool) {
	if !finite(marketPrice) {
		panic("market: oracle price must be finite")
	}
	if o.ready && now < o.last {
		panic("market: oracle time went backwards")
	}
	o.last = now
	p := math.Min(math.Max(marketPrice, o.cfg.Min), o.cfg.Max)
	switch {
	case !o.ready:
		published = true
	case now-o.updatedAt >= o.cfg.Heartbeat:
		published = true
	case o.answer == 0:
		published = p != 0
	default:
		published = math.Abs(p/o.answer-1) > o.cfg.Deviation
	}
	if published {
		o.answer, o.updatedAt = p, now
	}
	if d := o.cfg.Delay; d > 0 {
		switch {
		case !o.ready:
			o.cur, o.curAt = o.answer, o.updatedAt
			o.nxt, o.nxtAt = o.answer, o.updatedAt
			o.zzz = now - now%d
		case now >= o.zzz+d:
			o.cur, o.curAt = o.nxt, o.nxtAt
			o.nxt, o.nxtAt = o.answer, o.updatedAt
			o.zzz = now - now%d
		}
	}
	o.ready = true
	return published
}

// Ready reports whether the oracle has published at least once.
func (o *Oracle) Ready() bool { return o.ready }

// Price returns the answer the protocol sees: the OSM's current value if
// Delay > 0, else the feed's last answer. It is 0 before the first Update.
func (o *Oracle) Price() float64 {
	if o.cfg.Delay > 0 {
		return o.cur
	}
	return o.answer
}

// UpdatedAt returns the time at which the feed layer published the answer
// that Price returns (0 before the first Update).
func (o *Oracle) UpdatedAt() int64 {
	if o.cfg.Delay > 0 {
		return o.curAt
	}
	return o.updatedAt
}

// Feed returns the feed layer's last answer and its time, ahead of the OSM.
func (o *Oracle) Feed() (answer float64, updatedAt int64) { return o.answer, o.updatedAt }

// Next returns the value queued in the OSM, which Price will return after
// the next poke (the feed's answer if Delay is 0).
func (o *Oracle) Next() float64 {
	if o.cfg.Delay > 0 {
		return o.nxt
	}
	return o.answer
}

// Age returns now minus UpdatedAt.
func (o *Oracle) Age(now int64) int64 { return now - o.UpdatedAt() }

// Stale reports whether the answer Price returns is older than Timeout
// seconds at time now, or the oracle has never published.
func (o *Oracle) Stale(now int64) bool { return !o.ready || o.Age(now) > o.cfg.Timeout }
