package reports

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// FanCharts returns a fan chart for every series of the manifest, in the
// manifest's order; a series with no data gets a Chart with Empty set.
func FanCharts(b *Batch) ([]Chart, error) {
	var out []Chart
	for _, m := range b.Manifest.Series {
		c := Chart{Name: "fan-" + fileStem(m.Name), Title: m.Label}
		p, err := FanChart(b, m)
		switch {
		case errors.Is(err, ErrNoData):
			c.Empty = fmt.Sprintf("No successful run recorded %s.", m.Label)
		case errors.Is(err, errAllZero):
			c.Empty = zeroSeriesSentence(m, b.OK())
		case err != nil:
			return nil, fmt.Errorf("fan chart of %s: %w", m.Name, err)
		default:
			c.Plot = p
			c.Caption = fanCaption(b, m)
		}
		out = append(out, c)
	}
	return out, nil
}

// seriesRuns words what the report says of a series beyond its own
// numbers: none is the sentence for a series that is zero in every run at
// every time, as the distribution section words a metric that is zero in
// every run (a series not listed gets a generic sentence); summary names
// the per-run summary that is zero in a run only if the series is zero at
// every time of that run, and some words the runs where it is not, so the
// runs where the summary is above zero bound those where the series is
// ever above zero.
var seriesRuns = map[string]struct{ none, summary, some string }{
	"deficit":    {"No run had a deficit at any time", "peak_deficit", "had a deficit at some time"},
	"auctions":   {"No run had an auction running at any time", "auctions", "started an auction"},
	"in_auction": {"No run had collateral in auction at any time", "auctions", "started an auction"},
	"liquidated": {"No run liquidated any debt", "liquidated_debt", "liquidated any debt"},
}

func zeroSeriesSentence(m Metric, ok int) string {
	w, found := seriesRuns[m.Name]
	if !found {
		return fmt.Sprintf("%s was zero in every run at every time (%s successful runs), so there is no chart.",
			m.Label, group3(ok))
	}
	return fmt.Sprintf("%s (0 of %s successful runs).", w.none, group3(ok))
}

