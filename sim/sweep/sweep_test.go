package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

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
			v, _ := parseNum("", Number(p.Values[k]))
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
		if v, _ := parseNum("", Number(p.Values[0])); v < 0 || v > 0.28 {
			t.Errorf("lhs sample %s outside [0, 0.28]", p.Values[0])
		}
	}
}

// TestUnquotedNumbers: an axis written with TOML numbers gives the points
// of the same axis written as quoted decimals, each value exactly as
// written (0.05, not 0.050000), and booleans are values too.
func TestUnquotedNumbers(t *testing.T) {
	dir := t.TempDir()
	points := func(f *File) string {
		var got []string
		for _, p := range f.Points() {
			got = append(got, strings.Join(p.Values, "/"))
		}
		return strings.Join(got, " ")
	}
	quoted := writeSweep(t, dir, "[[axes]]\nkey = \"profiles.gold.haircut\"\nfrom = \"0.05\"\nto = \"0.15\"\nstep = \"0.05\"\n"+
		"[[axes]]\nkey = \"profiles.gold.debt_ceiling\"\nvalues = [\"10000000\", \"25000000.5\"]\n")
	bare := writeSweep(t, dir, "[[axes]]\nkey = \"profiles.gold.haircut\"\nfrom = 0.05\nto = 0.15\nstep = 0.05\n"+
		"[[axes]]\nkey = \"profiles.gold.debt_ceiling\"\nvalues = [1e7, 25_000_000.5]\n")
	want := "0.05/10000000 0.05/25000000.5 0.1/10000000 0.1/25000000.5 0.15/10000000 0.15/25000000.5"
	if q, b := points(quoted), points(bare); q != want || b != want {
		t.Errorf("points:\nquoted %s\n  bare %s\n  want %s", q, b, want)
	}
	if err := bare.Check(bare.Points()); err != nil {
		t.Errorf("Check: %v", err)
	}
	f := writeSweep(t, dir, "[[axes]]\nkey = \"agents.borrowers.passive\"\nvalues = [true, false]\n")
	if got := points(f); got != "true false" {
		t.Errorf("booleans: %s", got)
	}
}

// TestLoadReportsEveryProblem: unknown keys (a misspelt key hinted with the
// one it resembles, an unknown table once, not once per key in it), a bad
// figure and an axis key the scenario lacks come out of one Load, each at
// its line; the misspelt [[axes]] does not also make "nothing to vary".
func TestLoadReportsEveryProblem(t *testing.T) {
	base, _ := filepath.Abs("../../configs/baseline.toml")
	path := filepath.Join(t.TempDir(), "s.toml")
	src := "name = \"x\"\nbase = \"" + base + "\"\nfigures = [\"P(nosuch > 0)\"]\nfigurs = [\"x\"]\n" +
		"[[axis]]\nkey = \"profiles.gold.haircut\"\nvalues = [0.1]\n" +
		"[[axes]]\nkey = \"profiles.gold.hairkut\"\nvalues = [0.1, 0.2]\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	var es scenario.Errors
	if !errors.As(err, &es) {
		t.Fatalf("Load: %v", err)
	}
	var got []string
	for _, e := range es {
		got = append(got, fmt.Sprintf("%d %s | %s", e.Line, e.Key, e.Hint))
	}
	want := []string{
		`4 figurs | did you mean "figures"?`,
		`5 axis | did you mean "axes"?`,
		`3 figures | `,
		`9 profiles.gold.hairkut | did you mean "haircut"?`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}
}

