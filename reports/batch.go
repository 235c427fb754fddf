package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Files of a batch directory, as `tempest run` writes them.
const (
	ManifestFile  = "manifest.json"
	RunsFile      = "runs.csv"
	QuantilesFile = "quantiles.csv"
	PathsFile     = "paths.csv"
)

// runsFixed is the number of columns of runs.csv before the summaries.
const runsFixed = 5

// Metric describes a time series or a per-run summary as the manifest
// lists it; the report documents a metric with these fields alone.
type Metric struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
	Desc  string `json:"desc"`
	// Worse, for a series, is the direction in which it means trouble:
	// "high", "low", or "" for neither. paths.csv then holds the run
	// that went furthest that way (Path.Worst).
	Worse string `json:"worse"`
	// Level, for a series sketched as deviations from a constant (the
	// peg's 1, the funded reserve, an asset's starting price), is that
	// constant; 0 otherwise.
	Level float64 `json:"level"`
}

// Manifest is the part of manifest.json the report reads. Timing is
// ignored: the report does not depend on it.
type Manifest struct {
	Tool         string    `json:"tool"`
	Version      string    `json:"version"`
	Scenario     string    `json:"scenario"`
	Question     string    `json:"question"`
	ScenarioFile string    `json:"scenario_file"`
	ConfigSHA256 string    `json:"config_sha256"`
	Seed         uint64    `json:"seed"`
	Runs         int       `json:"runs"`
	Failed       int       `json:"failed"`
	Steps        int       `json:"steps"`
	StepSeconds  int64     `json:"step_seconds"`
	BucketHours  float64   `json:"bucket_hours"`
	Quantiles    []float64 `json:"quantiles"`
	SketchAlpha  float64   `json:"sketch_alpha"` // 0 in a batch written before it was recorded
	Buckets      int       `json:"buckets"`
	// Shard is set in one shard's manifest: its runs are [First, Last).
	Shard *struct {
		First int `json:"first"`
		Last  int `json:"last"`
	} `json:"shard"`
	Command  string            `json:"command"`
	Series   []Metric          `json:"series"`
	Summary  []Metric          `json:"summary"`
	Config   map[string]any    `json:"config"`
	Comments map[string]string `json:"comments"`
	Written  []string          `json:"written"`  // keys the file or --set sets; absent in manifests before it
	Unread   map[string]string `json:"unread"`   // keys the model does not read, with the reason; absent in manifests before it
	Docs     map[string]string `json:"docs"`     // what each key means; absent in manifests before it
	Cautions map[string]string `json:"cautions"` // written values that read like whole percentages, with the note; absent when none

	written map[string]bool // Written as a set, built by Parameters
	sets    map[string]bool // the keys the command's --set overrides give, built by overridden
}

// Run is one row of runs.csv.
type Run struct {
	Index    int
	Seed     uint64
	OK       bool // status "ok"; otherwise the run failed
	FailStep int
	Error    string
	// Values holds the summaries in the order of Manifest.Summary; NaN
	// where the cell is empty.
	Values []float64
}

// QuantileRow is one row of quantiles.csv: the distribution of a series
// across the successful runs at the end of one time bucket.
type QuantileRow struct {
	Bucket int
	T      float64 // hours from the start at the bucket's end
	Count  int
	Mean   float64
	Min    float64
	Max    float64
	// P maps a quantile column name ("p5", "p50", ...) to its value.
	P map[string]float64
}

// Path is one path of paths.csv: a sample path (one of the first
// successful runs) or, with Worst set, the run whose series went furthest
// the way the series is worse (Metric.Worse).
type Path struct {
	Run   int
	Worst bool
	Y     []float64 // one value per bucket, NaN where missing
}

// Batch is a batch directory read into memory.
type Batch struct {
	Dir      string
	Manifest Manifest
	Runs     []Run
	// Quantiles maps a series name to its rows in bucket order.
	Quantiles map[string][]QuantileRow
	// PathT holds the bucket end times (hours) of paths.csv.
	PathT []float64
	// Paths maps a series name to its sample paths in run order, then its
	// worst path, if any.
	Paths map[string][]Path

	// window, when its end is above zero, is the time span in hours a
	// chart of this (windowed) batch shows: see windowed.
	window [2]float64
}

