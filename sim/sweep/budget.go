package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// Confidence is the level at which every budget verdict holds: a sweep
// judges each point once on intervals at this level; a tune, which may
// judge a probe several times as its runs double, judges each look at
// LookConfidence so that its final verdict still holds at this level.
const Confidence = 0.95

// LookConfidence is the level of each look when a verdict may be taken at
// any of looks looks: 1 − (1 − Confidence)/looks (Bonferroni), so that
// the chance of a wrong verdict at some look, and so at the look where the
// judging stops, is at most 1 − Confidence. One look is Confidence.
func LookConfidence(looks int) float64 {
	if looks <= 1 {
		return Confidence
	}
	return 1 - (1-Confidence)/float64(looks)
}

// Figure is a risk figure of a per-run summary metric (a runs.csv column):
//
//	P(peak_deficit > 0)    the probability that it exceeds a threshold
//	P(peg_min < 0.99)      or falls below one
//	VaR99(reserve_drawn)   its 99% quantile
//	ES99(peak_deficit)     the mean of its worst 1%
//	mean(liquidated_debt)  its mean
type Figure struct {
	Text   string
	Kind   string  // "P>", "P<", "VaR", "ES", "mean"
	Metric string  // runs.csv column
	Arg    float64 // threshold inside P(...), or the level q of VaR/ES as a fraction
}

// Constraint is one line of a risk budget: a figure, <= or >=, and a
// number or a scenario key whose value is a number, such as
//
//	P(final_deficit > 0) <= 0.01
//	ES99(peak_deficit) <= backstop.reserve
type Constraint struct {
	Figure
	Text  string
	Op    string  // "<=" or ">="
	RHS   string  // as written
	Limit float64 // the right side's value
}

const figureHint = `write e.g. "P(peak_deficit > 0)", "P(peg_min < 0.99)", "VaR99(reserve_drawn)", "ES99(peak_deficit)" or "mean(liquidated_debt)"`

var reFigure = regexp.MustCompile(`^\s*(P|VaR|ES|mean)(\d+(?:\.\d+)?)?\(\s*([a-z_0-9]+)\s*(?:([<>])\s*([-+0-9.eE]+))?\s*\)\s*$`)

// ParseFigure parses a risk figure over one of metrics.
func ParseFigure(text string, metrics []string) (Figure, error) {
	m := reFigure.FindStringSubmatch(text)
	if m == nil {
		return Figure{}, fmt.Errorf("%q: not a risk figure; %s", text, figureHint)
	}
	f := Figure{Text: strings.TrimSpace(text), Metric: m[3]}
	if !slices.Contains(metrics, f.Metric) {
		return f, fmt.Errorf("%q: no per-run metric %q (runs.csv columns: %s)", text, f.Metric, strings.Join(metrics, ", "))
	}
	switch m[1] {
	case "P":
		if m[4] == "" || m[2] != "" {
			return f, fmt.Errorf("%q: a probability reads P(metric > x) or P(metric < x)", text)
		}
		f.Kind = "P" + m[4]
		v, err := strconv.ParseFloat(m[5], 64)
		if err != nil {
			return f, fmt.Errorf("%q: %q is not a number", text, m[5])
		}
		f.Arg = v
	case "VaR", "ES":
		if m[2] == "" || m[4] != "" {
			return f, fmt.Errorf("%q: write %s99(metric), the level in percent", text, m[1])
		}
		q, _ := strconv.ParseFloat(m[2], 64)
		if !(q > 0 && q < 100) {
			return f, fmt.Errorf("%q: level %s%% outside (0, 100)", text, m[2])
		}
		f.Kind, f.Arg = m[1], q/100
	case "mean":
		if m[2] != "" || m[4] != "" {
			return f, fmt.Errorf("%q: write mean(metric)", text)
		}
		f.Kind = "mean"
	}
	return f, nil
}

