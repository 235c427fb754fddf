package reports

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure size and raster resolution.
const (
	ChartWidth  = 5.6 * vg.Inch
	ChartHeight = 3.2 * vg.Inch
	PNGDPI      = 150
)

// ErrNoData is returned by a figure function when there is nothing to
// draw.
var ErrNoData = errors.New("reports: no data to plot")

// Chart is one figure of the report: a plot, or, when there is nothing to
// draw, the sentence that replaces it.
type Chart struct {
	Name    string // file name under plots/, without extension
	Title   string
	Caption string
	Plot    *plot.Plot // nil when Empty is set
	Empty   string
}

// Greys and line styles: every element differs in grey level, width or
// dash pattern, so the figures read in greyscale and in print.
var (
	inkDark   = color.RGBA{R: 8, G: 38, B: 84, A: 255}     // median, curves
	band50    = color.RGBA{R: 120, G: 160, B: 205, A: 255} // inner band
	band90    = color.RGBA{R: 206, G: 222, B: 240, A: 255} // outer band
	inkSample = color.RGBA{R: 140, G: 80, B: 45, A: 255}   // thin, solid: neither band, median nor mean; darker than the 50% band in grey
	inkMark   = color.RGBA{R: 150, G: 40, B: 30, A: 255}
	histFill  = color.RGBA{R: 150, G: 180, B: 215, A: 255}
	sansFont  = font.Font{Typeface: "Liberation", Variant: "Sans"}
	// meanDashes is the mean's dash pattern: the sample paths are thin and
	// solid, so none of them reads as the mean.
	meanDashes = []vg.Length{vg.Points(3), vg.Points(2)}
	peakDashes = []vg.Length{vg.Points(1), vg.Points(1.5)} // dotted, apart from the mean's dashes
	// worstDashes, dash-dot, draw the run that went furthest the bad way.
	worstDashes = []vg.Length{vg.Points(5), vg.Points(1.5), vg.Points(1), vg.Points(1.5)}
)

// errAllZero is returned by FanChart for a series that is zero in every
// run at every time: a chart of it is an empty axis.
var errAllZero = errors.New("reports: series zero in every run")

// newPlot returns a plot with the report's fonts and number formatting.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansFont, 11)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont, 9)
		a.Tick.Label.Font = font.From(sansFont, 8)
		a.Tick.Marker = numTicks{}
	}
	p.Legend.TextStyle.Font = font.From(sansFont, 8)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.ThumbnailWidth = vg.Points(18)
	p.Legend.Padding = vg.Points(2.5)
	return p
}

// axisLabel is "label [unit]".
func axisLabel(m Metric) string {
	if m.Unit == "" {
		return m.Label
	}
	return m.Label + " [" + m.Unit + "]"
}

// timeAxis returns the divisor and label of the time axis for a horizon
// in hours: days past three days, hours before.
func timeAxis(horizon float64) (float64, string) {
	if horizon > 72 {
		return 24, "time since start [days]"
	}
	return 1, "time since start [hours]"
}

// clean drops the points with a NaN or infinite coordinate, which the
// plotters reject.
func clean(xys plotter.XYs) plotter.XYs {
	out := xys[:0:0]
	for _, p := range xys {
		if !math.IsNaN(p.X) && !math.IsInf(p.X, 0) && !math.IsNaN(p.Y) && !math.IsInf(p.Y, 0) {
			out = append(out, p)
		}
	}
	return out
}

