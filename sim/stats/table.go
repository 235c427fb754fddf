package stats

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// ErrMismatch is returned (wrapped, with the difference) when merging
// tables whose metrics, bucket counts or sketch parameters differ.
var ErrMismatch = errors.New("stats: tables do not match")

// Table is a fixed grid of sketches, one per (metric, time bucket), all with
// the same parameters, allocated once. Metrics and buckets are addressed by
// index: metric m is Metrics()[m], bucket b is in [0, Buckets()).
//
// A Table is not safe for concurrent use; give each worker its own and
// merge them.
type Table struct {
	metrics    []string
	buckets    int
	alpha      float64
	maxBuckets int
	cells      []Sketch // metric-major: cell (m, b) is cells[m*buckets+b]
}

// NewTable returns an empty table of len(metrics)×buckets sketches, each
// made by NewSketch(alpha, maxBuckets). It panics if buckets < 1, if a
// metric name is repeated, or if NewSketch would panic.
func NewTable(metrics []string, buckets int, alpha float64, maxBuckets int) *Table {
	if buckets < 1 {
		panic("stats: NewTable: buckets < 1")
	}
	if why := checkParams(alpha, maxBuckets); why != "" {
		panic("stats: NewTable: " + why)
	}
	if dup := duplicate(metrics); dup != "" {
		panic("stats: NewTable: metric " + strconv.Quote(dup) + " repeated")
	}
	return newTable(slices.Clone(metrics), buckets, alpha, maxBuckets)
}

func newTable(metrics []string, buckets int, alpha float64, maxBuckets int) *Table {
	t := &Table{
		metrics:    metrics,
		buckets:    buckets,
		alpha:      alpha,
		maxBuckets: maxBuckets,
		cells:      make([]Sketch, len(metrics)*buckets),
	}
	if len(t.cells) > 0 {
		var empty Sketch
		empty.init(alpha, maxBuckets)
		// The cells are zeroed memory: an empty sketch differs only in
		// its parameters. Setting those alone, rather than copying a whole
		// Sketch (whose stores hold slices) into each cell, spares a write
		// barrier per cell while the collector runs, as it often does
		// while a batch sets up.
		for i := range t.cells {
			c := &t.cells[i]
			c.alpha, c.gamma, c.logGamma, c.maxBuckets = empty.alpha, empty.gamma, empty.logGamma, empty.maxBuckets
		}
	}
	return t
}

// duplicate returns a name that occurs twice in names, or "".
func duplicate(names []string) string {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}

// Metrics returns a copy of the metric names, in index order.
func (t *Table) Metrics() []string { return slices.Clone(t.metrics) }

// Buckets returns the number of time buckets.
func (t *Table) Buckets() int { return t.buckets }

// Alpha returns the relative accuracy of the table's sketches.
func (t *Table) Alpha() float64 { return t.alpha }

// MaxBuckets returns the bucket limit per sign of the table's sketches.
func (t *Table) MaxBuckets() int { return t.maxBuckets }

// cell returns the index of (metric, bucket) in t.cells. It panics if
// either is out of range.
func (t *Table) cell(metric, bucket int, op string) int {
	if metric < 0 || metric >= len(t.metrics) || bucket < 0 || bucket >= t.buckets {
		panic("stats: Table." + op + ": metric or bucket out of range")
	}
	return metric*t.buckets + bucket
}

// Add adds x to the sketch of (metric, bucket). It panics if metric or
// bucket is out of range, or as Sketch.Add does.
func (t *Table) Add(metric, bucket int, x float64) {
	t.cells[t.cell(metric, bucket, "Add")].Add(x)
}