var reConstraint = regexp.MustCompile(`^(.*\))\s*(<=|>=)\s*(\S+)\s*$`)

// ParseConstraint parses one constraint; the right side may name a key of
// the base scenario s (for example backstop.reserve).
func ParseConstraint(text string, s *scenario.Scenario, metrics []string) (Constraint, error) {
	m := reConstraint.FindStringSubmatch(text)
	if m == nil {
		return Constraint{}, fmt.Errorf("%q: not a constraint; write e.g. \"P(peak_deficit > 0) <= 0.01\", \"ES99(peak_deficit) <= backstop.reserve\" or \"mean(liquidated_debt) <= 5e6\"", text)
	}
	f, err := ParseFigure(m[1], metrics)
	if err != nil {
		return Constraint{}, err
	}
	c := Constraint{Figure: f, Text: strings.TrimSpace(text), Op: m[2], RHS: m[3]}
	if v, err := strconv.ParseFloat(c.RHS, 64); err == nil {
		c.Limit = v
	} else if v, ok := scenarioNumber(s, c.RHS); ok {
		c.Limit = v
	} else {
		return c, fmt.Errorf("%q: the right side %q is neither a number nor a numeric key of the scenario", text, c.RHS)
	}
	return c, nil
}

// scenarioNumber reads a numeric scenario value by dotted key.
func scenarioNumber(s *scenario.Scenario, key string) (float64, bool) {
	var cur any = s.Resolved()
	for _, part := range strings.Split(key, ".") {
		mp, ok := cur.(map[string]any)
		if !ok {
			return 0, false
		}
		if cur, ok = mp[part]; !ok {
			return 0, false
		}
	}
	switch v := cur.(type) {
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}

// Estimate is a risk figure at one point with its interval at level Conf
// (Confidence in a sweep, the per-look level in a tune).
type Estimate struct {
	Value, Lo, Hi float64 // Lo, Hi are NaN when there are too few runs
	Conf          float64 // the interval's level
	Method        string
	N             int // runs with a value
	NeedRuns      int // runs the figure needs for an interval, when it has fewer
}

// Verdict is a constraint judged at one point.
type Verdict struct {
	C *Constraint
	Estimate
	// Meets: the whole interval is within the limit; Fails: the whole
	// interval is beyond it; neither: more runs are needed.
	Meets, Fails bool
	Margin       float64 // limit minus the interval's bound nearest it (positive when met)
}

// finite drops NaN values (runs without a value, such as failed runs).
func finite(values []float64) []float64 {
	x := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			x = append(x, v)
		}
	}
	return x
}

// Estimate evaluates the figure on the per-run values of its metric (NaN
// for runs without a value), with its interval at level conf. seed makes
// bootstrap intervals reproducible.
func (f *Figure) Estimate(values []float64, seed uint64, conf float64) Estimate {
	x := finite(values)
	e := Estimate{N: len(x), Lo: math.NaN(), Hi: math.NaN(), Value: math.NaN(), Conf: conf}
	n := len(x)
	if n == 0 {
		return e
	}
	switch f.Kind {
	case "P>", "P<":
		k := 0
		for _, y := range x {
			if f.hit(y) {
				k++
			}
		}
		iv := reports.ClopperPearson(k, n, conf)
		e.Value, e.Lo, e.Hi, e.Method = float64(k)/float64(n), iv.Lo, iv.Hi, "Clopper-Pearson"
	case "mean":
		m, iv, ok := reports.MeanT(x, conf)
		e.Value, e.Method = m, "Student t"
		if ok {
			e.Lo, e.Hi = iv.Lo, iv.Hi
		}
	case "VaR":
		slices.Sort(x)
		e.Method = "order statistics"
		if n >= reports.MinRunsQuantile(f.Arg) {
			e.Value = reports.Quantile(x, f.Arg)
		}
		if iv, ok := reports.QuantileCI(x, f.Arg, conf); ok {
			e.Lo, e.Hi = iv.Lo, iv.Hi
		} else {
			e.NeedRuns = reports.MinRunsQuantileCI(f.Arg, conf)
		}
	case "ES":
		slices.Sort(x)
		e.Method = "percentile bootstrap (2,000 resamples)"
		e.Value = reports.ExpectedShortfall(x, f.Arg)
		if need := reports.MinRunsES(f.Arg); n < need {
			e.NeedRuns = need
			break
		}
		ivs := reports.ESBootstrap(x, []float64{f.Arg}, conf, 2000, rand.New(rand.NewPCG(seed, 0x45535f)))
		e.Lo, e.Hi = ivs[0].Lo, ivs[0].Hi
	}
	return e
}

