package sweep

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// writeSweep writes a sweep file over the baseline into dir and loads it.
func writeSweep(t *testing.T, dir, body string) *File {
	t.Helper()
	base, err := filepath.Abs("../../configs/baseline.toml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.toml")
	src := "base = \"" + base + "\"\n" + body
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return f
}

// TestAddingAPointKeepsTheOthers: common random numbers. A sweep over two
// gold haircuts and one over three (the third inserted between them) give
// the same bytes at the two shared points, and every point runs the same
// seeds.
func TestAddingAPointKeepsTheOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two small sweeps")
	}
	const head = "runs = 6\nseed = 11\nset = [\"horizon=3d\"]\nbudget = [\"P(bad_debt > 0) <= 0.5\"]\n[[axes]]\nkey = \"profiles.gold.haircut\"\n"
	d1, d2 := t.TempDir(), t.TempDir()
	f1 := writeSweep(t, d1, head+"values = [\"0.05\", \"0.30\"]\n")
	f2 := writeSweep(t, d2, head+"values = [\"0.05\", \"0.15\", \"0.30\"]\n")
	r1, err := Run(context.Background(), f1, Options{Out: filepath.Join(d1, "out"), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Run(context.Background(), f2, Options{Out: filepath.Join(d2, "out"), Workers: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r1.Points) != 2 || len(r2.Points) != 3 {
		t.Fatalf("points: %d and %d, want 2 and 3", len(r1.Points), len(r2.Points))
	}
	read := func(dir, p, name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, "out", p, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, p := range []string{r1.Points[0].Dir, r1.Points[1].Dir} {
		for _, name := range []string{"runs.csv", "quantiles.csv", "paths.csv"} {
			if !bytes.Equal(read(d1, p, name), read(d2, p, name)) {
				t.Errorf("%s/%s differs once a point is added", p, name)
			}
		}
	}
	// The points differ in their configuration (the override applied).
	hash := func(p string) string {
		b := read(d2, p, "manifest.json")
		i := bytes.Index(b, []byte("config_sha256"))
		return string(b[i : i+80])
	}
	if hash(r2.Points[0].Dir) == hash(r2.Points[2].Dir) {
		t.Error("points 0.05 and 0.30 have the same configuration")
	}
	// The same seeds at every point: column 2 of runs.csv.
	seeds := func(b []byte) string {
		var out []string
		for _, line := range strings.Split(string(b), "\n")[1:] {
			if f := strings.Split(line, ","); len(f) > 1 {
				out = append(out, f[1])
			}
		}
		return strings.Join(out, " ")
	}
	s0 := seeds(read(d2, r2.Points[0].Dir, "runs.csv"))
	for _, p := range r2.Points[1:] {
		if s := seeds(read(d2, p.Dir, "runs.csv")); s != s0 {
			t.Errorf("%s runs seeds %s, point 0 runs %s", p.Dir, s, s0)
		}
	}
	for _, name := range []string{SweepFile, PlanFile, ReportMD, ReportHTML} {
		if _, err := os.Stat(filepath.Join(d2, "out", name)); err != nil {
			t.Error(err)
		}
	}
	// The reference point (the baseline's own 0.10 is not swept: the first)
	// has zero paired differences.
	for k, d := range r2.Points[r2.Ref].Diff {
		if d.Value != 0 {
			t.Errorf("figure %d: reference point differs from itself by %g", k, d.Value)
		}
	}
}

func TestExpansion(t *testing.T) {
	dir := t.TempDir()
	f := writeSweep(t, dir, "[[axes]]\nkey = \"profiles.gold.haircut\"\nfrom = \"0.05\"\nto = \"0.20\"\nstep = \"0.05\"\n"+
		"[[axes]]\nkey = \"profiles.gold.debt_ceiling\"\nvalues = [\"1e7\", \"2e7\"]\n")
	var got []string
	for _, p := range f.Points() {
		got = append(got, strings.Join(p.Values, "/"))
	}
	want := "0.05/1e7 0.05/2e7 0.1/1e7 0.1/2e7 0.15/1e7 0.15/2e7 0.2/1e7 0.2/2e7"
	if strings.Join(got, " ") != want {
		t.Errorf("grid:\n got %s\nwant %s", strings.Join(got, " "), want)
	}

	f = writeSweep(t, dir, "mode = \"zip\"\n[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.1\", \"0.2\"]\n"+
		"[[axes]]\nkey = \"profiles.gold.debt_ceiling\"\nvalues = [\"1e7\", \"2e7\"]\n")
	if pts := f.Points(); len(pts) != 2 || pts[1].Values[0] != "0.2" || pts[1].Values[1] != "2e7" {
		t.Errorf("zip: %v", pts)
	}

	// Latin hypercube: each axis's n strata hold one sample each.
	const n = 10
	f = writeSweep(t, dir, "mode = \"lhs\"\nsamples = 10\n[[axes]]\nkey = \"profiles.gold.haircut\"\nfrom = \"0\"\nto = \"1\"\n"+
		"[[axes]]\nkey = \"profiles.gold.safety_factor\"\nfrom = \"1\"\nto = \"2\"\n")
	pts := f.Points()
	for k, lo := range []float64{0, 1} {
		seen := make([]bool, n)
		for _, p := range pts {
			v, _ := parseNum("", p.Values[k])
			s := int(math.Floor((v - lo) * n))
			if s < 0 || s >= n || seen[s] {
				t.Fatalf("axis %d: value %s in stratum %d twice or outside", k, p.Values[k], s)
			}
			seen[s] = true
		}
	}
	// Rounded to a step, samples stay within the range even where it is
	// not a whole number of steps (0 to 0.28 by 0.1: never 0.3).
	f = writeSweep(t, dir, "mode = \"lhs\"\nsamples = 20\n[[axes]]\nkey = \"profiles.gold.haircut\"\nfrom = \"0\"\nto = \"0.28\"\nstep = \"0.1\"\n")
	for _, p := range f.Points() {
		if v, _ := parseNum("", p.Values[0]); v < 0 || v > 0.28 {
			t.Errorf("lhs sample %s outside [0, 0.28]", p.Values[0])
		}
	}
}

// TestBadKeysStopBeforeRunning: a key outside the schema and a value the
// scenario rejects are reported with the sweep file's line, before any run.
func TestBadKeysStopBeforeRunning(t *testing.T) {
	dir := t.TempDir()
	f := writeSweep(t, dir, "[[axes]]\nkey = \"profiles.gold.hairkut\"\nvalues = [\"0.1\"]\n")
	err := f.Check(f.Points())
	var es scenario.Errors
	if !errors.As(err, &es) || es[0].Line != 3 || !strings.Contains(es[0].Error(), "hairkut") {
		t.Fatalf("unknown key: %v", err)
	}
	f = writeSweep(t, dir, "[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.1\", \"1.5\"]\n")
	err = f.Check(f.Points())
	if !errors.As(err, &es) || len(es) != 1 || es[0].Line != 3 || !strings.Contains(es[0].Error(), "1.5") {
		t.Fatalf("bad value: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "points")); err == nil {
		t.Error("a point ran")
	}
}

// TestLoadMistakes: a scenario file given as a sweep is named as such in
// one error, a missing base scenario is reported at the sweep file's base
// key, and figures may read the final price of any of the base's assets,
// as runs.csv has them.
func TestLoadMistakes(t *testing.T) {
	_, err := Load("../../configs/baseline.toml")
	var es scenario.Errors
	if !errors.As(err, &es) || len(es) != 1 || !strings.Contains(es[0].Msg, "a scenario file") || !strings.Contains(es[0].Hint, "tempest run") {
		t.Errorf("a scenario as a sweep: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "s.toml")
	src := "name = \"x\"\nbase = \"nope.toml\"\n[[axes]]\nkey = \"runs\"\nvalues = [\"10\"]\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if !errors.As(err, &es) || len(es) != 1 || es[0].File != path || es[0].Line != 2 || es[0].Key != "base" {
		t.Errorf("a missing base: %v", err)
	}
	f := writeSweep(t, dir, "figures = [\"mean(final_price_gold)\"]\n[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.1\"]\n")
	if _, figs := f.figures(); !slices.ContainsFunc(figs, func(x Figure) bool { return x.Metric == "final_price_gold" }) {
		t.Errorf("figures %+v: no final_price_gold", figs)
	}
}

func TestParseConstraint(t *testing.T) {
	s, err := scenario.Load("../../configs/baseline.toml")
	if err != nil {
		t.Fatal(err)
	}
	metrics := metricNames(s)
	c, err := ParseConstraint("ES99(peak_deficit) <= backstop.reserve", s, metrics)
	if err != nil || c.Kind != "ES" || c.Arg != 0.99 || c.Limit != 1.5e6 {
		t.Errorf("ES99: %+v %v", c, err)
	}
	for _, bad := range []string{"P(peak_deficit) <= 0.01", "P(nope > 0) <= 0.01", "VaR(peak_deficit) <= 1", "ES99(peak_deficit) <= backstop.nothing", "mean(peg_min) < 1"} {
		if _, err := ParseConstraint(bad, s, metrics); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestJudge: Clopper-Pearson with 0 hits in 300 runs has upper bound
// 1 − 0.025^(1/300) ≈ 1.22%, so P ≤ 1% is undecided there and met at 400
// runs (0.92%); 30 hits in 1,000 fail it (lower bound 2.0%).
func TestJudge(t *testing.T) {
	c := Constraint{Figure: Figure{Text: "P(x > 0)", Kind: "P>", Metric: "x"}, Op: "<=", Limit: 0.01}
	runs := func(n, hits int) []float64 {
		v := make([]float64, n)
		for i := 0; i < hits; i++ {
			v[i] = 1
		}
		return v
	}
	if v := c.Judge(runs(300, 0), 1); v.Meets || v.Fails {
		t.Errorf("300 runs, 0 hits: %+v", v)
	}
	if v := c.Judge(runs(400, 0), 1); !v.Meets || v.Margin <= 0 {
		t.Errorf("400 runs, 0 hits: %+v", v)
	}
	if v := c.Judge(runs(1000, 30), 1); !v.Fails {
		t.Errorf("1000 runs, 30 hits: %+v", v)
	}
	// NaN (failed runs) are left out.
	if v := c.Judge(append(runs(400, 0), math.NaN()), 1); v.N != 400 {
		t.Errorf("N = %d, want 400", v.N)
	}
}

// TestPairedDiff: the paired interval of a shift by a constant is that
// constant exactly, however noisy the values.
func TestPairedDiff(t *testing.T) {
	a, b := make([]float64, 500), make([]float64, 500)
	for i := range a {
		b[i] = math.Sin(float64(i)) * 1000
		a[i] = b[i] + 3
	}
	f := Figure{Kind: "mean", Metric: "x"}
	d := f.PairedDiff(a, b, 1)
	if math.Abs(d.Value-3) > 1e-9 || math.Abs(d.Lo-3) > 1e-9 || math.Abs(d.Hi-3) > 1e-9 {
		t.Errorf("mean shift: %+v", d)
	}
	f = Figure{Kind: "ES", Metric: "x", Arg: 0.9}
	d = f.PairedDiff(a, b, 1)
	if math.Abs(d.Value-3) > 1e-9 || math.Abs(d.Lo-3) > 1e-6 || math.Abs(d.Hi-3) > 1e-6 {
		t.Errorf("ES shift: %+v", d)
	}
}

// TestBisection: on a monotone budget (met from grid index 13 up), the
// search finds 13 with about log2(grid) probes; with goal max, the mirror.
func TestBisection(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		goal string
		want int
	}{{"min", 13}, {"max", 13}} {
		f := writeSweep(t, dir, "budget = [\"P(bad_debt > 0) <= 0.01\"]\n[parameter]\nkey = \"profiles.gold.haircut\"\nfrom = \"0\"\nto = \"0.4\"\nstep = \"0.01\"\ngoal = \""+tc.goal+"\"\n")
		grid, _ := f.Parameter.grid()
		r := &TuneResult{File: f, Grid: grid}
		r.Budget, _ = f.figures()
		r.probeFn = func(_ context.Context, outer string, i int, _ Options) (*Probe, error) {
			ok := i >= tc.want
			if tc.goal == "max" {
				ok = i <= tc.want
			}
			p := &Probe{Index: i, Value: grid[i], Runs: 100, Meets: ok, Fails: !ok,
				Verdicts: []Verdict{{C: &r.Budget[0], Meets: ok, Fails: !ok, Margin: 0.001 * float64(i)}}}
			r.Probes = append(r.Probes, p)
			return p, nil
		}
		a, err := r.search(context.Background(), "", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Found || a.Index != tc.want || len(r.Probes) > 9 {
			t.Errorf("goal %s: found %v at %d (%s) after %d probes, want %d", tc.goal, a.Found, a.Index, a.Value, len(r.Probes), tc.want)
		}
		if a.Binding == nil || a.Binding.Text != "P(bad_debt > 0) <= 0.01" {
			t.Errorf("goal %s: binding %v", tc.goal, a.Binding)
		}
	}
}

// TestCheckReportsEachProblemOnce: a misspelt key is one error, not one
// per point, and a bad value of one axis does not hide another axis's: a
// haircut out of range and a debt ceiling that is not a number are both
// reported, each once, at their axes' lines, though every point has one
// of them.
func TestCheckReportsEachProblemOnce(t *testing.T) {
	dir := t.TempDir()
	f := writeSweep(t, dir, "[[axes]]\nkey = \"profiles.gold.hairkut\"\nvalues = [\"0.1\", \"0.2\", \"0.3\"]\n"+
		"[[axes]]\nkey = \"profiles.gold.debt_ceiling\"\nvalues = [\"10000000\", \"20000000\"]\n")
	var es scenario.Errors
	if err := f.Check(f.Points()); !errors.As(err, &es) || len(es) != 1 || es[0].Line != 3 || !strings.Contains(es[0].Msg, "hairkut") {
		t.Errorf("a misspelt key over 6 points: want one error at line 3, got %v", err)
	}
	f = writeSweep(t, dir, "[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.1\", \"1.5\"]\n"+
		"[[axes]]\nkey = \"profiles.gold.debt_ceiling\"\nvalues = [\"abc\", \"20000000\", \"30000000\"]\n")
	err := f.Check(f.Points())
	if !errors.As(err, &es) || len(es) != 2 {
		t.Fatalf("a bad value on each axis: want 2 errors, got %v", err)
	}
	var lines []int
	for _, e := range es {
		lines = append(lines, e.Line)
	}
	slices.Sort(lines)
	if !slices.Equal(lines, []int{3, 6}) || !strings.Contains(err.Error(), `"1.5"`) || !strings.Contains(err.Error(), `"abc"`) {
		t.Errorf("want the haircut 1.5 at line 3 and the ceiling abc at line 6, got lines %v:\n%v", lines, err)
	}
}

// TestPairedProbabilityInterval: the paired difference of a probability
// keeps an honest interval when few runs change their outcome between
// the points. With none changing in 200 runs the difference is bounded by
// about ±1.9% (Newcombe), not [0, 0]. Coverage, seed 7, 1,000 simulated
// pairs of points of 300 runs each: the 95% interval holds the true
// difference at least 93% of the time (binomial sd 0.7%, so 93% is
// three sd below 95%) when outcomes change rarely (0.5% of runs, all one
// way: a Student t interval on per-run indicators covers about 78%) and
// when they change often in both directions.
func TestPairedProbabilityInterval(t *testing.T) {
	f := Figure{Kind: "P>", Metric: "x"}
	zero := make([]float64, 200)
	if d := f.PairedDiff(zero, zero, 1); d.Value != 0 || d.Lo > -0.018 || d.Hi < 0.018 {
		t.Errorf("no run changes: %+v, want 0 in about [-1.9%%, +1.9%%]", d)
	}
	rng := rand.New(rand.NewPCG(7, 0))
	for _, c := range []struct{ both, onlyA, onlyB float64 }{{0.01, 0.005, 0}, {0.03, 0.02, 0.01}} {
		const reps, n = 1000, 300
		covered := 0
		a, b := make([]float64, n), make([]float64, n)
		for r := 0; r < reps; r++ {
			for i := range a {
				u := rng.Float64()
				a[i], b[i] = 0, 0
				switch {
				case u < c.both:
					a[i], b[i] = 1, 1
				case u < c.both+c.onlyA:
					a[i] = 1
				case u < c.both+c.onlyA+c.onlyB:
					b[i] = 1
				}
			}
			d := f.PairedDiff(a, b, 1)
			if truth := c.onlyA - c.onlyB; d.Lo <= truth && truth <= d.Hi {
				covered++
			}
		}
		if cov := float64(covered) / reps; cov < 0.93 {
			t.Errorf("%+v: coverage %.3f, want at least 0.93", c, cov)
		}
	}
}

// TestVerdictsUndecided: a point whose interval straddles a limit is
// undecided, not "not met": 0 of 6 runs bound P(bad_debt > 0) by 46%,
// within a 50% limit (met) but not a 10% one (undecided); sweep.csv and
// sweep.md say so.
func TestVerdictsUndecided(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a small sweep")
	}
	dir := t.TempDir()
	f := writeSweep(t, dir, "runs = 6\nseed = 11\nset = [\"horizon=3d\"]\nbudget = [\"P(bad_debt > 0) <= 0.1\"]\n"+
		"[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.2\"]\n")
	out := filepath.Join(dir, "out")
	r, err := Run(context.Background(), f, Options{Out: out, Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if v := r.Points[0].Verdicts[0]; v.Value != 0 || v.Meets || v.Fails {
		t.Fatalf("0 of 6 runs against 10%%: %+v, want an interval straddling the limit", v)
	}
	csvb, _ := os.ReadFile(filepath.Join(out, SweepFile))
	md, _ := os.ReadFile(filepath.Join(out, ReportMD))
	if !strings.Contains(string(csvb), ",undecided,") || !strings.Contains(string(md), "| undecided |") ||
		strings.Contains(string(md), "not met") || !strings.Contains(string(md), "1 undecided") {
		t.Errorf("an undecided point:\n%s\n%s", csvb, md)
	}
}

// TestBudgetLimitFollowsTheKey: a limit that names a scenario key the
// sweep varies is that key's value at each point, not the base
// scenario's: mean(final_price_gold) <= backstop.reserve (gold near
// $4,200) fails at a reserve of 1 and is met at 1M; the base's 1.5M would
// meet both.
func TestBudgetLimitFollowsTheKey(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a small sweep")
	}
	dir := t.TempDir()
	f := writeSweep(t, dir, "runs = 6\nseed = 11\nset = [\"horizon=3d\"]\nbudget = [\"mean(final_price_gold) <= backstop.reserve\"]\n"+
		"[[axes]]\nkey = \"backstop.reserve\"\nvalues = [\"1\", \"1000000\"]\n")
	out := filepath.Join(dir, "out")
	r, err := Run(context.Background(), f, Options{Out: out, Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{r.Points[0].Verdict(), r.Points[1].Verdict()}; !slices.Equal(got, []string{"not met", "met"}) {
		t.Errorf("verdicts %v, want [not met met]: %+v, %+v", got, r.Points[0].Verdicts[0], r.Points[1].Verdicts[0])
	}
	md, _ := os.ReadFile(filepath.Join(out, ReportMD))
	if !strings.Contains(string(md), "The limit is each point's own backstop.reserve") {
		t.Errorf("sweep.md does not say the limit follows the key:\n%s", md)
	}
}

// TestTuneRunLimit: a tune whose probes cannot reach the runs a
// constraint needs stops at load with the max_runs that would do
// (P(...) <= 0.01 needs 368 runs without a hit: 400 from runs = 50), and
// one whose safe end is undecided at the run limit says so, instead of
// claiming that the budget is not met there.
func TestTuneRunLimit(t *testing.T) {
	dir := t.TempDir()
	base, _ := filepath.Abs("../../configs/baseline.toml")
	path := filepath.Join(dir, "t.toml")
	src := "base = \"" + base + "\"\nruns = 50\nmax_runs = 300\nbudget = [\"P(bad_debt > 0) <= 0.01\"]\n" +
		"[parameter]\nkey = \"profiles.gold.haircut\"\nfrom = \"0\"\nto = \"0.4\"\nstep = \"0.1\"\ngoal = \"min\"\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	var es scenario.Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "max_runs" || es[0].Line != 3 ||
		!strings.Contains(es[0].Msg, "368") || !strings.Contains(es[0].Hint, "max_runs = 400") {
		t.Errorf("max_runs too low: %v", err)
	}

	f := writeSweep(t, dir, "runs = 50\nmax_runs = 400\nbudget = [\"P(bad_debt > 0) <= 0.01\"]\n[parameter]\nkey = \"profiles.gold.haircut\"\n"+
		"from = \"0\"\nto = \"0.4\"\nstep = \"0.1\"\ngoal = \"min\"\n")
	grid, _ := f.Parameter.grid()
	r := &TuneResult{File: f, Grid: grid}
	r.Budget, _ = f.figures()
	r.probeFn = func(_ context.Context, _ string, i int, _ Options) (*Probe, error) {
		p := &Probe{Index: i, Value: grid[i], Runs: 400, Verdicts: []Verdict{{C: &r.Budget[0]}}} // undecided
		r.Probes = append(r.Probes, p)
		return p, nil
	}
	a, err := r.search(context.Background(), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Found || !strings.Contains(a.Note, "undecided") || !strings.Contains(a.Note, "max_runs") || strings.Contains(a.Note, "does not meet") {
		t.Errorf("undecided safe end: %+v", a)
	}
}

// TestTuneRangeEnd: when the whole range meets the budget, the range's
// end stops the search and no constraint is called binding.
func TestTuneRangeEnd(t *testing.T) {
	dir := t.TempDir()
	f := writeSweep(t, dir, "budget = [\"P(bad_debt > 0) <= 0.01\"]\n[parameter]\nkey = \"profiles.gold.haircut\"\n"+
		"from = \"0\"\nto = \"0.4\"\nstep = \"0.1\"\ngoal = \"min\"\n")
	grid, _ := f.Parameter.grid()
	r := &TuneResult{File: f, Grid: grid}
	r.Budget, _ = f.figures()
	r.probeFn = func(_ context.Context, _ string, i int, _ Options) (*Probe, error) {
		p := &Probe{Index: i, Value: grid[i], Runs: 1000, Meets: true,
			Verdicts: []Verdict{{C: &r.Budget[0], Meets: true, Margin: 0.005, Estimate: Estimate{Hi: 0.005}}}}
		r.Probes = append(r.Probes, p)
		return p, nil
	}
	a, err := r.search(context.Background(), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Found || a.Value != "0" || !a.RangeEnd {
		t.Fatalf("whole range meets: %+v", a)
	}
	r.Answers = []Answer{a}
	rep, err := reports.TuneReport(r.report(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if md := string(rep.Markdown); !strings.Contains(md, "| **Binding constraint** | none within the range") {
		t.Errorf("tune.md names a binding constraint where the range's end stops the search:\n%s", md)
	}
}