// TestTypeErrors: a value of the wrong type in a sweep file is reported at
// its line and key with the kind expected and an example, not as a TOML
// syntax problem.
func TestTypeErrors(t *testing.T) {
	base, _ := filepath.Abs("../../configs/baseline.toml")
	path := filepath.Join(t.TempDir(), "s.toml")
	for _, tt := range []struct{ body, want, hint string }{
		{"runs = \"100\"\n", "3: runs: a string where an integer is expected", "for example runs = 1000"},
		{"figures = \"P(peg_min < 0.99)\"\n", "3: figures: a string where an array is expected", "for example figures = ["},
		{"[[axes]]\nkey = \"runs\"\nvalues = 10\n", "5:10: axes.values: values must be an array", "for example values = [0.05, 0.10]"},
		{"[[axes]]\nkey = \"runs\"\nvalues = [10, true, [1]]\n", "5:11: axes.values: value 3: an array where a number is expected", "for example values = "},
		{"[parameter]\nkey = \"runs\"\nfrom = 0.12345678901234567\n", "5:8: parameter.from: " + scenario.ErrFloatDigits.Error(), "for example from = "},
	} {
		src := "name = \"x\"\nbase = \"" + base + "\"\n" + tt.body
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		var es scenario.Errors
		if !errors.As(err, &es) || len(es) != 1 {
			t.Errorf("%q: %v", tt.body, err)
		} else if !strings.HasPrefix(es[0].Error(), path+":"+tt.want) || !strings.HasPrefix(es[0].Hint, tt.hint) {
			t.Errorf("%q: %v (hint %q)", tt.body, err, es[0].Hint)
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
	// The name is the output directory under out/sweeps or out/tune.
	base, _ := filepath.Abs("../../configs/baseline.toml")
	for _, name := range []string{"../../escaped", `a\\b`, ".hidden"} {
		src := "name = \"" + name + "\"\nbase = \"" + base + "\"\n[[axes]]\nkey = \"runs\"\nvalues = [\"10\"]\n"
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = Load(path)
		if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "name" || es[0].Line != 1 || !strings.Contains(es[0].Msg, "must not contain a slash") || es[0].Hint == "" {
			t.Errorf("name %q: %v", name, err)
		}
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
	if v := c.Judge(runs(300, 0), 1, Confidence); v.Meets || v.Fails {
		t.Errorf("300 runs, 0 hits: %+v", v)
	}
	if v := c.Judge(runs(400, 0), 1, Confidence); !v.Meets || v.Margin <= 0 {
		t.Errorf("400 runs, 0 hits: %+v", v)
	}
	if v := c.Judge(runs(1000, 30), 1, Confidence); !v.Fails {
		t.Errorf("1000 runs, 30 hits: %+v", v)
	}
	// NaN (failed runs) are left out.
	if v := c.Judge(append(runs(400, 0), math.NaN()), 1, Confidence); v.N != 400 {
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
	if strings.Contains(err.Error(), "--set") {
		t.Errorf("the sweep's own values are attributed to --set:\n%v", err)
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
	r, out := smallSweep(t, "budget = [\"P(bad_debt > 0) <= 0.1\"]\n"+
		"[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.2\"]\n")
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
	r, out := smallSweep(t, "budget = [\"mean(final_price_gold) <= backstop.reserve\"]\n"+
		"[[axes]]\nkey = \"backstop.reserve\"\nvalues = [\"1\", \"1000000\"]\n")
	if got := []string{r.Points[0].Verdict(), r.Points[1].Verdict()}; !slices.Equal(got, []string{"not met", "met"}) {
		t.Errorf("verdicts %v, want [not met met]: %+v, %+v", got, r.Points[0].Verdicts[0], r.Points[1].Verdicts[0])
	}
	md, _ := os.ReadFile(filepath.Join(out, ReportMD))
	if !strings.Contains(string(md), "The limit is each point's own backstop.reserve") {
		t.Errorf("sweep.md does not say the limit follows the key:\n%s", md)
	}
}

// TestTuneRunLimit: a tune whose probes cannot reach the runs a
// constraint needs stops at load with the max_runs that would do, at the
// per-look confidence: from runs = 50, max_runs = 300 gives 3 looks
// (50, 100, 200 runs) at 1 − 0.05/3 = 98.333%, where P(...) <= 0.01
// needs 477 runs without a hit (368 at 95%); max_runs = 400 would give 4
// looks at 98.75%, needing 505, and 800 gives 5 at 99%, needing 528: the
// hint is 800. One whose safe end is undecided at the run limit says so,
// instead of claiming that the budget is not met there.
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
		!strings.Contains(es[0].Msg, "at least 477 runs") || !strings.Contains(es[0].Msg, "each look at 98.333%: 3 looks") ||
		!strings.Contains(es[0].Hint, "max_runs = 800") {
		t.Errorf("max_runs too low: %v", err)
	}
	// The same file bounded from the command line: the error names the
	// flag, not the file's line.
	if _, err := LoadWith(path, RunFlags{MaxRuns: 400}); !errors.As(err, &es) || len(es) != 1 || es[0].Key != "--max-runs" ||
		es[0].Line != 0 || !strings.Contains(es[0].Msg, "at least 505 runs") || !strings.Contains(es[0].Hint, "--max-runs 800") {
		t.Errorf("--max-runs 400: %v", err)
	}
	if f, err := LoadWith(path, RunFlags{Runs: 100, MaxRuns: 800}); err != nil || f.Runs != 100 || f.MaxRuns != 800 || f.Looks() != 4 {
		t.Errorf("--runs 100 --max-runs 800: %v", err)
	}
	if _, err := LoadWith(path, RunFlags{MaxRuns: 40}); !errors.As(err, &es) || es[0].Key != "--max-runs" || !strings.Contains(es[0].Msg, "40 is below runs = 50") {
		t.Errorf("--max-runs 40 below runs 50: %v", err)
	}

	f := writeSweep(t, dir, "runs = 50\nmax_runs = 800\nbudget = [\"P(bad_debt > 0) <= 0.01\"]\n[parameter]\nkey = \"profiles.gold.haircut\"\n"+
		"from = \"0\"\nto = \"0.4\"\nstep = \"0.1\"\ngoal = \"min\"\n")
	a, _ := stubSearch(t, f, func(r *TuneResult, i int) *Probe {
		return &Probe{Runs: 800, Verdicts: []Verdict{{C: &r.Budget[0]}}} // undecided
	})
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
	a, r := stubSearch(t, f, func(r *TuneResult, i int) *Probe {
		return &Probe{Runs: 1000, Meets: true,
			Verdicts: []Verdict{{C: &r.Budget[0], Meets: true, Margin: 0.005, Estimate: Estimate{Hi: 0.005}}}}
	})
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

// lookProbe is a probe of one tune file's runs and max_runs on budget,
// judged by the tune's own procedure (decide) on values drawn by draw for
// each run index, by metric.
func lookProbe(t *testing.T, runs, maxRuns int, budget []Constraint, draw func(metric string, run int) float64) *Probe {
	t.Helper()
	r := &TuneResult{File: &File{Runs: runs, MaxRuns: maxRuns}, Budget: budget}
	p := &Probe{Budget: budget}
	err := r.decide(p, func(first, last int) (map[string][]float64, error) {
		v := map[string][]float64{}
		for _, c := range budget {
			x := make([]float64, last-first)
			for i := range x {
				x[i] = draw(c.Metric, first+i)
			}
			v[c.Metric] = x
		}
		return v, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLookConfidence: a probe that may be judged L times judges each look
// at 1 − 0.05/L, every budget line. From 100 runs up to 800 a probe has 4
// looks (100, 200, 400, 800), each at 98.75%. With no run over the limit,
// P(x > 0) <= 0.01 is undecided at 400 runs, where the 98.75%
// Clopper-Pearson bound is 1 − 0.00625^(1/400) = 1.26% (at 95% it would be
// 0.918% and met), and met at 800 with the bound 1 − 0.00625^(1/800); the
// mean line's interval there is the Student t one at 98.75%. With one look
// (max_runs = runs) the level is 95%.
func TestLookConfidence(t *testing.T) {
	for _, c := range []struct{ runs, maxRuns, looks int }{{100, 100, 1}, {100, 199, 1}, {100, 200, 2}, {100, 800, 4}, {100, 1599, 4}, {1000, 8000, 4}, {500, 4000, 4}, {100, 12800, 8}} {
		f := &File{Runs: c.runs, MaxRuns: c.maxRuns}
		if f.Looks() != c.looks || f.LookConfidence() != 1-0.05/float64(c.looks) {
			t.Errorf("runs %d, max_runs %d: %d looks at %v, want %d at %v", c.runs, c.maxRuns, f.Looks(), f.LookConfidence(), c.looks, 1-0.05/float64(c.looks))
		}
	}
	if got := (&File{Runs: 1000, MaxRuns: 8000}).LookText(); got != "each look at 98.75%: 4 looks, Bonferroni, so each verdict holds at 95%" {
		t.Errorf("LookText: %q", got)
	}

	budget := []Constraint{
		{Figure: Figure{Text: "P(x > 0)", Kind: "P>", Metric: "x"}, Text: "P(x > 0) <= 0.01", Op: "<=", RHS: "0.01", Limit: 0.01},
		{Figure: Figure{Text: "mean(y)", Kind: "mean", Metric: "y"}, Text: "mean(y) <= 10", Op: "<=", RHS: "10", Limit: 10},
	}
	draw := func(m string, i int) float64 {
		if m == "y" {
			return math.Sin(float64(i))
		}
		return 0
	}
	p := lookProbe(t, 100, 800, budget, draw)
	want := 1 - math.Pow(0.05/4/2, 1.0/800)
	if v := p.Verdicts[0]; p.Runs != 800 || !p.Meets || v.Conf != 0.9875 || math.Abs(v.Hi-want) > 1e-9 {
		t.Errorf("4 looks: %d runs, met %v, conf %v, bound %.6f; want 800 runs, met, 0.9875, %.6f", p.Runs, p.Meets, v.Conf, v.Hi, want)
	}
	y := make([]float64, 800)
	for i := range y {
		y[i] = draw("y", i)
	}
	mean, sd := stat.MeanStdDev(y, nil)
	tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 799}.Quantile(1 - 0.05/4/2)
	if v := p.Verdicts[1]; v.Conf != 0.9875 || math.Abs(v.Hi-(mean+tq*sd/math.Sqrt(800))) > 1e-9 {
		t.Errorf("mean line at 4 looks: conf %v, bound %g, want the 98.75%% t bound %g", v.Conf, v.Hi, mean+tq*sd/math.Sqrt(800))
	}
	r := &TuneResult{File: &File{Runs: 100, MaxRuns: 800}, Budget: budget}
	a := Answer{Binding: &r.Budget[0], At: p}
	if m := a.MarginText(); !strings.Contains(m, "98.75% upper bound") {
		t.Errorf("margin %q: want the bound named at 98.75%%", m)
	}
	p = lookProbe(t, 400, 400, budget[:1], draw)
	if want := 1 - math.Pow(0.025, 1.0/400); p.Runs != 400 || !p.Meets || math.Abs(p.Verdicts[0].Hi-want) > 1e-9 {
		t.Errorf("1 look: %d runs, met %v, bound %.6f; want 400 runs, met, %.6f", p.Runs, p.Meets, p.Verdicts[0].Hi, want)
	}
}

// TestProbeVerdictsHoldAt95: the whole probe procedure keeps its
// verdicts at 95% however many looks it takes. 3,000 probes (seed 2024)
// of a metric whose runs exceed 0 with probability 10%, judged against
// P(x > 0) <= 0.1 from 25 runs up to 3,200: 8 looks, each at 99.375%.
// At the boundary, probability = limit, the share judged met is the
// largest wrong "met" rate of any probability above the limit, and every
// "fails" is wrong. Each share must stay within 5% plus a tolerance of
// 1.2 percentage points (3 standard deviations of a 5% share over 3,000
// probes). Judging each look at 95% gives 9.3% met and 10.0% fails
// here; Bonferroni, 1.5% and 2.2%.
func TestProbeVerdictsHoldAt95(t *testing.T) {
	const probes, limit, tolerance = 3000, 0.1, 0.012
	budget := []Constraint{{Figure: Figure{Text: "P(x > 0)", Kind: "P>", Metric: "x"}, Text: "P(x > 0) <= 0.1", Op: "<=", RHS: "0.1", Limit: limit}}
	rng := rand.New(rand.NewPCG(2024, 1))
	draw := func(string, int) float64 {
		if rng.Float64() < limit {
			return 1
		}
		return 0
	}
	met, fails := 0, 0
	for range probes {
		p := lookProbe(t, 25, 3200, budget, draw)
		if p.Meets {
			met++
		}
		if p.Fails {
			fails++
		}
	}
	t.Logf("%d probes at the boundary: %.2f%% met, %.2f%% fails", probes, 100*float64(met)/probes, 100*float64(fails)/probes)
	for _, c := range []struct {
		what string
		n    int
	}{{"met", met}, {"fails", fails}} {
		if share := float64(c.n) / probes; share > 0.05+tolerance {
			t.Errorf("%.2f%% of %d probes at the boundary judged %s, want at most 5%% + %.1f points", 100*share, probes, c.what, 100*tolerance)
		}
	}
}

// smallSweep runs a sweep of 6 runs a point, seed 11, over three days of
// the base, with the budget and axes of rest; it returns the result and
// the output directory. Skipped with -short.
func smallSweep(t *testing.T, rest string) (*Result, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a small sweep")
	}
	dir := t.TempDir()
	f := writeSweep(t, dir, "runs = 6\nseed = 11\nset = [\"horizon=3d\"]\n"+rest)
	out := filepath.Join(dir, "out")
	r, err := Run(context.Background(), f, Options{Out: out, Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return r, out
}

// stubSearch runs the tune's search over f's grid with probes that run
// nothing: probe gives the verdicts at grid index i (its index and value
// are filled in). It returns the answer and the tune's result so far.
func stubSearch(t *testing.T, f *File, probe func(r *TuneResult, i int) *Probe) (Answer, *TuneResult) {
	t.Helper()
	grid, _ := f.Parameter.grid()
	r := &TuneResult{File: f, Grid: grid}
	r.Budget, _ = f.figures()
	r.probeFn = func(_ context.Context, _ string, i int, _ Options) (*Probe, error) {
		p := probe(r, i)
		p.Index, p.Value = i, grid[i]
		r.Probes = append(r.Probes, p)
		return p, nil
	}
	a, err := r.search(context.Background(), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a, r
}

// TestNotes: values of a sweep or tune file that read like a whole
// percentage are noted at their line with a hint in the file's own form:
// a fixed setting (replacing the base scenario's note, whose hint would
// be --set), an axis's values (one note, with the count of the others),
// a Latin hypercube's and a tune's upper end. Other values, and the
// shipped sweeps and tunes, get none.
func TestNotes(t *testing.T) {
	dir := t.TempDir()
	f := writeSweep(t, dir, "set = [\"auction.gold.chop=13\"]\n"+
		"[[axes]]\nkey = \"profiles.gold.fee_rate\"\nvalues = [0.02, 2, 3]\n"+
		"[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [0.1, 0.2]\n")
	got := f.Notes()
	want := []struct {
		line     int
		key, msg string
		hint     string
	}{
		{2, "set", `"auction.gold.chop=13": chop 13 multiplies the debt of a liquidated vault: it adds 1200%`,
			`if a 13% penalty is meant, set "auction.gold.chop=1.13"`},
		{4, "profiles.gold.fee_rate", "value 2: fee_rate 2 is 200% a year (and 1 more of its values)",
			"if 2% a year is meant, the value is 0.02"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d notes, want %d:\n%v", len(got), len(want), got)
	}
	for i, w := range want {
		if e := got[i]; e.File != f.Path() || e.Line != w.line || e.Key != w.key || e.Msg != w.msg || e.Hint != w.hint {
			t.Errorf("note %d: %s:%d %q %q hint %q\nwant line %d %q %q hint %q", i, e.File, e.Line, e.Key, e.Msg, e.Hint, w.line, w.key, w.msg, w.hint)
		}
	}

	lhs := writeSweep(t, dir, "mode = \"lhs\"\nsamples = 4\n[[axes]]\nkey = \"profiles.gold.fee_rate\"\nfrom = 0.01\nto = 5\n")
	if got := lhs.Notes(); len(got) != 1 || got[0].Line != 5 || got[0].Msg != "the range's end 5: fee_rate 5 is 500% a year" {
		t.Errorf("Latin hypercube: %v", got)
	}
	tune := writeSweep(t, dir, "budget = [\"P(bad_debt > 0) <= 0.01\"]\n[parameter]\nkey = \"profiles.gold.fee_rate\"\n"+
		"from = 0\nto = 4\nstep = 1\ngoal = \"max\"\n")
	if got := tune.Notes(); len(got) != 1 || got[0].Line != 4 || got[0].Msg != "the range's end 4: fee_rate 4 is 400% a year" ||
		got[0].Hint != "if 4% a year is meant, the value is 0.04" {
		t.Errorf("tune: %v", got)
	}

	for _, glob := range []string{"../../configs/sweeps/*.toml", "../../configs/tune/*.toml"} {
		paths, _ := filepath.Glob(glob)
		if len(paths) == 0 {
			t.Fatalf("no files match %s", glob)
		}
		for _, p := range paths {
			f, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			if n := f.Notes(); len(n) > 0 {
				t.Errorf("%s: %v", p, n)
			}
		}
	}
}
