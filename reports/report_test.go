package reports

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"flag"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixture is the committed batch: keeper-failure shortened to four days
// (reports/testdata/stress.toml), 80 runs. It is fixed input, so the
// goldens only change when the report does.
const fixture = "testdata/batch"

func loadFixture(t *testing.T) *Batch {
	t.Helper()
	b, err := Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from %s at line %d:\n got: %s\nwant: %s\n(run go test ./reports -update if the change is intended)",
					name, golden, i+1, g, w)
			}
		}
	}
}

// TestGolden renders the fixture's report and compares report.md and the
// CSV files with the goldens.
func TestGolden(t *testing.T) {
	out := t.TempDir()
	if err := Generate(fixture, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{MarkdownFile, RiskFiguresFile, MetricSummaryFile} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, name, got)
	}
}

// TestDeterministic builds the report twice and requires every output,
// figures included, to be byte-identical.
func TestDeterministic(t *testing.T) {
	b := loadFixture(t)
	r1, err := Build(b, fixture, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Build(loadFixture(t), fixture, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		a, b []byte
	}{{"md", r1.Markdown, r2.Markdown}, {"html", r1.HTML, r2.HTML}, {"risk", r1.RiskCSV, r2.RiskCSV},
		{"summary", r1.SummaryCSV, r2.SummaryCSV}} {
		if !bytes.Equal(c.a, c.b) {
			t.Errorf("%s differs between two builds", c.name)
		}
	}
	for name, data := range r1.Plots {
		if !bytes.Equal(data, r2.Plots[name]) {
			t.Errorf("plots/%s differs between two builds", name)
		}
	}
}

// TestWriteRemovesStalePlots: rendering into a directory that holds an
// earlier render's plots removes those this render does not draw, and
// leaves other files alone.
func TestWriteRemovesStalePlots(t *testing.T) {
	out := t.TempDir()
	plots := filepath.Join(out, PlotsDir)
	if err := os.MkdirAll(plots, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fan-gone.png", "fan-gone.svg", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(plots, name), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Build(loadFixture(t), fixture, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(out); err != nil {
		t.Fatal(err)
	}
	for name, keep := range map[string]bool{"fan-gone.png": false, "fan-gone.svg": false, "notes.txt": true} {
		if _, err := os.Stat(filepath.Join(plots, name)); (err == nil) != keep {
			t.Errorf("plots/%s: kept %v, want %v", name, err == nil, keep)
		}
	}
	for name := range r.Plots {
		if _, err := os.Stat(filepath.Join(plots, name)); err != nil {
			t.Errorf("plots/%s: %v", name, err)
		}
	}
}

// TestPlots renders every figure of the fixture and checks the files: an
// SVG and a PNG per figure with a plot, nothing else, PNGs that decode to
// the stated size, SVGs that parse as XML, none trivially small, and the
// HTML holding every figure inline.
func TestPlots(t *testing.T) {
	out := t.TempDir()
	b := loadFixture(t)
	r, err := Build(b, fixture, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(out); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range r.Charts {
		if c.Plot == nil {
			t.Errorf("fixture chart %s is empty: %s", c.Name, c.Empty)
			continue
		}
		want = append(want, c.Name+".png", c.Name+".svg")
		if !bytes.Contains(r.HTML, []byte(`id="fig-`+c.Name+`"`)) {
			t.Errorf("report.html lacks figure %s", c.Name)
		}
	}
	// A fan chart per series, histogram and exceedance curve for final and
	// peak deficit and bad debt, histograms of liquidated debt and discount.
	if n, wantN := len(r.Charts), len(b.Manifest.Series)+8; n != wantN {
		t.Errorf("%d charts, want %d", n, wantN)
	}
	entries, err := os.ReadDir(filepath.Join(out, PlotsDir))
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, e := range entries {
		have = append(have, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(have, want) {
		t.Errorf("plots/ holds %v, want %v", have, want)
	}
	wpx, hpx := int(ChartWidth.Points()/72*PNGDPI+0.5), int(ChartHeight.Points()/72*PNGDPI+0.5)
	for _, name := range want {
		data, err := os.ReadFile(filepath.Join(out, PlotsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < 2000 {
			t.Errorf("%s: only %d bytes", name, len(data))
		}
		switch filepath.Ext(name) {
		case ".png":
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if s := img.Bounds().Size(); s.X != wpx || s.Y != hpx {
				t.Errorf("%s: %v pixels, want %dx%d", name, s, wpx, hpx)
			}
		case ".svg":
			dec := xml.NewDecoder(bytes.NewReader(data))
			elems := 0
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Errorf("%s: %v", name, err)
					break
				}
				if _, ok := tok.(xml.StartElement); ok {
					elems++
				}
			}
			if elems < 20 {
				t.Errorf("%s: only %d elements", name, elems)
			}
		}
	}
}

// addMetric registers a series and a summary the report code has never
// heard of, as a later module would.
func addMetric(b *Batch) {
	m := &b.Manifest
	m.Series = append(m.Series, Metric{Name: "recall_defaults", Label: "Recall defaults (cumulative)",
		Unit: "loans", Desc: "Loans recalled and not repaid in time."})
	rows := slices.Clone(b.Quantiles["liquidated"])
	b.Quantiles["recall_defaults"] = rows
	b.Paths["recall_defaults"] = b.Paths["liquidated"]
	m.Summary = append(m.Summary, Metric{Name: "facilitator_util", Label: "Facilitator utilisation",
		Unit: "fraction", Desc: "Peak share of the facilitator's capacity in use."})
	for i := range b.Runs {
		b.Runs[i].Values = append(b.Runs[i].Values, float64(i%10)/10)
	}
}

func TestRegisteredMetricAppears(t *testing.T) {
	b := loadFixture(t)
	addMetric(b)
	r, md := build(t, b)
	wantAll(t, md,
		"![Recall defaults (cumulative)](plots/fan-recall_defaults.png)", // fan chart
		"| `recall_defaults` | Recall defaults (cumulative) | loans | Loans recalled and not repaid in time. |",
		"| Facilitator utilisation (`facilitator_util`) | fraction | 80 | 0.450 | [0.386, 0.514] |", // metric table
		"| `facilitator_util` | Facilitator utilisation | fraction |",                               // glossary
	)
	if !slices.ContainsFunc(r.Charts, func(c Chart) bool { return c.Name == "fan-recall_defaults" && c.Plot != nil }) {
		t.Error("no fan chart for the registered series")
	}
	if !strings.Contains(string(r.SummaryCSV), "\nfacilitator_util,fraction,80,0,0.45,") {
		t.Errorf("metric_summary.csv lacks the registered metric:\n%s", r.SummaryCSV)
	}
}

// dropSummary removes a per-run summary from b, as a batch from an older
// or different model would lack it.
func dropSummary(b *Batch, name string) {
	i := slices.IndexFunc(b.Manifest.Summary, func(m Metric) bool { return m.Name == name })
	b.Manifest.Summary = slices.Delete(b.Manifest.Summary, i, i+1)
	for j := range b.Runs {
		b.Runs[j].Values = slices.Delete(b.Runs[j].Values, i, i+1)
	}
}

func TestAbsentMetricSkipped(t *testing.T) {
	b := loadFixture(t)
	dropSummary(b, "final_deficit")
	dropSummary(b, "mean_discount")
	r, err := Build(b, fixture, Options{skipImages: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Figures {
		if f.Metric == "final_deficit" {
			t.Errorf("figure %s uses an absent metric", f.ID)
		}
	}
	for _, c := range r.Charts {
		if strings.Contains(c.Name, "final_deficit") || strings.Contains(c.Name, "mean_discount") {
			t.Errorf("chart %s for an absent metric", c.Name)
		}
	}
	if !strings.Contains(string(r.Markdown), "VaR 95% of the peak deficit") {
		t.Error("peak-deficit figures missing")
	}
}

func setSummary(b *Batch, name string, v float64) {
	i := slices.IndexFunc(b.Manifest.Summary, func(m Metric) bool { return m.Name == name })
	for j := range b.Runs {
		b.Runs[j].Values[i] = v
	}
}

// TestAllZero renders a batch where nothing went wrong: no deficit, no
// bad debt, no liquidation, no auction. The report must say so in words
// rather than draw empty or log-scale plots of zeros.
func TestAllZero(t *testing.T) {
	b := loadFixture(t)
	for _, name := range []string{"final_deficit", "peak_deficit", "bad_debt", "liquidated_debt"} {
		setSummary(b, name, 0)
	}
	setSummary(b, "mean_discount", nanValue())
	for i := range b.Quantiles["deficit"] {
		r := &b.Quantiles["deficit"][i]
		r.Mean, r.Min, r.Max = 0, 0, 0
		for k := range r.P {
			r.P[k] = 0
		}
	}
	for _, p := range b.Paths["deficit"] {
		clear(p.Y)
	}
	r, md := build(t, b)
	wantAll(t, md,
		"**Final deficit.** No run ended with a deficit (0 of 80 successful runs).",
		"**Peak deficit.** No run had a deficit at any time (0 of 80 successful runs).",
		"**Bad debt.** No auction left bad debt in any run (0 of 80 successful runs).",
		"**Debt liquidated.** No run liquidated any debt (0 of 80 successful runs).",
		"**Mean auction discount.** No run had an auction take, so there is no discount to show (0 of 80 successful runs).",
		"| P(final deficit > 0) | 0.0% | [0.0%, 4.5%] |",
		"| VaR 95% of the peak deficit | 0 rwaUSD | [0, 0] |",
		"**Deficit.** No run had a deficit at any time (0 of 80 successful runs).",
	)
	for _, c := range r.Charts {
		if strings.HasPrefix(c.Name, "exceed-") {
			t.Errorf("exceedance chart %s drawn for all-zero data", c.Name)
		}
	}
	i := slices.IndexFunc(r.Charts, func(c Chart) bool { return c.Name == "fan-deficit" })
	if i < 0 || r.Charts[i].Plot != nil {
		t.Fatal("the deficit, zero in every run, has a fan chart (an empty axis) or no entry")
	}
}

// svgText renders p as SVG and returns its text.
func svgText(t *testing.T, p *plot.Plot) string {
	t.Helper()
	data, err := SVG(p, ChartWidth, ChartHeight)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestFanLegend: a fan chart draws its sample paths as thin solid lines
// and keeps its one dash pattern for the mean, so no sample path reads as
// the mean and the legend's sample-path entry matches every path; a band
// with no area (here the deficit's percentiles set to zero, its maximum
// not) is neither drawn nor listed, and the maximum over runs is drawn
// instead.
func TestFanLegend(t *testing.T) {
	b := loadFixture(t)
	m, _ := seriesMetric(b, "deficit")
	svg := svgText(t, mustFan(t, b, m))
	dashes := map[string]bool{}
	for _, style := range strings.Split(svg, "style=\"")[1:] {
		style = style[:strings.IndexByte(style, '"')]
		if i := strings.Index(style, "stroke-dasharray:"); i >= 0 {
			d := style[i+len("stroke-dasharray:"):]
			dashes[d[:strings.IndexAny(d+";", ";")]] = true
		}
	}
	if len(dashes) != 1 {
		t.Errorf("fan chart uses %d dash patterns, want 1 (the mean's): %v", len(dashes), dashes)
	}
	for i := range b.Quantiles["deficit"] {
		r := &b.Quantiles["deficit"][i]
		for k := range r.P {
			r.P[k] = 0
		}
	}
	svg = svgText(t, mustFan(t, b, m))
	for _, s := range []string{"90% band", "50% band"} {
		if strings.Contains(svg, s) {
			t.Errorf("legend lists %q, a band with no area", s)
		}
	}
	if !strings.Contains(svg, "sample runs (5)") {
		t.Error("legend lacks the sample runs")
	}
	// With the median and bands at zero, the exact maximum over runs shows
	// where the runs above zero were.
	if !strings.Contains(svg, ">largest in any run (exact)<") {
		t.Error("legend lacks the largest value in any run, drawn when the bands are all zero")
	}
}

func mustFan(t *testing.T, b *Batch, m Metric) *plot.Plot {
	t.Helper()
	p, err := FanChart(b, m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFailedRuns marks two runs failed: the report lists them with their
// replay commands and computes the figures from the other runs.
func TestFailedRuns(t *testing.T) {
	b := loadFixture(t)
	for _, i := range []int{3, 41} {
		b.Runs[i].OK = false
		b.Runs[i].FailStep = 100 + i
		b.Runs[i].Error = "invariant: vat debt != sum of dai"
	}
	b.Manifest.Failed = 2
	r, md := build(t, b)
	wantAll(t, md,
		"2 of 80 runs failed.",
		"| 3 | "+uintString(b.Runs[3].Seed)+" | 103 | invariant: vat debt != sum of dai | `tempest replay reports/testdata/stress.toml --run 3 --trace run-3.csv --seed 20261122` |",
		"--run 41 --trace run-41.csv --seed 20261122",
		"Estimates from the 78 successful runs. The 2 failed runs are left out",
	)
	for _, f := range r.Figures {
		if f.N != 78 {
			t.Errorf("%s uses %d runs, want 78", f.ID, f.N)
		}
	}
	// A batch run with overrides is replayed with them: the run is of the
	// scenario the batch ran, not of the file alone.
	b.Manifest.Command = "tempest run 'my scenarios/stress.toml' --runs 80 --seed 7 --set profiles.gold.haircut=0.15 --set 'backstop.reserve=2e6'"
	r, _ = build(t, b)
	want := "`tempest replay 'my scenarios/stress.toml' --run 41 --trace run-41.csv --seed 7 " +
		"--set profiles.gold.haircut=0.15 --set 'backstop.reserve=2e6'`"
	if !strings.Contains(string(r.Markdown), want) {
		t.Errorf("report.md lacks %q", want)
	}
	// Flags a replay does not take are left out; quoting survives.
	for cmd, want := range map[string]string{
		"tempest run base.toml --runs 400 --seed 3 --set 'name=it'\\''s' --shard 1/2":     "tempest replay base.toml --run 41 --trace run-41.csv --seed 3 --set 'name=it'\\''s'",
		"tempest run base.toml --runs=400 --workers 8 --seed=3 --out 'o u t' --set=a.b=1": "tempest replay base.toml --run 41 --trace run-41.csv --seed=3 --set=a.b=1",
		"tempest sweep s.toml": "tempest replay reports/testdata/stress.toml --run 41 --trace run-41.csv --seed 20261122",
	} {
		m := b.Manifest
		m.Command = cmd
		if got := replayCommand(&m, "41"); got != want {
			t.Errorf("replay of %q:\n got %q\nwant %q", cmd, got, want)
		}
	}
}

// TestTooFewRuns keeps the first 30 runs: enough for a 95% VaR but not
// for its interval (72) or for anything at 99% (100).
func TestTooFewRuns(t *testing.T) {
	b := loadFixture(t)
	b.Runs = b.Runs[:30]
	figs := RiskFigures(b, Options{})
	byID := map[string]Figure{}
	for _, f := range figs {
		byID[f.ID] = f
	}
	for _, c := range []struct {
		id       string
		est, ci  string
		hasPoint bool
	}{
		{"var95_peak_deficit", "", "n/a (needs ≥ 72 runs)", true},
		{"var99_peak_deficit", "n/a (needs ≥ 100 runs)", "n/a (needs ≥ 368 runs)", false},
		{"es95_peak_deficit", "", "n/a (needs ≥ 200 runs)", true},
		{"es99.9_peak_deficit", "n/a (needs ≥ 1,000 runs)", "n/a (needs ≥ 10,000 runs)", false},
		{"q95_hours_off_1pct", "", "n/a (needs ≥ 72 runs)", true},
	} {
		f, ok := byID[c.id]
		if !ok {
			t.Errorf("no figure %s", c.id)
			continue
		}
		est, ci := formatEstimate(f)
		if c.hasPoint == strings.HasPrefix(est, "n/a") || !c.hasPoint && est != c.est || ci != c.ci {
			t.Errorf("%s: %q %q, want %q %q", c.id, est, ci, c.est, c.ci)
		}
	}
	if note := PrecisionNote(figs); !strings.Contains(note, "needs 10,000 runs") {
		t.Errorf("precision note: %q", note)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{ManifestFile, QuantilesFile, PathsFile} {
		data, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := os.ReadFile(filepath.Join(fixture, RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(runs, []byte("peak_deficit"), []byte("peak_loss"), 1)
	if err := os.WriteFile(filepath.Join(dir, RunsFile), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "header does not match") {
		t.Errorf("Load with a renamed column: %v", err)
	}
	bad = bytes.Replace(runs, []byte(",ok,"), []byte(",maybe,"), 1)
	if err := os.WriteFile(filepath.Join(dir, RunsFile), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "runs.csv:2: status") {
		t.Errorf("Load with a bad status: %v", err)
	}
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("Load of an empty directory: no error")
	}
}

// TestParameters checks the flattening of the configuration: dotted keys,
// list indices, compact distributions, the file's section order, and
// comments inherited from the enclosing key.
func TestParameters(t *testing.T) {
	b := loadFixture(t)
	groups := Parameters(&b.Manifest)
	var names []string
	params := map[string]Param{}
	for _, g := range groups {
		names = append(names, g.Name)
		for _, p := range g.Params {
			params[p.Key] = p
		}
	}
	wantOrder := []string{"general", "system", "backstop", "profiles", "auction", "pegrail", "pegpool",
		"market", "oracles", "shocks", "agents"}
	if !slices.Equal(names, wantOrder) {
		t.Errorf("groups %v, want %v", names, wantOrder)
	}
	for key, want := range map[string]Param{
		"market.assets.gold.sigma": {Value: "0.157045",
			Source: "FitGBM on monthly gold 2000-2026, corrected for averaging (market.GoldGBMSigma)"},
		"agents.borrowers[0].size":    {Value: "lognormal(median 300000, sigma 1)", Source: "collateral value [USD]"},
		"agents.keepers.latency":      {Value: "uniform(min 1, max 3)", Source: "blocks between looks"},
		"agents.arbitrageurs.capital": {Value: "5000000"},
		"shocks[0].size":              {Value: "0.5", Source: "fixture: gold -50% over six hours"},
		"market.assets.gold.liquidity.k": {Value: "2e-8",
			Source: "assumption: thin tokenized-gold market, 1% impact for a $1M sale"},
		// Keys the file does not set hold defaults, whatever their section's comment.
		"check_every":  {Value: "1h", Source: defaultSource},
		"backstop.pad": {Value: "1.5", Source: defaultSource},
	} {
		got, ok := params[key]
		if !ok {
			t.Errorf("no parameter %s", key)
			continue
		}
		if got.Value != want.Value || got.Source != want.Source {
			t.Errorf("%s = %q (%q), want %q (%q)", key, got.Value, got.Source, want.Value, want.Source)
		}
	}
}

func nanValue() float64 { return math.NaN() }

func uintString(u uint64) string { return strconv.FormatUint(u, 10) }

// TestFigureEdgeCases feeds the figure functions the data the plotters
// reject or cannot scale: NaN and infinities, a single repeated value, no
// value at all.
func TestFigureEdgeCases(t *testing.T) {
	m := Metric{Name: "x", Label: "X", Unit: "USD"}
	inf := math.Inf(1)
	h, err := Histogram([]float64{3, nanValue(), inf, 3, 3}, m, "X", []Mark{{Name: "VaR", X: nanValue()}})
	if err != nil {
		t.Fatalf("histogram of a repeated value: %v", err)
	}
	if _, err := PNG(h, ChartWidth, ChartHeight); err != nil {
		t.Errorf("drawing it: %v", err)
	}
	if _, err := Histogram([]float64{nanValue(), inf}, m, "X", nil); err != ErrNoData {
		t.Errorf("histogram of no finite value: %v, want ErrNoData", err)
	}
	if _, err := Exceedance([]float64{2, 2, nanValue()}, m, "X"); err != ErrNoData {
		t.Errorf("exceedance of a repeated value: %v, want ErrNoData", err)
	}
	e, err := Exceedance([]float64{0, 0, 0, 5, inf}, m, "X")
	if err != nil {
		t.Fatalf("exceedance: %v", err)
	}
	if _, err := SVG(e, ChartWidth, ChartHeight); err != nil {
		t.Errorf("drawing it: %v", err)
	}
	b := loadFixture(t)
	rows := b.Quantiles["supply"]
	rows[0].Count = 0 // a bucket no run reached
	rows[1].P["p50"], rows[1].Mean = nanValue(), inf
	if _, err := FanChart(b, Metric{Name: "supply", Label: "Supply"}); err != nil {
		t.Errorf("fan chart with missing values: %v", err)
	}
	if _, err := FanChart(b, Metric{Name: "not_recorded"}); err != ErrNoData {
		t.Errorf("fan chart of an unrecorded series: %v, want ErrNoData", err)
	}
}

// TestBadDebtAbsorbed gives two runs bad debt that the surplus absorbed
// (no deficit at any time): the deficit figures stay at zero, so the
// report must show the bad debt in its own figures and say that it was
// absorbed.
func TestBadDebtAbsorbed(t *testing.T) {
	b := loadFixture(t)
	for _, name := range []string{"final_deficit", "peak_deficit", "bad_debt"} {
		setSummary(b, name, 0)
	}
	i := slices.IndexFunc(b.Manifest.Summary, func(m Metric) bool { return m.Name == "bad_debt" })
	b.Runs[3].Values[i], b.Runs[7].Values[i] = 1000, 300250
	r, md := build(t, b)
	wantAll(t, md,
		"| P(final deficit > 0) | 0.0% | [0.0%, 4.5%] |",
		"| P(bad debt > 0) | 2.5% | [0.3%, 8.7%] | Clopper–Pearson | 80 |",
		"| VaR 95% of the bad debt | 0 rwaUSD |",
		"| Expected shortfall 95% of the bad debt | 75.3k rwaUSD |",
		"In 2 of 80 runs auctions left bad debt (the largest 300k rwaUSD). None of these runs had a deficit "+
			"at any time: the backstop's surplus (its starting reserve and its income: liquidation penalties and "+
			"stability fees) absorbed the losses before they became a deficit",
	)
	// With no reserve drawn in those runs, the penalties covered them.
	setSummary(b, "reserve_drawn", 0)
	r, _ = build(t, b)
	want := "None of these runs had a deficit at any time, and in none of them did the backstop's surplus fall " +
		"below its starting level: the backstop's income in the same runs (liquidation penalties and stability " +
		"fees) absorbed the losses"
	if !strings.Contains(string(r.Markdown), want) {
		t.Errorf("report.md lacks %q", want)
	}
	// A reserve draw the batch did not record (empty cells) is not taken for none.
	setSummary(b, "reserve_drawn", math.NaN())
	r, _ = build(t, b)
	if md := string(r.Markdown); strings.Contains(md, want) || !strings.Contains(md, "None of these runs had a deficit at any time: the backstop's surplus") {
		t.Error("with no reserve draws recorded, the note still says none was drawn")
	}
}

// TestBadDebtDistribution gives two of 80 runs bad debt, which no deficit
// shows: the distribution section draws its histogram (of the two runs,
// with the expected shortfall marked and the VaR 95%, zero, said to be
// so) and its exceedance curve over all 80 runs, after the deficit's, with
// captions that count the runs above and at zero.
func TestBadDebtDistribution(t *testing.T) {
	b := loadFixture(t)
	setSummary(b, "bad_debt", 0)
	i := slices.IndexFunc(b.Manifest.Summary, func(m Metric) bool { return m.Name == "bad_debt" })
	b.Runs[3].Values[i], b.Runs[7].Values[i] = 1000, 300250
	cs, err := DistributionCharts(b)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]Chart{}
	for _, c := range cs {
		names = append(names, c.Name)
		byName[c.Name] = c
	}
	want := []string{"hist-final_deficit", "exceed-final_deficit", "hist-peak_deficit", "exceed-peak_deficit",
		"hist-bad_debt", "exceed-bad_debt", "hist-liquidated_debt", "hist-mean_discount"}
	if !slices.Equal(names, want) {
		t.Fatalf("distribution charts %v, want %v", names, want)
	}
	for _, c := range []struct {
		name, title, xlabel, ylabel, caption string
		legend, notLegend                    []string
	}{
		{"hist-bad_debt", "Bad debt (runs above zero)", "Bad debt [rwaUSD]", "runs",
			"Distribution of the bad debt over the 2 of 80 successful runs where it is above zero (78 at zero, " +
				"not shown). Dotted: expected shortfall 95% over all runs, zeros included; the VaR 95% is zero " +
				"(at least 95% of runs are at zero), so it is not marked.",
			[]string{"runs (2)", "ES 95%"}, []string{"VaR 95%"}},
		{"exceed-bad_debt", "Bad debt: exceedance probability", "Bad debt [rwaUSD]", "share of runs above x",
			"Share of the 80 successful runs whose bad debt exceeds x (2 above zero, 78 at zero), on a log scale, " +
				"with a pointwise 95% Clopper–Pearson band.",
			[]string{"P(X &gt; x)", "95% band (Clopper–Pearson)"}, nil},
	} {
		ch := byName[c.name]
		if ch.Plot == nil {
			t.Errorf("%s: no plot (%s)", c.name, ch.Empty)
			continue
		}
		p := ch.Plot
		if p.Title.Text != c.title || p.X.Label.Text != c.xlabel || p.Y.Label.Text != c.ylabel {
			t.Errorf("%s: title %q, axes %q and %q; want %q, %q and %q", c.name, p.Title.Text, p.X.Label.Text,
				p.Y.Label.Text, c.title, c.xlabel, c.ylabel)
		}
		if !strings.HasPrefix(ch.Caption, c.caption) {
			t.Errorf("%s: caption\n%s\nwant it to start with\n%s", c.name, ch.Caption, c.caption)
		}
		svg := svgText(t, p)
		for _, s := range c.legend {
			if !strings.Contains(svg, ">"+s+"<") {
				t.Errorf("%s: legend lacks %q", c.name, s)
			}
		}
		for _, s := range c.notLegend {
			if strings.Contains(svg, ">"+s+"<") {
				t.Errorf("%s: legend lists %q", c.name, s)
			}
		}
	}
	// With bad debt in 10 of 80 runs the VaR 95% is above zero and both
	// marks are drawn and named.
	for _, j := range []int{11, 12, 13, 14, 15, 16, 17, 18} {
		b.Runs[j].Values[i] = float64(j) * 1000
	}
	cs, err = DistributionCharts(b)
	if err != nil {
		t.Fatal(err)
	}
	j := slices.IndexFunc(cs, func(c Chart) bool { return c.Name == "hist-bad_debt" })
	if want := "(70 at zero, not shown). Dashed: VaR 95%; dotted: expected shortfall 95%, both over all runs, " +
		"zeros included."; !strings.HasSuffix(cs[j].Caption, want) {
		t.Errorf("hist-bad_debt caption %q, want it to end with %q", cs[j].Caption, want)
	}
}

// TestFanZeroBands: a fan chart whose median and bands are zero at every
// time while some run is above zero (its maximum) shows little but the
// mean and the sample paths, so its caption says why, with the largest
// value and when it came; where a per-run summary tells the runs that are
// ever above zero, it gives their number, and says that most runs are
// zero throughout only when that summary shows it. A chart with a band
// above zero at any time gets no such sentence.
func TestFanZeroBands(t *testing.T) {
	const marker = "the median and the bands lie at zero"
	caption := func(b *Batch, name string) string {
		t.Helper()
		cs, err := FanCharts(b)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cs, func(c Chart) bool { return c.Name == "fan-"+name })
		if i < 0 || cs[i].Plot == nil {
			t.Fatalf("no fan chart of %s", name)
		}
		return cs[i].Caption
	}
	zeroBands := func(b *Batch, name string) {
		for i := range b.Quantiles[name] {
			for k := range b.Quantiles[name][i].P {
				b.Quantiles[name][i].P[k] = 0
			}
		}
	}

	b := loadFixture(t)
	cs, err := FanCharts(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if strings.Contains(c.Caption, marker) {
			t.Errorf("%s, with bands above zero: %q", c.Name, c.Caption)
		}
	}

	// 22 of the 80 runs have a peak deficit above zero.
	zeroBands(b, "deficit")
	want := "Backstop bad debt covered neither by its surplus nor by collateral still at auction. In most runs " +
		"this is zero throughout, so the median and the bands lie at zero at every time: 22 of the 80 successful " +
		"runs (27.5%) had a deficit at some time, and the largest value in any run, 1.69M rwaUSD, came at hour " +
		"45 (day 1.875). The dotted line is the largest value in any run at each time."
	if got := caption(b, "deficit"); got != want {
		t.Errorf("deficit caption\n%s\nwant\n%s", got, want)
	}

	// A series without such a summary, and the deficit when its summary
	// does not show that most runs are zero throughout, say what the
	// quantiles show.
	addMetric(b)
	zeroBands(b, "recall_defaults")
	want = "Loans recalled and not repaid in time. At every time most runs are at zero, so the median and the " +
		"bands lie at zero; the largest value in any run, 21.1M loans, came at hour 39 (day 1.625). " +
		"The dotted line is the largest value in any run at each time."
	if got := caption(b, "recall_defaults"); got != want {
		t.Errorf("recall_defaults caption\n%s\nwant\n%s", got, want)
	}
	setSummary(b, "peak_deficit", 1)
	if got := caption(b, "deficit"); !strings.Contains(got, " At every time most runs are at zero, so the "+
		"median and the bands lie at zero; the largest value") || strings.Contains(got, "In most runs") {
		t.Errorf("deficit caption with a deficit in every run: %q", got)
	}

	// One band above zero in one bucket: no sentence.
	b.Quantiles["deficit"][10].P["p95"] = 5
	if got := caption(b, "deficit"); strings.Contains(got, marker) {
		t.Errorf("deficit caption with a band above zero: %q", got)
	}
}

// TestZeroTailUnbounded triples the fixture to 240 runs (enough for the
// 95% expected-shortfall interval) with no deficit in any run: the
// bootstrap of an all-zero tail would print [0, 0], which the data do not
// support, so the report prints the estimate with no interval,
// as it does for the mean of a metric that is zero in every run; the VaR
// keeps its order-statistic interval and a tail with non-zero
// values keeps its bootstrap interval.
func TestZeroTailUnbounded(t *testing.T) {
	b := loadFixture(t)
	for range 2 {
		for _, r := range b.Runs[:80] {
			r.Values = slices.Clone(r.Values)
			b.Runs = append(b.Runs, r)
		}
	}
	for _, name := range []string{"final_deficit", "peak_deficit"} {
		setSummary(b, name, 0)
	}
	r, md := build(t, b)
	wantAll(t, md,
		"| Expected shortfall 95% of the final deficit | 0 rwaUSD | no interval: every run is 0 |",
		"| Expected shortfall 95% of the peak deficit | 0 rwaUSD | no interval: every run is 0 |",
		"| VaR 95% of the peak deficit | 0 rwaUSD | [0, 0] |",
		"| Expected recapitalisation | 0 rwaUSD | no interval: every run is 0 | Student t | 240 |", // recap is 0 in every run
		"| Recapitalisation (`recap`) | rwaUSD | 240 | 0 | no interval: every run is 0 |",
	)
	if !strings.Contains(string(r.RiskCSV), "\nes95_peak_deficit,Deficit,Expected shortfall 95% of the peak deficit,"+
		"peak_deficit,rwaUSD,0.95,240,0,,,\"percentile bootstrap (2,000 resamples, seed 20261122)\",0,0,no interval: every run is 0\n") {
		t.Errorf("risk_figures.csv does not mark the unbounded interval:\n%s", r.RiskCSV)
	}
	for _, f := range r.Figures {
		if f.ID == "es95_bad_debt" && (!f.HasCI || f.Unbounded || !(f.CI.Hi > f.CI.Lo)) {
			t.Errorf("es95_bad_debt, a tail of non-zero values, lost its interval: %+v", f)
		}
	}
}

// TestReserveDrawnFewRuns draws the reserve in 2 of 80 runs: the mean
// alone (a t-interval clipped at 0) hides that it rests on two runs, so
// the report gives the share of runs with its Clopper–Pearson interval and
// the largest run, and writes the mean with no more digits than its
// interval supports.
func TestReserveDrawnFewRuns(t *testing.T) {
	b := loadFixture(t)
	setSummary(b, "reserve_drawn", 0)
	i := slices.IndexFunc(b.Manifest.Summary, func(m Metric) bool { return m.Name == "reserve_drawn" })
	b.Runs[10].Values[i], b.Runs[20].Values[i] = 300, 490.88 // mean 9.886
	_, md := build(t, b)
	wantAll(t, md,
		"| P(reserve drawn > 0) | 2.5% | [0.3%, 8.7%] | Clopper–Pearson | 80 |",
		"| Expected reserve drawn | 10 rwaUSD | [0, 24] | Student t, clipped at 0 | 80 |",
		"| Largest reserve drawn in any run | 490.9 rwaUSD | — | largest run value (no interval) | 80 |",
		"| Reserve drawn (`reserve_drawn`) | rwaUSD | 80 | 10 | [0, 24] |",
	)
}

// TestEstimateInterval: an estimate and its interval share their digits,
// as many as the bounds need to differ and no more than the interval
// supports.
func TestEstimateInterval(t *testing.T) {
	for _, c := range []struct {
		est, lo, hi float64
		want        string
	}{
		{1.004332, 1.004321, 1.004342, "1.00433 [1.00432, 1.00434]"}, // was 1.004 [1.00432, 1.00434]
		{9.886, 0, 25.3, "10 [0, 25]"},                               // was 9.886 [0, 25.3]
		{259123, 158456, 359790, "260k [160k, 360k]"},                // half-width 101k: to 10k
		{0.08958, 0.08278, 0.09638, "0.0896 [0.0828, 0.0964]"},
		{0, 0, 0, "0 [0, 0]"},
		{0.3, 0, 25, "0.3 [0, 25]"},
		{999.7, 990, 1009.4, "999.7 [990, 1.01k]"},
		{1.002530, 1.002497, 1.002562, "1.00253 [1.00250, 1.00256]"}, // was 1.003 [1.002, 1.003]
		{0.99746, 0.99742, 0.99749, "0.99746 [0.99742, 0.99749]"},    // was 0.9975 [0.9974, 0.9975]
		{1.62, 1.3, 1.95, "1.62 [1.30, 1.95]"},                       // the same decimals
		{1, 0.99994, 1.00001, "1.00000 [0.99994, 1.00001]"},          // was 1 [0.9999, 1]
		{105.8, 105.04, 107.2, "105.8 [105.0, 107.2]"},               // was 105.8 [105, 107]
		{1.62e6, 1.3e6, 1.95e6, "1.62M [1.30M, 1.95M]"},              // within one suffix
		{-0.001, -0.5, 0.5, "-0.001 [-0.5, 0.5]"},
		{0.5, 0.004, 1.2, "0.50 [0.00, 1.20]"}, // lo rounded to the shared decimals
	} {
		est, ci := estimateInterval(c.est, c.lo, c.hi)
		if got := est + " " + ci; got != c.want {
			t.Errorf("estimateInterval(%g, %g, %g) = %s, want %s", c.est, c.lo, c.hi, got, c.want)
		}
	}
}

// TestReproduceCommand: the summary's command reruns the batch into a new
// directory (the manifest's command has no --out, so run as printed it
// would overwrite the default directory, possibly the batch under check)
// and names the tool it needs; the peg figures say how the model defines
// the peg.
func TestReproduceCommand(t *testing.T) {
	b := loadFixture(t)
	_, md := build(t, b)
	wantAll(t, md,
		"| **Reproduce the batch** | `tempest run reports/testdata/stress.toml --runs 80 --seed 20261122 --out DIR-repro`, "+
			"DIR being this batch's directory",
		"the manifest names version dev, no release or commit, so build from the same source",
		"The peg is rwaUSD's USD price as the model defines it: at every block, the peg pool's spot price of rwaUSD "+
			"in the reference stablecoin times the reference stablecoin's USD price",
	)
	m := Manifest{Version: "v0.4.0", Command: "tempest run a.toml --runs 9 --out 'old dir' --seed 3 --set x=1"}
	if got, want := reproduce(&m), "`tempest run a.toml --runs 9 --seed 3 --set x=1 --out DIR-repro`"; !strings.HasPrefix(got, want) ||
		!strings.HasSuffix(got, "with tempest v0.4.0") {
		t.Errorf("reproduce = %s, want %s … with tempest v0.4.0", got, want)
	}
}

// TestParametersUnread: a key the manifest lists as not read by the model
// is left out of the assumptions where it holds a default, and kept, with
// the reason before its comment, where the file sets it; the section says
// so. A manifest without the list (the fixture's, as older manifests)
// lists every key.
func TestParametersUnread(t *testing.T) {
	keys := func(m *Manifest) map[string]Param {
		out := map[string]Param{}
		for _, g := range Parameters(m) {
			for _, p := range g.Params {
				out[p.Key] = p
			}
		}
		return out
	}
	b := loadFixture(t)
	before := keys(&b.Manifest)
	if _, ok := before["market.assets.gold.omega"]; !ok {
		t.Fatal("the fixture lists no market.assets.gold.omega: nothing to leave out")
	}
	b.Manifest.Unread = map[string]string{
		"market.assets.gold.omega": "not read by process merton", // a default
		"market.assets.gold.sigma": "not read by process test",   // set by the file, with a comment
	}
	after := keys(&b.Manifest)
	if _, ok := after["market.assets.gold.omega"]; ok {
		t.Error("an unread default is listed")
	}
	want := "not read by process test; FitGBM on monthly gold 2000-2026, corrected for averaging (market.GoldGBMSigma)"
	if p := after["market.assets.gold.sigma"]; p.Source != want {
		t.Errorf("an unread key the file sets: source %q, want %q", p.Source, want)
	}
	if len(after) != len(before)-1 {
		t.Errorf("%d parameters, want %d: only the unread default goes", len(after), len(before)-1)
	}
	_, md := build(t, b)
	if !strings.Contains(md, "Keys the model does not read with the scenario's other settings") ||
		!strings.Contains(md, "| `market.assets.gold.sigma` | 0.157045 | not read by process test; FitGBM") {
		t.Error("the assumptions do not say that unread keys are left out")
	}
}

// TestAssumptionDocs: with the manifest's docs, the parameter and agent
// tables gain a Meaning column holding each key's doc; without them (the
// fixture's manifest, as older ones) the tables keep their three columns.
func TestAssumptionDocs(t *testing.T) {
	b := loadFixture(t)
	r, err := Build(b, fixture, Options{skipImages: true})
	if err != nil {
		t.Fatal(err)
	}
	if md := string(r.Markdown); strings.Contains(md, "| Meaning |") || !strings.Contains(md, "| Key | Value | Source |") {
		t.Error("a manifest without docs: the tables changed")
	}
	b.Manifest.Docs = map[string]string{
		"backstop.reserve":         "reserve buffer funded at the start [rwaUSD]",
		"agents.keepers.latency":   "blocks between looks at the chain",
		"agents.borrowers[0].size": "collateral value at open [USD]",
	}
	r, err = Build(b, fixture, Options{skipImages: true})
	if err != nil {
		t.Fatal(err)
	}
	md := string(r.Markdown)
	wantAll(t, md,
		"| Key | Value | Meaning | Source |",
		"| `backstop.reserve` | ",
		" | reserve buffer funded at the start [rwaUSD] | ",
		"| Setting | Meaning | Value | Source |",
		"| `latency` | blocks between looks at the chain | ",
		"| `size` | collateral value at open [USD] | ",
	)
}

// TestHeadlines: the summary leads with each loss's probability and, where
// it is above zero, its size from the highest-level expected shortfall the
// runs support (80 runs: ES 95%, as ES 99% needs 100) or the largest run;
// a size without an interval says why; a probability of zero comes alone.
func TestHeadlines(t *testing.T) {
	r, md := build(t, loadFixture(t))
	head := md[:strings.Index(md, "## 2. Risk figures")]
	for _, want := range []string{
		"### Headline figures",
		"| **Deficit at any time** | 27.5% of runs [18.1%, 38.6%]; peak deficit averaged over the worst 5% of runs: 1.09M rwaUSD " +
			"(no interval: the mean of the worst 4 runs; an interval needs ≥ 200 runs) |",
		"| **Reserve drawn (surplus below its start)** | 100.0% of runs [95.5%, 100.0%]; largest reserve drawn in any run: 1.55M rwaUSD |",
		// The fixture's runs: peg_min from 0.996582, peg_max up to 1.003096.
		"| **Peg range** | lowest 0.9966 and highest 1.0031 in any run; median over the runs of each run's lowest 0.9986, of its highest 1.0015 |",
		"| **Recapitalisation** | 0.0% of runs [0.0%, 4.5%] |",
		"| **Peg below 0.95 at any time** | 0.0% of runs [0.0%, 4.5%] |",
	} {
		if !strings.Contains(head, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}

	// With the pool's own price recorded, the range says what of it is
	// the pool's.
	b := loadFixture(t)
	b.Manifest.Summary = append(b.Manifest.Summary,
		Metric{Name: "pool_price_min", Label: "Lowest pool price", Unit: "reference coins"},
		Metric{Name: "pool_price_max", Label: "Highest pool price", Unit: "reference coins"})
	for i := range b.Runs {
		b.Runs[i].Values = append(b.Runs[i].Values, 0.99995-float64(i)*1e-6, 1.00002+float64(i%7)*1e-6)
	}
	r, _ = build(t, b)
	// Runs 0-79: lowest 0.99995 − 79e-6 = 0.999871, highest 1.00002 + 6e-6 = 1.000026.
	want := "in the median run" // not said: two medians are not one run
	if strings.Contains(string(r.Markdown), want) {
		t.Errorf("the summary says %q", want)
	}
	want = "; rwaUSD's own price in the peg pool stayed within −1.3 and +0.3 basis points of the reference coin (the rest is the reference coin's move) |"
	if !strings.Contains(string(r.Markdown), want) {
		t.Errorf("the summary lacks %q", want)
	}
	n := len(b.Manifest.Summary)
	for i := range b.Runs { // a pool no one moved more than 0.04 bp
		b.Runs[i].Values[n-2], b.Runs[i].Values[n-1] = 1-4e-6, 1+4e-6
	}
	r, _ = build(t, b)
	want = "; rwaUSD's own price in the peg pool stayed within a twentieth of a basis point of the reference coin, so the peg moved with the reference coin alone |"
	if !strings.Contains(string(r.Markdown), want) {
		t.Errorf("the summary lacks %q", want)
	}

	// With 20 runs the expected shortfall at 95% is one run's value.
	b = loadFixture(t)
	b.Runs, b.Manifest.Runs = b.Runs[:20], 20
	_, md = build(t, b)
	if want := "(no interval: the worst run alone; an interval needs ≥ 200 runs) |"; !strings.Contains(md, want) {
		t.Errorf("20 runs: the summary lacks %q", want)
	}
}

// TestWorstRuns: the worst-runs table lists the runs with a loss, largest
// peak deficit first and bad debt breaking ties, with their values as
// runs.csv has them and the batch's replay command; a batch without a loss
// says so instead.
func TestWorstRuns(t *testing.T) {
	b := loadFixture(t)
	col := func(name string) int {
		return slices.IndexFunc(b.Manifest.Summary, func(m Metric) bool { return m.Name == name })
	}
	peak, bad := col("peak_deficit"), col("bad_debt")
	// Two runs tie on peak deficit: the one with more bad debt ranks first.
	b.Runs[5].Values[peak], b.Runs[5].Values[bad] = 9e6, 1e5
	b.Runs[9].Values[peak], b.Runs[9].Values[bad] = 9e6, 2e5
	b.Runs[2].OK = false // a failed run is not listed, whatever its values
	b.Runs[2].Values[peak] = 1e9
	b.Manifest.Failed = 1
	r, md := build(t, b)
	sec := md[strings.Index(md, "### Worst runs"):strings.Index(md, "## 5. Assumptions")]
	var rows []string
	for _, l := range strings.Split(sec, "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| Run ") {
			rows = append(rows, l)
		}
	}
	if len(rows) != worstRuns {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), worstRuns, sec)
	}
	// The rest of the order: the other runs by peak deficit, as the data has it.
	var rest []Run
	for _, run := range b.Runs {
		if run.OK && run.Index != 5 && run.Index != 9 {
			rest = append(rest, run)
		}
	}
	slices.SortStableFunc(rest, func(x, y Run) int {
		return cmp.Or(cmp.Compare(y.Values[peak], x.Values[peak]), cmp.Compare(y.Values[bad], x.Values[bad]))
	})
	want := []int{9, 5, rest[0].Index, rest[1].Index, rest[2].Index}
	for i, w := range want {
		if !strings.HasPrefix(rows[i], "| "+strconv.Itoa(w)+" | ") {
			t.Errorf("row %d is %q, want run %d", i+1, rows[i], w)
		}
	}
	if !strings.HasPrefix(rows[0], "| 9 | 9M | ") || !strings.Contains(rows[0], " | 200k | ") {
		t.Errorf("run 9's row %q lacks its peak deficit (9M) or bad debt (200k)", rows[0])
	}
	if !strings.Contains(sec, "`tempest replay reports/testdata/stress.toml --run N --trace run-N.csv --seed 20261122`") {
		t.Errorf("the section lacks the replay command:\n%s", sec)
	}

	// The fixture predates the shortfall metric: the losses it has are these.
	if col("shortfall") >= 0 {
		t.Fatal("the fixture has a shortfall column: add it to the sentence below")
	}
	for _, name := range []string{"peak_deficit", "bad_debt"} {
		setSummary(b, name, 0)
	}
	r, _ = build(t, b)
	if want := "No successful run had a positive peak deficit or bad debt, so none is listed."; !strings.Contains(string(r.Markdown), want) {
		t.Errorf("report.md lacks %q", want)
	}
}

// TestPopulationsUnread: in an agent population's table, a group's
// setting the model does not read shows "–" where it holds a default and
// its value, marked, where the file sets it; a setting no group reads or
// sets is left out.
func TestPopulationsUnread(t *testing.T) {
	b := loadFixture(t)
	b.Manifest.Unread = map[string]string{
		"agents.borrowers[2].sell_share": "not read without leverage seekers", // a default
		"agents.borrowers[1].sell_share": "not read for a test",               // set by the file
		"agents.borrowers[0].book":       "not read for a test",               // defaults, in every group
		"agents.borrowers[1].book":       "not read for a test",
		"agents.borrowers[2].book":       "not read for a test",
	}
	var rows map[string][]string
	for _, p := range Populations(&b.Manifest) {
		if p.Name == "borrowers" {
			rows = map[string][]string{}
			for _, r := range p.Rows {
				rows[r[0]] = r
			}
		}
	}
	if rows == nil {
		t.Fatal("no borrowers table")
	}
	// Columns: setting, tbill, gold, usdc, source.
	if got, want := rows["sell_share"], []string{"sell_share", "0", "0.3", "–", "[0] default (not set in the file); [1] not read for a test"}; !slices.Equal(got, want) {
		t.Errorf("sell_share row %q, want %q", got, want)
	}
	if r, ok := rows["book"]; ok {
		t.Errorf("book, read by no group and set by none, is listed: %q", r)
	}
	if _, ok := rows["leverage_share"]; !ok {
		t.Error("leverage_share, which every group reads, is missing")
	}
}

// wantAll reports each of wants that md, a report's Markdown, lacks.
func wantAll(t *testing.T, md string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(md, w) {
			t.Errorf("report.md lacks %q", w)
		}
	}
}

// build renders b's report without images and returns it with its
// Markdown.
func build(t *testing.T, b *Batch) (*Report, string) {
	t.Helper()
	r, err := Build(b, fixture, Options{skipImages: true})
	if err != nil {
		t.Fatal(err)
	}
	return r, string(r.Markdown)
}

// TestSketchAccuracyCaption: the paths' caption gives the sketches'
// accuracy from the manifest, and says nothing of it for a batch that did
// not record it.
func TestSketchAccuracyCaption(t *testing.T) {
	b := loadFixture(t)
	b.Manifest.SketchAlpha = 0
	_, md := build(t, b)
	if strings.Contains(md, "each within") {
		t.Error("a batch without sketch_alpha gets an accuracy")
	}
	b.Manifest.SketchAlpha = 0.01
	_, md = build(t, b)
	if !strings.Contains(md, "bounded relative error (each within 1% of the run value at its rank, or, for a series with a level, "+
		"of that value's distance from the level") {
		t.Error("the paths' caption lacks the sketches' accuracy of 1%")
	}
}

// TestLoadRefusesCutFiles: a runs.csv or quantiles.csv cut at a line
// boundary (what a killed copy leaves) parses cleanly; Load refuses it by
// the manifest's counts instead of reporting on part of the batch.
func TestLoadRefusesCutFiles(t *testing.T) {
	for _, tt := range []struct {
		file string
		keep int // lines kept, header included
		want string
	}{
		{RunsFile, 51, "50 runs where the manifest has 80"},
		{QuantilesFile, 300, "of the manifest's"},
	} {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(fixture)); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(dir); err != nil {
			t.Fatalf("the whole fixture: %v", err)
		}
		path := filepath.Join(dir, tt.file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(data), "\n")
		if err := os.WriteFile(path, []byte(strings.Join(lines[:tt.keep], "")), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s cut to %d lines: err %v, want one naming the file and %q", tt.file, tt.keep, err, tt.want)
		}
	}
}

// TestOverrideSource: a value a --set override gave is sourced to the
// command line, with the file's comment kept as the file value's; keys the
// command does not set keep their comment alone.
func TestOverrideSource(t *testing.T) {
	b := loadFixture(t)
	b.Manifest.Command = "tempest run reports/testdata/stress.toml --runs 80 --set profiles.gold.haircut=0.15 --set 'backstop.reserve=2e6'"
	_, md := build(t, b)
	wantAll(t, md,
		"| `profiles.gold.haircut` | 0.10 | set on the command line (--set) |",
		"| `backstop.reserve` | 1500000 | set on the command line (--set); the file's comment, for its own value: reserve buffer funded at launch [rwaUSD] |",
		"| `profiles.gold.safety_factor` | 1.25 | liquidation ratio 1.25/0.90 = 139% |",
	)
}

// TestCautions: values the manifest flags as reading like whole
// percentages are named in the summary box, in a paragraph of the
// assumptions and in their rows' source; a batch without any has none of
// these (the golden report).
func TestCautions(t *testing.T) {
	b := loadFixture(t)
	b.Manifest.Cautions = map[string]string{"profiles.gold.safety_factor": "safety_factor 125 requires collateral worth 125 times the liability"}
	_, md := build(t, b)
	wantAll(t, md,
		"| **Check the scenario** | 1 value reads like a whole percentage where the key takes a fraction or a multiplier: profiles.gold.safety\\_factor (section 5) |",
		"Check this value: `profiles.gold.safety_factor`: safety\\_factor 125 requires collateral worth 125 times the liability. A stress test may mean it",
		"| `profiles.gold.safety_factor` | 1.25 | check: safety\\_factor 125 requires collateral worth 125 times the liability; liquidation ratio 1.25/0.90 = 139% |",
	)
	_, md = build(t, loadFixture(t))
	if strings.Contains(md, "Check the scenario") || strings.Contains(md, "check:") {
		t.Error("a batch without cautions is asked to check its scenario")
	}
}

// TestRailFigures: a batch whose peg rail held coins gets the rail's loss
// in the headline and a Peg rail group that says the deficit leaves it
// out; one whose rail never held any gets neither.
func TestRailFigures(t *testing.T) {
	b := loadFixture(t)
	_, md := build(t, b)
	wantAll(t, md, "| **Peg rail holdings worth less than par** | 97.5% of runs [91.3%, 99.7%]; largest peak peg rail loss in any run: 184k USD |",
		"### Peg rail", "it is not part of the deficit")
	col := slices.IndexFunc(b.Manifest.Summary, func(m Metric) bool { return m.Name == "rail_exposure_max" })
	if col < 0 {
		t.Fatal("the fixture lacks rail_exposure_max")
	}
	for i := range b.Runs {
		b.Runs[i].Values[col] = 0
	}
	_, md = build(t, b)
	if strings.Contains(md, "Peg rail holdings worth less than par") || strings.Contains(md, "### Peg rail") {
		t.Error("a batch whose rail held nothing gets rail figures")
	}
}

// TestBadDebtNoteCauses: the bad-debt note counts the runs whose deficit
// came without an auction loss, and the runs that ended with auctions
// still running, whose outcome the bad-debt figures cannot count.
func TestBadDebtNoteCauses(t *testing.T) {
	b := loadFixture(t)
	setSummary(b, "bad_debt", 0) // the fixture has no shortfall column
	peak := slices.IndexFunc(b.Manifest.Summary, func(m Metric) bool { return m.Name == "peak_deficit" })
	for j := range b.Runs {
		b.Runs[j].Values[peak] = 0
	}
	for _, j := range []int{3, 7} {
		b.Runs[j].Values[peak] = 1000
	}
	b.Manifest.Summary = append(b.Manifest.Summary, Metric{Name: "open_auction_target", Label: "Auction target still open", Unit: "rwaUSD"})
	for j := range b.Runs {
		v := 0.0
		if j%20 == 0 {
			v = float64(j) * 1000
		}
		b.Runs[j].Values = append(b.Runs[j].Values, v)
	}
	note := absorbedNote(b)
	for _, want := range []string{
		"2 runs had a deficit at some time without any auction loss",
		"In 3 runs auctions were still running at the end, with a target of up to 60k rwaUSD",
	} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
}

// TestWorstPath: paths.csv with a kind column marks the run whose series
// went furthest the bad way; the fan chart draws it dash-dot with its own
// legend entry and its caption names the run, its value and when. A
// paths.csv without the column (the fixture, written before it) reads as
// sample paths only.
func TestWorstPath(t *testing.T) {
	for _, ps := range loadFixture(t).Paths {
		for _, p := range ps {
			if p.Worst {
				t.Fatalf("run %d read as a worst path from a file without kinds", p.Run)
			}
		}
	}
	dir := t.TempDir()
	for _, name := range []string{ManifestFile, RunsFile, QuantilesFile} {
		data, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == ManifestFile {
			data = bytes.Replace(data, []byte(`"name": "deficit",`), []byte(`"name": "deficit", "worse": "high",`), 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(fixture, PathsFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var out strings.Builder
	for i, l := range lines {
		run, rest, _ := strings.Cut(l, ",")
		metric, vals, _ := strings.Cut(rest, ",")
		kind := "sample"
		if i == 0 {
			kind = "kind"
		}
		fmt.Fprintf(&out, "%s,%s,%s,%s\n", run, metric, kind, vals)
	}
	// Run 61's deficit: zero, then 2,500 rwaUSD from the third bucket on.
	n := strings.Count(lines[0], ",") - 1
	out.WriteString("61,deficit,worst,0,0")
	for range n - 2 {
		out.WriteString(",2500")
	}
	out.WriteString("\n")
	if err := os.WriteFile(filepath.Join(dir, PathsFile), []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ps := b.Paths["deficit"]
	if len(ps) != 6 || !ps[5].Worst || ps[5].Run != 61 || ps[0].Worst {
		t.Fatalf("deficit paths %+v: want 5 samples, then run 61 as the worst", ps)
	}
	m, _ := seriesMetric(b, "deficit")
	if m.Worse != "high" {
		t.Fatalf("deficit's direction %q, want high", m.Worse)
	}
	svg := svgText(t, mustFan(t, b, m))
	if !strings.Contains(svg, ">highest run (run 61)<") || !strings.Contains(svg, "sample runs (5)") {
		t.Error("legend lacks the worst run or the sample runs")
	}
	if _, md := build(t, b); !strings.Contains(md, "the run that went furthest that way (dash-dot, dark red)") {
		t.Error("the paths section does not say what the dash-dot line is")
	}
	caption := fanCaption(b, m)
	want := "The dash-dot line is run 61, whose deficit went highest of all runs: 2.5k rwaUSD at hour 9 (day 0.375)."
	if !strings.Contains(caption, want) {
		t.Errorf("caption %q lacks %q", caption, want)
	}
}

// TestWriteFailsWhole: a render that cannot write one of its files (here a
// plot whose name is too long for the file system) leaves the report
// written before it as it was, with no temporary files, rather than new
// plots beside an old report.
func TestWriteFailsWhole(t *testing.T) {
	r, _ := build(t, loadFixture(t)) // without images: one plot is added
	r.Plots["fan-peg.svg"] = []byte("<svg>the first render</svg>")
	r.plotFileOrder = append(r.plotFileOrder, "fan-peg.svg")
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	list := func() []string {
		var names []string
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names = append(names, p)
			}
			return nil
		})
		return names
	}
	before := list()
	md, err := os.ReadFile(filepath.Join(dir, MarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	r.Markdown = []byte("another report\n")
	first := r.plotFileOrder[0]
	r.Plots[first] = []byte("another plot")
	long := strings.Repeat("x", 300) + ".svg"
	r.Plots[long] = []byte("<svg/>")
	r.plotFileOrder = append(r.plotFileOrder, long)
	if err := r.Write(dir); err == nil {
		t.Fatal("a plot name of 300 bytes was written")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, MarkdownFile)); !bytes.Equal(got, md) {
		t.Error("report.md changed")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, PlotsDir, first)); bytes.Equal(got, []byte("another plot")) {
		t.Errorf("plots/%s is the new render's", first)
	}
	if after := list(); !slices.Equal(after, before) {
		t.Errorf("files after the failed write differ:\n%v\nbefore:\n%v", after, before)
	}
}

// TestProbabilityDecimals: a probability and its interval are written with
// the same decimals, as other figures are.
func TestProbabilityDecimals(t *testing.T) {
	for _, c := range []struct {
		est, lo, hi float64
		want        string
	}{
		{0.006, 0.0022, 0.013, "0.60% [0.22%, 1.30%]"},
		{0, 0, 0.0037, "0.00% [0.00%, 0.37%]"},
		{0.275, 0.181, 0.386, "27.5% [18.1%, 38.6%]"},
		{1, 0.996, 1, "100.0% [99.6%, 100.0%]"},
		{0.002, 0.00024, 0.0072, "0.20% [0.02%, 0.72%]"},
	} {
		f := Figure{Kind: KindProbability, HasCI: true, N: 1000, Estimate: c.est, CI: Interval{Lo: c.lo, Hi: c.hi}}
		if est, ci := formatEstimate(f); est+" "+ci != c.want {
			t.Errorf("%v [%v, %v]: %s %s, want %s", c.est, c.lo, c.hi, est, ci, c.want)
		}
	}
}

// TestZoomCharts: a batch whose shocks span a small part of the horizon
// gets its key series drawn again around them, over a window from a
// little before the first shock to as long again after the last; one whose
// shocks span half the horizon or more (the fixture's) gets none.
func TestZoomCharts(t *testing.T) {
	b := loadFixture(t)
	if zs, _, err := ZoomCharts(b); err != nil || len(zs) != 0 {
		t.Fatalf("the fixture's shocks span most of its 4 days, yet %d zoomed charts (%v)", len(zs), err)
	}
	b.Manifest.Config["shocks"] = []any{
		map[string]any{"kind": "crash", "asset": "gold", "start": "1d", "duration": "3h"},
		map[string]any{"kind": "keeper_outage", "asset": "", "start": "1d1h", "duration": "2h"},
	}
	zs, span, err := ZoomCharts(b)
	if err != nil {
		t.Fatal(err)
	}
	// Span 24–27 h; a quarter of it is below the 3-hour bucket, so the
	// window starts a bucket early and ends a span late.
	if span.start != 24 || span.end != 27 || span.lo != 21 || span.hi != 30 {
		t.Errorf("span %+v, want 24–27 h shown over 21–30 h", span)
	}
	var names []string
	for _, z := range zs {
		names = append(names, z.Name)
		if z.Plot.X.Min != 21 || z.Plot.X.Max != 30 {
			t.Errorf("%s: x from %v to %v, want 21 to 30 hours", z.Name, z.Plot.X.Min, z.Plot.X.Max)
		}
	}
	if !slices.Contains(names, "zoom-peg") || !slices.Contains(names, "zoom-price_gold") {
		t.Errorf("zoomed charts %v: want the peg and the price of the crashed asset", names)
	}
	_, md := build(t, b)
	wantAll(t, md, "### Around the shocks",
		"The shocks (crash, keeper outage) run from hour 24 to hour 27",
		"![rwaUSD price around the shocks](plots/zoom-peg.png)")
	for _, c := range []struct {
		in   string
		want float64
		ok   bool
	}{{"10d", 240, true}, {"6h", 6, true}, {"1d12h", 36, true}, {"90m", 1.5, true}, {"", 0, false}, {"5x", 0, false}} {
		if got, ok := hoursOf(c.in); got != c.want || ok != c.ok {
			t.Errorf("hoursOf(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