// Load reads the batch in dir. A missing or malformed file is an error
// naming the file and, for CSV files, the line.
func Load(dir string) (*Batch, error) {
	b := &Batch{Dir: dir}
	if err := b.readManifest(filepath.Join(dir, ManifestFile)); err != nil {
		return nil, err
	}
	if err := b.readRuns(filepath.Join(dir, RunsFile)); err != nil {
		return nil, err
	}
	if err := b.readQuantiles(filepath.Join(dir, QuantilesFile)); err != nil {
		return nil, err
	}
	if err := b.readPaths(filepath.Join(dir, PathsFile)); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Batch) readManifest(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep configuration numbers exactly as written
	if err := dec.Decode(&b.Manifest); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	m := &b.Manifest
	if m.Tool != "tempest" {
		return fmt.Errorf("%s: not a tempest manifest (tool %q)", name, m.Tool)
	}
	seen := map[string]bool{}
	for _, list := range [][]Metric{m.Series, m.Summary} {
		clear(seen)
		for _, s := range list {
			if s.Name == "" || seen[s.Name] {
				return fmt.Errorf("%s: empty or repeated metric name %q", name, s.Name)
			}
			seen[s.Name] = true
		}
	}
	return nil
}

// csvFile is a CSV file read whole, with line numbers for errors.
type csvFile struct {
	name string
	r    *csv.Reader
}

func openCSV(name string) (*csvFile, []string, *os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, nil, err
	}
	r := csv.NewReader(f)
	r.ReuseRecord = true // callers copy what they keep; the fields are fresh strings
	hdr, err := r.Read()
	if err != nil {
		f.Close()
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file")
		}
		return nil, nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return &csvFile{name: name, r: r}, slices.Clone(hdr), f, nil
}

// next returns the next record, nil at the end.
func (c *csvFile) next() ([]string, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	return rec, nil
}

func (c *csvFile) errf(format string, args ...any) error {
	line, _ := c.r.FieldPos(0)
	return fmt.Errorf("%s:%d: %s", c.name, line, fmt.Sprintf(format, args...))
}

