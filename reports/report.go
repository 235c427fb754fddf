package reports

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Output files of the report, in the output directory.
const (
	HTMLFile          = "report.html"
	MarkdownFile      = "report.md"
	RiskFiguresFile   = "risk_figures.csv"
	MetricSummaryFile = "metric_summary.csv"
	PlotsDir          = "plots"
)

// Generate reads the batch in dir and writes its report into opt.Out (dir
// if empty): report.html, report.md, risk_figures.csv, metric_summary.csv
// and plots/NAME.svg and plots/NAME.png for every figure. Each file is
// written under a temporary name and renamed into place, so an
// interrupted report never leaves a half-written file. The same batch
// gives the same report.md and CSV files byte for byte. dir appears in the
// report as given, in the command that re-renders it.
func Generate(dir string, opt Options) error {
	b, err := Load(dir)
	if err != nil {
		return &LoadError{Err: err}
	}
	out := opt.Out
	if out == "" {
		out = dir
	}
	r, err := Build(b, dir, opt)
	if err != nil {
		return err
	}
	return r.Write(out)
}

// LoadError is Generate's error when the batch's files cannot be read: a
// file is missing, malformed or cut short, not a failure to render.
type LoadError struct{ Err error }

func (e *LoadError) Error() string { return e.Err.Error() }
func (e *LoadError) Unwrap() error { return e.Err }

// Report is a rendered report, held in memory until Write.
type Report struct {
	Markdown      []byte
	HTML          []byte
	RiskCSV       []byte
	SummaryCSV    []byte
	Plots         map[string][]byte // file name under plots/ -> content
	Figures       []Figure
	Charts        []Chart
	plotFileOrder []string
}

// Build renders the report of b; dir is the batch directory as the
// re-render command should name it.
//
// Every figure, table and text is computed from b first; the plots are
// drawn last, into blocks the document already holds. Build does not touch
// b while drawing, so a caller that drops its own reference (Generate
// does) lets the per-run values be freed before the drawing's own memory
// peaks: the report's peak then does not grow with the number of runs.
func Build(b *Batch, dir string, opt Options) (*Report, error) {
	figs := RiskFigures(b, opt)
	fans, err := FanCharts(b)
	if err != nil {
		return nil, err
	}
	zooms, span, err := ZoomCharts(b)
	if err != nil {
		return nil, err
	}
	dists, err := DistributionCharts(b)
	if err != nil {
		return nil, err
	}
	r := &Report{Figures: figs, Plots: map[string][]byte{}}
	fanBlocks, distBlocks := figureBlocks(fans, opt.skipImages), figureBlocks(dists, opt.skipImages)
	zoomBlocks := figureBlocks(zooms, opt.skipImages)
	sums := metricSummaries(b)
	d := buildDocument(b, dir, figs, sums, fanBlocks, distBlocks, zoomBlocks, span)
	r.RiskCSV = riskCSV(figs)
	r.SummaryCSV = summaryCSV(sums)
	if err := r.render(fans, fanBlocks, opt.skipImages); err != nil {
		return nil, err
	}
	if err := r.render(zooms, zoomBlocks, opt.skipImages); err != nil {
		return nil, err
	}
	if err := r.render(dists, distBlocks, opt.skipImages); err != nil {
		return nil, err
	}
	r.Markdown = d.markdown()
	r.HTML = d.html()
	return r, nil
}

// figureBlocks returns a block per chart, naming the PNG each chart with a
// plot will have unless images are skipped.
func figureBlocks(cs []Chart, skip bool) []figureBlock {
	out := make([]figureBlock, len(cs))
	for i, c := range cs {
		out[i].chart = c
		if c.Plot != nil {
			out[i].png = PlotsDir + "/" + c.Name + ".png"
		}
	}
	return out
}

