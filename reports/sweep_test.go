package reports

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

func est(v, lo, hi float64) SweepEstimate { return SweepEstimate{Value: v, Lo: lo, Hi: hi} }

func testSweep(keys []string, values [][]string) *Sweep {
	s := &Sweep{Name: "t", Mode: "grid", Runs: 100, Keys: keys, HasBudget: true, Command: "tempest sweep t.toml",
		Figures: []SweepFigure{
			{Text: "P(bad_debt > 0)", Prob: true, Budget: "P(bad_debt > 0) <= 0.02", Op: "<=", Limit: 0.02, Method: "Clopper-Pearson"},
			{Text: "mean(liquidated_debt)", Method: "Student t"},
		}}
	for i, v := range values {
		// Intervals p ± 0.009 against the limit 0.02: 0.01 meets it,
		// 0.02 straddles it (undecided) and 0.03 or more fails it.
		p := float64(len(values)-i) / 100
		lo, hi := p-0.009, p+0.009
		s.Points = append(s.Points, SweepPoint{Values: v, Runs: 100, Meets: hi <= 0.02, Fails: lo > 0.02,
			Est:  []SweepEstimate{est(p, lo, hi), est(1e5*p, math.NaN(), math.NaN())},
			Diff: []SweepEstimate{est(p-0.01, p-0.02, p), est(1, 0, 2)}})
	}
	return s
}

// TestSweepReportRenders: a one-key sweep draws a line chart per figure
// and a two-key grid a heatmap per figure; the tables list every point,
// the verdicts and the paired differences.
func TestSweepReportRenders(t *testing.T) {
	one := testSweep([]string{"profiles.gold.haircut"}, [][]string{{"0"}, {"0.1"}, {"0.2"}})
	two := testSweep([]string{"profiles.gold.haircut", "profiles.gold.debt_ceiling"},
		[][]string{{"0.1", "1e7"}, {"0.1", "2e7"}, {"0.2", "1e7"}, {"0.2", "2e7"}})
	for _, s := range []*Sweep{one, two} {
		r, err := SweepReport(s)
		if err != nil {
			t.Fatal(err)
		}
		md := string(r.Markdown)
		for _, want := range []string{"| 0.2 |", "| not met |", "| met |", "| undecided |", "reference", "Δ `P(bad_debt > 0)`", "plots/sweep-1.png", "plots/sweep-2.png"} {
			if !strings.Contains(md, want) {
				t.Errorf("%d keys: the Markdown lacks %q", len(s.Keys), want)
			}
		}
		if len(r.Plots) != 4 || len(r.Plots["sweep-1.svg"]) < 1000 {
			t.Errorf("%d keys: plots %d, sweep-1.svg %d bytes", len(s.Keys), len(r.Plots), len(r.Plots["sweep-1.svg"]))
		}
	}
}

// TestTuneReportRenders: the recommendation, binding constraint, probes
// and a frontier chart per constraint (plus the frontier curve with two
// parameters).
func TestTuneReportRenders(t *testing.T) {
	tn := &Tune{Name: "t", Key: "profiles.gold.haircut", Goal: "min", From: "0", To: "0.5", Step: "0.05", FirstRuns: 100, MaxRuns: 800,
		Budget:  []SweepFigure{{Text: "P(bad_debt > 0)", Prob: true, Budget: "P(bad_debt > 0) <= 0.01", Op: "<=", Limit: 0.01}},
		Answers: []TuneAnswer{{Found: true, Value: "0.2", X: 0.2, Binding: "`P(bad_debt > 0) <= 0.01`", Margin: "0.1%", Runs: 900}}}
	for _, v := range []float64{0.5, 0, 0.25, 0.15, 0.2} {
		tn.Probes = append(tn.Probes, TuneProbe{Value: Num(v), X: v, Runs: 100, Meets: v >= 0.2, Fails: v < 0.2,
			Est: []SweepEstimate{est(0.02-v/25, 0.01-v/25, 0.03-v/25)}, Budget: []string{"met"}})
	}
	r, err := TuneReport(tn)
	if err != nil {
		t.Fatal(err)
	}
	md := string(r.Markdown)
	for _, want := range []string{"`profiles.gold.haircut = 0.2`", "Binding constraint", "fails the budget", "plots/tune-1.png"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	tn.OuterKey = "profiles.gold.debt_ceiling"
	// Probes sharing a value under different outer values, each with its
	// own limit (one that names a scenario key): a dash at each.
	tn.Probes = append(tn.Probes, tn.Probes[0])
	for i := range tn.Probes {
		tn.Probes[i].Limits = []float64{0.01 * float64(i+1)}
	}
	tn.Answers = []TuneAnswer{{Outer: "1e7", Found: true, Value: "0.1", X: 0.1}, {Outer: "2e7", Found: true, Value: "0.2", X: 0.2}, {Outer: "4e7", Note: "even 0.5 fails"}}
	r, err = TuneReport(tn)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Plots["tune-frontier.svg"]; !ok || !strings.Contains(string(r.Markdown), "none (even 0.5 fails)") {
		t.Errorf("two-parameter frontier: plots %v", len(r.Plots))
	}
}

// TestSweepReportReadsAlone: what a reader needs beside the numbers. The
// summary counts undecided points apart from those that fail; a figure
// without an interval says how many runs one needs; a figure's axis has
// its unit; a key whose values are not numbers (durations) labels its
// axis with them; a limit that names a scenario key is drawn at each
// point's value and the caption says so.
func TestSweepReportReadsAlone(t *testing.T) {
	s := testSweep([]string{"auction.gold.tail"}, [][]string{{"1h"}, {"6h"}, {"1d"}})
	s.Figures[1].Unit = "rwaUSD"
	s.Points[0].Est[1].NeedRuns = 1000
	s.Points[1].Diff[1] = SweepEstimate{Value: 2e4, Lo: math.NaN(), Hi: math.NaN(), NeedRuns: 1000}
	s.Figures[0].LimitKey = "backstop.reserve"
	for i := range s.Points {
		s.Points[i].Limits = []float64{0.01 * float64(i+1), math.NaN()}
	}
	r, err := SweepReport(s)
	if err != nil {
		t.Fatal(err)
	}
	md := string(r.Markdown)
	for _, want := range []string{"| **Points meeting it** | 1 of 3; 1 undecided", "3k (no interval: it needs 1,000 runs)", "+20k (no interval: it needs 1,000 runs)",
		"The limit is each point's own backstop.reserve."} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	svg1, svg2 := string(r.Plots["sweep-1.svg"]), string(r.Plots["sweep-2.svg"])
	for _, want := range []string{">6h</text>", ">1d</text>"} {
		if !strings.Contains(svg1, want) {
			t.Errorf("sweep-1.svg: the x axis lacks the tick %q", want)
		}
	}
	if !strings.Contains(svg2, ">mean(liquidated_debt) [rwaUSD]</text>") {
		t.Error("sweep-2.svg: the y axis lacks the unit")
	}

	// A key whose values have a unit carries it on the x axis.
	s = testSweep([]string{"backstop.reserve"}, [][]string{{"1000000"}, {"2000000"}})
	s.Units = map[string]string{"backstop.reserve": "rwaUSD"}
	if r, err = SweepReport(s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r.Plots["sweep-1.svg"]), ">backstop.reserve [rwaUSD]</text>") {
		t.Error("sweep-1.svg: the x axis lacks the key's unit")
	}
}

