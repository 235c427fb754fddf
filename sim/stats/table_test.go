package stats

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var tableMetrics = []string{"debt", "price, usd", "empty"}

// fillTable adds runs [from, to) of a synthetic batch to t: per run and
// bucket a debt that drifts upwards, a price that can hit zero or go
// negative, and nothing for "empty" except in bucket 0. Each run draws
// from its own seed so that any split of the runs gives the same values.
func fillTable(t *Table, from, to int) {
	for run := from; run < to; run++ {
		r := rand.New(rand.NewPCG(1, uint64(run)))
		for b := range t.Buckets() {
			t.Add(0, b, 1e6*math.Exp(0.1*float64(b)+0.5*r.NormFloat64()))
			p := 1 + 0.2*r.NormFloat64()
			if r.IntN(10) == 0 {
				p = 0
			}
			t.Add(1, b, p)
		}
		if run%100 == 0 {
			t.Add(2, 0, float64(run))
		}
	}
}

func newTestTable() *Table { return NewTable(tableMetrics, 4, testAlpha, testMaxB) }

// TestTableCSVGolden pins the CSV of a small batch. The file changes only
// if the bucket mapping, the quantile rule or the formatting changes; say
// which in the change that updates it (go test -update).
func TestTableCSVGolden(t *testing.T) {
	tb := newTestTable()
	fillTable(tb, 0, 1000)
	var b bytes.Buffer
	quantiles := []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999}
	if err := tb.WriteCSV(&b, func(b int) float64 { return 3600 * float64(b) }, quantiles, nil); err != nil {
		t.Fatal(err)
	}
	header := "metric,bucket,t,count,mean,min,p1,p5,p25,p50,p75,p95,p99,p99.9,max\n"
	if !strings.HasPrefix(b.String(), header) {
		t.Errorf("header %q, want %q", strings.SplitAfter(b.String(), "\n")[0], header)
	}
	path := filepath.Join("testdata", "table.golden")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("CSV differs from %s:\n got:\n%s\nwant:\n%s", path, b.Bytes(), want)
	}
}

// TestTableShards splits a batch into shards of random sizes, serialises
// each, and merges the decoded shards in a random order: the CSV and the
// encoding must equal those of the table filled in one go.
func TestTableShards(t *testing.T) {
	t.Parallel()
	whole := newTestTable()
	fillTable(whole, 0, 600)
	want := mustMarshal(t, whole)
	var wantCSV bytes.Buffer
	if err := whole.WriteCSV(&wantCSV, nil, testQuantiles, nil); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	for k := range 5 {
		cuts := []int{0, 600}
		for range r.IntN(6) {
			cuts = append(cuts, r.IntN(601))
		}
		slices.Sort(cuts)
		var shards [][]byte
		for i := 1; i < len(cuts); i++ {
			s := newTestTable()
			fillTable(s, cuts[i-1], cuts[i])
			shards = append(shards, mustMarshal(t, s))
		}
		r.Shuffle(len(shards), func(i, j int) { shards[i], shards[j] = shards[j], shards[i] })
		var got Table
		if err := got.UnmarshalBinary(shards[0]); err != nil {
			t.Fatal(err)
		}
		for _, b := range shards[1:] {
			if err := got.MergeBinary(b); err != nil {
				t.Fatal(err)
			}
		}
		equalBytes(t, "merged shards", mustMarshal(t, &got), want)
		var csv bytes.Buffer
		if err := got.WriteCSV(&csv, nil, testQuantiles, nil); err != nil {
			t.Fatal(err)
		}
		if csv.String() != wantCSV.String() {
			t.Errorf("split %d: CSV of merged shards differs", k)
		}
	}
	if !slices.Equal(whole.Metrics(), tableMetrics) || whole.Buckets() != 4 ||
		whole.Alpha() != testAlpha || whole.MaxBuckets() != testMaxB {
		t.Errorf("accessors: %q %d %g %d", whole.Metrics(), whole.Buckets(), whole.Alpha(), whole.MaxBuckets())
	}
	whole.Reset()
	equalBytes(t, "reset table", mustMarshal(t, whole), mustMarshal(t, newTestTable()))
}