// render draws the charts as SVG and PNG into their blocks, several at a
// time (each into its own slot, so the result does not depend on the
// schedule), and records them in r in chart order.
func (r *Report) render(cs []Chart, out []figureBlock, skip bool) error {
	pngs := make([][]byte, len(cs))
	errs := make([]error, len(cs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, c := range cs {
		if c.Plot == nil || skip {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			svg, err := SVG(c.Plot, ChartWidth, ChartHeight)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", c.Name, err)
				return
			}
			png, err := PNG(c.Plot, ChartWidth, ChartHeight)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", c.Name, err)
				return
			}
			out[i].svg, pngs[i] = svg, png
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, c := range cs {
		r.Charts = append(r.Charts, c)
		if c.Plot != nil && !skip {
			r.addPlot(c.Name+".svg", out[i].svg)
			r.addPlot(c.Name+".png", pngs[i])
		}
	}
	return nil
}

func (r *Report) addPlot(name string, data []byte) {
	r.Plots[name] = data
	r.plotFileOrder = append(r.plotFileOrder, name)
}

// Write writes the report into dir, each file atomically.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, PlotsDir), 0o755); err != nil {
		return err
	}
	var files []fileData
	for _, name := range r.plotFileOrder {
		files = append(files, fileData{filepath.Join(dir, PlotsDir, name), r.Plots[name]})
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{RiskFiguresFile, r.RiskCSV},
		{MetricSummaryFile, r.SummaryCSV},
		{MarkdownFile, r.Markdown},
		{HTMLFile, r.HTML},
	} {
		files = append(files, fileData{filepath.Join(dir, f.name), f.data})
	}
	if err := writeAll(files); err != nil {
		return err
	}
	// A plot an earlier render wrote and this one does not (a chart now
	// replaced by a sentence) would show other results.
	ents, err := os.ReadDir(filepath.Join(dir, PlotsDir))
	if err != nil {
		return err
	}
	for _, e := range ents {
		name := e.Name()
		if _, ours := r.Plots[name]; !ours && !e.IsDir() && (strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".svg")) {
			if err := os.Remove(filepath.Join(dir, PlotsDir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileData is a file to write and its content.
type fileData struct {
	name string
	data []byte
}

// writeAll writes every file to a temporary name next to it, syncs it,
// and renames them all into place once every one is written: a render that
// fails while writing (a full disk) leaves the files of the report before
// it as they were, not a mix of two reports.
func writeAll(files []fileData) (err error) {
	tmps := make([]string, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range tmps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		t, err := writeTemp(f.name, f.data)
		if err != nil {
			return err
		}
		tmps = append(tmps, t)
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], f.name); err != nil {
			return err
		}
	}
	return nil
}

// WriteFileAtomic writes data to a temporary file next to name, syncs it
// and renames it to name (mode 0644): a reader sees the old file or the
// whole new one, never a part.
func WriteFileAtomic(name string, data []byte) error { return writeAtomic(name, data) }

// writeAtomic writes data to a temporary file next to name, syncs it and
// renames it to name.
func writeAtomic(name string, data []byte) error {
	return writeAll([]fileData{{name, data}})
}

// writeTemp writes data to a new temporary file next to name (mode 0644),
// synced and closed, and returns its name.
func writeTemp(name string, data []byte) (tmp string, err error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return "", err
	}
	if err = f.Chmod(0o644); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// buildDocument lays out the report.
func buildDocument(b *Batch, dir string, figs []Figure, sums []metricSummary, fans, dists, zooms []figureBlock, span shockSpan) *document {
	m := &b.Manifest
	d := &document{
		title:    "Risk report: " + m.Scenario,
		subtitle: m.Question,
		footer: fmt.Sprintf("Generated by `tempest report` (tempest %s) from the batch's files. The report depends only on "+
			"the batch's content (not on its directory or the manifest's timing fields), so a merged set of shards "+
			"renders like the single batch it equals.", m.Version),
	}
	summarySection(d, b, dir)
	headlineSection(d, b, figs)
	riskSection(d, b, figs)
	d.add(heading{level: 2, id: "paths", text: "3. Paths over time"},
		para{text: fmt.Sprintf("Every series the batch recorded, in the order of the manifest (a series a later "+
			"module registers appears here by itself), across the %s successful runs at the end of each %s-hour "+
			"bucket: the median (solid), the mean (dashed), the 50%% band p25–p75 (dark), the 90%% band p5–p95 "+
			"(light) and the first runs as thin solid sample paths (brown)%s; a band with no area is left out, and a series "+
			"that is zero in every run gets a sentence instead of a chart. Percentiles come from streaming quantile sketches of "+
			"bounded relative error%s; means, minima and maxima are exact, except that a value within a millionth "+
			"of a unit of the series' level (for the price of a volatile asset and for the reserve buffer, within 0.1%% of its starting value) "+
			"is recorded as the level; sample paths are exact.",
			group3(b.OK()), Num(b.Manifest.BucketHours), worstPathsClause(b), sketchAccuracy(m.SketchAlpha))},
		figureGrid{figs: fans})
	if len(zooms) > 0 {
		d.add(heading{level: 3, text: "Around the shocks"},
			para{text: fmt.Sprintf("The shocks (%s) run from %s to %s: on the whole horizon what they set off is a few "+
				"pixels wide. These charts draw the series again from %s to %s, with the same runs, bands and lines.",
				strings.Join(span.kinds, ", "), atHour(span.start), atHour(span.end), atHour(span.lo), atHour(span.hi))},
			figureGrid{figs: zooms})
	}
	distributionSection(d, sums, dists)
	worstRunsSection(d, b)
	assumptionSection(d, b)
	failureSection(d, b)
	glossarySection(d, b)
	return d
}

func summarySection(d *document, b *Batch, dir string) {
	m := &b.Manifest
	desc, _ := m.Config["description"].(string)
	scen := m.Scenario
	if desc != "" {
		scen += " — " + desc
	}
	horizon := float64(int64(m.Steps)*m.StepSeconds) / 3600
	rows := [][2]string{
		{"Scenario", scen},
		{"Question", m.Question},
		{"Runs", fmt.Sprintf("%s (%s failed, %s successful)", group3(m.Runs), group3(m.Failed), group3(b.OK()))},
		{"Horizon", fmt.Sprintf("%s hours in %s steps of %s s; %s-hour buckets",
			Num(horizon), group3(m.Steps), strconv.FormatInt(m.StepSeconds, 10), Num(m.BucketHours))},
		{"Master seed", strconv.FormatUint(m.Seed, 10)},
		{"Tool", m.Tool + " " + m.Version},
		{"Scenario file", "`" + m.ScenarioFile + "`"},
		{"Config SHA-256", "`" + m.ConfigSHA256 + "`, of the resolved scenario (defaults and --set values included) " +
			"and its data files, not of the scenario file's bytes: the same for any formatting or comments"},
		{"Reproduce the batch", reproduce(m)},
		{"Re-render this report", "`tempest report DIR`, DIR being the directory of this report"},
	}
	if n := len(m.Cautions); n > 0 {
		what := "1 value reads"
		if n > 1 {
			what = strconv.Itoa(n) + " values read"
		}
		rows = append(rows, [2]string{"Check the scenario", what + " like a whole percentage where the key takes a fraction or a multiplier: " +
			strings.Join(slices.Sorted(maps.Keys(m.Cautions)), ", ") + " (section 5)"})
	}
	d.add(heading{level: 2, id: "summary", text: "1. Summary"}, keyValues{class: "summary", rows: rows})
}

// headlines are the figures the summary leads with, by ID: the chance of
// each loss the question asks about, and its size where it happened.
var headlines = []struct {
	what string
	p    string   // the probability
	size []string // its size where it happened: the first of these the batch has runs for
}{
	{"Deficit at any time", "p_peak_deficit_gt_0", []string{"es99_peak_deficit", "es95_peak_deficit"}},
	{"Bad debt", "p_bad_debt_gt_0", []string{"es99_bad_debt", "es95_bad_debt"}},
	{"Reserve drawn (surplus below its start)", "p_reserve_drawn_gt_0", []string{"max_reserve_drawn"}},
	{"Recapitalisation", "p_recap_gt_0", []string{"max_recap"}},
	{"Peg rail holdings worth less than par", "p_rail_loss_max_gt_0", []string{"max_rail_loss_max"}},
	{"Peg below 0.99 at any time", "p_peg_min_lt_0.99", nil},
	{"Peg below 0.95 at any time", "p_peg_min_lt_0.95", nil},
}

// sketchAccuracy states the sketches' accuracy for the paths' caption ("" for
// a batch that did not record it).
func sketchAccuracy(alpha float64) string {
	if !(alpha > 0) {
		return ""
	}
	return " (each within " + strconv.FormatFloat(100*alpha, 'g', 3, 64) + "% of the run value at its rank, or, for a series " +
		"with a level, of that value's distance from the level: the peg's from 1, a price's from its starting value, the " +
		"reserve buffer's from its funded size)"
}

// headlineSection lists the summary's figures: for each of headlines the
// batch has, the probability with its interval and, when it is above
// zero, its size as the risk figures give it (the expected shortfall at
// the highest level the runs support, in words: the mean of the worst
// runs, or the largest run), then how far the peg moved, so a reader has
// the answer before the tables.
func headlineSection(d *document, b *Batch, figs []Figure) {
	byID := map[string]Figure{}
	for _, f := range figs {
		byID[f.ID] = f
	}
	var rows [][2]string
	for _, h := range headlines {
		p, ok := byID[h.p]
		if !ok {
			continue
		}
		est, ci := formatEstimate(p)
		v := est + " of runs " + ci
		for _, id := range h.size {
			sz, ok := byID[id]
			if !ok || !(p.Estimate > 0) || sz.NeedPoint > 0 {
				continue
			}
			e, c := formatEstimate(sz)
			label := lowerFirst(sz.Label)
			if m, ok := b.Summary(sz.Metric); ok && sz.Kind == KindShortfall {
				label = lowerFirst(m.Label) + " averaged over the worst " + pct(1-sz.Level) + " of runs"
			}
			v += "; " + label + ": " + e
			switch {
			case strings.HasPrefix(c, "["):
				v += " " + c
			case sz.NeedCI > 0: // a mean of a few runs: say so rather than leave it bare
				k := (1 - sz.Level) * float64(sz.N) // the runs beyond the VaR, the boundary counted fractionally
				worst := "the mean of the worst " + Num(k) + " runs"
				if math.Abs(k-1) < 1e-9 {
					worst = "the worst run alone"
				}
				v += fmt.Sprintf(" (no interval: %s; an interval needs ≥ %s runs)", worst, group3(sz.NeedCI))
			case c == notBounded:
				v += " (" + c + ")"
			}
			break
		}
		rows = append(rows, [2]string{h.what, v})
	}
	peg := ""
	if v := pegRange(b); v != "" {
		rows = append(rows, [2]string{"Peg range", v})
		peg = "; then how far the peg moved"
	}
	if len(rows) == 0 {
		return
	}
	d.add(heading{level: 3, text: "Headline figures"},
		para{text: "The chance of each loss over the runs, with its 95% Monte Carlo interval and, where it happened, " +
			"its size" + peg + ". Section 2 gives every figure with its method."},
		keyValues{class: "summary", rows: rows})
}

// pegRange says how far the peg moved over the batch: the lowest and the
// highest value of any run, and the medians over the runs of each run's
// lowest and of its highest (two medians, not one run's values). It
// returns "" when the batch lacks the peg's per-run minimum or maximum.
func pegRange(b *Batch) string {
	lo, okLo := b.Values("peg_min")
	hi, okHi := b.Values("peg_max")
	if !okLo || !okHi {
		return ""
	}
	lo, hi = finiteSorted(lo), finiteSorted(hi)
	if len(lo) == 0 || len(hi) == 0 {
		return ""
	}
	out := fmt.Sprintf("lowest %s and highest %s in any run; median over the runs of each run's lowest %s, of its highest %s",
		pegNum(lo[0]), pegNum(hi[len(hi)-1]), pegNum(Quantile(lo, 0.5)), pegNum(Quantile(hi, 0.5)))
	// The pool's own price, in the reference coin, says how much of that
	// is the pool's and how much the reference coin's.
	plo, okLo := b.Values("pool_price_min")
	phi, okHi := b.Values("pool_price_max")
	if plo, phi = finiteSorted(plo), finiteSorted(phi); okLo && okHi && len(plo) > 0 && len(phi) > 0 {
		if l, h := bp(plo[0]), bp(phi[len(phi)-1]); l == "0" && h == "0" {
			out += "; rwaUSD's own price in the peg pool stayed within a twentieth of a basis point of the " +
				"reference coin, so the peg moved with the reference coin alone"
		} else {
			out += fmt.Sprintf("; rwaUSD's own price in the peg pool stayed within %s and %s basis points of the "+
				"reference coin (the rest is the reference coin's move)", l, h)
		}
	}
	return out
}

// bp writes a price near 1 as its signed distance from 1 in basis points,
// to a tenth (0.999871 is −1.3).
func bp(x float64) string {
	v := math.Round((x-1)*1e5) / 10
	if v == 0 {
		return "0"
	}
	return strings.Replace(fmt.Sprintf("%+.1f", v), "-", "−", 1)
}

// pegNum writes a peg price to four decimals, the precision at which a
// stablecoin's deviation is read (0.9956 is 44 basis points below par).
func pegNum(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

// replayCommand is the command that reruns run i of the batch step by step
// and writes its trace: the batch's own command (its scenario file, seed
// and --set overrides, as quoted there) as a replay of that run; its other
// flags (--runs, --out, --shard, --workers...) do not apply to a replay. A
// manifest whose command is not a `tempest run` falls back to the scenario
// file and the seed.
func replayCommand(m *Manifest, i string) string {
	run := fmt.Sprintf(" --run %s --trace run-%s.csv", i, i)
	w := shellWords(m.Command)
	if len(w) < 3 || w[0] != "tempest" || w[1] != "run" {
		return fmt.Sprintf("tempest replay %s%s --seed %d", m.ScenarioFile, run, m.Seed)
	}
	cmd := "tempest replay " + w[2] + run
	for k := 3; k < len(w); k++ {
		name, _, inline := strings.Cut(w[k], "=")
		switch name {
		case "--seed", "--set":
			if inline {
				cmd += " " + w[k]
			} else if k+1 < len(w) {
				cmd += " " + w[k] + " " + w[k+1]
				k++
			}
		case "--runs", "--out", "--shard", "--workers":
			if !inline {
				k++ // its value
			}
		}
	}
	return cmd
}

// shellWords splits a command line as a POSIX shell would split it into
// words, keeping each word's quoting as written ('it'\”s' is one word).
func shellWords(s string) []string {
	var words []string
	start, quoted := -1, false
	for k := 0; k < len(s); k++ {
		c := s[k]
		if !quoted && (c == ' ' || c == '\t') {
			if start >= 0 {
				words, start = append(words, s[start:k]), -1
			}
			continue
		}
		if start < 0 {
			start = k
		}
		switch {
		case quoted:
			quoted = c != '\''
		case c == '\'':
			quoted = true
		case c == '\\':
			k++ // it escapes the next character
		}
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

// outFlag matches an --out flag of a command line, with its value.
var outFlag = regexp.MustCompile(`\s--out(?:=|\s+)(?:'[^']*'|"[^"]*"|\S+)`)

// reproduce is the summary's command that reruns the batch: the
// manifest's command writing into a new directory, so the rerun does not
// overwrite the batch it checks, and the tool it needs.
func reproduce(m *Manifest) string {
	if m.Command == "" {
		return "the manifest records no command"
	}
	cmd := outFlag.ReplaceAllString(m.Command, "") + " --out DIR-repro"
	s := "`" + cmd + "`, DIR being this batch's directory (a new directory, so the rerun does not overwrite " +
		"the batch it checks)"
	switch v := m.Version; v {
	case "", "dev":
		return s + ", with the tempest build that ran the batch: the manifest names version " + cmp.Or(v, "none") +
			", no release or commit, so build from the same source"
	default:
		return s + ", with tempest " + v
	}
}

func riskSection(d *document, b *Batch, figs []Figure) {
	d.add(heading{level: 2, id: "risk", text: "2. Risk figures"})
	failed := ""
	if f := len(b.Runs) - b.OK(); f > 0 {
		failed = fmt.Sprintf(" The %s failed runs are left out (see section 6); if failures are related to stress, "+
			"the figures understate it.", group3(f))
	}
	d.add(para{class: "note", text: fmt.Sprintf("Estimates from the %s successful runs.%s Each interval is a 95%% "+
		"Monte Carlo confidence interval: it measures the error from simulating a finite number of runs, not "+
		"the uncertainty of the model or its parameters (see Assumptions).", group3(b.OK()), failed)})
	if len(figs) == 0 {
		d.add(para{text: "The batch records none of the metrics the risk figures use."})
		return
	}
	group := ""
	var t *table
	flush := func() {
		if t == nil {
			return
		}
		d.add(*t)
		if s := groupNote(b, group); s != "" {
			d.add(para{class: "note", text: s})
		}
	}
	for _, f := range figs {
		if f.Group != group {
			flush()
			group = f.Group
			d.add(heading{level: 3, text: group})
			t = &table{class: "risk", head: []string{"Figure", "Estimate", "95% interval", "Method", "Runs"},
				right: []bool{false, true, true, false, true}}
		}
		est, ci := formatEstimate(f)
		t.rows = append(t.rows, []string{f.Label, est, ci, f.Method, group3(f.N)})
	}
	flush()
	if s := PrecisionNote(figs); s != "" {
		d.add(para{class: "precision", text: s})
	}
	d.add(heading{level: 3, text: "Methods"},
		para{class: "method", text: "Probabilities: the share of runs with the event, with the exact " +
			"Clopper–Pearson binomial interval (Beta quantiles; coverage at least 95% whatever the true probability, and meaningful at 0 " +
			"events, where it gives the upper bound a clean record supports)."},
		para{class: "method", text: "VaR and percentiles: the empirical quantile (the smallest run value with at " +
			"least the level's share of runs at or below it). Its interval is a distribution-free pair of order statistics whose " +
			"ranks come from the Binomial(n, level) distribution, which needs no assumption about the shape of the " +
			"distribution. A point needs at least one run beyond the level, n ≥ 1/(1 − level); an interval needs " +
			"level^n ≤ 2.5%, so 72 runs at 95%, 368 at 99% and 3,688 at 99.9%."},
		para{class: "method", text: fmt.Sprintf("Expected shortfall: the mean of the worst (1 − level) share of "+
			"runs, the boundary run counted fractionally. Its interval is a percentile bootstrap (resamples of the "+
			"runs with replacement, drawn from a PCG generator with the stated seed and one stream per metric, so "+
			"it is reproducible) and is given only with at least %d runs beyond the VaR. When every run beyond the VaR "+
			"is zero, the resamples hold only zeros and would give [0, 0], although the probability of a non-zero "+
			"value (its Clopper–Pearson upper bound) allows a positive tail whose size the batch cannot tell: the "+
			"report then gives the estimate with \"%s\" instead of an interval: the size of such a loss is "+
			"unknown, and the probability's interval says how rare it is. A VaR keeps its "+
			"order-statistic interval, whose coverage holds with ties at zero too.", esMinTail, notBounded)},
		para{class: "method", text: "Expected values: the mean over runs with a Student-t interval, its lower " +
			"bound clipped at 0 for a metric that is never negative. With heavy tails or many zeros the interval " +
			"is approximate at small run counts, so a mean that rests on a few runs comes with the share of runs " +
			"above zero (Clopper–Pearson) and the largest run. When every run is zero the mean, like such an expected " +
			"shortfall, is given with \"" + notBounded + "\"."},
		para{class: "method", text: "Digits: an estimate and its interval are written with as many significant " +
			"digits as the bounds need to differ, and none finer than the second significant digit of " +
			"the interval's half-width, which the interval does not support; the three then get the same decimals " +
			"(1.62 [1.30, 1.95]), each with its own digits, not padding."})
}

// groupNote is the sentence printed under the table of a risk-figure
// group, or "".
func groupNote(b *Batch, group string) string {
	switch group {
	case "Bad debt":
		return absorbedNote(b)
	case "Peg":
		return pegNote
	case "Peg rail":
		return railNote
	}
	return ""
}

// railNote says what the peg rail's loss is and that the deficit figures
// leave it out.
const railNote = "The peg rail's loss is how far the reference coins it holds, valued at their market price, fall " +
	"below the rwaUSD it minted against them at par; each run's figure is its largest over the run. It is a loss " +
	"only if the rail has to be unwound at that price: it is not part of the deficit, the reserve drawn or the " +
	"recapitalisation above, which count the backstop's accounts."

// pegNote says how the model defines the peg (sim: View.Peg), which the
// peg figures measure.
const pegNote = "The peg is rwaUSD's USD price as the model defines it: at every block, the peg pool's spot " +
	"price of rwaUSD in the reference stablecoin times the reference stablecoin's USD price (1 throughout for " +
	"a scenario without a peg pool). It is the price in that one pool: while no one trades in it, the peg " +
	"follows the reference coin, so these figures include the reference coin's own moves."

// absorbedNote is the bad-debt figures' note: what became of the auction
// losses (lossNote), the deficits that did not come from them
// (otherDeficitNote) and the auctions the figures cannot count yet
// (openAuctionNote).
func absorbedNote(b *Batch) string {
	var parts []string
	for _, p := range []string{lossNote(b), otherDeficitNote(b), openAuctionNote(b)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// otherDeficitNote counts the runs with a deficit at some time but no
// auction loss: their deficit came from the backstop's other payments.
// It returns "" when there are none or the batch lacks the metrics.
func otherDeficitNote(b *Batch) string {
	peak, ok1 := b.Values("peak_deficit")
	bad, ok2 := b.Values("bad_debt")
	if !ok1 || !ok2 {
		return ""
	}
	short, _ := b.Values("shortfall")
	n := 0
	for i := range peak {
		if peak[i] > 0 && !(bad[i] > 0) && !(short != nil && short[i] > 0) {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s had a deficit at some time without any auction loss: it came from the backstop's "+
		"other payments, such as keeper rewards (keeper_rewards in the per-run table).", capFirst(runsWord(n)))
}

// worstPathsClause describes the worst paths of the fan charts, when the
// batch recorded any (batches before them did not).
func worstPathsClause(b *Batch) string {
	for _, ps := range b.Paths {
		for _, p := range ps {
			if p.Worst {
				return ", and, for a series with a bad direction (a price or the peg falling, a deficit or auctions " +
					"rising) that some run took past its level, the run that went furthest that way (dash-dot, dark red)"
			}
		}
	}
	return ""
}

// runsWord writes a number of runs: "1 run", "1,234 runs".
func runsWord(n int) string {
	if n == 1 {
		return "1 run"
	}
	return group3(n) + " runs"
}

// capFirst capitalises the first letter of s.
func capFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// openAuctionNote says how many runs ended with auctions still running,
// whose outcome the bad-debt figures, which count settled auctions, leave
// out. It returns "" when no run did or the batch lacks the metric.
func openAuctionNote(b *Batch) string {
	open, ok := b.Values("open_auction_target")
	if !ok {
		return ""
	}
	n, top := 0, 0.0
	for _, v := range open {
		if v > 0 {
			n++
			top = math.Max(top, v)
		}
	}
	if n == 0 {
		return ""
	}
	unit := "rwaUSD"
	if m, ok := b.Summary("open_auction_target"); ok {
		unit = m.Unit
	}
	return fmt.Sprintf("In %s auctions were still running at the end, with a target of up to %s: the bad-debt "+
		"figures count settled auctions only, so what these raise is not in them.", runsWord(n), withUnit(top, unit))
}

// lossNote says how many runs had bad debt or an unpaid auction target
// and whether the backstop's surplus absorbed those losses before they
// became a deficit (a peak deficit of zero), which the deficit figures
// alone cannot show, and whether the penalties of the same runs covered
// them (no reserve drawn in any of them). It returns "" when no run had
// such a loss or the batch lacks the metrics.
func lossNote(b *Batch) string {
	bad, okBad := b.Values("bad_debt")
	short, okShort := b.Values("shortfall")
	peak, okPeak := b.Values("peak_deficit")
	drawn, okDrawn := b.Values("reserve_drawn")
	if !okBad || !okPeak {
		return ""
	}
	if !okShort {
		short = nil
	}
	var nBad, nShort, nLoss, nDeficit, nDrawn, nKnown int
	worst := 0.0
	for i := range bad {
		loss := false
		if bad[i] > 0 {
			nBad++
			worst = math.Max(worst, bad[i])
			loss = true
		}
		if short != nil && short[i] > 0 {
			nShort++
			loss = true
		}
		if loss {
			nLoss++
			if peak[i] > 0 {
				nDeficit++
			}
			if okDrawn && !math.IsNaN(drawn[i]) {
				nKnown++
				if drawn[i] > 0 {
					nDrawn++
				}
			}
		}
	}
	if nLoss == 0 {
		return ""
	}
	unit := "rwaUSD"
	if m, ok := b.Summary("bad_debt"); ok {
		unit = m.Unit
	}
	s := fmt.Sprintf("In %s of %s runs auctions left bad debt (the largest %s)", group3(nBad), group3(len(bad)),
		withUnit(worst, unit))
	if okShort {
		s += fmt.Sprintf(" and in %s they raised less than their target of debt plus penalty", group3(nShort))
	}
	switch {
	case nDeficit == 0 && nKnown == nLoss && nDrawn == 0:
		return s + ". None of these runs had a deficit at any time, and in none of them did the backstop's " +
			"surplus fall below its starting level: the backstop's income in the same runs (liquidation penalties " +
			"and stability fees) absorbed the losses, so neither the deficit nor the reserve figures show them."
	case nDeficit == 0:
		return s + ". None of these runs had a deficit at any time: the backstop's surplus (its starting reserve " +
			"and its income: liquidation penalties and stability fees) absorbed the losses before they became a " +
			"deficit, so the deficit figures above do not show them."
	case nDeficit == nLoss:
		return s + fmt.Sprintf(". All %s of these runs had a deficit at some time.", group3(nLoss))
	default:
		return s + fmt.Sprintf(". In %s of these %s runs the backstop's surplus (its starting reserve and its "+
			"income: liquidation penalties and stability fees) absorbed the losses before they became a deficit; the other %s had a deficit "+
			"at some time.", group3(nLoss-nDeficit), group3(nLoss), group3(nDeficit))
	}
}

// metricSummary is one row of the per-run metric table.
type metricSummary struct {
	m                      Metric
	n, missing             int
	mean                   float64
	ci                     Interval
	hasCI, unbounded       bool
	min, p5, p50, p95, max float64
}

func metricSummaries(b *Batch) []metricSummary {
	var out []metricSummary
	for _, m := range b.Manifest.Summary {
		raw, _ := b.Values(m.Name)
		x := finiteSorted(raw)
		s := metricSummary{m: m, n: len(x), missing: len(raw) - len(x), mean: math.NaN(), ci: nanInterval(),
			min: math.NaN(), p5: math.NaN(), p50: math.NaN(), p95: math.NaN(), max: math.NaN()}
		if len(x) > 0 {
			s.mean, s.ci, s.hasCI = MeanT(x, Confidence)
			clipMean(x, &s.ci)
			s.p5, s.p50, s.p95 = Quantile(x, 0.05), Quantile(x, 0.5), Quantile(x, 0.95)
			s.min, s.max = x[0], x[len(x)-1]
			if zeroRuns(x) { // as meanFigure
				s.ci, s.hasCI, s.unbounded = nanInterval(), false, true
			}
		}
		out = append(out, s)
	}
	return out
}

func distributionSection(d *document, sums []metricSummary, dists []figureBlock) {
	d.add(heading{level: 2, id: "distributions", text: "4. Distributions"})
	if len(dists) > 0 {
		d.add(figureGrid{figs: dists})
	}
	d.add(heading{level: 3, text: "All per-run metrics"})
	t := table{caption: "Every per-run summary of the manifest over the successful runs: mean with its 95% " +
		"Student-t interval (clipped at 0 for metrics that are never negative), and empirical percentiles. Runs without a value (for example no auction, for a " +
		"discount) are not counted. Min and Max are the lowest and highest run.",
		head:  []string{"Metric", "Unit", "Runs", "Mean", "95% interval", "Min", "p5", "Median", "p95", "Max"},
		right: []bool{false, false, true, true, true, true, true, true, true, true}}
	for _, s := range sums {
		mean, ci := Num(s.mean), "n/a"
		switch {
		case s.unbounded:
			ci = notBounded
		case s.hasCI:
			mean, ci = estimateInterval(s.mean, s.ci.Lo, s.ci.Hi)
		}
		t.rows = append(t.rows, []string{s.m.Label + " (`" + s.m.Name + "`)", s.m.Unit, group3(s.n), mean, ci,
			Num(s.min), Num(s.p5), Num(s.p50), Num(s.p95), Num(s.max)})
	}
	d.add(t)
}

// worstRank orders the runs of the worst-runs table: by peak deficit,
// then bad debt, then unpaid auction target, largest first.
var worstRank = []string{"peak_deficit", "bad_debt", "shortfall"}

// worstCols are the table's columns where the batch has them: the losses,
// what led to them, and the final price of each market asset (the per-run
// summaries named final_price_*).
var worstCols = []string{"peak_deficit", "final_deficit", "bad_debt", "shortfall", "reserve_drawn", "liquidated_debt", "peg_min"}

// worstCauseCols are the columns of the worst-runs table shown when one
// of the listed runs has a value other than zero: the other ways a run
// loses (a bail-out, keeper rewards, auctions still open at the end, the
// peg rail's loss), which the deficit and bad-debt columns do not show.
var worstCauseCols = []string{"recap", "keeper_rewards", "open_auction_target", "rail_loss_max"}

// worstRuns is the length of the worst-runs table.
const worstRuns = 5

// worstRunsSection lists the successful runs with the largest losses, so a
// reader can name what happened in the tail and replay it: each with its
// losses, its liquidations, its lowest peg and its final prices, and the
// command that traces it block by block.
func worstRunsSection(d *document, b *Batch) {
	col := map[string]int{}
	for i, m := range b.Manifest.Summary {
		col[m.Name] = i
	}
	var rank []int
	for _, name := range worstRank {
		if i, ok := col[name]; ok {
			rank = append(rank, i)
		}
	}
	if len(rank) == 0 {
		return
	}
	loss := func(r Run, k int) float64 {
		if v := r.Values[k]; v > 0 { // NaN is no loss
			return v
		}
		return 0
	}
	var runs []Run
	for _, r := range b.Runs {
		if !r.OK {
			continue
		}
		for _, k := range rank {
			if loss(r, k) > 0 {
				runs = append(runs, r)
				break
			}
		}
	}
	d.add(heading{level: 3, text: "Worst runs"})
	if len(runs) == 0 {
		if b.OK() == 0 {
			d.add(para{text: "No run completed, so none is listed."})
		} else {
			d.add(para{text: "No successful run had a positive " + metricNames(b, worstRank, ", ", " or ") +
				", so none is listed."})
		}
		return
	}
	slices.SortStableFunc(runs, func(x, y Run) int {
		for _, k := range rank {
			if c := cmp.Compare(loss(y, k), loss(x, k)); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.Index, y.Index)
	})
	var cols []int
	for _, name := range worstCols {
		if i, ok := col[name]; ok {
			cols = append(cols, i)
		}
	}
	listed := runs[:min(worstRuns, len(runs))]
	for _, name := range worstCauseCols {
		if i, ok := col[name]; ok && slices.ContainsFunc(listed, func(r Run) bool { return r.Values[i] != 0 && !math.IsNaN(r.Values[i]) }) {
			cols = append(cols, i)
		}
	}
	for i, m := range b.Manifest.Summary {
		if strings.HasPrefix(m.Name, "final_price_") {
			cols = append(cols, i)
		}
	}
	t := table{class: "keep", head: []string{"Run"}, right: []bool{true}} // a few rows: printed on one page with its caption
	for _, i := range cols {
		m := b.Manifest.Summary[i]
		h := m.Label
		if m.Unit != "" && m.Unit != "count" {
			h += " [" + m.Unit + "]"
		}
		t.head = append(t.head, h)
		t.right = append(t.right, true)
	}
	for _, r := range listed {
		row := []string{strconv.Itoa(r.Index)}
		for _, i := range cols {
			row = append(row, Num(r.Values[i]))
		}
		t.rows = append(t.rows, row)
	}
	what := "with a positive " + metricNames(b, worstRank, ", ", " or ")
	by := ", ranked by " + metricNames(b, worstRank, ", then ", ", then ") + ", largest first (ties by run index)."
	switch {
	case len(runs) == 1:
		t.caption = "The one run " + what + "."
	case len(t.rows) == len(runs):
		t.caption = fmt.Sprintf("The %d runs %s%s", len(runs), what, by)
	default:
		t.caption = fmt.Sprintf("The %d worst of the %s runs %s%s", len(t.rows), group3(len(runs)), what, by)
	}
	d.add(t, para{text: "Replay one of them block by block, with every price, transaction and auction in its trace: `" +
		replayCommand(&b.Manifest, "N") + "`, N being its run index."})
}

// metricNames lists the labels of the metrics the batch has among names,
// lower-cased: separated by sep, the last by last ("a, b and c").
func metricNames(b *Batch, names []string, sep, last string) string {
	var out []string
	for _, n := range names {
		if m, ok := b.Summary(n); ok {
			out = append(out, lowerFirst(m.Label))
		}
	}
	if len(out) < 2 {
		return strings.Join(out, "")
	}
	return strings.Join(out[:len(out)-1], sep) + last + out[len(out)-1]
}

// unreadNote is the sentence on the keys the model does not read, when
// the manifest lists them.
func unreadNote(m *Manifest) string {
	if len(m.Unread) == 0 {
		return ""
	}
	return "Keys the model does not read with the scenario's other settings (a market asset's parameters of " +
		"other price processes than its own, an auction's of other price curves) are left out where they hold " +
		"defaults and marked where the file sets them. "
}

func assumptionSection(d *document, b *Batch) {
	m := &b.Manifest
	d.add(heading{level: 2, id: "assumptions", text: "5. Assumptions"})
	if h := m.Comments["name"]; h != "" {
		d.add(para{text: "From the scenario file: " + h})
	}
	docs := len(m.Docs) > 0
	meaning := ""
	if docs {
		meaning = "what it means (with its unit in brackets), "
	}
	d.add(para{text: "Every parameter of the resolved scenario, with " + meaning + "the comment next to it in the scenario file " +
		"(its calibration source) where there is one. Values are as the batch resolved them, defaults included: " +
		"a key the scenario file (or a --set override) does not set holds the tool's default and says so. " +
		unreadNote(m) + "Shocks and agent populations follow in their own tables."})
	if len(m.Cautions) > 0 {
		var said []string
		for _, k := range slices.Sorted(maps.Keys(m.Cautions)) {
			said = append(said, "`"+k+"`: "+m.Cautions[k])
		}
		these, them, reads := "this value", "it", "it reads"
		if len(said) > 1 {
			these, them, reads = "these values", "them", "each reads"
		}
		d.add(para{class: "precision", text: "Check " + these + ": " + strings.Join(said, "; ") + ". A stress test may mean " + them +
			", but " + reads + " like a whole percentage where the key takes a fraction or a multiplier; taken for one, it changes every figure of this report."})
	}
	for _, g := range Parameters(m) {
		if g.Name == "shocks" || g.Name == "agents" {
			continue
		}
		d.add(heading{level: 3, text: "Parameters: " + g.Name})
		t := table{class: "params", head: []string{"Key", "Value", "Source"}}
		if docs {
			t.head = []string{"Key", "Value", "Meaning", "Source"}
		}
		for _, p := range g.Params {
			src := p.Source
			if p.Key == "name" {
				src = "" // the file's header, quoted above
			}
			row := []string{"`" + p.Key + "`", p.Value, src}
			if docs {
				row = []string{"`" + p.Key + "`", p.Value, p.Doc, src}
			}
			t.rows = append(t.rows, row)
		}
		d.add(t)
	}
	d.add(heading{level: 3, text: "Shocks"})
	if shocks := Shocks(m); len(shocks) == 0 {
		d.add(para{text: "None: the scenario applies no shock."})
	} else {
		t := table{head: []string{"#", "Kind", "Asset", "Start", "Duration", "Settings", "Source"},
			right: []bool{true}}
		for i, s := range shocks {
			t.rows = append(t.rows, []string{strconv.Itoa(i), s.Kind, s.Asset, s.Start, s.Duration,
				strings.Join(s.Settings, ", "), strings.Join(s.Sources, "; ")})
		}
		d.add(t)
	}
	d.add(heading{level: 3, text: "Agent populations"})
	pops := Populations(m)
	if len(pops) == 0 {
		d.add(para{text: "The scenario defines no agents."})
	}
	for _, p := range pops {
		head := []string{"Setting"}
		if docs {
			head = append(head, "Meaning")
		}
		t := table{class: "params", head: append(append(head, p.Columns...), "Source")}
		for i, r := range p.Rows {
			row := []string{"`" + r[0] + "`"}
			if docs {
				row = append(row, p.Docs[i])
			}
			t.rows = append(t.rows, append(row, r[1:]...))
		}
		d.add(heading{level: 4, text: "Agents: " + p.Name}, t)
	}
}

func failureSection(d *document, b *Batch) {
	m := &b.Manifest
	d.add(heading{level: 2, id: "failures", text: "6. Failed runs"})
	var t table
	t.head = []string{"Run", "Seed", "Step", "Error", "Replay"}
	t.right = []bool{true, true, true}
	for _, r := range b.Runs {
		if r.OK {
			continue
		}
		replay := "`" + replayCommand(m, strconv.Itoa(r.Index)) + "`"
		t.rows = append(t.rows, []string{strconv.Itoa(r.Index), strconv.FormatUint(r.Seed, 10),
			strconv.Itoa(r.FailStep), r.Error, replay})
	}
	if len(t.rows) == 0 {
		d.add(para{text: fmt.Sprintf("None: all %s runs completed.", group3(len(b.Runs)))})
		return
	}
	d.add(para{text: fmt.Sprintf("%s of %s runs failed. Each keeps its partial results in runs.csv; the replay "+
		"command reruns it step by step and writes its trace.", group3(len(t.rows)), group3(len(b.Runs)))}, t)
}

func glossarySection(d *document, b *Batch) {
	m := &b.Manifest
	d.add(heading{level: 2, id: "glossary", text: "7. Glossary"},
		para{text: "The metrics as the batch describes them; a metric registered by a later module documents " +
			"itself here."})
	for _, list := range []struct {
		title string
		ms    []Metric
	}{{"Time series (fan charts)", m.Series}, {"Per-run summaries (runs.csv)", m.Summary}} {
		t := table{caption: list.title, head: []string{"Name", "Label", "Unit", "Description"}}
		for _, x := range list.ms {
			t.rows = append(t.rows, []string{"`" + x.Name + "`", x.Label, x.Unit, x.Desc})
		}
		d.add(t)
	}
}

// riskCSV writes the risk figures with exact numbers.
func riskCSV(figs []Figure) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "group", "figure", "metric", "unit", "level", "runs", "estimate", "lo", "hi",
		"method", "needs_runs_point", "needs_runs_interval", "interval_note"})
	for _, f := range figs {
		unit := f.Unit
		if f.Kind == KindProbability {
			unit = "probability"
		}
		note := ""
		if f.Unbounded {
			note = notBounded
		}
		w.Write([]string{f.ID, f.Group, f.Label, f.Metric, unit, csvFloat(f.Level), strconv.Itoa(f.N),
			csvFloat(f.Estimate), csvFloat(f.CI.Lo), csvFloat(f.CI.Hi), f.Method,
			strconv.Itoa(f.NeedPoint), strconv.Itoa(f.NeedCI), note})
	}
	w.Flush()
	return buf.Bytes()
}

// summaryCSV writes the per-run metric table with exact numbers.
func summaryCSV(ss []metricSummary) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"metric", "unit", "runs", "missing", "mean", "mean_lo", "mean_hi", "min", "p5", "p50", "p95", "max"})
	for _, s := range ss {
		w.Write([]string{s.m.Name, s.m.Unit, strconv.Itoa(s.n), strconv.Itoa(s.missing), csvFloat(s.mean),
			csvFloat(s.ci.Lo), csvFloat(s.ci.Hi), csvFloat(s.min), csvFloat(s.p5), csvFloat(s.p50), csvFloat(s.p95), csvFloat(s.max)})
	}
	w.Flush()
	return buf.Bytes()
}