// parseFloat parses a CSV number; the empty cell is NaN.
func parseFloat(s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

func (b *Batch) readRuns(name string) error {
	c, hdr, cl, err := openCSV(name)
	if err != nil {
		return err
	}
	defer cl.Close()
	want := []string{"run", "seed", "status", "fail_step", "error"}
	for _, s := range b.Manifest.Summary {
		want = append(want, s.Name)
	}
	if strings.Join(hdr, ",") != strings.Join(want, ",") {
		return fmt.Errorf("%s: header does not match the manifest's summary list:\n  have %s\n  want %s",
			name, strings.Join(hdr, ","), strings.Join(want, ","))
	}
	// Size the table from the manifest's run count, bounded by what the file
	// can hold (a row has at least a byte per column), so that a large batch
	// is read into one allocation instead of a series of doublings.
	m := len(want) - runsFixed
	rows := b.Manifest.Runs
	if fi, err := cl.Stat(); err == nil {
		rows = min(rows, int(fi.Size()/int64(len(want))))
	}
	rows = max(rows, 0)
	flat := make([]float64, 0, rows*m)
	b.Runs = make([]Run, 0, rows)
	for {
		rec, err := c.next()
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		var r Run
		if r.Index, err = strconv.Atoi(rec[0]); err != nil {
			return c.errf("run: %v", err)
		}
		if r.Index != len(b.Runs) {
			return c.errf("run %d out of order (expected %d)", r.Index, len(b.Runs))
		}
		if r.Seed, err = strconv.ParseUint(rec[1], 10, 64); err != nil {
			return c.errf("seed: %v", err)
		}
		switch rec[2] {
		case "ok":
			r.OK = true
		case "failed":
		default:
			return c.errf("status %q is neither ok nor failed", rec[2])
		}
		if r.FailStep, err = strconv.Atoi(rec[3]); err != nil {
			return c.errf("fail_step: %v", err)
		}
		if rec[4] != "" {
			// A copy: a field shares the memory of its whole line, which an
			// empty field would otherwise keep alive for every run.
			r.Error = strings.Clone(rec[4])
		}
		for i, s := range rec[runsFixed:] {
			v, err := parseFloat(s)
			if err != nil {
				return c.errf("%s: %v", hdr[runsFixed+i], err)
			}
			flat = append(flat, v)
		}
		b.Runs = append(b.Runs, r)
	}
	// A file cut at a line ends cleanly: only the count tells.
	wantRuns := b.Manifest.Runs
	if sh := b.Manifest.Shard; sh != nil {
		wantRuns = sh.Last - sh.First
	}
	if len(b.Runs) != wantRuns {
		return fmt.Errorf("%s: %d runs where the manifest has %d: the file is cut short or not this batch's", name, len(b.Runs), wantRuns)
	}
	// One array holds every run's values (a slice per run would cost an
	// allocation and a header each, which adds up over a large batch).
	for i := range b.Runs {
		b.Runs[i].Values = flat[i*m : (i+1)*m : (i+1)*m]
	}
	return nil
}

func (b *Batch) readQuantiles(name string) error {
	c, hdr, cl, err := openCSV(name)
	if err != nil {
		return err
	}
	defer cl.Close()
	fixed := []string{"metric", "bucket", "t", "count", "mean", "min"}
	if len(hdr) < len(fixed)+1 || strings.Join(hdr[:len(fixed)], ",") != strings.Join(fixed, ",") || hdr[len(hdr)-1] != "max" {
		return fmt.Errorf("%s: unexpected header %s", name, strings.Join(hdr, ","))
	}
	pcols := hdr[len(fixed) : len(hdr)-1]
	b.Quantiles = map[string][]QuantileRow{}
	for {
		rec, err := c.next()
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		row := QuantileRow{P: make(map[string]float64, len(pcols))}
		if row.Bucket, err = strconv.Atoi(rec[1]); err != nil {
			return c.errf("bucket: %v", err)
		}
		if row.Count, err = strconv.Atoi(rec[3]); err != nil {
			return c.errf("count: %v", err)
		}
		nums := []*float64{&row.T, nil, &row.Mean, &row.Min}
		for i, p := range nums {
			if p == nil {
				continue
			}
			if *p, err = parseFloat(rec[2+i]); err != nil {
				return c.errf("%s: %v", hdr[2+i], err)
			}
		}
		for i, col := range pcols {
			v, err := parseFloat(rec[len(fixed)+i])
			if err != nil {
				return c.errf("%s: %v", col, err)
			}
			row.P[col] = v
		}
		if row.Max, err = parseFloat(rec[len(rec)-1]); err != nil {
			return c.errf("max: %v", err)
		}
		b.Quantiles[rec[0]] = append(b.Quantiles[rec[0]], row)
	}
	if n := b.Manifest.Buckets; n > 0 {
		for _, m := range b.Manifest.Series {
			if got := len(b.Quantiles[m.Name]); got != n {
				return fmt.Errorf("%s: %s has %d of the manifest's %d time buckets: the file is cut short or not this batch's", name, m.Name, got, n)
			}
		}
	}
	return nil
}

func (b *Batch) readPaths(name string) error {
	c, hdr, cl, err := openCSV(name)
	if err != nil {
		return err
	}
	defer cl.Close()
	if len(hdr) < 2 || hdr[0] != "run" || hdr[1] != "metric" {
		return fmt.Errorf("%s: unexpected header", name)
	}
	// Batches before the worst paths have no kind column.
	first := 2
	if len(hdr) > 2 && hdr[2] == "kind" {
		first = 3
	}
	b.PathT = make([]float64, len(hdr)-first)
	for i, s := range hdr[first:] {
		if b.PathT[i], err = strconv.ParseFloat(s, 64); err != nil {
			return fmt.Errorf("%s: header column %d: %v", name, i+first+1, err)
		}
	}
	b.Paths = map[string][]Path{}
	for {
		rec, err := c.next()
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		var p Path
		if p.Run, err = strconv.Atoi(rec[0]); err != nil {
			return c.errf("run: %v", err)
		}
		if first == 3 {
			switch rec[2] {
			case "sample":
			case "worst":
				p.Worst = true
			default:
				return c.errf("kind %q: want sample or worst", rec[2])
			}
		}
		p.Y = make([]float64, len(rec)-first)
		for i, s := range rec[first:] {
			if p.Y[i], err = parseFloat(s); err != nil {
				return c.errf("t=%s: %v", hdr[first+i], err)
			}
		}
		b.Paths[rec[1]] = append(b.Paths[rec[1]], p)
	}
	return nil
}

// Summary returns the manifest's description of the per-run summary name.
func (b *Batch) Summary(name string) (Metric, bool) {
	for _, m := range b.Manifest.Summary {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

// Values returns the summary name of every successful run, in run order,
// NaN where the run left it empty. ok is false if the batch has no such
// summary.
func (b *Batch) Values(name string) (v []float64, ok bool) {
	col := -1
	for i, m := range b.Manifest.Summary {
		if m.Name == name {
			col = i
		}
	}
	if col < 0 {
		return nil, false
	}
	v = make([]float64, 0, len(b.Runs))
	for _, r := range b.Runs {
		if r.OK {
			v = append(v, r.Values[col])
		}
	}
	return v, true
}

// OK is the number of successful runs.
func (b *Batch) OK() int {
	n := 0
	for _, r := range b.Runs {
		if r.OK {
			n++
		}
	}
	return n
}
