package sim

import (
	"fmt"
	"math"
	"sync"

	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// Metric describes one recorded quantity. Series metrics are recorded at the
// end of every time bucket of every run (quantiles.csv, fan charts); summary
// metrics once per run (runs.csv, risk figures). Modules that add quantities
// (recall defaults, facilitator utilisation, PT implied rate) register a
// Metric with its value function; the outputs and the report pick it up.
type Metric struct {
	Name  string `json:"name"`  // column or series name: lowercase_with_underscores
	Label string `json:"label"` // human title, e.g. "Peg price"
	Unit  string `json:"unit"`  // e.g. "USD", "rwaUSD", "hours", "count"
	Desc  string `json:"desc"`  // one sentence for the report's glossary
	// Level, for a series that stays near a constant (the peg near 1), is
	// that constant: quantiles.csv sketches deviations from it, so small
	// moves keep their resolution. Zero for an ordinary series.
	Level float64 `json:"level,omitempty"`
	// Worse, for a series, is the direction in which it means trouble
	// (WorseHigh or WorseLow; "" for neither): paths.csv keeps the whole
	// series of the run that went furthest that way, and the fan chart
	// draws it beside the sample runs.
	Worse string `json:"worse,omitempty"`
}

// The directions of Metric.Worse.
const (
	WorseHigh = "high"
	WorseLow  = "low"
)

type seriesMetric struct {
	Metric
	value func(r *Run) float64
	// market, for a series that the run's market paths alone determine, is
	// its value at step from the market buffers: the journal does not store
	// such series, a resume rebuilds them from the run's seed.
	market func(mw *market.World, step int) float64
	// level, for a series that starts at a scenario setting and moves by
	// fractions of it (the reserve buffer), returns that setting: the
	// series is sketched as its deviation from it (Metric.Level), with
	// deviations below priceResolution of it counted as none.
	level func(s *scenario.Scenario) float64
}

type summaryMetric struct {
	Metric
	value func(r *Run) float64
}

var registry struct {
	sync.Mutex
	series  []seriesMetric
	summary []summaryMetric
}

// RegisterSeries adds a series metric. It panics on a duplicate name; call
// it from an init function.
func RegisterSeries(m Metric, value func(r *Run) float64) {
	registry.Lock()
	defer registry.Unlock()
	for _, s := range registry.series {
		if s.Name == m.Name {
			panic(fmt.Sprintf("sim: series metric %q registered twice", m.Name))
		}
	}
	registry.series = append(registry.series, seriesMetric{Metric: m, value: value})
}

// registerMarketSeries adds a series metric whose value at a step is a
// function of the market paths alone.
func registerMarketSeries(m Metric, value func(mw *market.World, step int) float64) {
	RegisterSeries(m, func(r *Run) float64 { return value(r.mw, r.Step) })
	registry.Lock()
	defer registry.Unlock()
	registry.series[len(registry.series)-1].market = value
}

// registerLevelSeries adds a series metric whose Level is a scenario
// setting (seriesMetric.level).
func registerLevelSeries(m Metric, level func(s *scenario.Scenario) float64, value func(r *Run) float64) {
	RegisterSeries(m, value)
	registry.Lock()
	defer registry.Unlock()
	registry.series[len(registry.series)-1].level = level
}

// RegisterSummary adds a per-run summary metric. It panics on a duplicate
// name; call it from an init function.
func RegisterSummary(m Metric, value func(r *Run) float64) {
	registry.Lock()
	defer registry.Unlock()
	for _, s := range registry.summary {
		if s.Name == m.Name {
			panic(fmt.Sprintf("sim: summary metric %q registered twice", m.Name))
		}
	}
	registry.summary = append(registry.summary, summaryMetric{m, value})
}

// SeriesMetrics returns the registered series metrics (plus, per scenario,
// one price series per market asset: see Compiled.Series).
func SeriesMetrics() []Metric {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Metric, len(registry.series))
	for i, s := range registry.series {
		out[i] = s.Metric
	}
	return out
}

// SummaryMetrics returns the registered per-run summary metrics, in
// runs.csv column order.
func SummaryMetrics() []Metric {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Metric, len(registry.summary))
	for i, s := range registry.summary {
		out[i] = s.Metric
	}
	return out
}