// FanChart draws the distribution over time of series m across the
// successful runs of b: the median, the 50% (p25–p75) and 90% (p5–p95)
// bands from quantiles.csv, the mean, and the sample paths of paths.csv.
// When the quantile sketch cannot resolve the series (SketchLimited), it
// draws the exact range over runs (min–max) instead of the bands and no
// median. A band that is empty (its bounds equal at every time) is
// neither drawn nor listed in the legend. It returns ErrNoData when
// quantiles.csv holds no finite value for m, and errAllZero when m is zero
// in every run at every time (exact minima and maxima, and the sample
// paths).
func FanChart(b *Batch, m Metric) (*plot.Plot, error) {
	rows := b.Quantiles[m.Name]
	if allZero(rows, b.Paths[m.Name]) {
		return nil, errAllZero
	}
	horizon := 0.0
	for _, r := range rows {
		horizon = math.Max(horizon, r.T)
	}
	div, xlabel := timeAxis(horizon)
	coarse := SketchLimited(rows)
	// With the median and bands at zero throughout, the maximum over runs
	// shows when and how large the runs above zero were.
	var peak plotter.XYs
	showPeak := !coarse && zeroBands(rows)
	var med, mean plotter.XYs
	var lo, hi [2]plotter.XYs // outer and inner band
	for _, r := range rows {
		if r.Count == 0 {
			continue
		}
		x := r.T / div
		mean = append(mean, plotter.XY{X: x, Y: r.Mean})
		if showPeak && finite(r.Max) {
			peak = append(peak, plotter.XY{X: x, Y: r.Max})
		}
		if coarse {
			if finite(r.Min, r.Max) {
				lo[0] = append(lo[0], plotter.XY{X: x, Y: r.Min})
				hi[0] = append(hi[0], plotter.XY{X: x, Y: r.Max})
			}
			continue
		}
		if p50, ok := r.P["p50"]; ok {
			med = append(med, plotter.XY{X: x, Y: p50})
		}
		for i, cols := range [2][2]string{{"p5", "p95"}, {"p25", "p75"}} {
			l, okl := r.P[cols[0]]
			h, okh := r.P[cols[1]]
			if okl && okh && finite(l, h) {
				lo[i] = append(lo[i], plotter.XY{X: x, Y: l})
				hi[i] = append(hi[i], plotter.XY{X: x, Y: h})
			}
		}
	}
	med, mean = clean(med), clean(mean)
	if len(med) == 0 && len(mean) == 0 {
		return nil, ErrNoData
	}
	p := newPlot(m.Label, xlabel, axisLabel(m))
	p.X.Tick.Marker = timeTicks{days: div == 24}
	names := [2]string{"90% band (p5–p95)", "50% band (p25–p75)"}
	if coarse {
		names[0] = "range over runs (exact)"
	}
	for i, fill := range []color.Color{band90, band50} {
		if len(lo[i]) < 2 || emptyBand(lo[i], hi[i]) {
			continue
		}
		poly, err := bandPolygon(lo[i], hi[i])
		if err != nil {
			return nil, err
		}
		poly.Color = fill
		p.Add(poly)
		p.Legend.Add(names[i], poly)
	}
	paths := b.Paths[m.Name]
	var first, worst *plotter.Line
	worstRun := -1
	drawn := 0
	for _, path := range paths {
		var xys plotter.XYs
		for j, y := range path.Y {
			if j < len(b.PathT) {
				xys = append(xys, plotter.XY{X: b.PathT[j] / div, Y: y})
			}
		}
		xys = clean(xys)
		if len(xys) == 0 {
			continue
		}
		if path.Worst {
			l, err := styledLine(xys, inkMark, 1.2, worstDashes)
			if err != nil {
				return nil, err
			}
			worst, worstRun = l, path.Run
			continue // drawn over the samples, below
		}
		l, err := styledLine(xys, inkSample, 0.6, nil)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		drawn++
		if first == nil {
			first = l
		}
	}
	if first != nil {
		p.Legend.Add(fmt.Sprintf("sample runs (%d)", drawn), first)
	}
	if worst != nil {
		p.Add(worst)
		p.Legend.Add(fmt.Sprintf("%s run (run %d)", worstWord(m), worstRun), worst)
	}
	if len(peak) > 1 {
		l, err := styledLine(peak, inkDark, 1, peakDashes)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add("largest in any run (exact)", l)
	}
	onMedian := meanOnMedian(mean, med, lo[0], hi[0])
	if len(mean) > 0 && !onMedian {
		l, err := styledLine(mean, color.Black, 1, meanDashes)
		if coarse {
			l, err = styledLine(mean, inkDark, 2, nil)
		}
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add("mean", l)
	}
	if len(med) > 0 {
		l, err := styledLine(med, inkDark, 2, nil)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		if onMedian {
			p.Legend.Add("median (the mean lies on it)", l)
		} else {
			p.Legend.Add("median", l)
		}
	}
	p.X.Min = 0
	if b.window[1] > 0 {
		p.X.Min, p.X.Max = b.window[0]/div, b.window[1]/div
	}
	padFlat(p)
	return p, nil
}