// TestTuneChartsTellOuterValuesApart: in a two-parameter tune each outer
// value has its own marker shape and a legend entry naming it, and a
// recommendation the range's end stops is marked apart from one a
// constraint stops, on the budget charts and on the frontier; the page
// and the charts give the per-look confidence of the intervals.
func TestTuneChartsTellOuterValuesApart(t *testing.T) {
	tn := &Tune{Name: "t", Key: "profiles.gold.haircut", Goal: "min", From: "0", To: "0.4", Step: "0.1", FirstRuns: 100, MaxRuns: 800,
		Looks: 4, LookConf: 0.9875, OuterKey: "profiles.gold.debt_ceiling",
		Budget: []SweepFigure{{Text: "P(bad_debt > 0)", Prob: true, Budget: "P(bad_debt > 0) <= 0.02", Op: "<=", Limit: 0.02}}}
	for _, o := range []string{"10000000", "20000000", "40000000"} {
		for _, v := range []float64{0.4, 0, 0.2, 0.1} {
			meets := o == "10000000" || v >= 0.2
			tn.Probes = append(tn.Probes, TuneProbe{Outer: o, Value: Num(v), X: v, Runs: 800, Meets: meets, Fails: !meets,
				Est: []SweepEstimate{est(0.02-v/25, 0.01-v/25, 0.03-v/25)}, Budget: []string{"met"}})
		}
	}
	tn.Answers = []TuneAnswer{{Outer: "10000000", Found: true, Value: "0", X: 0, RangeEnd: true},
		{Outer: "20000000", Found: true, Value: "0.2", X: 0.2}, {Outer: "40000000", Found: true, Value: "0.2", X: 0.2}}
	r, err := TuneReport(tn)
	if err != nil {
		t.Fatal(err)
	}
	md, svg, front := string(r.Markdown), string(r.Plots["tune-1.svg"]), string(r.Plots["tune-frontier.svg"])
	for _, want := range []string{"each look at 98.75%: 4 looks, Bonferroni, so each verdict holds at 95%", "with its 98.75% interval"} {
		if !strings.Contains(md, want) {
			t.Errorf("tune.md lacks %q", want)
		}
	}
	for _, want := range []string{">debt_ceiling = 10000000</text>", ">debt_ceiling = 20000000</text>", ">debt_ceiling = 40000000</text>",
		">98.75% interval</text>", ">recommended</text>", ">recommended: the range&#39;s end</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("tune-1.svg lacks %q", want)
		}
	}
	for _, want := range []string{">a constraint stops it</text>", ">the range&#39;s end stops it</text>"} {
		if !strings.Contains(front, want) {
			t.Errorf("tune-frontier.svg lacks %q", want)
		}
	}
	// Every shape differs from the others in its outline.
	seen := map[string]int{}
	for g := 0; g < nShapes; g++ {
		key := fmt.Sprint(shapeGlyph{shape: g}.outline(vg.Point{}, vg.Points(3)))
		if h, ok := seen[key]; ok {
			t.Errorf("shapes %d and %d have one outline", h, g)
		}
		seen[key] = g
	}

	// Without a range's end, only the ring of a constraint's stop; one
	// parameter: the recommended line says when the range's end stops it.
	tn.Answers[0].RangeEnd = false
	if r, err = TuneReport(tn); err != nil {
		t.Fatal(err)
	}
	if svg := string(r.Plots["tune-1.svg"]); strings.Contains(svg, "range&#39;s end") || !strings.Contains(svg, ">recommended</text>") {
		t.Error("tune-1.svg marks a range's end where a constraint stops every search")
	}
	one := *tn
	one.OuterKey, one.Probes, one.Answers = "", tn.Probes[:4], []TuneAnswer{{Found: true, Value: "0", X: 0, RangeEnd: true}}
	if r, err = TuneReport(&one); err != nil {
		t.Fatal(err)
	}
	if svg := string(r.Plots["tune-1.svg"]); !strings.Contains(svg, ">recommended: the range&#39;s end</text>") {
		t.Error("one parameter: tune-1.svg does not mark the range's end")
	}
}
