package sweep

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// Axis is one swept key: explicit values, or a range from From to To by
// Step or in Points evenly spaced points. Values are kept as text and
// checked like a value written in the scenario file.
type Axis struct {
	Key    string `toml:"key"`
	Values Values `toml:"values"`
	From   Number `toml:"from"`
	To     Number `toml:"to"`
	Step   Number `toml:"step"`
	Points int    `toml:"points"`
}

// Number is a number of a sweep or tune file as its decimal text: a
// quoted string as written ("0.05"), or a TOML integer or float, which is
// read exactly as a scenario reads one (scenario.NumberText): 0.05 and
// "0.05" are the same.
type Number string

// UnmarshalTOML takes a quoted string, an integer or a float.
func (n *Number) UnmarshalTOML(v any) error {
	s, err := scenario.NumberText(v)
	if err != nil {
		return err
	}
	*n = Number(s)
	return nil
}

// Values are an axis's values as text: numbers as Number reads them,
// strings ("30d") as written, and true and false.
type Values []string

// UnmarshalTOML takes an array of numbers, strings or booleans.
func (vs *Values) UnmarshalTOML(v any) error {
	arr, ok := v.([]any)
	if !ok {
		return fmt.Errorf("values must be an array")
	}
	out := make(Values, 0, len(arr))
	for i, x := range arr {
		if b, ok := x.(bool); ok {
			out = append(out, strconv.FormatBool(b))
			continue
		}
		s, err := scenario.NumberText(x)
		if err != nil {
			return fmt.Errorf("value %d: %w", i+1, err)
		}
		out = append(out, s)
	}
	*vs = out
	return nil
}

// File is a sweep file (tempest sweep) or a tune file (tempest tune).
type File struct {
	Name        string   `toml:"name"`
	Description string   `toml:"description"`
	Base        string   `toml:"base"` // scenario file, relative to this file
	Runs        int      `toml:"runs"` // runs per point (a tune's first runs per probe)
	Seed        *uint64  `toml:"seed"` // master seed; the base scenario's if absent
	Set         []string `toml:"set"`  // fixed overrides applied at every point, "key=value"
	Budget      []string `toml:"budget"`
	Figures     []string `toml:"figures"` // risk figures to report besides the budget's

	// Sweep only.
	Mode    string `toml:"mode"`    // grid (default), zip or lhs
	Samples int    `toml:"samples"` // lhs sample count
	Axes    []Axis `toml:"axes"`

	// Tune only.
	Parameter *TuneParam `toml:"parameter"`
	Outer     *Axis      `toml:"outer"`    // two-parameter frontier: the first parameter's values
	MaxRuns   int        `toml:"max_runs"` // most runs one probe may use

	path  string
	src   string
	base  *scenario.Scenario
	fixed []scenario.Override
	seed  uint64
	// runsFlag, maxRunsFlag: Runs, MaxRuns come from the command line
	// (RunFlags), not the file.
	runsFlag, maxRunsFlag bool
}

// RunFlags set a tune's runs and max_runs from the command line (tempest
// tune --runs, --max-runs) in place of the file's; 0 keeps the file's.
type RunFlags struct {
	Runs, MaxRuns int
}

// TuneParam is the parameter a tune pushes: between From and To on a grid
// of Step, towards Goal ("min": the smallest value that meets the budget,
// risk falling as the value grows, like a haircut; "max": the largest, risk
// growing with the value, like a debt ceiling).
type TuneParam struct {
	Key  string `toml:"key"`
	From Number `toml:"from"`
	To   Number `toml:"to"`
	Step Number `toml:"step"`
	Goal string `toml:"goal"`
}

// Point is one parameter setting of a sweep.
type Point struct {
	Index  int
	Values []string // one per axis
}