// styledLine is a line through xys in colour c, width points wide, solid
// or with dashes.
func styledLine(xys plotter.XYs, c color.Color, width float64, dashes []vg.Length) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width, l.Dashes = c, vg.Points(width), dashes
	return l, nil
}

// meanOnMedian reports whether the mean lies on the median at every time,
// within 0.4% of the chart's range (about a line's width): drawn, it would
// be hidden under the median, and the legend would list a line no one can
// see.
func meanOnMedian(mean, med, lo, hi plotter.XYs) bool {
	if len(mean) == 0 || len(mean) != len(med) {
		return false
	}
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, xys := range []plotter.XYs{mean, med, lo, hi} {
		for _, p := range xys {
			ymin, ymax = math.Min(ymin, p.Y), math.Max(ymax, p.Y)
		}
	}
	tol := 0.004 * (ymax - ymin)
	if !(tol > 0) {
		return false
	}
	for i := range mean {
		if mean[i].X != med[i].X || math.Abs(mean[i].Y-med[i].Y) > tol {
			return false
		}
	}
	return true
}

// worstWord is the word for the run a fan chart draws as its worst path:
// the one whose series went highest, or lowest.
func worstWord(m Metric) string {
	if m.Worse == "low" {
		return "lowest"
	}
	return "highest"
}

// emptyBand reports whether a band has no area: its bounds are equal at
// every time.
func emptyBand(lo, hi plotter.XYs) bool {
	for i := range lo {
		if hi[i].Y != lo[i].Y {
			return false
		}
	}
	return true
}

// allZero reports whether a series is zero in every run at every time:
// its exact minimum and maximum in every bucket with runs, and every
// sample path. It is false for a series without data.
func allZero(rows []QuantileRow, paths []Path) bool {
	n := 0
	for _, r := range rows {
		if r.Count == 0 {
			continue
		}
		if r.Min != 0 || r.Max != 0 {
			return false
		}
		n++
	}
	for _, p := range paths {
		for _, y := range p.Y {
			if y != 0 && !math.IsNaN(y) {
				return false
			}
		}
	}
	return n > 0
}

// fanQuantiles are the quantile columns a fan chart draws: the bounds of
// its bands and the median.
var fanQuantiles = []string{"p5", "p25", "p50", "p75", "p95"}

