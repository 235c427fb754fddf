package reports

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tempest-risk/tempest/sim/scenario"
)

// Shock windows: a stress scenario's shocks (a crash, a gas spike, a keeper
// outage) last hours in a horizon of weeks, and on the whole horizon what
// they set off is a spike a few pixels wide. The report draws the series a
// governance reader asks about again over the shocks' span.

// zoomSeries are the series drawn again around the shocks, with the price
// of each asset a shock names.
var zoomSeries = []string{"peg", "deficit", "reserve", "auctions", "in_auction"}

// shockSpan is the span of a batch's shocks, in hours from the start.
type shockSpan struct {
	start, end float64 // first start, last end
	lo, hi     float64 // the window drawn: the span with some time before and after
	kinds      []string
	assets     []string
}

// shockWindow returns the span of the batch's shocks and the window its
// zoomed charts show: from a quarter of the span (at least a bucket)
// before the first shock to as long again as the span after the last
// one ends, within the horizon. ok is false without shocks, or when that
// window covers half the horizon or more (the whole-horizon charts show it
// as well).
func shockWindow(b *Batch) (s shockSpan, ok bool) {
	list, _ := b.Manifest.Config["shocks"].([]any)
	horizon := float64(int64(b.Manifest.Steps)*b.Manifest.StepSeconds) / 3600
	s.start = math.Inf(1)
	for _, x := range list {
		sh, _ := x.(map[string]any)
		start, ok1 := hoursOf(sh["start"])
		dur, ok2 := hoursOf(sh["duration"])
		if !ok1 || !ok2 {
			continue
		}
		s.start = math.Min(s.start, start)
		s.end = math.Max(s.end, start+dur)
		kind, _ := sh["kind"].(string)
		if k := strings.ReplaceAll(kind, "_", " "); k != "" && !slices.Contains(s.kinds, k) { // gas_spike: gas spike
			s.kinds = append(s.kinds, k)
		}
		if a, _ := sh["asset"].(string); a != "" && !slices.Contains(s.assets, a) {
			s.assets = append(s.assets, a)
		}
	}
	if math.IsInf(s.start, 1) || !(horizon > 0) {
		return s, false
	}
	span := math.Max(s.end-s.start, b.Manifest.BucketHours)
	s.lo = math.Max(0, s.start-math.Max(span/4, b.Manifest.BucketHours))
	s.hi = math.Min(horizon, s.end+span)
	return s, s.hi-s.lo < horizon/2
}

// hoursOf reads a duration of the manifest's configuration ("10d", "6h",
// "1d12h", "90m"), as the scenario file writes it, in hours.
func hoursOf(v any) (float64, bool) {
	text, _ := v.(string)
	var d scenario.Duration
	if err := d.UnmarshalText([]byte(text)); err != nil {
		return 0, false
	}
	return d.D().Hours(), true
}

// windowed returns the part of b that series m's chart needs, cut to the
// hours [lo, hi]: its quantile rows and its paths in the window.
func windowed(b *Batch, m Metric, lo, hi float64) *Batch {
	w := &Batch{Manifest: b.Manifest, Quantiles: map[string][]QuantileRow{}, Paths: map[string][]Path{}, window: [2]float64{lo, hi}}
	for _, r := range b.Quantiles[m.Name] {
		if r.T >= lo && r.T <= hi {
			w.Quantiles[m.Name] = append(w.Quantiles[m.Name], r)
		}
	}
	var keep []int
	for j, t := range b.PathT {
		if t >= lo && t <= hi {
			keep = append(keep, j)
			w.PathT = append(w.PathT, t)
		}
	}
	for _, p := range b.Paths[m.Name] {
		q := Path{Run: p.Run, Worst: p.Worst}
		for _, j := range keep {
			if j < len(p.Y) {
				q.Y = append(q.Y, p.Y[j])
			}
		}
		w.Paths[m.Name] = append(w.Paths[m.Name], q)
	}
	return w
}

// ZoomCharts returns the fan charts of zoomSeries, and of the price of each
// asset a shock names, over the window around the batch's shocks: none
// without shocks or when the window is half the horizon or more (see
// shockWindow), and none for a series with no data or zero throughout in
// the window.
func ZoomCharts(b *Batch) ([]Chart, shockSpan, error) {
	s, ok := shockWindow(b)
	if !ok {
		return nil, s, nil
	}
	names := append([]string(nil), zoomSeries...)
	for _, a := range s.assets {
		names = append(names, "price_"+a)
	}
	var out []Chart
	for _, name := range names {
		m, ok := seriesMetric(b, name)
		if !ok {
			continue
		}
		p, err := FanChart(windowed(b, m, s.lo, s.hi), m)
		switch {
		case errors.Is(err, ErrNoData), errors.Is(err, errAllZero):
			continue
		case err != nil:
			return nil, s, fmt.Errorf("zoomed chart of %s: %w", m.Name, err)
		}
		p.Title.Text = m.Label + " around the shocks"
		out = append(out, Chart{Name: "zoom-" + fileStem(m.Name), Title: p.Title.Text, Plot: p,
			Caption: fmt.Sprintf("%s from %s to %s, the same runs as the chart above.", m.Label, atHour(s.lo), atHour(s.hi))})
	}
	return out, s, nil
}

// seriesMetric returns the manifest's series name.
func seriesMetric(b *Batch, name string) (Metric, bool) {
	for _, m := range b.Manifest.Series {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

// atHour writes a time in hours from the start, with its day past three
// days: "hour 240 (day 10)".
func atHour(h float64) string {
	s := "hour " + Num(h)
	if h > 72 {
		s += " (day " + Num(h/24) + ")"
	}
	return s
}
