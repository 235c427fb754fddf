package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// Output files of a sweep, in its output directory.
const (
	PlanFile   = "plan.csv"  // the expansion, written before any point runs
	SweepFile  = "sweep.csv" // one row per point: values and risk figures with intervals
	PointsDir  = "points"    // one batch directory per point
	ReportMD   = "sweep.md"
	ReportHTML = "sweep.html"
)

// Options control a sweep or a tune.
type Options struct {
	Out     string // output directory
	Workers int    // parallel runs within a point; GOMAXPROCS if 0
	Version string // tool version, for manifests
	Command string // the command that reproduces the sweep
	// Log receives one line per point as it finishes (nil: silent).
	Log io.Writer
	// PointReports writes each point's risk report into its directory.
	PointReports bool
	// Progress, if set, follows the runs of the point in progress.
	Progress func(done, total int)
}

// DefaultFigures are reported when a sweep file names no figures and no
// budget.
var DefaultFigures = []string{"P(peak_deficit > 0)", "ES99(peak_deficit)", "mean(reserve_drawn)", "P(peg_min < 0.99)", "mean(liquidated_debt)"}

// PointResult is one point of a sweep: its batch and risk figures.
type PointResult struct {
	Point
	Dir      string
	Runs     int
	Failed   int
	Est      []Estimate // by figure
	Diff     []Estimate // figure here minus at the reference point, paired
	Verdicts []Verdict  // by budget constraint
	Meets    bool       // every constraint met with 95% confidence
	// Fails: some constraint's whole interval is beyond its limit. A point
	// that neither meets nor fails the budget is undecided: an interval
	// straddles a limit, and more runs would decide it.
	Fails  bool
	Budget []Constraint // the budget at this point (a limit that names a scenario key takes the point's value)
	values map[string][]float64
}

// Verdict is "met", "not met" or "undecided" ("" without a budget).
func (p *PointResult) Verdict() string {
	return verdictWord(len(p.Verdicts) > 0, p.Meets, p.Fails)
}

func verdictWord(budget, meets, fails bool) string {
	switch {
	case !budget:
		return ""
	case meets:
		return "met"
	case fails:
		return "not met"
	}
	return "undecided"
}

// Result is a finished sweep.
type Result struct {
	File    *File
	Figures []Figure
	Budget  []Constraint
	Points  []PointResult
	Ref     int // the reference point of the paired differences
}

// figures returns the budget's constraints and the figures to report: the
// budget's, then the file's own (or the defaults), without repeats.
func (f *File) figures() ([]Constraint, []Figure) {
	metrics := metricNames(f.base)
	var cs []Constraint
	var figs []Figure
	seen := map[string]bool{}
	add := func(x Figure) {
		key := fmt.Sprintf("%s|%s|%g", x.Kind, x.Metric, x.Arg)
		if !seen[key] {
			seen[key] = true
			figs = append(figs, x)
		}
	}
	for _, b := range f.Budget {
		c, err := ParseConstraint(b, f.base, metrics)
		if err != nil {
			panic("sweep: budget checked at load: " + err.Error())
		}
		cs = append(cs, c)
		add(c.Figure)
	}
	texts := f.Figures
	if len(texts) == 0 && len(f.Budget) == 0 {
		texts = DefaultFigures
	}
	for _, t := range texts {
		x, err := ParseFigure(t, metrics)
		if err != nil {
			panic("sweep: figure checked at load: " + err.Error())
		}
		add(x)
	}
	return cs, figs
}

// PointDir names a point's directory by its values, so a point keeps its
// directory when others are added: "profiles.gold.haircut=0.15".
func (f *File) PointDir(values []string, keys []string) string {
	parts := make([]string, len(keys))
	for k := range keys {
		parts[k] = keys[k] + "=" + values[k]
	}
	return filepath.Join(PointsDir, strings.Join(parts, ","))
}

// Keys are the swept keys, in axis order.
func (f *File) Keys() []string {
	keys := make([]string, len(f.Axes))
	for k, a := range f.Axes {
		keys[k] = a.Key
	}
	return keys
}