// SketchLimited reports whether the quantiles of a series are too coarse
// to draw: quantiles.csv keeps them with streaming sketches of bounded
// relative error, and a series that stays within a few per cent of a
// level (a peg, a stablecoin price) then spans only one or two sketch
// buckets, so p5…p95 take at most two values and the "bands" show the
// sketch's grid instead of the spread of the runs. It is true when that
// holds in at least half of the buckets with data.
func SketchLimited(rows []QuantileRow) bool {
	n, coarse := 0, 0
	for _, r := range rows {
		if r.Count < 2 || !(r.Max > r.Min) {
			continue
		}
		var vs []float64
		ok := true
		for _, c := range fanQuantiles {
			v, has := r.P[c]
			if !has || !finite(v) {
				ok = false
				break
			}
			if !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
		if !ok {
			continue
		}
		n++
		p5, p95 := r.P["p5"], r.P["p95"]
		level := math.Max(math.Abs(r.Min), math.Abs(r.Max))
		if len(vs) <= 2 && r.Max-r.Min <= 0.05*level && p95-p5 <= 0.05*level {
			coarse++
		}
	}
	return n > 0 && 2*coarse >= n
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// bandPolygon is the region between lo and hi (same x values).
func bandPolygon(lo, hi plotter.XYs) (*plotter.Polygon, error) {
	ring := make(plotter.XYs, 0, len(lo)+len(hi))
	ring = append(ring, hi...)
	for i := len(lo) - 1; i >= 0; i-- {
		ring = append(ring, lo[i])
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil, err
	}
	poly.LineStyle.Width = 0
	return poly, nil
}

// padFlat widens a y range of zero height, which would otherwise draw
// every line on the bottom axis.
func padFlat(p *plot.Plot) {
	if p.Y.Max > p.Y.Min {
		return
	}
	d := math.Max(math.Abs(p.Y.Max)*0.05, 1)
	p.Y.Min -= d
	p.Y.Max += d
}

// Mark is a vertical reference line on a histogram.
type Mark struct {
	Name  string
	X     float64
	Style int // 0 dashed, 1 dotted
}

// Histogram draws the distribution of x across runs with title and the
// axis label of m, and a vertical line for each mark. NaN and infinite
// values are dropped. It returns ErrNoData when no finite value is left,
// and draws a single bar when all values are equal.
func Histogram(x []float64, m Metric, title string, marks []Mark) (*plot.Plot, error) {
	v := finiteSorted(x)
	if len(v) == 0 {
		return nil, ErrNoData
	}
	bins := min(max(int(math.Ceil(math.Sqrt(float64(len(v))))), 5), 40)
	if v[0] == v[len(v)-1] {
		bins = 1
	}
	h, err := plotter.NewHist(plotter.Values(v), bins)
	if err != nil {
		return nil, err
	}
	h.FillColor = histFill
	h.LineStyle.Width = vg.Points(0.5)
	h.LineStyle.Color = inkDark
	p := newPlot(title, axisLabel(m), "runs")
	p.Y.Tick.Marker = countTicks{}
	p.Add(h)
	p.Legend.Add(fmt.Sprintf("runs (%s)", group3(len(v))), h)
	top := 0.0
	for _, bin := range h.Bins {
		top = math.Max(top, bin.Weight)
	}
	for _, mk := range marks {
		if !finite(mk.X) {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: mk.X, Y: 0}, {X: mk.X, Y: top * 1.05}})
		if err != nil {
			return nil, err
		}
		l.Color = inkMark
		l.Width = vg.Points(1.2)
		if mk.Style == 0 {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		} else {
			l.Dashes = []vg.Length{vg.Points(1), vg.Points(1.5)}
		}
		p.Add(l)
		p.Legend.Add(mk.Name, l)
	}
	p.Y.Min = 0
	return p, nil
}

// Exceedance draws the exceedance curve P(X > x) of the values x across
// runs on a logarithmic probability axis, with a pointwise Clopper–Pearson
// band and reference lines at 5%, 1% and 0.1% (where the curve reaches
// them: the VaR at level q is where the curve crosses 1-q). NaN and
// infinite values are dropped. It returns ErrNoData unless some value
// exceeds another (a log axis cannot show a probability of zero).
//
// The y axis is linear in log10 of the probability, labelled as
// percentages, rather than a plot.LogScale: gonum/plot places the axis
// label at the midpoint of the data range, which on a log scale lies near
// the top and squeezes the plot.
func Exceedance(x []float64, m Metric, title string) (*plot.Plot, error) {
	v := finiteSorted(x)
	n := len(v)
	if n == 0 || v[0] == v[n-1] {
		return nil, ErrNoData
	}
	var curve, lo, hi plotter.XYs
	for i := 0; i < n; {
		j := i
		for j < n && v[j] == v[i] {
			j++
		}
		k := n - j // runs strictly above v[i]
		if k == 0 {
			break
		}
		iv := ClopperPearson(k, n, Confidence)
		curve = append(curve, plotter.XY{X: v[i], Y: math.Log10(float64(k) / float64(n))})
		lo = append(lo, plotter.XY{X: v[i], Y: math.Log10(iv.Lo)})
		hi = append(hi, plotter.XY{X: v[i], Y: math.Log10(iv.Hi)})
		i = j
	}
	curve, lo, hi = thinSteps(curve, lo, hi, v[n-1]-v[0])
	curve = append(curve, plotter.XY{X: v[n-1], Y: curve[len(curve)-1].Y})
	lo = append(lo, plotter.XY{X: v[n-1], Y: lo[len(lo)-1].Y})
	hi = append(hi, plotter.XY{X: v[n-1], Y: hi[len(hi)-1].Y})

	p := newPlot(title, axisLabel(m), "share of runs above x")
	p.Y.Tick.Marker = logProbTicks{}
	poly, err := bandPolygon(stepped(lo), stepped(hi))
	if err != nil {
		return nil, err
	}
	poly.Color = band90
	p.Add(poly)
	p.Legend.Add("95% band (Clopper–Pearson)", poly)
	ymin := math.Max(lo[len(lo)-1].Y-0.15, -6)
	var ref *plotter.Line
	for _, q := range []float64{0.05, 0.01, 0.001} {
		y := math.Log10(q)
		if y < ymin {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: v[0], Y: y}, {X: v[n-1], Y: y}})
		if err != nil {
			return nil, err
		}
		l.Color = inkMark
		l.Width = vg.Points(0.7)
		l.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
		p.Add(l)
		ref = l
	}
	if ref != nil {
		p.Legend.Add("5%, 1%, 0.1% levels", ref)
	}
	l, err := plotter.NewLine(curve)
	if err != nil {
		return nil, err
	}
	l.StepStyle = plotter.PostStep
	l.Color = inkDark
	l.Width = vg.Points(1.6)
	p.Add(l)
	p.Legend.Add("P(X > x)", l)
	p.Y.Min = ymin
	p.Y.Max = 0
	return p, nil
}