// AddSeries adds one run's path of metric: xs[b] to the sketch of bucket
// b, for b < len(xs), as its deviation x − level from a constant level,
// and as 0 when that deviation is smaller in magnitude than zero. A value
// whose deviation is NaN or infinite is skipped (where Add would panic);
// for the others the result is that of the corresponding Add calls.
// AddSeries is faster, as it maps a value repeated along the path (a path
// that stays put) to its bucket once. It panics if xs is longer than the
// table has buckets, or if xs is not empty and metric is out of range.
func (t *Table) AddSeries(metric int, xs []float64, level, zero float64) {
	if len(xs) > t.buckets {
		panic("stats: Table.AddSeries: more values than buckets")
	}
	if len(xs) == 0 {
		return
	}
	first := t.cell(metric, 0, "AddSeries")
	cells := t.cells[first : first+len(xs)]
	last, lastIdx := -1.0, 0 // the last magnitude mapped, and its bucket
	for b, x := range xs {
		d := x - level
		if math.IsNaN(d) || math.IsInf(d, 0) {
			continue
		}
		a := math.Abs(d)
		if a < zero || a == 0 {
			cells[b].addAt(0, 0)
			continue
		}
		if a != last {
			last, lastIdx = a, cells[b].index(a) // every cell has the same alpha
		}
		cells[b].addAt(d, lastIdx)
	}
}

// AddPaths adds several runs' paths of metric, as AddSeries does for each
// path in turn, with the same result. It visits each bucket's sketch once
// for all the paths, which keeps that sketch in cache while its values go
// in: for a table larger than the cache, much faster than path by path.
func (t *Table) AddPaths(metric int, paths [][]float64, level, zero float64) {
	n := 0
	for _, xs := range paths {
		if len(xs) > t.buckets {
			panic("stats: Table.AddPaths: more values than buckets")
		}
		n = max(n, len(xs))
	}
	if n == 0 {
		return
	}
	first := t.cell(metric, 0, "AddPaths")
	cells := t.cells[first : first+n]
	// The bucket of a magnitude is a logarithm, the dearest step of an
	// addition, and every cell has the same alpha, so it is reused: the
	// last magnitude mapped on each path (a series often holds its value
	// from one time bucket to the next) and the last of all (paths often
	// share a value at a time bucket). Up to memoPaths paths keep their
	// own; more share the last of all.
	var memoX [memoPaths]float64
	var memoI [memoPaths]int
	for p := range memoX {
		memoX[p] = -1
	}
	last, lastIdx := -1.0, 0
	for b := range cells {
		c := &cells[b]
		for p, xs := range paths {
			if b >= len(xs) {
				continue
			}
			d := xs[b] - level
			if math.IsNaN(d) || math.IsInf(d, 0) {
				continue
			}
			a := math.Abs(d)
			if a < zero || a == 0 {
				c.addAt(0, 0)
				continue
			}
			switch {
			case p < memoPaths && a == memoX[p]:
				last, lastIdx = a, memoI[p]
			case a != last:
				last, lastIdx = a, c.index(a)
			}
			if p < memoPaths {
				memoX[p], memoI[p] = a, lastIdx
			}
			c.addAt(d, lastIdx)
		}
	}
}

// memoPaths is how many paths of an AddPaths call keep their own last
// magnitude and its bucket.
const memoPaths = 64

// Sketch returns the sketch of (metric, bucket) itself, not a copy. It
// panics if metric or bucket is out of range.
func (t *Table) Sketch(metric, bucket int) *Sketch {
	return &t.cells[t.cell(metric, bucket, "Sketch")]
}

// Reset empties every sketch, keeping the grid and its storage.
func (t *Table) Reset() {
	for i := range t.cells {
		t.cells[i].Reset()
	}
}

// Merge merges every sketch of o into the matching sketch of t. It returns
// an error wrapping ErrMismatch, and leaves t unchanged, unless both tables
// have the same metric names in the same order, the same number of buckets,
// alpha and maxBuckets. o may be t.
func (t *Table) Merge(o *Table) error {
	if err := t.compatible(o); err != nil {
		return err
	}
	for i := range t.cells {
		t.cells[i].Merge(&o.cells[i])
	}
	return nil
}

func (t *Table) compatible(o *Table) error {
	switch {
	case !slices.Equal(t.metrics, o.metrics):
		return fmt.Errorf("%w: metrics %q and %q", ErrMismatch, t.metrics, o.metrics)
	case t.buckets != o.buckets:
		return fmt.Errorf("%w: %d and %d buckets", ErrMismatch, t.buckets, o.buckets)
	case t.alpha != o.alpha || t.maxBuckets != o.maxBuckets:
		return fmt.Errorf("%w: sketch parameters (%g, %d) and (%g, %d)",
			ErrMismatch, t.alpha, t.maxBuckets, o.alpha, o.maxBuckets)
	}
	return nil
}