// Check loads the scenario at every value of every axis on its own, then,
// if each is valid, at every point (where values of different axes may
// clash), so that a bad key or value stops the sweep before anything
// runs. It returns every problem found, each once: a misspelt key is one
// error, not one per point, and a bad value of one axis does not hide
// another axis's.
func (f *File) Check(pts []Point) error {
	c := &checker{f: f}
	if err := f.checkAxes(c); err != nil {
		return err
	}
	if len(c.all) > 0 {
		return c.err()
	}
	for _, p := range pts {
		if err := c.load(f.Overrides(p), fmt.Sprintf("point %d", p.Index)); err != nil {
			return err
		}
		if len(c.all) >= 20 {
			break
		}
	}
	return c.err()
}

// checkAxes loads the scenario at each value of each axis on its own
// (not for a Latin hypercube, whose values are drawn), keeping the
// problems in c.
func (f *File) checkAxes(c *checker) error {
	if f.Mode == "lhs" {
		return nil
	}
	for _, a := range f.Axes {
		for _, v := range a.Values {
			ovs := append(slices.Clone(f.fixed), scenario.Override{Key: a.Key, Value: v})
			if err := c.load(ovs, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// Run runs every point of the sweep with the same seeds and run indices
// (common random numbers), writes each point's batch into its directory,
// then sweep.csv and the sweep report.
func Run(ctx context.Context, f *File, opt Options) (*Result, error) {
	pts := f.Points()
	if err := f.Check(pts); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(opt.Out, PlanFile), f.planCSV(pts)); err != nil {
		return nil, err
	}
	budget, figs := f.figures()
	res := &Result{File: f, Figures: figs, Budget: budget}
	keys := f.Keys()
	for _, p := range pts {
		dir := f.PointDir(p.Values, keys)
		pb, err := f.budgetAt(budget, f.Overrides(p), fmt.Sprintf("point %d", p.Index))
		if err != nil {
			return nil, err
		}
		vals, runs, failed, err := f.runPoint(ctx, f.Overrides(p), filepath.Join(opt.Out, dir), 0, f.Runs, opt, figs)
		if err != nil {
			return nil, fmt.Errorf("point %d (%s): %w", p.Index, dir, err)
		}
		pr := PointResult{Point: p, Dir: dir, Runs: runs, Failed: failed, values: vals, Budget: pb}
		pr.judge(figs, f.seed)
		res.Points = append(res.Points, pr)
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, "point %d/%d %s: %d runs", p.Index+1, len(pts), strings.Join(reports.Assign(keys, p.Values, "="), " "), runs)
			if failed > 0 {
				fmt.Fprintf(opt.Log, " (%d failed)", failed)
			}
			if len(budget) > 0 {
				fmt.Fprintf(opt.Log, ", budget %s", pr.Verdict())
			}
			for i := range figs {
				fmt.Fprintf(opt.Log, "; %s %s", figs[i].Text, formatEst(figs[i], pr.Est[i]))
			}
			fmt.Fprintln(opt.Log)
		}
	}
	res.Ref = f.reference(res.Points)
	for i := range res.Points {
		p := &res.Points[i]
		ref := &res.Points[res.Ref]
		p.Diff = make([]Estimate, len(figs))
		for k := range figs {
			m := figs[k].Metric
			p.Diff[k] = figs[k].PairedDiff(p.values[m], ref.values[m], f.seed^uint64(k))
		}
	}
	if err := writeFile(filepath.Join(opt.Out, SweepFile), res.CSV()); err != nil {
		return nil, err
	}
	if err := res.Report(opt).Write(opt.Out); err != nil {
		return nil, fmt.Errorf("sweep report: %w", err)
	}
	return res, nil
}

// formatEst is "0.12% [0.01%, 0.4%]" for a probability, "1.2e+05 [...]"
// otherwise.
func formatEst(f Figure, e Estimate) string {
	if math.IsNaN(e.Lo) {
		return fmtFig(f, e.Value)
	}
	return fmt.Sprintf("%s [%s, %s]", fmtFig(f, e.Value), fmtFig(f, e.Lo), fmtFig(f, e.Hi))
}

// judge computes the point's figures and its verdicts on p.Budget.
func (p *PointResult) judge(figs []Figure, seed uint64) {
	p.Est = make([]Estimate, len(figs))
	for k := range figs {
		p.Est[k] = figs[k].Estimate(p.values[figs[k].Metric], seed^uint64(k), Confidence)
	}
	p.Verdicts = make([]Verdict, len(p.Budget))
	p.Meets, p.Fails = len(p.Budget) > 0, false
	for k := range p.Budget {
		p.Verdicts[k] = p.Budget[k].Judge(p.values[p.Budget[k].Metric], seed^uint64(k), Confidence)
		p.Meets = p.Meets && p.Verdicts[k].Meets
		p.Fails = p.Fails || p.Verdicts[k].Fails
	}
}

// budgetAt returns the budget at the scenario of ovs: each limit that
// names a scenario key takes its value there, the others are unchanged.
func (f *File) budgetAt(budget []Constraint, ovs []scenario.Override, what string) ([]Constraint, error) {
	out := slices.Clone(budget)
	var s *scenario.Scenario
	for k := range out {
		if !out[k].KeyLimit() {
			continue
		}
		if s == nil {
			var err error
			if s, err = f.Scenario(ovs, what); err != nil {
				return nil, err
			}
		}
		c, err := out[k].At(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out[k] = c
	}
	return out, nil
}

// reference picks the point the paired differences are taken against:
// the one at the base scenario's own values if the sweep has it, else the
// first.
func (f *File) reference(pts []PointResult) int {
	for i, p := range pts {
		same := true
		for k, a := range f.Axes {
			base, ok := scenarioNumber(f.base, a.Key)
			v, err := strconv.ParseFloat(p.Values[k], 64)
			if !ok || err != nil || math.Abs(base-v) > 1e-12*math.Max(1, math.Abs(base)) {
				same = false
				break
			}
		}
		if same {
			return i
		}
	}
	return 0
}

// runPoint runs runs [first, last) of the base scenario at the overrides
// into dir, reusing a complete batch already there for the same
// configuration, seed and runs, and returns the values of the metrics the
// figures use, indexed by run - first (NaN for failed runs).
func (f *File) runPoint(ctx context.Context, ovs []scenario.Override, dir string, first, last int, opt Options, figs []Figure) (map[string][]float64, int, int, error) {
	s, err := f.Scenario(ovs, dir)
	if err != nil {
		return nil, 0, 0, err
	}
	c, err := sim.Compile(s)
	if err != nil {
		return nil, 0, 0, err
	}
	// Runs [first, last) are shard 1 of 2 of a batch of 2·first runs when
	// first > 0 (the tune doubles its runs), so seeds stay those of run
	// indices first..last-1.
	bo := sim.Options{Runs: last, Seed: f.seed, Workers: opt.Workers, Out: dir, Version: opt.Version, Progress: opt.Progress}
	if first > 0 {
		if last != 2*first {
			panic("sweep: runPoint extends a batch by doubling it")
		}
		bo.Shard, bo.Shards = 1, 2
	}
	bo.Command = fmt.Sprintf("tempest run %s --runs %d --seed %d%s", scenario.ShellQuote(f.Base), last, f.seed, scenario.FlagArgs(ovs))
	if bo.Shards > 1 {
		bo.Command += " --shard 1/2"
	}
	if !complete(dir, c, bo) {
		// An interrupted point continues from its journal; a journal of
		// another configuration (the base scenario changed) starts over.
		bo.Resume = true
		_, err := sim.RunBatch(ctx, c, bo)
		var re *sim.ResumeError
		if errors.As(err, &re) {
			if err = os.Remove(filepath.Join(dir, sim.JournalFile)); err == nil {
				bo.Resume = false
				_, err = sim.RunBatch(ctx, c, bo)
			}
		}
		if err != nil {
			return nil, 0, 0, err
		}
		if opt.PointReports && bo.Shards <= 1 {
			if err := reports.Generate(dir, reports.Options{}); err != nil {
				return nil, 0, 0, fmt.Errorf("report: %w", err)
			}
		}
	}
	return readRuns(filepath.Join(dir, reports.RunsFile), first, last, figs)
}

// readRuns reads the metrics the figures use from a runs.csv holding runs
// [first, last), by run index − first; NaN for failed runs.
func readRuns(name string, first, last int, figs []Figure) (map[string][]float64, int, int, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, 0, 0, err
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	head, err := r.Read()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	vals := map[string][]float64{}
	for _, x := range figs {
		if _, ok := col[x.Metric]; !ok {
			return nil, 0, 0, fmt.Errorf("%s: no column %q", name, x.Metric)
		}
		v := make([]float64, last-first)
		for i := range v {
			v[i] = math.NaN()
		}
		vals[x.Metric] = v
	}
	runs, failed := 0, 0
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, 0, fmt.Errorf("%s: %v", name, err)
		}
		i, err := strconv.Atoi(rec[col["run"]])
		if err != nil || i < first || i >= last {
			return nil, 0, 0, fmt.Errorf("%s:%d: run %q outside [%d, %d)", name, line, rec[col["run"]], first, last)
		}
		runs++
		if rec[col["status"]] != "ok" {
			failed++
			continue
		}
		for m, v := range vals {
			if c := rec[col[m]]; c != "" {
				if v[i-first], err = strconv.ParseFloat(c, 64); err != nil {
					return nil, 0, 0, fmt.Errorf("%s:%d: %s: %v", name, line, m, err)
				}
			}
		}
	}
	if runs != last-first {
		return nil, 0, 0, fmt.Errorf("%s: %d runs, want %d", name, runs, last-first)
	}
	return vals, runs, failed, nil
}

