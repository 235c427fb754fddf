package sweep

import (
	"math"
	"strings"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// reportFigure describes a figure for the report.
func reportFigure(f Figure, method string) reports.SweepFigure {
	return reports.SweepFigure{Text: f.Text, Prob: f.IsProb(), Method: method, Unit: metricUnit(f.Metric)}
}

// budgetFigure describes a budget constraint's figure for the report.
func budgetFigure(c Constraint) reports.SweepFigure {
	rf := reportFigure(c.Figure, method(c.Figure))
	rf.Budget, rf.Op, rf.Limit = c.Text, c.Op, c.Limit
	if c.KeyLimit() {
		rf.LimitKey = c.RHS
	}
	return rf
}

// metricUnit is the unit of a runs.csv column, as the manifest gives it.
func metricUnit(name string) string {
	if strings.HasPrefix(name, "final_price_") {
		return "USD"
	}
	for _, m := range sim.SummaryMetrics() {
		if m.Name == name {
			return m.Unit
		}
	}
	return ""
}

// pointLimits are the limits at a point of the report's figures, by
// figure, where some differs from the file's (a limit that names a key the
// sweep or tune varies); nil where none does.
func pointLimits(budget, at []Constraint, figs []Figure) []float64 {
	var out []float64
	for k := range budget {
		if at[k].Limit == budget[k].Limit {
			continue
		}
		if out == nil {
			out = make([]float64, len(figs))
			for i := range out {
				out[i] = math.NaN()
			}
		}
		for i := range figs {
			if figs[i] == budget[k].Figure {
				out[i] = at[k].Limit
			}
		}
	}
	return out
}

// method names the interval method of a figure.
func method(f Figure) string {
	switch f.Kind {
	case "P>", "P<":
		return "Clopper-Pearson exact binomial"
	case "mean":
		return "Student t"
	case "VaR":
		return "distribution-free order statistics"
	}
	return "percentile bootstrap (2,000 resamples)"
}

func est(e Estimate) reports.SweepEstimate {
	return reports.SweepEstimate{Value: e.Value, Lo: e.Lo, Hi: e.Hi, NeedRuns: e.NeedRuns}
}

// units maps each key to the unit of its values, where the schema's doc
// names one.
func units(keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if u := scenario.Unit(k); u != "" {
			out[k] = u
		}
	}
	return out
}

// sweepReport is the sweep's report data.
func (r *Result) sweepReport(opt Options) *reports.Sweep {
	f := r.File
	s := &reports.Sweep{Name: f.Name, Description: f.Description, File: f.path, Base: f.Base, Command: opt.Command,
		Version: opt.Version, Mode: f.Mode, Runs: f.Runs, Seed: f.seed, Keys: f.Keys(), Ref: r.Ref, HasBudget: len(r.Budget) > 0,
		Units: units(f.Keys()...)}
	for _, x := range r.Figures {
		rf := reportFigure(x, method(x))
		for _, c := range r.Budget {
			if c.Figure == x {
				rf = budgetFigure(c)
			}
		}
		s.Figures = append(s.Figures, rf)
	}
	for _, p := range r.Points {
		sp := reports.SweepPoint{Values: p.Values, Dir: p.Dir, Runs: p.Runs, Failed: p.Failed, Meets: p.Meets, Fails: p.Fails,
			Limits: pointLimits(r.Budget, p.Budget, r.Figures)}
		for k := range r.Figures {
			sp.Est = append(sp.Est, est(p.Est[k]))
			sp.Diff = append(sp.Diff, est(p.Diff[k]))
		}
		s.Points = append(s.Points, sp)
	}
	return s
}

// Report renders the sweep report.
func (r *Result) Report(opt Options) reportWriter {
	return reportWriter{build: func() (*reports.Report, error) { return reports.SweepReport(r.sweepReport(opt)) }}
}

// reportWriter renders a report and writes it as sweep.md and sweep.html
// (or tune.md and tune.html).
type reportWriter struct {
	build    func() (*reports.Report, error)
	md, html string
}

func (w reportWriter) Write(dir string) error {
	rep, err := w.build()
	if err != nil {
		return err
	}
	md, html := w.md, w.html
	if md == "" {
		md, html = ReportMD, ReportHTML
	}
	return rep.WriteAs(dir, md, html)
}