// stepped turns the corners of a post-step curve into explicit points, so
// that a polygon through them follows the steps.
// thinSteps drops the steps of an exceedance curve (and of its band, at
// the same indices) that are closer than a fraction of a pixel to the last
// one kept, in both x and log-share: a batch of any size then draws at
// most about two thousand steps (so the chart's memory and file size stay
// bounded) and looks the same. The tail, where each run is a visible
// step, is kept whole.
func thinSteps(curve, lo, hi plotter.XYs, span float64) (plotter.XYs, plotter.XYs, plotter.XYs) {
	const dy = 0.002 // decades of share: well below a pixel on a 3–6 decade axis
	dx := span / 1000
	k := 0
	for i := range curve {
		keep := i == 0 || i == len(curve)-1 ||
			math.Abs(curve[i].Y-curve[k-1].Y) >= dy || math.Abs(curve[i].X-curve[k-1].X) >= dx
		if keep {
			curve[k], lo[k], hi[k] = curve[i], lo[i], hi[i]
			k++
		}
	}
	return curve[:k], lo[:k], hi[:k]
}

func stepped(xys plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, 0, 2*len(xys))
	for i, p := range xys {
		if i > 0 {
			out = append(out, plotter.XY{X: p.X, Y: xys[i-1].Y})
		}
		out = append(out, p)
	}
	return out
}

// numTicks marks an axis at steps of 1, 2, 2.5 or 5 times a power of ten
// (about five labelled ticks, with minor ticks between) and labels them
// with a k/M/B suffix chosen for the whole axis and as many decimals as
// the step needs: 0, 400k, 800k, 1.2M.
type numTicks struct{}

// Ticks implements plot.Ticker.
func (numTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(lo, hi) {
		return []plot.Tick{{Value: lo, Label: Num(lo)}}
	}
	step, sub := niceStep(hi-lo, 5)
	return stepTicks(lo, hi, step, sub, tickLabeler(lo, hi, step))
}

// countTicks is numTicks for counts: whole-number steps only.
type countTicks struct{}

// Ticks implements plot.Ticker.
func (countTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(lo, hi) {
		return []plot.Tick{{Value: lo, Label: Num(lo)}}
	}
	step, sub := niceStep(hi-lo, 5)
	switch {
	case step <= 1:
		step, sub = 1, 1
	case step != math.Trunc(step): // 2.5 × 10^k below 10
		step, sub = 2*step, 5
	case step == 2:
		sub = 2
	}
	return stepTicks(lo, hi, step, sub, tickLabeler(lo, hi, step))
}

// niceStep returns the step of 1, 2, 2.5 or 5 times a power of ten that
// divides span into at most about target intervals, and the number of
// minor intervals per step.
func niceStep(span float64, target int) (step float64, sub int) {
	raw := span / float64(target)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []struct {
		f   float64
		sub int
	}{{1, 5}, {2, 4}, {2.5, 5}, {5, 5}, {10, 5}} {
		if m.f*p >= raw*(1-1e-9) {
			return m.f * p, m.sub
		}
	}
	return 10 * p, 5
}