// IsProb reports whether the figure is a probability.
func (f *Figure) IsProb() bool { return f.Kind == "P>" || f.Kind == "P<" }

// hit reports whether a run's value counts towards a probability figure.
func (f *Figure) hit(y float64) bool {
	return (f.Kind == "P>" && y > f.Arg) || (f.Kind == "P<" && y < f.Arg)
}

// Judge evaluates the constraint on the per-run values of its metric, on
// its interval at level conf: Confidence for a verdict taken once, the
// per-look level (LookConfidence) for one of several looks.
func (c *Constraint) Judge(values []float64, seed uint64, conf float64) Verdict {
	v := Verdict{C: c, Estimate: c.Figure.Estimate(values, seed, conf)}
	if !math.IsNaN(v.Hi) {
		if c.Op == "<=" {
			v.Meets, v.Fails, v.Margin = v.Hi <= c.Limit, v.Lo > c.Limit, c.Limit-v.Hi
		} else {
			v.Meets, v.Fails, v.Margin = v.Lo >= c.Limit, v.Hi < c.Limit, v.Lo-c.Limit
		}
	}
	return v
}

// At returns the constraint with its limit read from s when its right
// side names a scenario key, so that a limit such as backstop.reserve
// follows the point's own value when the sweep or tune varies that key.
func (c Constraint) At(s *scenario.Scenario) (Constraint, error) {
	if _, err := strconv.ParseFloat(c.RHS, 64); err == nil {
		return c, nil
	}
	v, ok := scenarioNumber(s, c.RHS)
	if !ok {
		return c, fmt.Errorf("%q: the right side %q is not a numeric key of the scenario", c.Text, c.RHS)
	}
	c.Limit = v
	return c, nil
}

// KeyLimit reports whether the constraint's limit is a scenario key.
func (c *Constraint) KeyLimit() bool {
	_, err := strconv.ParseFloat(c.RHS, 64)
	return err != nil
}

// MinRuns is the fewest runs with which the constraint can be met at all,
// whatever the runs show, when judged on intervals at level conf: a
// probability's limit p needs enough runs that the Clopper-Pearson bound
// of no run beyond it is within p (368 runs for P(...) <= 0.01 at 95%,
// 505 at 98.75%), a quantile or a tail mean enough runs for an interval.
// It is 0 when no number of runs can meet it (a probability bounded by 0
// or 1 from the side it cannot pass).
func (c *Constraint) MinRuns(conf float64) int {
	a := (1 - conf) / 2
	switch c.Kind {
	case "P>", "P<":
		// The best case: no run counts (<=) or every run does (>=).
		p := c.Limit
		if c.Op == ">=" {
			p = 1 - c.Limit
		}
		if p >= 1 {
			return 1
		}
		if p <= 0 {
			return 0
		}
		n := max(int(math.Ceil(math.Log(a)/math.Log1p(-p)))-1, 1)
		for reports.ClopperPearson(0, n, conf).Hi > p {
			n++
		}
		return n
	case "VaR":
		return reports.MinRunsQuantileCI(c.Arg, conf)
	case "ES":
		return reports.MinRunsES(c.Arg)
	}
	return 2 // a Student t interval
}