// fileErr is a problem with the sweep or tune file at key.
func (f *File) fileErr(key, hint, format string, args ...any) *scenario.Error {
	return &scenario.Error{File: f.path, Line: f.lineOf(key), Key: key, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// lineOf returns the line of the file that sets key (its last dotted
// part), or 0.
func (f *File) lineOf(key string) int {
	leaf := key
	if i := strings.LastIndexAny(leaf, ".]"); i >= 0 {
		leaf = leaf[i+1:]
	}
	for n, line := range strings.Split(f.src, "\n") {
		if k, _, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) == leaf {
			return n + 1
		}
	}
	return 0
}

// fileExample is a hint with an example of the sweep or tune file's key
// (dotted, without array indices), or "" for a key it does not know.
func fileExample(key string) string {
	ex := map[string]string{
		"name": `name = "haircut-grid"`, "description": `description = "Gold haircut from 0% to 30%"`,
		"base": `base = "../baseline.toml"`, "runs": "runs = 1000", "seed": "seed = 1",
		"set":    `set = ["backstop.reserve=2000000"]`,
		"budget": `budget = ["P(peak_deficit > 0) <= 0.01"]`, "figures": `figures = ["P(peg_min < 0.99)", "mean(liquidated_debt)"]`,
		"mode": `mode = "grid"`, "samples": "samples = 20", "max_runs": "max_runs = 16000",
		"key": `key = "profiles.gold.haircut"`, "values": `values = [0.05, 0.10]`,
		"from": "from = 0.05", "to": "to = 0.30", "step": "step = 0.05", "points": "points = 6", "goal": `goal = "min"`,
	}[key[strings.LastIndexByte(key, '.')+1:]]
	if ex == "" {
		return ""
	}
	return "for example " + ex
}

// valueRefusal reports whether a decoder error's message is a Number's
// or Values' refusal of a value rather than a syntax error.
func valueRefusal(msg string) bool {
	for _, s := range []string{" is expected", scenario.ErrFloatDigits.Error(), scenario.ErrNotDecimal.Error(), "values must be an array"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// fileKeys are the keys of a sweep or tune file (""), and of its tables.
var fileKeys = map[string][]string{
	"":          {"name", "description", "base", "runs", "seed", "set", "budget", "figures", "mode", "samples", "axes", "parameter", "outer", "max_runs"},
	"axes":      {"key", "values", "from", "to", "step", "points"},
	"outer":     {"key", "values", "from", "to", "step", "points"},
	"parameter": {"key", "from", "to", "step", "goal"},
}

// tableLine returns the line of the first header of the table (or array of
// tables) name, or 0.
func (f *File) tableLine(name string) int {
	for n, line := range strings.Split(f.src, "\n") {
		t := strings.TrimSpace(line)
		if code, _, _ := strings.Cut(t, "#"); strings.TrimSpace(strings.Trim(strings.TrimSpace(code), "[]")) == name && strings.HasPrefix(t, "[") {
			return n + 1
		}
	}
	return 0
}

// axisLine returns the line of the axis whose key is key.
func (f *File) axisLine(key string) int {
	for n, line := range strings.Split(f.src, "\n") {
		t := strings.TrimSpace(line)
		if k, v, ok := strings.Cut(t, "="); ok && strings.TrimSpace(k) == "key" && strings.Contains(v, `"`+key+`"`) {
			return n + 1
		}
	}
	return 0
}

// Load reads and checks a sweep or tune file: strict decoding, the base
// scenario, the budget and figure expressions. Which of the two it is
// follows from its tables: [[axes]] for a sweep, [parameter] for a tune.
func Load(path string) (*File, error) { return LoadWith(path, RunFlags{}) }

// LoadWith is Load with a tune's runs and max_runs set by rf where it
// gives them: a tune file is checked with them (a max_runs too small for
// the budget is refused naming the flag), so the command line can bound a
// tune its file would refuse, or one the file allows but the flags do not.
func LoadWith(path string, rf RunFlags) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, scenario.Errors{{File: path, Msg: err.Error(), Hint: "check the path; configs/sweeps/ and configs/tune/ hold examples"}}
	}
	f := &File{path: path, src: string(src)}
	md, err := toml.Decode(f.src, f)
	if err != nil {
		e := &scenario.Error{File: path, Msg: err.Error(), Hint: "the file must be TOML"}
		var pe toml.ParseError
		if ok := asParseError(err, &pe); ok {
			e.Line, e.Col, e.Msg = scenario.NewlineErrorLine(pe.Position.Line, pe.Message), pe.Position.Col, pe.Message
			if pe.LastKey != "" && valueRefusal(pe.Message) {
				// A value's own refusal (Number, Values), not a syntax error.
				e.Key, e.Hint = pe.LastKey, fileExample(pe.LastKey)
			}
		} else if line, key, got, want, ok := scenario.TypeMismatch(err); ok {
			e.Line, e.Key, e.Hint = line, key, fileExample(key)
			if got != "" {
				e.Msg = fmt.Sprintf("%s where %s is expected", got, want)
			}
		}
		return nil, scenario.Errors{e}
	}
	var es scenario.Errors
	if f.Base == "" && len(f.Axes) == 0 && f.Parameter == nil && isScenario(md.Undecoded()) {
		return nil, scenario.Errors{{File: path, Msg: "a scenario file, not a sweep or tune file (it has no base, [[axes]] or [parameter])",
			Hint: "run it with: tempest run " + path + "; a sweep file names it as its base (configs/sweeps/ holds examples)"}}
	}
	// Unknown keys are reported with the file's other problems. A key that
	// looks like a misspelling of a known one is hinted so, and the known
	// key is not also reported as missing.
	meant := map[string]bool{}
	undecoded := md.Undecoded()
	for _, k := range undecoded {
		if slices.ContainsFunc(undecoded, func(p toml.Key) bool { return len(p) < len(k) && slices.Equal(p, k[:len(p)]) }) {
			continue // inside an unknown table, reported once as the table
		}
		e := f.fileErr(k.String(), "keys of a sweep file: name, description, base, runs, seed, set, budget, figures, mode, samples, [[axes]]; of a tune file: [parameter], [outer], max_runs", "unknown key")
		if md.Type(k...) == "Table" || md.Type(k...) == "ArrayHash" {
			e.Msg = "unknown table"
			e.Line = f.tableLine(k.String())
		}
		known := fileKeys[""]
		if len(k) > 1 {
			known = fileKeys[k[0]]
			e.Hint = k[0] + " takes " + strings.Join(known, ", ")
		}
		if m, ok := scenario.Nearest(k[len(k)-1], known, 2); ok {
			e.Hint = fmt.Sprintf("did you mean %q?", m)
			meant[strings.Join(append(slices.Clone(k[:len(k)-1]), m), ".")] = true
		}
		es = append(es, e)
	}
	if f.Base == "" {
		if !meant["base"] {
			es = append(es, f.fileErr("base", "base = \"../baseline.toml\", relative to this file", "missing: the base scenario"))
		}
		return nil, es
	}
	basePath := f.Base
	if !filepath.IsAbs(basePath) {
		basePath = filepath.Join(filepath.Dir(path), basePath)
	}
	for _, s := range f.Set {
		o, err := scenario.ParseOverride(s)
		if err != nil {
			es = append(es, f.fileErr("set", "", "%v", err))
			continue
		}
		f.fixed = append(f.fixed, o)
	}
	f.Base = basePath
	if _, err := os.Stat(basePath); err != nil {
		return nil, append(es, f.fileErr("base", "the path is relative to this file", "%v", err))
	}
	if f.base, err = scenario.Load(basePath, f.fixed...); err != nil {
		var bes scenario.Errors
		if len(es) == 0 || !errors.As(err, &bes) {
			return nil, err
		}
		return nil, append(es, bes...)
	}
	if f.Name == "" {
		f.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if !scenario.NameOK(f.Name) {
		// The output directory is out/sweeps/NAME or out/tune/NAME.
		es = append(es, f.fileErr("name", `the name is the output directory out/sweeps/NAME (out/tune/NAME): use letters, digits, "-" and "_", for example name = "haircut-grid"`,
			"must not contain a slash or a control character or start with a dot, got %q", f.Name))
	}
	if rf.Runs > 0 {
		f.Runs, f.runsFlag = rf.Runs, true
	}
	if rf.MaxRuns > 0 {
		f.MaxRuns, f.maxRunsFlag = rf.MaxRuns, true
	}
	if f.Runs == 0 {
		f.Runs = f.base.Runs
	}
	if f.Runs < 1 {
		es = append(es, f.fileErr("runs", "", "runs %d: must be at least 1", f.Runs))
	}
	f.seed = f.base.Seed
	if f.Seed != nil {
		f.seed = *f.Seed
	}
	metrics := metricNames(f.base)
	for _, b := range f.Budget {
		if _, err := ParseConstraint(b, f.base, metrics); err != nil {
			es = append(es, f.fileErr("budget", "", "%v", err))
		}
	}
	for _, x := range f.Figures {
		if _, err := ParseFigure(x, metrics); err != nil {
			es = append(es, f.fileErr("figures", "", "%v", err))
		}
	}
	switch {
	case f.Parameter != nil && len(f.Axes) > 0:
		es = append(es, f.fileErr("parameter", "a sweep has [[axes]], a tune has [parameter]", "both [[axes]] and [parameter]"))
	case f.Parameter != nil:
		es = append(es, f.checkTune()...)
	case len(f.Axes) > 0:
		es = append(es, f.checkSweep()...)
	case !meant["axes"] && !meant["parameter"]:
		es = append(es, f.fileErr("axes", "add [[axes]] with key and values (a sweep) or [parameter] (a tune)", "nothing to vary"))
	}
	if len(es) > 0 {
		// The axes' keys and values as well, which Check would report
		// next: one validate shows every problem of the file.
		if f.Parameter == nil {
			c := &checker{f: f}
			if err := f.checkAxes(c); err == nil {
				es = append(es, c.all...)
			}
		}
		return nil, es
	}
	return f, nil
}

func asParseError(err error, pe *toml.ParseError) bool {
	p, ok := err.(toml.ParseError)
	if ok {
		*pe = p
	}
	return ok
}

// metricNames lists the per-run metrics a figure may use: the registered
// ones and, as runs.csv has them, the final price of each of the base
// scenario's market assets.
func metricNames(base *scenario.Scenario) []string {
	var out []string
	for _, m := range sim.SummaryMetrics() {
		out = append(out, m.Name)
	}
	for _, a := range slices.Sorted(maps.Keys(base.Market.Assets)) {
		out = append(out, "final_price_"+a)
	}
	return out
}

// isScenario reports whether a file's keys unknown to a sweep file are
// those of a scenario file.
func isScenario(keys []toml.Key) bool {
	for _, k := range keys {
		if len(k) > 0 {
			switch k[0] {
			case "profiles", "market", "agents", "system", "backstop", "oracles":
				return true
			}
		}
	}
	return false
}

// MasterSeed is the master seed every point runs with.
func (f *File) MasterSeed() uint64 { return f.seed }

// Path is the file's path as given.
func (f *File) Path() string { return f.path }

// BaseScenario is the base scenario with the fixed overrides.
func (f *File) BaseScenario() *scenario.Scenario { return f.base }

func (f *File) checkSweep() scenario.Errors {
	var es scenario.Errors
	switch f.Mode {
	case "":
		f.Mode = "grid"
	case "grid", "zip":
	case "lhs":
		if f.Samples < 2 {
			es = append(es, f.fileErr("samples", "samples = 20", "mode \"lhs\" needs samples ≥ 2"))
		}
	default:
		es = append(es, f.fileErr("mode", "mode = \"grid\", \"zip\" or \"lhs\"", "unknown mode %q", f.Mode))
	}
	if f.Mode != "lhs" && f.Samples != 0 {
		es = append(es, f.fileErr("samples", "samples is for mode = \"lhs\"", "samples without mode = \"lhs\""))
	}
	seen := map[string]bool{}
	for i := range f.Axes {
		a := &f.Axes[i]
		key := fmt.Sprintf("axes[%d]", i)
		if a.Key == "" {
			es = append(es, f.fileErr(key+".key", "key = \"profiles.gold.haircut\"", "missing: the scenario key to vary"))
			continue
		}
		if seen[a.Key] {
			es = append(es, f.fileErr(key+".key", "", "%s is swept twice", a.Key))
		}
		seen[a.Key] = true
		if f.Mode == "lhs" {
			if a.From == "" || a.To == "" || len(a.Values) > 0 {
				es = append(es, &scenario.Error{File: f.path, Line: f.axisLine(a.Key), Key: key, Msg: "a Latin hypercube axis needs from and to (and no values)", Hint: "from = \"0.05\", to = \"0.30\", optionally step = \"0.01\" to round the samples"})
			}
			continue
		}
		if err := a.expand(); err != nil {
			es = append(es, &scenario.Error{File: f.path, Line: f.axisLine(a.Key), Key: key, Msg: err.Error(), Hint: "values = [\"0.05\", \"0.10\"], or from, to and step (or points)"})
		}
	}
	if len(es) > 0 {
		return es
	}
	if f.Mode == "zip" {
		for i := range f.Axes {
			if len(f.Axes[i].Values) != len(f.Axes[0].Values) {
				es = append(es, &scenario.Error{File: f.path, Line: f.axisLine(f.Axes[i].Key), Key: fmt.Sprintf("axes[%d]", i),
					Msg: fmt.Sprintf("zip needs axes of one length: %d values here, %d in the first axis", len(f.Axes[i].Values), len(f.Axes[0].Values))})
			}
		}
	}
	return es
}

func (f *File) checkTune() scenario.Errors {
	var es scenario.Errors
	p := f.Parameter
	if p.Key == "" {
		es = append(es, f.fileErr("parameter.key", "key = \"profiles.gold.haircut\"", "missing: the parameter to tune"))
	}
	if p.Goal != "min" && p.Goal != "max" {
		es = append(es, f.fileErr("parameter.goal", "goal = \"min\" finds the smallest value that meets the budget (a haircut); \"max\" the largest (a debt ceiling)", "goal %q: want \"min\" or \"max\"", p.Goal))
	}
	if _, err := p.grid(); err != nil {
		es = append(es, f.fileErr("parameter.step", "from, to and step, for example from = \"0.00\", to = \"0.30\", step = \"0.01\"", "%v", err))
	}
	if len(f.Budget) == 0 {
		es = append(es, f.fileErr("budget", "budget = [\"P(peak_deficit > 0) <= 0.01\"]", "a tune needs a risk budget"))
	}
	if f.Outer != nil {
		if f.Outer.Key == "" || f.Outer.Key == p.Key {
			es = append(es, f.fileErr("outer.key", "the first parameter of a two-parameter frontier, other than [parameter]'s key", "outer.key %q", f.Outer.Key))
		} else if err := f.Outer.expand(); err != nil {
			es = append(es, f.fileErr("outer", "", "%v", err))
		}
	}
	if f.Runs < 1 {
		return es // reported by Load
	}
	if f.MaxRuns == 0 {
		f.MaxRuns = 16 * f.Runs
	}
	if f.MaxRuns < f.Runs {
		return append(es, f.runLimitErr())
	}
	// A constraint that needs more runs than a probe may reach is met at
	// no value: the tune could only end with no recommendation. A probe is
	// judged at each of its looks at the per-look confidence, so what it
	// needs grows with the looks its max_runs allows.
	reach, conf := f.ProbeRuns(), f.LookConfidence()
	metrics := metricNames(f.base)
	for _, b := range f.Budget {
		c, err := ParseConstraint(b, f.base, metrics)
		if err != nil {
			continue // reported by Load
		}
		switch need := c.MinRuns(conf); {
		case need == 0:
			es = append(es, f.fileErr("budget", "a probability's limit must leave room for the interval: P(...) <= 0.01, not <= 0",
				"%q can be met by no number of runs: its interval, at any confidence, never lies within it", b))
		case need > reach:
			enough := f.Runs
			for enough < 1<<40 && c.MinRuns(LookConfidence(looks(f.Runs, enough))) > enough {
				enough *= 2
			}
			msg := fmt.Sprintf("%q can be met only with at least %d runs per probe (%s), and a probe reaches at most %d: no value could be recommended",
				b, need, f.LookText(), reach)
			hint := fmt.Sprintf("max_runs = %d or more (probes double their runs from %s)", enough, f.runsArg())
			if f.maxRunsFlag || f.runsFlag {
				hint = fmt.Sprintf("--max-runs %d or more (probes double their runs from %s)", enough, f.runsArg())
			}
			if f.maxRunsFlag {
				es = append(es, &scenario.Error{File: f.path, Key: "--max-runs", Msg: msg, Hint: hint})
			} else {
				es = append(es, f.fileErr("max_runs", hint, "%s", msg))
			}
		}
	}
	return es
}

// runsArg names the tune's runs where they come from: "runs = 500" (the
// file) or "--runs 500".
func (f *File) runsArg() string {
	if f.runsFlag {
		return fmt.Sprintf("--runs %d", f.Runs)
	}
	return fmt.Sprintf("runs = %d", f.Runs)
}

// runLimitErr is the error of a max_runs below runs, naming the flag
// that set either.
func (f *File) runLimitErr() *scenario.Error {
	switch {
	case f.maxRunsFlag:
		return &scenario.Error{File: f.path, Key: "--max-runs", Msg: fmt.Sprintf("%d is below %s", f.MaxRuns, f.runsArg()),
			Hint: fmt.Sprintf("--max-runs %d or more: a probe starts with %d runs", f.Runs, f.Runs)}
	case f.runsFlag:
		return &scenario.Error{File: f.path, Key: "--runs", Msg: fmt.Sprintf("%d is above the file's max_runs = %d", f.Runs, f.MaxRuns),
			Hint: fmt.Sprintf("give --max-runs too, %d or more", f.Runs)}
	}
	return f.fileErr("max_runs", "", "max_runs %d is below runs %d", f.MaxRuns, f.Runs)
}

// ProbeRuns is the most runs a tune's probe reaches: runs, doubled while
// that stays within max_runs.
func (f *File) ProbeRuns() int {
	n := f.Runs
	for n >= 1 && 2*n <= f.MaxRuns {
		n *= 2
	}
	return n
}

// Looks is the number of times a tune may judge one probe: after its
// first runs and after each doubling, 1 + floor(log2(max_runs/runs)).
func (f *File) Looks() int { return looks(f.Runs, f.MaxRuns) }

// LookConfidence is the level of each of a probe's looks: 1 − 0.05/Looks,
// so that its verdict holds at 95% whatever look it stops at.
func (f *File) LookConfidence() float64 { return LookConfidence(f.Looks()) }

// LookText says how a tune's probes are judged: "each look at 98.75%: 4
// looks, Bonferroni, so each verdict holds at 95%".
func (f *File) LookText() string {
	return reports.LooksText(f.Looks(), f.LookConfidence(), Confidence)
}

// looks is the number of looks of a probe that starts with runs runs and
// doubles them within maxRuns.
func looks(runs, maxRuns int) int {
	l := 1
	for n := runs; n >= 1 && 2*n <= maxRuns; n *= 2 {
		l++
	}
	return l
}

// decimals is the number of digits after the point in s.
func decimals(n Number) int {
	s := strings.TrimSpace(string(n))
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		return 6
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// parseNum parses a decimal string of an axis.
func parseNum(what string, s Number) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s %q is not a number", what, s)
	}
	return v, nil
}

// expand fills Values from a range.
func (a *Axis) expand() error {
	if len(a.Values) > 0 {
		if a.From != "" || a.To != "" || a.Step != "" || a.Points != 0 {
			return fmt.Errorf("give values or a range (from, to, step or points), not both")
		}
		seen := map[string]bool{}
		for _, v := range a.Values {
			if seen[v] {
				return fmt.Errorf("value %q appears twice", v)
			}
			seen[v] = true
		}
		return nil
	}
	if a.From == "" || a.To == "" {
		return fmt.Errorf("no values: give values = [...] or from and to")
	}
	lo, err := parseNum("from", a.From)
	if err != nil {
		return err
	}
	hi, err := parseNum("to", a.To)
	if err != nil {
		return err
	}
	dec := max(decimals(a.From), decimals(a.To))
	var n int
	var step float64
	switch {
	case a.Step != "" && a.Points != 0:
		return fmt.Errorf("give step or points, not both")
	case a.Step != "":
		if step, err = parseNum("step", a.Step); err != nil {
			return err
		}
		if step <= 0 {
			return fmt.Errorf("step %s must be positive", a.Step)
		}
		dec = max(dec, decimals(a.Step))
		n = int(math.Floor((hi-lo)/step+1e-9)) + 1
	case a.Points >= 2:
		n = a.Points
		step = (hi - lo) / float64(n-1)
		dec = max(dec, 6)
	default:
		return fmt.Errorf("a range needs step, or points ≥ 2")
	}
	if hi < lo {
		return fmt.Errorf("to %s is below from %s", a.To, a.From)
	}
	if n > 10000 {
		return fmt.Errorf("%d values: too many for one axis", n)
	}
	for i := 0; i < n; i++ {
		a.Values = append(a.Values, formatDec(lo+float64(i)*step, dec))
	}
	return nil
}

// formatDec formats v with at most dec decimals, without trailing zeros
// past the first decimal.
func formatDec(v float64, dec int) string {
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// grid returns the tune parameter's values, from From to To by Step.
func (p *TuneParam) grid() ([]string, error) {
	a := Axis{Key: p.Key, From: p.From, To: p.To, Step: p.Step}
	if p.Step == "" {
		return nil, fmt.Errorf("parameter needs from, to and step")
	}
	if err := a.expand(); err != nil {
		return nil, err
	}
	return a.Values, nil
}

// Points expands the sweep: every combination of the axes' values (grid,
// the last axis fastest), the axes side by side (zip), or a Latin
// hypercube of Samples points drawn from the sweep's seed (lhs).
func (f *File) Points() []Point {
	var pts []Point
	switch f.Mode {
	case "zip":
		for i := range f.Axes[0].Values {
			v := make([]string, len(f.Axes))
			for k := range f.Axes {
				v[k] = f.Axes[k].Values[i]
			}
			pts = append(pts, Point{Values: v})
		}
	case "lhs":
		pts = f.latinHypercube()
	default:
		idx := make([]int, len(f.Axes))
		for {
			v := make([]string, len(f.Axes))
			for k := range f.Axes {
				v[k] = f.Axes[k].Values[idx[k]]
			}
			pts = append(pts, Point{Values: v})
			k := len(idx) - 1
			for ; k >= 0; k-- {
				if idx[k]++; idx[k] < len(f.Axes[k].Values) {
					break
				}
				idx[k] = 0
			}
			if k < 0 {
				break
			}
		}
	}
	for i := range pts {
		pts[i].Index = i
	}
	return pts
}

// latinHypercube draws Samples points: each axis's range cut into Samples
// equal strata, one uniform draw in each, strata matched across axes by a
// random permutation. Values round to the axis's step when it has one.
func (f *File) latinHypercube() []Point {
	rng := rand.New(rand.NewPCG(f.seed, 0x6c6873)) // "lhs"
	n := f.Samples
	pts := make([]Point, n)
	for i := range pts {
		pts[i].Values = make([]string, len(f.Axes))
	}
	for k, a := range f.Axes {
		lo, _ := parseNum("from", a.From)
		hi, _ := parseNum("to", a.To)
		step, _ := strconv.ParseFloat(string(a.Step), 64)
		dec := max(decimals(a.From), decimals(a.To), decimals(a.Step))
		if a.Step == "" {
			dec = max(dec, 4)
		}
		perm := rng.Perm(n)
		for i := range pts {
			u := (float64(perm[i]) + rng.Float64()) / float64(n)
			v := lo + u*(hi-lo)
			if step > 0 {
				// The nearest step, kept within [from, to] when the range
				// is not a whole number of steps.
				v = lo + math.Round((v-lo)/step)*step
				if v > hi+1e-9*step {
					v -= step
				}
			}
			pts[i].Values[k] = formatDec(v, dec)
		}
	}
	return pts
}

// Overrides returns the overrides of a point: the file's fixed ones, then
// the point's values.
func (f *File) Overrides(p Point) []scenario.Override {
	out := slices.Clone(f.fixed)
	for k, a := range f.Axes {
		out = append(out, scenario.Override{Key: a.Key, Value: p.Values[k]})
	}
	return out
}

// Scenario loads the base scenario at the given overrides, with errors
// pointing at the sweep file's line of the key that caused them.
func (f *File) Scenario(ovs []scenario.Override, what string) (*scenario.Scenario, error) {
	s, err := scenario.Load(f.Base, ovs...)
	if err == nil {
		return s, nil
	}
	es, ok := err.(scenario.Errors)
	if !ok {
		return nil, err
	}
	f.locate(es, ovs, what)
	return nil, es
}

// locate points the errors of a scenario loaded at ovs at the sweep file's
// line of the override that caused them, naming the value and what (the
// point) in the message.
func (f *File) locate(es scenario.Errors, ovs []scenario.Override, what string) {
	for _, e := range es {
		for _, o := range ovs {
			if e.Key == o.Key || strings.HasPrefix(e.Key, o.Key) {
				line := f.axisLine(o.Key)
				if line == 0 {
					line = f.lineOf("set")
				}
				if what != "" {
					e.Msg = fmt.Sprintf("%s = %q (%s): %s", o.Key, o.Value, what, e.Msg)
				} else {
					e.Msg = fmt.Sprintf("%s = %q: %s", o.Key, o.Value, e.Msg)
				}
				e.File, e.Line, e.Set = f.path, line, ""
			}
		}
	}
}

// checker collects the problems of the scenarios a sweep or tune will
// run, each once: a key the schema lacks fails at every value and a bad
// value at every point that has it, but is reported once.
type checker struct {
	f    *File
	seen map[string]bool
	all  scenario.Errors
}

// load loads the scenario at ovs and keeps its problems not seen before;
// it returns any other error.
func (c *checker) load(ovs []scenario.Override, what string) error {
	_, err := scenario.Load(c.f.Base, ovs...)
	if err == nil {
		return nil
	}
	es, ok := err.(scenario.Errors)
	if !ok {
		return err
	}
	var fresh scenario.Errors
	for _, e := range es {
		id := e.Key + "\x00" + e.Msg
		if c.seen == nil {
			c.seen = map[string]bool{}
		}
		if !c.seen[id] {
			c.seen[id] = true
			fresh = append(fresh, e)
		}
	}
	c.f.locate(fresh, ovs, what)
	c.all = append(c.all, fresh...)
	return nil
}

func (c *checker) err() error {
	if len(c.all) > 0 {
		return c.all
	}
	return nil
}