// Series returns the series of this scenario: the registered ones, then
// price_<asset> for every market asset.
func (c *Compiled) Series() []Metric {
	out := make([]Metric, 0, len(c.series)+len(c.Assets))
	for _, s := range c.series {
		m := s.Metric
		if s.level != nil {
			m.Level = s.level(c.S)
		}
		out = append(out, m)
	}
	for _, a := range c.Assets {
		mt := Metric{Name: "price_" + a, Label: "Price of " + a, Unit: "USD",
			Desc: "External market price of " + a + "."}
		// Sketched as deviations from the starting price: a stablecoin's
		// small moves around its peg, and a volatile asset's moves of a
		// fraction of a percent, keep their resolution (the sketches'
		// relative accuracy of 1% would otherwise round a $4,000 price to
		// the nearest $40 or so).
		mt.Level = c.S.Market.Assets[a].Initial
		mt.Worse = WorseLow
		out = append(out, mt)
	}
	return out
}

// priceResolution is the resolution of a volatile asset's price series, as
// a share of its starting price, and of a series with a scenario level, as
// a share of that level: deviations below 0.1% of it are sketched as none. Like seriesResolution it keeps the buckets a cell can
// use fixed by the range of the prices, not by the number of runs.
const priceResolution = 1e-3

// resolution returns the magnitude below which a value of series k (or its
// deviation from the series' Level) is sketched as zero: seriesResolution,
// or priceResolution of the level for a series with a scenario level and
// of the starting price for the price of a volatile asset (neither a
// stablecoin nor a fund's NAV).
func (c *Compiled) resolution(k int) float64 {
	if k < len(c.series) {
		if s := &c.series[k]; s.level != nil {
			return max(seriesResolution, priceResolution*math.Abs(s.level(c.S)))
		}
		return seriesResolution
	}
	as := c.S.Market.Assets[c.Assets[k-len(c.series)]]
	switch as.Process {
	case "peg", "constant", "nav": // a stablecoin, or a fund's NAV that moves by basis points
		return seriesResolution
	}
	return max(seriesResolution, priceResolution*math.Abs(as.Initial))
}

// Summary returns the summary metrics of this batch, in runs.csv order:
// the registered ones, then final_price_<asset> for every market asset.
func (c *Compiled) Summary() []Metric {
	out := make([]Metric, 0, len(c.summary)+len(c.Assets))
	for _, s := range c.summary {
		out = append(out, s.Metric)
	}
	for _, a := range c.Assets {
		out = append(out, Metric{Name: "final_price_" + a, Label: "Final price of " + a, Unit: "USD",
			Desc: "External market price of " + a + " at the end of the run."})
	}
	return out
}

// derived returns the indices of the series that the run's market paths
// alone determine: the registered market series and the asset prices.
func (c *Compiled) derived() []int {
	var out []int
	for k, s := range c.series {
		if s.market != nil {
			out = append(out, k)
		}
	}
	for a := range c.Assets {
		out = append(out, len(c.series)+a)
	}
	return out
}

// rebuildDerived sets res's derived series (k in derived) to the values its
// run recorded, from the run's market paths generated anew in mw: a series
// value of bucket b is taken at the bucket's last block, as Run.block
// records it.
func (c *Compiled) rebuildDerived(res *RunResult, derived []int, mw *market.World) {
	mw.Generate(stream(res.Seed, streamMarket))
	feeds := feedIndices(c, mw)
	for _, k := range derived {
		s := res.Series[k]
		if s == nil {
			s = make([]float64, c.buckets)
			res.Series[k] = s
		}
		for b := range s {
			step := min((b+1)*c.bucket, c.Steps)
			if k < len(c.series) {
				s[b] = c.series[k].market(mw, step)
			} else {
				s[b] = mw.Price(feeds[k-len(c.series)], step)
			}
		}
	}
}

func (c *Compiled) seriesValue(k int, r *Run) float64 {
	if k < len(c.series) {
		return c.series[k].value(r)
	}
	return r.View.Prices[k-len(c.series)]
}