func fanCaption(b *Batch, m Metric) string {
	parts := []string{m.Desc}
	if SketchLimited(b.Quantiles[m.Name]) {
		parts = append(parts, "This series stays too close to one level for the quantile sketches of quantiles.csv to "+
			"resolve its percentiles (they fall on one or two sketch values), so the chart shows the exact range "+
			"over runs and the exact mean instead of percentile bands and a median.")
	} else {
		parts = append(parts, zeroBandsSentence(b, m))
	}
	if m.Name == "reserve" && m.Level > 0 {
		parts = append(parts, fmt.Sprintf("The funded reserve (backstop.reserve) is %s; the series starts from the surplus "+
			"when the run starts, which adds the fees collected while the system was set up, so it falls below the "+
			"funded reserve only once losses exceed those fees.", withUnit(m.Level, m.Unit)))
	}
	parts = append(parts, worstPathSentence(b, m))
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// worstPathSentence names the run a fan chart draws dash-dot, the one
// whose series went furthest the way it is worse, with how far and when.
// It returns "" for a series without one.
func worstPathSentence(b *Batch, m Metric) string {
	for _, p := range b.Paths[m.Name] {
		if !p.Worst {
			continue
		}
		at, v := -1, 0.0
		for i, y := range p.Y {
			if i >= len(b.PathT) || math.IsNaN(y) || math.IsInf(y, 0) {
				continue
			}
			if at < 0 || (m.Worse == "low" && y < v) || (m.Worse != "low" && y > v) {
				at, v = i, y
			}
		}
		if at < 0 {
			return ""
		}
		when := "hour " + Num(b.PathT[at])
		if div, _ := timeAxis(b.PathT[len(b.PathT)-1]); div != 1 {
			when += " (day " + Num(b.PathT[at]/div) + ")"
		}
		return fmt.Sprintf("The dash-dot line is run %d, whose %s went %s of all runs: %s at %s.",
			p.Run, lowerFirst(m.Label), worstWord(m), withUnit(v, m.Unit), when)
	}
	return ""
}

// zeroBandsSentence says why a fan chart shows only its mean and sample
// paths above zero: its median and bands are zero at every time, yet some
// run is above zero at some time (quantiles.csv's exact maximum). It gives
// the largest value and when it first occurred and, where the series has
// a summary in seriesRuns, the runs where that summary is above zero; it
// says that most runs are zero throughout only when that summary shows
// it. It returns "" for any other series.
func zeroBandsSentence(b *Batch, m Metric) string {
	rows := b.Quantiles[m.Name]
	if !zeroBands(rows) {
		return ""
	}
	top, at, horizon := 0.0, 0.0, 0.0
	for _, r := range rows {
		horizon = math.Max(horizon, r.T)
		if r.Count > 0 && r.Max > top {
			top, at = r.Max, r.T
		}
	}
	when := "hour " + Num(at)
	if div, _ := timeAxis(horizon); div != 1 {
		when += " (day " + Num(at/div) + ")"
	}
	largest := fmt.Sprintf("the largest value in any run, %s, came at %s", withUnit(top, m.Unit), when)
	const dotted = " The dotted line is the largest value in any run at each time."
	if w, found := seriesRuns[m.Name]; found {
		if v, ok := b.Values(w.summary); ok {
			var zero, above int
			for _, x := range v {
				switch {
				case x == 0:
					zero++
				case x > 0:
					above++
				}
			}
			if 2*zero > len(v) {
				return fmt.Sprintf("In most runs this is zero throughout, so the median and the bands lie at zero "+
					"at every time: %s of the %s successful runs (%s) %s, and %s.", group3(above), group3(len(v)),
					percent(float64(above)/float64(len(v))), w.some, largest) + dotted
			}
		}
	}
	return "At every time most runs are at zero, so the median and the bands lie at zero; " + largest + "." + dotted
}

// zeroBands reports whether a fan chart's median and bands are zero at every
// time while some run is above zero at some time (quantiles.csv's exact
// maximum): the chart then shows the batch only through its mean, its
// sample paths and the maximum over runs.
func zeroBands(rows []QuantileRow) bool {
	seen, above := false, false
	for _, r := range rows {
		if r.Count == 0 {
			continue
		}
		for _, c := range fanQuantiles {
			v, ok := r.P[c]
			if !ok || !finite(v) {
				continue
			}
			if v != 0 {
				return false
			}
			seen = true
		}
		above = above || r.Max > 0
	}
	return seen && above
}

// distSpec is one distribution figure of the report. The section names
// these metrics; a metric the batch lacks is skipped.
type distSpec struct {
	metric   string
	noun     string // "final deficit"
	positive bool   // histogram of the values above zero only
	exceed   bool   // also an exceedance curve
	tails    bool   // mark VaR and expected shortfall at 95%
	none     string // sentence when there is nothing to draw
}

var distSpecs = []distSpec{
	{metric: "final_deficit", noun: "final deficit", positive: true, exceed: true, tails: true,
		none: "No run ended with a deficit"},
	{metric: "peak_deficit", noun: "peak deficit", positive: true, exceed: true, tails: true,
		none: "No run had a deficit at any time"},
	{metric: "bad_debt", noun: "bad debt", positive: true, exceed: true, tails: true,
		none: "No auction left bad debt in any run"},
	{metric: "liquidated_debt", noun: "debt liquidated", positive: true,
		none: "No run liquidated any debt"},
	{metric: "mean_discount", noun: "mean auction discount",
		none: "No run had an auction take, so there is no discount to show"},
}

// DistributionCharts returns the histograms and exceedance curves of the
// report's distribution section.
func DistributionCharts(b *Batch) ([]Chart, error) {
	var out []Chart
	for _, s := range distSpecs {
		m, ok := b.Summary(s.metric)
		if !ok {
			continue
		}
		raw, _ := b.Values(s.metric)
		all := finiteSorted(raw)
		missing := len(raw) - len(all)
		shown := all
		if s.positive {
			shown = shown[:0:0]
			for _, v := range all {
				if v > 0 {
					shown = append(shown, v)
				}
			}
		}
		stem := fileStem(s.metric)
		hist := Chart{Name: "hist-" + stem, Title: m.Label}
		if len(shown) == 0 {
			hist.Empty = fmt.Sprintf("%s (0 of %s successful runs).", s.none, group3(len(raw)))
			out = append(out, hist)
			continue
		}
		var marks []Mark
		if s.tails && len(all) >= MinRunsQuantile(0.95) {
			if v := Quantile(all, 0.95); v > 0 {
				marks = append(marks, Mark{Name: "VaR 95%", X: v})
			}
			if e := ExpectedShortfall(all, 0.95); e > 0 {
				marks = append(marks, Mark{Name: "ES 95%", X: e, Style: 1})
			}
		}
		title := m.Label
		if s.positive {
			title += " (runs above zero)"
		}
		p, err := Histogram(shown, m, title, marks)
		if err != nil {
			return nil, fmt.Errorf("histogram of %s: %w", s.metric, err)
		}
		hist.Plot = p
		hist.Caption = histCaption(s, len(raw), len(shown), missing, marks)
		out = append(out, hist)
		if !s.exceed {
			continue
		}
		ex := Chart{Name: "exceed-" + stem, Title: m.Label + ": exceedance"}
		p, err = Exceedance(all, m, m.Label+": exceedance probability")
		switch {
		case errors.Is(err, ErrNoData):
			ex.Empty = fmt.Sprintf("Every run had the same %s, so there is no exceedance curve.", s.noun)
		case err != nil:
			return nil, fmt.Errorf("exceedance of %s: %w", s.metric, err)
		default:
			ex.Plot = p
			ex.Caption = fmt.Sprintf("Share of the %s successful runs whose %s exceeds x%s, on a log scale, "+
				"with a pointwise 95%% Clopper–Pearson band. The VaR at level q is where the curve falls "+
				"through 1−q; the dotted lines mark 5%%, 1%% and 0.1%%. The curve stops at the largest run: "+
				"beyond it the batch says nothing.", group3(len(all)), s.noun, zeroCount(s, len(all), len(shown)))
		}
		out = append(out, ex)
	}
	return out, nil
}

func histCaption(s distSpec, n, shown, missing int, marks []Mark) string {
	var c strings.Builder
	fmt.Fprintf(&c, "Distribution of the %s over ", s.noun)
	switch zeros := n - missing - shown; {
	case s.positive && zeros == 0:
		fmt.Fprintf(&c, "all %s successful runs, each above zero", group3(n))
	case s.positive:
		fmt.Fprintf(&c, "the %s of %s successful runs where it is above zero (%s at zero, not shown)",
			group3(shown), group3(n), group3(zeros))
	default:
		fmt.Fprintf(&c, "%s of %s successful runs", group3(shown), group3(n))
	}
	if missing > 0 {
		verb := "have"
		if missing == 1 {
			verb = "has"
		}
		fmt.Fprintf(&c, "; %s %s no value (for example no auction took place)", runsWord(missing), verb)
	}
	c.WriteString(".")
	switch {
	case len(marks) == 2:
		c.WriteString(" Dashed: VaR 95%; dotted: expected shortfall 95%, both over all runs, zeros included.")
	case len(marks) == 1: // the expected shortfall, which is at least the VaR: the VaR is zero
		c.WriteString(" Dotted: expected shortfall 95% over all runs, zeros included; the VaR 95% is zero " +
			"(at least 95% of runs are at zero), so it is not marked.")
	}
	return c.String()
}

// zeroCount is the part of an exceedance caption that says how many of
// the n runs are above zero and how many at zero, for a metric whose
// histogram shows only the runs above zero: the curve starts at the share
// above zero.
func zeroCount(s distSpec, n, above int) string {
	if !s.positive {
		return ""
	}
	if above == n {
		return " (every run above zero)"
	}
	return fmt.Sprintf(" (%s above zero, %s at zero)", group3(above), group3(n-above))
}

// fileStem makes a metric name safe as a file name.
func fileStem(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
}
