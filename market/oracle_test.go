package market

import (
	"math"
	"testing"
)

type oracleStep struct {
	now       int64
	market    float64
	published bool
	price     float64 // Price() after the update
	updatedAt int64
}

func runOracle(t *testing.T, cfg OracleConfig, steps []oracleStep) *Oracle {
	t.Helper()
	o, err := NewOracle(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		pub := o.Update(s.now, s.market)
		if pub != s.published || o.Price() != s.price || o.UpdatedAt() != s.updatedAt {
			t.Errorf("t=%d market %v: published %v price %v at %d, want %v %v at %d",
				s.now, s.market, pub, o.Price(), o.UpdatedAt(), s.published, s.price, s.updatedAt)
		}
	}
	return &o
}

func TestOracleDeviationAndHeartbeat(t *testing.T) {
	t.Parallel()
	cfg := OracleConfig{Deviation: 0.01, Heartbeat: 3600, Timeout: 7200, Min: 0, Max: math.Inf(1)}
	o := runOracle(t, cfg, []oracleStep{
		{0, 100, true, 100, 0},             // first update always publishes
		{600, 100.5, false, 100, 0},        // |100.5/100 − 1| = 0.5% ≤ 1%
		{1200, 101.01, true, 101.01, 1200}, // 1.01% > 1%
		{1800, 100.5, false, 101.01, 1200}, // 0.505%
		{2400, 100, false, 101.01, 1200},   // 0.99990% ≤ 1%
		{3000, 99.9, true, 99.9, 3000},     // 1.099%
		{6000, 99.95, false, 99.9, 3000},   // 3000 s < heartbeat
		{6600, 99.95, true, 99.95, 6600},   // heartbeat: 3600 s since 3000
	})
	for _, c := range []struct {
		now   int64
		age   int64
		stale bool
	}{{6600, 0, false}, {13800, 7200, false}, {13801, 7201, true}} {
		if o.Age(c.now) != c.age || o.Stale(c.now) != c.stale {
			t.Errorf("at %d: age %d stale %v, want %d %v", c.now, o.Age(c.now), o.Stale(c.now), c.age, c.stale)
		}
	}
}

func TestOracleClamp(t *testing.T) {
	t.Parallel()
	cfg := OracleConfig{Deviation: 0.01, Heartbeat: 3600, Timeout: 7200, Min: 50, Max: 150}
	runOracle(t, cfg, []oracleStep{
		{0, 100, true, 100, 0},
		{600, 40, true, 50, 600},     // clamped to Min
		{1200, 30, false, 50, 600},   // still 50: no deviation
		{1800, 200, true, 150, 1800}, // clamped to Max
		{5400, 10, true, 50, 5400},   // heartbeat and deviation
		{9000, 1, true, 50, 9000},    // heartbeat republishes the clamp
	})
}

func TestOracleOSMDelay(t *testing.T) {
	t.Parallel()
	// The feed publishes every change (deviation 0); the market rises by 1
	// every 600 s from 100. The OSM (hop 3600) exposes the value it queued
	// at the previous poke: the market price one hop earlier.
	cfg := OracleConfig{Deviation: 0, Heartbeat: 3600, Delay: 3600, Timeout: 7200, Max: math.Inf(1)}
	o, err := NewOracle(cfg)
	if err != nil {
		t.Fatal(err)
	}
	market := func(now int64) float64 { return 100 + float64(now/600) }
	want := []struct {
		now         int64
		price, next float64
		updatedAt   int64
	}{
		{0, 100, 100, 0},       // first update fills the queue
		{3000, 100, 100, 0},    // no poke before 3600
		{3600, 100, 106, 0},    // poke: cur = old nxt, nxt = 106
		{6600, 100, 106, 0},    //
		{7200, 106, 112, 3600}, // the 3600 price, an hour late
		{10800, 112, 118, 7200},
	}
	k := 0
	for now := int64(0); now <= 10800; now += 600 {
		o.Update(now, market(now))
		if k < len(want) && want[k].now == now {
			w := want[k]
			if o.Price() != w.price || o.Next() != w.next || o.UpdatedAt() != w.updatedAt {
				t.Errorf("t=%d: price %v next %v updatedAt %d, want %v %v %d", now, o.Price(), o.Next(), o.UpdatedAt(), w.price, w.next, w.updatedAt)
			}
			k++
		}
	}
	if a, at := o.Feed(); a != 118 || at != 10800 {
		t.Errorf("Feed() = %v, %d, want 118, 10800", a, at)
	}
	// Age counts from the feed's publication of the exposed value.
	if o.Age(10800) != 3600 || o.Stale(10800) || !o.Stale(7200+7201) {
		t.Errorf("OSM age %d stale %v", o.Age(10800), o.Stale(10800))
	}

	// Unaligned start: the first poke is at the first multiple of the hop.
	o, _ = NewOracle(cfg)
	o.Update(1000, 50)
	o.Update(3599, 60)
	if o.Price() != 50 || o.Next() != 50 {
		t.Errorf("before the first hop boundary: price %v next %v", o.Price(), o.Next())
	}
	o.Update(3600, 70)
	if o.Price() != 50 || o.Next() != 70 {
		t.Errorf("at the first hop boundary: price %v next %v, want 50 70", o.Price(), o.Next())
	}
}

func TestOracleEdges(t *testing.T) {
	t.Parallel()
	o, err := NewOracle(DefaultOracle())
	if err != nil {
		t.Fatal(err)
	}
	if o.Ready() || o.Price() != 0 || !o.Stale(0) {
		t.Errorf("fresh oracle: ready %v price %v stale %v", o.Ready(), o.Price(), o.Stale(0))
	}
	o.Update(100, 2000)
	mustPanic(t, "time backwards", func() { o.Update(99, 2000) })
	mustPanic(t, "NaN price", func() { o.Update(200, math.NaN()) })
	if !o.Update(100+OracleHeartbeat, 2000) {
		t.Error("heartbeat did not publish")
	}

	bad := OracleConfig{Deviation: -0.1, Heartbeat: 0, Delay: -1, Timeout: 0, Min: 10, Max: 5}
	err = bad.Validate()
	wantFieldErr(t, err, "deviation", ErrNegative)
	wantFieldErr(t, err, "heartbeat", ErrNotPositive)
	wantFieldErr(t, err, "delay", ErrNegative)
	wantFieldErr(t, err, "timeout", ErrNotPositive)
	wantFieldErr(t, err, "max", ErrOutOfRange)
	if _, err := NewOracle(bad); err == nil {
		t.Error("NewOracle accepted an invalid config")
	}
}