// stepTicks returns labelled ticks at the multiples of step in [lo, hi]
// and sub-1 unlabelled ticks between each.
func stepTicks(lo, hi, step float64, sub int, label func(float64) string) []plot.Tick {
	var ts []plot.Tick
	minor := step / float64(sub)
	eps := step * 1e-9
	for i := math.Ceil((lo - eps) / minor); i*minor <= hi+eps; i++ {
		v := i * minor
		if math.Abs(v) < eps {
			v = 0
		}
		t := plot.Tick{Value: v}
		if int64(math.Round(i))%int64(sub) == 0 {
			t.Label = label(v)
		}
		ts = append(ts, t)
	}
	return ts
}

// tickLabeler returns the label function for an axis over [lo, hi] with
// labelled ticks every step.
func tickLabeler(lo, hi, step float64) func(float64) string {
	scale, suffix := 1.0, ""
	switch a := math.Max(math.Abs(lo), math.Abs(hi)); {
	case a >= 1e9:
		scale, suffix = 1e9, "B"
	case a >= 1e6:
		scale, suffix = 1e6, "M"
	case a >= 1e4:
		scale, suffix = 1e3, "k"
	}
	dec := 0
	s := strconv.FormatFloat(step/scale, 'g', 6, 64)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		dec = len(s) - i - 1
	}
	return func(v float64) string {
		s := strconv.FormatFloat(v/scale, 'f', dec, 64)
		if strings.Trim(s, "-0.") == "" {
			return "0"
		}
		return s + suffix
	}
}

// timeTicks marks a time axis in whole hours or days.
type timeTicks struct{ days bool }

// Ticks implements plot.Ticker.
func (t timeTicks) Ticks(lo, hi float64) []plot.Tick {
	steps := []float64{1, 2, 3, 6, 12, 24, 48}
	if t.days {
		steps = []float64{0.25, 0.5, 1, 2, 5, 7, 14, 30, 60, 90, 180, 365}
	}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if (hi-lo)/s <= 6 {
			step = s
			break
		}
	}
	sub := 1
	if !t.days && step >= 6 || t.days && step >= 1 && step <= 2 {
		sub = 2
	}
	return stepTicks(lo, hi, step, sub, tickLabeler(0, 0, step))
}

// logProbTicks marks an axis that holds log10 of a probability at the
// powers of ten, labelled as percentages (100%, 10%, 1%, 0.1%), with
// unlabelled minor ticks at 2…9 times each.
type logProbTicks struct{}

// Ticks implements plot.Ticker.
func (logProbTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := int(math.Floor(lo)); e <= int(math.Ceil(hi)); e++ {
		for k := 1; k < 10; k++ {
			y := float64(e) + math.Log10(float64(k))
			if y < lo-1e-9 || y > hi+1e-9 {
				continue
			}
			t := plot.Tick{Value: y}
			if k == 1 {
				t.Label = strconv.FormatFloat(100*math.Pow(10, float64(e)), 'f', max(0, -e-2), 64) + "%"
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// Render draws p with its legend in a column at its right, outside the
// data, on c.
func Render(p *plot.Plot, c draw.Canvas) {
	leg := p.Legend
	q := *p
	q.Legend = plot.NewLegend()
	w := leg.Rectangle(c).Size().X
	if w <= 0 {
		p.Draw(c)
		return
	}
	gap := vg.Points(8)
	q.Draw(draw.Crop(c, 0, -(w + 2*gap), 0, 0))
	lc := draw.Crop(c, c.Size().X-w-gap, -gap, 0, 0)
	if p.Title.Text != "" {
		lc = draw.Crop(lc, 0, 0, 0, -(p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding + vg.Points(4)))
	}
	leg.Top, leg.Left = true, true
	leg.Draw(lc)
}

// SVG renders p (with Render) as an SVG document of the given size. The
// font family names fall back to Arial and Helvetica, which have the same
// metrics as Liberation Sans, so the text fits where Liberation is not
// installed.
func SVG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	c := vgsvg.New(w, h)
	Render(p, draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(buf.Bytes(), []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")), nil
}

// PNG renders p (with Render) as a PNG image of the given size at PNGDPI.
func PNG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(PNGDPI))
	Render(p, draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
