package reports

import (
	"errors"
	"fmt"
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

// zeroSeries words the sentence for a series that is zero in every run at
// every time, as the distribution section words a metric that is zero in
// every run; a series not listed gets a generic sentence.
var zeroSeries = map[string]string{
	"deficit":    "No run had a deficit at any time",
	"auctions":   "No run had an auction running at any time",
	"in_auction": "No run had collateral in auction at any time",
	"liquidated": "No run liquidated any debt",
}

func zeroSeriesSentence(m Metric, ok int) string {
	s, found := zeroSeries[m.Name]
	if !found {
		return fmt.Sprintf("%s was zero in every run at every time (%s successful runs), so there is no chart.",
			m.Label, group3(ok))
	}
	return fmt.Sprintf("%s (0 of %s successful runs).", s, group3(ok))
}

func fanCaption(b *Batch, m Metric) string {
	var s strings.Builder
	if m.Desc != "" {
		s.WriteString(m.Desc + " ")
	}
	if SketchLimited(b.Quantiles[m.Name]) {
		s.WriteString("This series stays too close to one level for the quantile sketches of quantiles.csv to " +
			"resolve its percentiles (they fall on one or two sketch values), so the chart shows the exact range " +
			"over runs and the exact mean instead of percentile bands and a median.")
	}
	return strings.TrimSpace(s.String())
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
		hist.Caption = histCaption(s, len(raw), len(shown), missing, len(marks) > 0)
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
			ex.Caption = fmt.Sprintf("Share of the %s successful runs whose %s exceeds x, on a log scale, "+
				"with a pointwise 95%% Clopper–Pearson band. The VaR at level q is where the curve falls "+
				"through 1−q; the dotted lines mark 5%%, 1%% and 0.1%%. The curve stops at the largest run: "+
				"beyond it the batch says nothing.", group3(len(all)), s.noun)
		}
		out = append(out, ex)
	}
	return out, nil
}

func histCaption(s distSpec, n, shown, missing int, marks bool) string {
	var c strings.Builder
	fmt.Fprintf(&c, "Distribution of the %s over ", s.noun)
	if s.positive {
		fmt.Fprintf(&c, "the %s of %s successful runs where it is above zero (%s at zero, not shown)",
			group3(shown), group3(n), group3(n-missing-shown))
	} else {
		fmt.Fprintf(&c, "%s of %s successful runs", group3(shown), group3(n))
	}
	if missing > 0 {
		fmt.Fprintf(&c, "; %s runs have no value (for example no auction took place)", group3(missing))
	}
	c.WriteString(".")
	if marks {
		c.WriteString(" Dashed: VaR 95%; dotted: expected shortfall 95%, both over all runs, zeros included.")
	}
	return c.String()
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