func TestTableMismatch(t *testing.T) {
	t.Parallel()
	base := newTestTable()
	fillTable(base, 0, 10)
	before := mustMarshal(t, base)
	for name, o := range map[string]*Table{
		"metric order": NewTable([]string{"price, usd", "debt", "empty"}, 4, testAlpha, testMaxB),
		"metric names": NewTable([]string{"debt", "price", "empty"}, 4, testAlpha, testMaxB),
		"fewer":        NewTable(tableMetrics[:2], 4, testAlpha, testMaxB),
		"buckets":      NewTable(tableMetrics, 5, testAlpha, testMaxB),
		"alpha":        NewTable(tableMetrics, 4, 0.01, testMaxB),
		"maxBuckets":   NewTable(tableMetrics, 4, testAlpha, 100),
	} {
		o.Add(0, 0, 1)
		if err := base.Merge(o); !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: Merge err = %v, want ErrMismatch", name, err)
		}
		if err := base.MergeBinary(mustMarshal(t, o)); !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: MergeBinary err = %v, want ErrMismatch", name, err)
		}
	}
	equalBytes(t, "table after failed merges", mustMarshal(t, base), before)
}

func TestTableUnmarshalCorrupt(t *testing.T) {
	t.Parallel()
	tb := NewTable([]string{"a", "b"}, 2, testAlpha, 16)
	tb.Add(0, 1, 3)
	tb.Add(1, 0, -2)
	good := mustMarshal(t, tb)
	for i := range len(good) {
		var u Table
		if err := u.UnmarshalBinary(good[:i]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("truncated to %d bytes: err = %v, want ErrCorrupt", i, err)
		}
		if err := tb.MergeBinary(good[:i]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("MergeBinary of %d bytes: err = %v, want ErrCorrupt", i, err)
		}
	}
	for i := range len(good) {
		for bit := range 8 {
			b := slices.Clone(good)
			b[i] ^= 1 << bit
			checkDecodedTable(t, b)
		}
	}
	dup := NewTable([]string{"a", "c"}, 1, testAlpha, 16)
	b := mustMarshal(t, dup)
	b[bytes.Index(b, []byte("c"))] = 'a'
	var u Table
	if err := u.UnmarshalBinary(b); !errors.Is(err, ErrCorrupt) {
		t.Errorf("repeated metric: err = %v, want ErrCorrupt", err)
	}
}

// checkDecodedTable decodes b; if it is accepted it must be canonical and
// writable as CSV.
func checkDecodedTable(t testing.TB, b []byte) {
	t.Helper()
	var u Table
	if err := u.UnmarshalBinary(b); err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
		return
	}
	if got := mustMarshal(t, &u); !bytes.Equal(got, b) {
		t.Fatalf("accepted a non-canonical encoding:\n in  %x\n out %x", b, got)
	}
	if err := u.WriteCSV(&bytes.Buffer{}, nil, testQuantiles, nil); err != nil {
		t.Fatal(err)
	}
	if err := u.Merge(&u); err != nil {
		t.Fatal(err)
	}
}

