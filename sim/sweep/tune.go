package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// Output files of a tune.
const (
	TuneFile = "tune.csv" // one row per probe
	TuneMD   = "tune.md"
	TuneHTML = "tune.html"
)

// Probe is one value a tune tried.
type Probe struct {
	Outer    string // the first parameter's value in a two-parameter frontier
	Index    int    // in the parameter's grid
	Value    string
	Runs     int
	Verdicts []Verdict // by budget constraint
	Meets    bool      // every constraint met with 95% confidence
	Fails    bool      // some constraint's whole interval is beyond its limit
	Dir      string
	Budget   []Constraint // the budget at this probe (a limit that names a scenario key takes the probe's value)
}

// Answer is the recommendation of one search.
type Answer struct {
	Outer   string
	Found   bool
	Index   int
	Value   string
	Binding *Constraint // the constraint that stops the parameter going further (with RangeEnd, the one closest to its limit)
	// RangeEnd: the whole range meets the budget, and its end, not a
	// constraint, stops the parameter going further.
	RangeEnd bool
	At       *Probe // the probe at the recommended value
	Runs     int    // runs spent on this search
	Note     string
}

// TuneResult is a finished tune.
type TuneResult struct {
	File      *File
	Budget    []Constraint
	Grid      []string
	Probes    []*Probe
	Answers   []Answer
	RunsSpent int

	probeFn func(ctx context.Context, outer string, i int, opt Options) (*Probe, error) // tests: replaces probe
}

// CheckTune loads the scenario at both ends of the tune's grid at every
// outer value, so that a bad key or value stops the tune before anything
// runs; it returns every problem found.
func (f *File) CheckTune() error {
	grid, _ := f.Parameter.grid()
	outers := []string{""}
	if f.Outer != nil {
		outers = f.Outer.Values
	}
	c := &checker{f: f}
	for _, o := range outers {
		for _, v := range []string{grid[0], grid[len(grid)-1]} {
			if err := c.load(f.tuneOverrides(o, v), "tune"); err != nil {
				return err
			}
		}
	}
	return c.err()
}

// Tune searches the parameter for the value nearest its risky end that
// meets the budget with 95% confidence (for each value of the outer
// parameter, if the file has one), writes every probe's batches under
// points/, tune.csv and the tune report.
func Tune(ctx context.Context, f *File, opt Options) (*TuneResult, error) {
	if err := f.CheckTune(); err != nil {
		return nil, err
	}
	grid, _ := f.Parameter.grid()
	outers := []string{""}
	if f.Outer != nil {
		outers = f.Outer.Values
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return nil, err
	}
	budget, _ := f.figures()
	res := &TuneResult{File: f, Budget: budget, Grid: grid}
	for _, o := range outers {
		a, err := res.search(ctx, o, opt)
		if err != nil {
			return nil, err
		}
		res.Answers = append(res.Answers, a)
		res.RunsSpent += a.Runs
	}
	if err := writeFile(filepath.Join(opt.Out, TuneFile), res.CSV()); err != nil {
		return nil, err
	}
	w := reportWriter{build: func() (*reports.Report, error) { return reports.TuneReport(res.report(opt)) }, md: TuneMD, html: TuneHTML}
	if err := w.Write(opt.Out); err != nil {
		return nil, fmt.Errorf("tune report: %w", err)
	}
	return res, nil
}

func (f *File) tuneOverrides(outer, value string) []scenario.Override {
	ovs := append([]scenario.Override(nil), f.fixed...)
	if f.Outer != nil {
		ovs = append(ovs, scenario.Override{Key: f.Outer.Key, Value: outer})
	}
	return append(ovs, scenario.Override{Key: f.Parameter.Key, Value: value})
}