// complete reports whether dir holds a finished batch of the same
// configuration, seed, runs, shard and tool version, which a sweep re-run
// reuses instead of running again.
func complete(dir string, c *sim.Compiled, bo sim.Options) bool {
	m, err := sim.ReadManifest(dir)
	if err != nil {
		return false
	}
	if m.ConfigSHA256 != sim.ConfigHash(c) || m.Seed != bo.Seed || m.Runs != bo.Runs || m.Version != bo.Version {
		return false
	}
	if bo.Shards > 1 {
		return m.Shard != nil && m.Shard.Index == bo.Shard && m.Shard.Count == bo.Shards
	}
	return m.Shard == nil
}

// planCSV is the expansion: point, dir and one column per key.
func (f *File) planCSV(pts []Point) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	keys := f.Keys()
	w.Write(append([]string{"point", "dir"}, keys...))
	for _, p := range pts {
		w.Write(append([]string{strconv.Itoa(p.Index), f.PointDir(p.Values, keys)}, p.Values...))
	}
	w.Flush()
	return b.Bytes()
}

func num(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

// CSV renders sweep.csv: per point its values, runs, whether it meets the
// budget and the verdict (met, not met, or undecided: more runs needed),
// and per figure the estimate, its 95% interval and the paired
// difference from the reference point with its interval.
func (r *Result) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := append([]string{"point", "dir"}, r.File.Keys()...)
	head = append(head, "runs", "failed", "meets_budget", "verdict", "reference")
	for _, x := range r.Figures {
		head = append(head, x.Text, x.Text+" lo", x.Text+" hi", x.Text+" diff", x.Text+" diff lo", x.Text+" diff hi")
	}
	w.Write(head)
	for i, p := range r.Points {
		row := append([]string{strconv.Itoa(p.Index), p.Dir}, p.Values...)
		meets := ""
		if len(r.Budget) > 0 {
			meets = strconv.FormatBool(p.Meets)
		}
		row = append(row, strconv.Itoa(p.Runs), strconv.Itoa(p.Failed), meets, p.Verdict(), strconv.FormatBool(i == r.Ref))
		for k := range r.Figures {
			e, d := p.Est[k], p.Diff[k]
			row = append(row, num(e.Value), num(e.Lo), num(e.Hi), num(d.Value), num(d.Lo), num(d.Hi))
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

// writeFile writes data to name through a temporary file and a rename.
func writeFile(name string, data []byte) error { return reports.WriteFileAtomic(name, data) }

// ShortBudget lists the budget constraints that f.Runs runs per point
// cannot meet whatever they show (MinRuns), with the runs each needs
// (0: no number of runs meets it). With one of them, no point can meet
// the budget: each is undecided or not met.
func (f *File) ShortBudget() (texts []string, need []int) {
	metrics := metricNames(f.base)
	for _, b := range f.Budget {
		c, err := ParseConstraint(b, f.base, metrics)
		if err != nil {
			continue // reported by Load
		}
		if n := c.MinRuns(Confidence); n == 0 || n > f.Runs {
			texts, need = append(texts, c.Text), append(need, n)
		}
	}
	return texts, need
}