func TestTableWriteCSV(t *testing.T) {
	t.Parallel()
	tb := NewTable([]string{"m"}, 1, testAlpha, 10)
	for _, q := range []float64{-0.01, 1.5, math.NaN()} {
		if err := tb.WriteCSV(&bytes.Buffer{}, nil, []float64{q}, nil); err == nil {
			t.Errorf("quantile %g: no error", q)
		}
	}
	var b bytes.Buffer
	if err := tb.WriteCSV(&b, nil, []float64{0, 0.001, 0.5, 1}, nil); err != nil {
		t.Fatal(err)
	}
	want := "metric,bucket,t,count,mean,min,p0,p0.1,p50,p100,max\nm,0,0,0,,,,,,,\n"
	if b.String() != want {
		t.Errorf("empty table CSV:\n%s\nwant:\n%s", b.String(), want)
	}
	if err := tb.WriteCSV(failWriter{}, nil, nil, nil); err == nil {
		t.Error("no error from a failing writer")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// failAfter accepts limit bytes, then fails every write.
type failAfter struct {
	buf   bytes.Buffer
	limit int
}

var errFull = errors.New("disk full")

func (w *failAfter) Write(p []byte) (int, error) {
	if room := w.limit - w.buf.Len(); len(p) > room {
		w.buf.Write(p[:room])
		return room, errFull
	}
	return w.buf.Write(p)
}

// TestTableWriteTo streams a table large enough to be written in many
// pieces: the bytes decode to the same table, and a failing writer's
// error comes back with the count of bytes it accepted.
func TestTableWriteTo(t *testing.T) {
	t.Parallel()
	tb := NewTable(tableMetrics, 300, testAlpha, testMaxB)
	fillTable(tb, 0, 200)
	var w bytes.Buffer
	n, err := tb.WriteTo(&w)
	if err != nil || n != int64(w.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d bytes", n, err, w.Len())
	}
	if w.Len() < 3<<12 {
		t.Fatalf("encoding of %d bytes: too small to need several writes", w.Len())
	}
	var got Table
	if err := got.UnmarshalBinary(w.Bytes()); err != nil {
		t.Fatal(err)
	}
	var want, gotCSV bytes.Buffer
	if err := tb.WriteCSV(&want, nil, testQuantiles, nil); err != nil {
		t.Fatal(err)
	}
	if err := got.WriteCSV(&gotCSV, nil, testQuantiles, nil); err != nil {
		t.Fatal(err)
	}
	if want.String() != gotCSV.String() {
		t.Error("the decoded stream differs from the table written")
	}
	equalBytes(t, "MarshalBinary and WriteTo", mustMarshal(t, tb), w.Bytes())
	for _, limit := range []int{0, 5, w.Len() / 2, w.Len() - 1} {
		f := &failAfter{limit: limit}
		n, err := tb.WriteTo(f)
		if !errors.Is(err, errFull) || n != int64(limit) {
			t.Errorf("limit %d: WriteTo = %d, %v; want %d, %v", limit, n, err, limit, errFull)
		}
	}
}

// TestTableAddSeries: AddSeries and AddPaths (of groups of paths of
// varying size and length) give the table that Add of each
// deviation gives, with repeated values, zeros, values within the zero
// threshold of the level, NaN and infinities (skipped) along the path.
func TestTableAddSeries(t *testing.T) {
	t.Parallel()
	const level, zero = 1.0, 1e-6
	r := rand.New(rand.NewPCG(3, 4))
	viaSeries := NewTable(tableMetrics, 50, testAlpha, testMaxB)
	viaAdd := NewTable(tableMetrics, 50, testAlpha, testMaxB)
	viaPaths := NewTable(tableMetrics, 50, testAlpha, testMaxB)
	pending := make([][][]float64, len(tableMetrics)) // by metric, paths not yet added
	for run := range 300 {
		xs := make([]float64, 50-run%7) // some paths end early
		x := level
		for b := range xs {
			switch r.IntN(6) {
			case 0: // stays put
			case 1:
				x = level + (r.Float64()-0.5)*2e-6 // within or just beyond the threshold
			case 2:
				x = math.NaN()
			case 3:
				x = math.Inf(1 - 2*r.IntN(2))
			default:
				x = level + r.NormFloat64()*0.01
			}
			xs[b] = x
		}
		m := run % len(tableMetrics)
		viaSeries.AddSeries(m, xs, level, zero)
		if pending[m] = append(pending[m], xs); len(pending[m]) == 1+run%9 {
			viaPaths.AddPaths(m, pending[m], level, zero)
			pending[m] = nil
		}
		for b, x := range xs {
			d := x - level
			switch {
			case math.IsNaN(d) || math.IsInf(d, 0):
			case math.Abs(d) < zero:
				viaAdd.Add(m, b, 0)
			default:
				viaAdd.Add(m, b, d)
			}
		}
	}
	for m, paths := range pending {
		viaPaths.AddPaths(m, paths, level, zero)
	}
	equalBytes(t, "AddSeries and Add", mustMarshal(t, viaSeries), mustMarshal(t, viaAdd))
	equalBytes(t, "AddPaths and Add", mustMarshal(t, viaPaths), mustMarshal(t, viaAdd))
	if viaSeries.Sketch(0, 0).Count() == 0 {
		t.Error("nothing was added")
	}

	// A group of more paths than keep their own last bucket (memoPaths):
	// piecewise-constant paths, some equal to each other.
	big := make([][]float64, memoPaths+9)
	for p := range big {
		big[p] = make([]float64, 50)
		x := level + r.NormFloat64()
		for b := range big[p] {
			if r.IntN(5) == 0 {
				x = level + r.NormFloat64()
			}
			big[p][b] = x
		}
		if p%4 == 3 {
			copy(big[p], big[p-1])
		}
	}
	viaPaths = NewTable(tableMetrics, 50, testAlpha, testMaxB)
	viaAdd = NewTable(tableMetrics, 50, testAlpha, testMaxB)
	viaPaths.AddPaths(0, big, level, zero)
	for _, xs := range big {
		for b, x := range xs {
			viaAdd.Add(0, b, x-level)
		}
	}
	equalBytes(t, "AddPaths of many paths and Add", mustMarshal(t, viaPaths), mustMarshal(t, viaAdd))
}

// TestTableWithoutMetrics: a table with no metrics still encodes its
// header, and the encoding decodes to an equal table.
func TestTableWithoutMetrics(t *testing.T) {
	t.Parallel()
	tb := NewTable(nil, 3, testAlpha, testMaxB)
	b := mustMarshal(t, tb)
	var got Table
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatalf("%d bytes: %v", len(b), err)
	}
	if len(got.Metrics()) != 0 || got.Buckets() != 3 {
		t.Errorf("decoded %d metrics, %d buckets; want 0, 3", len(got.Metrics()), got.Buckets())
	}
}