// MarshalBinary encodes the table in the canonical format described in the
// package documentation. It never fails.
func (t *Table) MarshalBinary() ([]byte, error) {
	var buf bytes.Buffer
	t.WriteTo(&buf) // a bytes.Buffer never fails
	return buf.Bytes(), nil
}

// WriteTo writes the encoding of MarshalBinary to w, a cell at a time, so
// that a large table is written without holding its whole encoding in
// memory. It returns the number of bytes written and the first error from
// w.
func (t *Table) WriteTo(w io.Writer) (int64, error) {
	b := append([]byte(tableMagic), formatVersion)
	b = appendParams(b, t.alpha, t.maxBuckets)
	b = binary.AppendUvarint(b, uint64(len(t.metrics)))
	for _, m := range t.metrics {
		b = binary.AppendUvarint(b, uint64(len(m)))
		b = append(b, m...)
	}
	b = binary.AppendUvarint(b, uint64(t.buckets))
	var n int64
	for i := range t.cells {
		b = t.cells[i].appendBody(b)
		if len(b) < 1<<12 {
			continue // gather small cells into one write
		}
		k, err := w.Write(b)
		n += int64(k)
		if err != nil {
			return n, err
		}
		b = b[:0]
	}
	if len(b) > 0 { // the last cells, or the header of a table without any
		k, err := w.Write(b)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// UnmarshalBinary sets t to the table encoded in data by MarshalBinary,
// replacing its metrics, buckets and parameters. On error (wrapping
// ErrCorrupt) t is unchanged.
func (t *Table) UnmarshalBinary(data []byte) error {
	u, err := decodeTable(data)
	if err != nil {
		return err
	}
	*t = *u
	return nil
}

// MergeBinary decodes a table encoded by MarshalBinary, typically a shard
// written by another process, and merges it into t. It returns an error
// wrapping ErrCorrupt if data does not decode and one wrapping ErrMismatch
// if the tables do not match (see Merge); t is then unchanged.
func (t *Table) MergeBinary(data []byte) error {
	u, err := decodeTable(data)
	if err != nil {
		return err
	}
	return t.Merge(u)
}

// minCellLen is the length of the shortest sketch body (an empty one).
const minCellLen = 6

func decodeTable(data []byte) (*Table, error) {
	d := decoder{b: data}
	d.header(tableMagic)
	alpha, maxB := d.params()
	nm := d.uvarint()
	if d.err == nil && nm > uint64(len(d.b)) {
		d.fail("%d metrics", nm)
	}
	if d.err != nil {
		return nil, d.err
	}
	metrics := make([]string, nm)
	for i := range metrics {
		metrics[i] = string(d.bytes(d.uvarint()))
	}
	nb := d.uvarint()
	if d.err != nil {
		return nil, d.err
	}
	switch {
	case nb < 1 || nb > math.MaxInt32:
		d.fail("%d buckets", nb)
	case nm > 0 && nb > uint64(len(d.b))/minCellLen/nm:
		d.fail("%d metrics × %d buckets exceed the data", nm, nb)
	}
	if dup := duplicate(metrics); dup != "" {
		d.fail("metric %q repeated", dup)
	}
	if d.err != nil {
		return nil, d.err
	}
	t := newTable(metrics, int(nb), alpha, maxB)
	for i := range t.cells {
		d.sketch(&t.cells[i])
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return t, nil
}

// WriteCSV writes one row per (metric, bucket), in metric then bucket
// order, after a header row:
//
//	metric,bucket,t,count,mean,min,<quantiles>,max
//
// where each quantile q gets a column named "p" followed by 100·q (p1 for
// 0.01, p99.9 for 0.999) holding Sketch.Quantile(q), and t is
// bucketTime(bucket) (the bucket number if bucketTime is nil).
//
// Floats are written with strconv.FormatFloat(x, 'g', 10, 64): ten
// significant digits keep the files small, lie far below the sketch's
// relative accuracy, and format deterministically. The cells of an empty
// sketch (mean, min, quantiles, max) are empty. WriteCSV returns an error
// if a quantile is not in [0, 1], or the first error writing to w.
//
// If level is not nil, metric m's sketches hold deviations from level(m)
// (a constant), and every value written is the sketch value plus level(m):
// quantiles, mean, min and max shift exactly with the values.
//
// With more than one CPU, WriteCSV renders two halves of the table at
// once, so bucketTime and level may be called from two goroutines.
func (t *Table) WriteCSV(w io.Writer, bucketTime func(b int) float64, quantiles []float64, level func(m int) float64) error {
	header := []string{"metric", "bucket", "t", "count", "mean", "min"}
	for _, q := range quantiles {
		if !(q >= 0 && q <= 1) {
			return fmt.Errorf("stats: Table.WriteCSV: quantile %g not in [0, 1]", q)
		}
		header = append(header, "p"+strconv.FormatFloat(100*q, 'g', 10, 64))
	}
	header = append(header, "max")
	// The header and the metric names go through encoding/csv, for its
	// quoting; the numbers, which never need quotes, are appended to one
	// reused line.
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	names := make([]string, len(t.metrics))
	for m, name := range t.metrics {
		names[m] = csvField(name)
	}
	if len(names) < 2 || runtime.GOMAXPROCS(0) < 2 {
		return t.csvRows(w, names, 0, len(names), bucketTime, quantiles, level)
	}
	// Two halves of the metrics side by side: the second into memory while
	// the first goes to w.
	mid := len(names) / 2
	var rest bytes.Buffer
	var restErr error
	var restPanic any
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { restPanic = recover() }() // re-raised in the caller
		restErr = t.csvRows(&rest, names, mid, len(names), bucketTime, quantiles, level)
	}()
	err := t.csvRows(w, names, 0, mid, bucketTime, quantiles, level)
	<-done
	if restPanic != nil {
		panic(restPanic)
	}
	if err == nil {
		err = restErr
	}
	if err != nil {
		return err
	}
	_, err = w.Write(rest.Bytes())
	return err
}

// csvRows writes the rows of WriteCSV for metrics [from, to), whose CSV
// names are names[from:to].
func (t *Table) csvRows(w io.Writer, names []string, from, to int, bucketTime func(b int) float64, quantiles []float64, level func(m int) float64) error {
	var line []byte
	// Formatting a float is the dearest step of a row, and a row often
	// repeats a value (every quantile of a constant series, a metric that
	// is zero in most runs), so the last value's text is reused.
	lastBits, lastText := math.Float64bits(math.NaN()), []byte(nil)
	num := func(x float64) {
		line = append(line, ',')
		switch {
		case math.IsNaN(x):
		case math.Float64bits(x) == lastBits:
			line = append(line, lastText...)
		default:
			n := len(line)
			line = strconv.AppendFloat(line, x, 'g', 10, 64)
			lastBits, lastText = math.Float64bits(x), append(lastText[:0], line[n:]...)
		}
	}
	qv := make([]float64, len(quantiles))
	sorted := slices.IsSorted(quantiles)
	for m := from; m < to; m++ {
		name := names[m]
		lv := 0.0
		if level != nil {
			lv = level(m)
		}
		for b := range t.buckets {
			s := &t.cells[m*t.buckets+b]
			tb := float64(b)
			if bucketTime != nil {
				tb = bucketTime(b)
			}
			line = append(line[:0], name...)
			line = append(line, ',')
			line = strconv.AppendInt(line, int64(b), 10)
			num(tb)
			line = append(line, ',')
			line = strconv.AppendUint(line, s.Count(), 10)
			num(s.Mean() + lv)
			num(s.Min() + lv)
			if sorted {
				s.Quantiles(quantiles, qv)
			} else {
				for k, q := range quantiles {
					qv[k] = s.Quantile(q)
				}
			}
			for _, x := range qv {
				num(x + lv)
			}
			num(s.Max() + lv)
			line = append(line, '\n')
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
	}
	return nil
}

// csvField returns s as encoding/csv writes it among other fields:
// quoted if it needs to be.
func csvField(s string) string {
	if s == "" {
		return ""
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{s})
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}