// search bisects the grid at one outer value. For goal "min" risk falls
// as the index grows and the answer is the smallest index that meets the
// budget; for "max" the largest. A probe left undecided at the run limit
// counts as not meeting the budget.
func (r *TuneResult) search(ctx context.Context, outer string, opt Options) (Answer, error) {
	f := r.File
	a := Answer{Outer: outer}
	cache := map[int]*Probe{}
	ok := func(i int) (bool, error) {
		if p, seen := cache[i]; seen {
			return p.Meets, nil
		}
		probe := r.probe
		if r.probeFn != nil {
			probe = r.probeFn
		}
		p, err := probe(ctx, outer, i, opt)
		if err != nil {
			return false, err
		}
		cache[i] = p
		a.Runs += p.Runs
		return p.Meets, nil
	}
	last := len(r.Grid) - 1
	safe, risky := last, 0 // the ends of the grid: least and most risk
	if f.Parameter.Goal == "max" {
		safe, risky = 0, last
	}
	m, err := ok(safe)
	if err != nil {
		return a, err
	}
	if !m {
		a.At = cache[safe]
		if a.At.Fails {
			a.Note = fmt.Sprintf("even %s = %s does not meet the budget with 95%% confidence", f.Parameter.Key, r.Grid[safe])
		} else {
			a.Note = fmt.Sprintf("even %s = %s is undecided after %d runs, the most a probe may use: an interval still straddles a limit; "+
				"raise max_runs (%d now) to decide it", f.Parameter.Key, r.Grid[safe], a.At.Runs, f.MaxRuns)
		}
		return a, nil
	}
	m, err = ok(risky)
	if err != nil {
		return a, err
	}
	ans, bad := safe, risky
	if m {
		ans, a.RangeEnd = risky, true
		a.Note = fmt.Sprintf("the whole range meets the budget: the bound %s = %s stops the search, not the budget; widen the range to find the limit", f.Parameter.Key, r.Grid[risky])
	} else {
		for abs(ans-bad) > 1 {
			mid := (ans + bad) / 2
			m, err := ok(mid)
			if err != nil {
				return a, err
			}
			if m {
				ans = mid
			} else {
				bad = mid
			}
		}
	}
	a.Found, a.Index, a.Value, a.At = true, ans, r.Grid[ans], cache[ans]
	// The binding constraint: the one not met at the nearest riskier
	// probe that is closest to its limit; without such a probe, the one
	// with the least margin at the answer.
	if b, seen := cache[bad]; seen && bad != ans {
		worst := math.Inf(1)
		for k, v := range b.Verdicts {
			if !v.Meets && a.At.Verdicts[k].Margin < worst {
				worst, a.Binding = a.At.Verdicts[k].Margin, &r.Budget[k]
			}
		}
	}
	if a.Binding == nil {
		worst := math.Inf(1)
		for k, v := range a.At.Verdicts {
			if v.Margin < worst {
				worst, a.Binding = v.Margin, &r.Budget[k]
			}
		}
	}
	return a, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// probe runs grid value i at outer and judges it (decide).
func (r *TuneResult) probe(ctx context.Context, outer string, i int, opt Options) (*Probe, error) {
	f := r.File
	keys, vals := []string{f.Parameter.Key}, []string{r.Grid[i]}
	if f.Outer != nil {
		keys, vals = []string{f.Outer.Key, f.Parameter.Key}, []string{outer, r.Grid[i]}
	}
	p := &Probe{Outer: outer, Index: i, Value: r.Grid[i], Dir: f.PointDir(vals, keys)}
	var err error
	if p.Budget, err = f.budgetAt(r.Budget, f.tuneOverrides(outer, r.Grid[i]), "tune"); err != nil {
		return nil, err
	}
	figs := make([]Figure, len(r.Budget))
	for k := range r.Budget {
		figs[k] = r.Budget[k].Figure
	}
	err = r.decide(p, func(first, last int) (map[string][]float64, error) {
		dir := filepath.Join(opt.Out, p.Dir, fmt.Sprintf("runs-%06d-%06d", first, last-1))
		v, _, _, err := f.runPoint(ctx, f.tuneOverrides(outer, r.Grid[i]), dir, first, last, opt, figs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	r.Probes = append(r.Probes, p)
	if opt.Log != nil {
		what := "undecided at max_runs: counted as not meeting"
		switch {
		case p.Meets:
			what = "meets the budget"
		case p.Fails:
			what = "fails the budget"
		}
		var parts []string
		for k := range r.Budget {
			parts = append(parts, r.Budget[k].Figure.Text+" "+formatEst(r.Budget[k].Figure, p.Verdicts[k].Estimate))
		}
		fmt.Fprintf(opt.Log, "probe %s: %d runs, %s; %s\n", strings.Join(reports.Assign(keys, vals, "="), " "), p.Runs, what, strings.Join(parts, "; "))
	}
	return p, nil
}

// decide judges probe p on its budget p.Budget: the file's runs first,
// doubling (new run indices, same master seed) while some constraint's
// interval straddles its limit and none has failed, up to max_runs. more
// returns the values of runs [first, last) by metric. Each look judges
// every constraint at the per-look confidence (File.LookConfidence:
// Bonferroni over the looks a probe may take), so that the verdict the
// probe stops at holds at 95% whichever look that is.
func (r *TuneResult) decide(p *Probe, more func(first, last int) (map[string][]float64, error)) error {
	f := r.File
	conf := f.LookConfidence()
	values := map[string][]float64{}
	first, last := 0, f.Runs
	for {
		v, err := more(first, last)
		if err != nil {
			return err
		}
		for m, x := range v {
			values[m] = append(values[m], x...)
		}
		p.Runs = last
		p.Meets, p.Fails = true, false
		p.Verdicts = make([]Verdict, len(p.Budget))
		for k := range p.Budget {
			p.Verdicts[k] = p.Budget[k].Judge(values[p.Budget[k].Metric], f.seed^uint64(k), conf)
			p.Meets = p.Meets && p.Verdicts[k].Meets
			p.Fails = p.Fails || p.Verdicts[k].Fails
		}
		if p.Meets || p.Fails || 2*last > f.MaxRuns {
			return nil
		}
		first, last = last, 2*last
	}
}

// MarginText says how far the answer's interval is from the binding
// constraint's limit.
func (a *Answer) MarginText() string {
	if a.Binding == nil || a.At == nil {
		return ""
	}
	for k := range a.At.Verdicts {
		v := a.At.Verdicts[k]
		if v.C.Text != a.Binding.Text {
			continue
		}
		bound, side := v.Hi, "upper"
		if a.Binding.Op == ">=" {
			bound, side = v.Lo, "lower"
		}
		margin := fmtFig(a.Binding.Figure, v.Margin)
		if a.Binding.IsProb() {
			margin = strconv.FormatFloat(100*v.Margin, 'g', 3, 64) + " percentage points"
		}
		limit := fmtFig(a.Binding.Figure, v.C.Limit)
		if a.Binding.KeyLimit() {
			limit += " (" + a.Binding.RHS + " at this value)"
		}
		conf := v.Conf
		if conf == 0 {
			conf = Confidence
		}
		return fmt.Sprintf("estimate %s, %s %s bound %s against the limit %s (margin %s)", fmtFig(a.Binding.Figure, v.Value), reports.ConfText(conf), side,
			fmtFig(a.Binding.Figure, bound), limit, margin)
	}
	return ""
}

func fmtFig(f Figure, x float64) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	if f.IsProb() {
		return strconv.FormatFloat(100*x, 'g', 3, 64) + "%"
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// CSV renders tune.csv: every probe in search order.
func (r *TuneResult) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := []string{}
	if r.File.Outer != nil {
		head = append(head, r.File.Outer.Key)
	}
	head = append(head, r.File.Parameter.Key, "runs", "verdict", "dir")
	for _, c := range r.Budget {
		head = append(head, c.Figure.Text, c.Figure.Text+" lo", c.Figure.Text+" hi")
	}
	w.Write(head)
	for _, p := range r.Probes {
		row := []string{}
		if r.File.Outer != nil {
			row = append(row, p.Outer)
		}
		row = append(row, p.Value, strconv.Itoa(p.Runs), p.verdict(), p.Dir)
		for _, v := range p.Verdicts {
			row = append(row, num(v.Value), num(v.Lo), num(v.Hi))
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

func (p *Probe) verdict() string {
	switch {
	case p.Meets:
		return "meets"
	case p.Fails:
		return "fails"
	}
	return "undecided"
}

func (r *TuneResult) report(opt Options) *reports.Tune {
	f := r.File
	t := &reports.Tune{Name: f.Name, Description: f.Description, File: f.path, Base: f.Base, Command: opt.Command,
		Version: opt.Version, Key: f.Parameter.Key, Goal: f.Parameter.Goal, From: string(f.Parameter.From), To: string(f.Parameter.To),
		Step: string(f.Parameter.Step), Seed: f.seed, FirstRuns: f.Runs, MaxRuns: f.ProbeRuns(), RunsSpent: r.RunsSpent,
		Looks: f.Looks(), LookConf: f.LookConfidence()}
	t.Units = units(f.Parameter.Key)
	if f.Outer != nil {
		t.OuterKey = f.Outer.Key
		t.Units = units(f.Parameter.Key, f.Outer.Key)
	}
	for _, c := range r.Budget {
		t.Budget = append(t.Budget, budgetFigure(c))
	}
	for _, p := range r.Probes {
		x, _ := strconv.ParseFloat(p.Value, 64)
		tp := reports.TuneProbe{Outer: p.Outer, Value: p.Value, X: x, Runs: p.Runs, Meets: p.Meets, Fails: p.Fails, Dir: p.Dir}
		for k := range p.Budget {
			if p.Budget[k].Limit != r.Budget[k].Limit {
				if tp.Limits == nil {
					tp.Limits = make([]float64, len(r.Budget))
					for i := range tp.Limits {
						tp.Limits[i] = math.NaN()
					}
				}
				tp.Limits[k] = p.Budget[k].Limit
			}
		}
		for _, v := range p.Verdicts {
			tp.Est = append(tp.Est, est(v.Estimate))
			w := "undecided"
			switch {
			case v.Meets:
				w = "met"
			case v.Fails:
				w = "not met"
			}
			tp.Budget = append(tp.Budget, w)
		}
		t.Probes = append(t.Probes, tp)
	}
	for _, a := range r.Answers {
		x, _ := strconv.ParseFloat(a.Value, 64)
		ta := reports.TuneAnswer{Outer: a.Outer, Found: a.Found, Value: a.Value, X: x, Runs: a.Runs, Note: a.Note, Margin: a.MarginText(),
			RangeEnd: a.RangeEnd}
		if a.Binding != nil {
			ta.Binding = "`" + a.Binding.Text + "`"
		}
		t.Answers = append(t.Answers, ta)
	}
	return t
}
