package sim

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tempest-risk/tempest/sim/scenario"
	"github.com/tempest-risk/tempest/sim/stats"
)

// Output files of a batch.
const (
	ManifestFile  = "manifest.json"
	RunsFile      = "runs.csv"
	QuantilesFile = "quantiles.csv"
	PathsFile     = "paths.csv"
	SketchesFile  = "sketches.bin" // the exact quantile sketches behind quantiles.csv, for merge
)

// outputs streams a batch's results to disk in run order.
type outputs struct {
	c          *Compiled
	dir        string
	runsTmp    *os.File
	runsBuf    *bufio.Writer
	runs       *csv.Writer
	table      *stats.Table  // the batch's sketches, filled by the workers; read through sketches()
	ready      chan struct{} // closed once table is built (or building it panicked)
	tablePanic any           // what building the table panicked with
	rows       []sync.Mutex  // by metric: the right to add to that metric's sketches
	paths      []*RunResult
	extremes   []extremePath // by series: the run that went furthest the way the series is worse
	row        []string      // runs.csv's row, reused
	failed     int
	n          int
	files      atomicFiles
	series     []Metric
	resolution []float64 // by series: Compiled.resolution, looked up once
}

func newOutputs(c *Compiled, opt Options, first int) (*outputs, error) {
	if opt.Out == "" {
		return nil, fmt.Errorf("no output directory")
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return nil, err
	}
	o := &outputs{c: c, dir: opt.Out, n: first, files: atomicFiles{dir: opt.Out}}
	f, err := os.CreateTemp(opt.Out, "."+RunsFile+".*")
	if err != nil {
		return nil, err
	}
	o.runsTmp = f
	o.runsBuf = bufio.NewWriterSize(f, 1<<16)
	o.runs = csv.NewWriter(o.runsBuf)
	hdr := []string{"run", "seed", "status", "fail_step", "error"}
	for _, m := range c.Summary() {
		hdr = append(hdr, m.Name)
	}
	if err := o.runs.Write(hdr); err != nil {
		return nil, err
	}
	o.series = c.Series()
	o.resolution = make([]float64, len(o.series))
	for k := range o.resolution {
		o.resolution[k] = c.resolution(k)
	}
	o.rows = make([]sync.Mutex, len(o.series))
	o.extremes = make([]extremePath, len(o.series))
	for k := range o.extremes {
		o.extremes[k].run = -1
	}
	// The table (thousands of sketches) is built while the first runs
	// execute; its first user waits for it.
	o.ready = make(chan struct{})
	go func() {
		defer close(o.ready)
		defer func() { o.tablePanic = recover() }() // re-raised by sketches
		o.table = o.newTable()
	}()
	return o, nil
}

// sketches returns the batch's table, once built.
func (o *outputs) sketches() *stats.Table {
	<-o.ready
	if o.tablePanic != nil {
		panic(o.tablePanic)
	}
	return o.table
}

// newTable returns an empty quantile table for the batch's series.
func (o *outputs) newTable() *stats.Table {
	names := make([]string, len(o.series))
	for k, m := range o.series {
		names[k] = m.Name
	}
	return stats.NewTable(names, o.c.buckets, sketchAlpha, sketchBuckets)
}

// addSeries adds the series of a successful run to o.table: each value, as
// its deviation from the series' level, into the sketch of its time
// bucket. Deviations below the series' resolution count as zero.
func (o *outputs) addSeries(res *RunResult) {
	if res.Failed || res.Series == nil {
		return // failed runs are listed, not aggregated
	}
	for k, ser := range res.Series {
		o.rows[k].Lock()
		o.sketches().AddSeries(k, ser, o.series[k].Level, o.resolution[k])
		o.rows[k].Unlock()
	}
}

// seriesGroup is how many runs a worker's sketcher holds before adding
// their series together, bucket by bucket (Table.AddPaths): a bucket's
// sketch then stays in cache for the group's values instead of being
// fetched once per run. It bounds the series held per worker.
const seriesGroup = 16

// sketcher holds a worker's runs for the next group.
type sketcher struct {
	runs  []*RunResult
	paths [][]float64 // scratch: one metric's paths of the group
	done  []bool      // scratch: the metrics of the group added
}

// sketch adds the series of a successful run to the batch's table, a group
// at a time, and releases each run's series once added.
func (o *outputs) sketch(s *sketcher, res *RunResult) {
	if res.Failed || res.Series == nil {
		res.release()
		return // failed runs are listed, not aggregated
	}
	if s.runs = append(s.runs, res); len(s.runs) == seriesGroup {
		o.flushSketch(s)
	}
}

// flushSketch adds the series of the runs s holds to o.table. Workers share
// the table a metric at a time: a worker takes the metrics whose lock is
// free first and waits only when every metric it has left is busy. The
// sketches do not depend on the order values arrive in, so neither do the
// files.
func (o *outputs) flushSketch(s *sketcher) {
	if len(s.runs) == 0 {
		return
	}
	n := len(o.series)
	if cap(s.done) < n {
		s.done = make([]bool, n)
	}
	s.done = s.done[:n]
	clear(s.done)
	for left := n; left > 0; {
		k := -1
		for m := range n {
			if !s.done[m] && o.rows[m].TryLock() {
				k = m
				break
			}
		}
		if k < 0 { // every metric left is busy: wait for one
			for m := range n {
				if !s.done[m] {
					k = m
					o.rows[k].Lock()
					break
				}
			}
		}
		s.paths = s.paths[:0]
		for _, res := range s.runs {
			s.paths = append(s.paths, res.Series[k])
		}
		o.sketches().AddPaths(k, s.paths, o.series[k].Level, o.resolution[k])
		o.rows[k].Unlock()
		s.done[k] = true
		left--
	}
	for _, res := range s.runs {
		res.release()
	}
	clear(s.runs)
	s.runs = s.runs[:0]
	clear(s.paths)
}

// levels returns the level of each series for quantiles.csv.
func levels(series []Metric) func(m int) float64 {
	return func(m int) float64 { return series[m].Level }
}

// formatFloat writes a float for the CSV files: shortest exact form, empty
// for NaN.
func formatFloat(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// add records the next run (in run order) in runs.csv and keeps the first
// runs' series for paths.csv. Its series go to a quantile table apart
// (addSeries), so that workers can aggregate them in parallel.
func (o *outputs) add(res *RunResult) error {
	if res.Index != o.n {
		return fmt.Errorf("sim: aggregating run %d, expected %d", res.Index, o.n)
	}
	o.n++
	status := "ok"
	if res.Failed {
		status = "failed"
		o.failed++
	}
	// The row's storage is reused: the CSV writer copies its fields.
	row := append(o.row[:0], strconv.Itoa(res.Index), strconv.FormatUint(res.Seed, 10), status,
		strconv.Itoa(res.FailStep), firstLineOf(res.Err))
	for _, x := range res.Summary {
		row = append(row, formatFloat(x))
	}
	o.row = row
	if err := o.runs.Write(row); err != nil {
		return err
	}
	if !res.Failed && res.Series != nil && len(o.paths) < samplePaths {
		// A copy: the run's buffers go back to their pool.
		p := &RunResult{Index: res.Index, Series: make([][]float64, len(res.Series))}
		for k, s := range res.Series {
			p.Series[k] = slices.Clone(s)
		}
		o.paths = append(o.paths, p)
	}
	if !res.Failed && res.Series != nil {
		for k, m := range o.series {
			o.extremes[k].note(res.Index, res.Series[k], m)
		}
	}
	return nil
}

// extremePath is, for one series with a Worse direction, the run that has
// gone furthest that way so far, in run order: its index (-1 for none),
// its extreme value and its whole series.
type extremePath struct {
	run   int
	value float64
	ser   []float64
}

// note considers run's series ser of metric m: it becomes the extreme
// path when it went further in direction m.Worse than the one held (the
// earlier run on a tie).
func (e *extremePath) note(run int, ser []float64, m Metric) {
	v, ok := extremeOf(ser, m)
	if !ok || (e.run >= 0 && !further(v, e.value, m.Worse)) {
		return
	}
	e.run, e.value = run, v
	e.ser = append(e.ser[:0], ser...)
}

// extremeOf returns the furthest finite value of ser in direction m.Worse
// (WorseHigh: the largest; WorseLow: the smallest), and whether it is past
// where the series stands without trouble: its Level (the peg's 1, the
// funded reserve, an asset's starting price), or zero for a series without
// one (a deficit, auctions, debt liquidated). A run that never went past
// it has no extreme: the reserve buffer, which starts above the funded
// reserve and grows with fees, has one only in a run that fell below the
// funded reserve. (Not the run's first value: that is the end of the first
// bucket, and a run that peaked in it would never be chosen.)
func extremeOf(ser []float64, m Metric) (float64, bool) {
	ext, seen := 0.0, false
	// A loop for each direction: the aggregator, which goes in run order
	// for the whole batch, scans every run's series.
	switch m.Worse {
	case WorseHigh:
		for _, x := range ser {
			if (!seen || x > ext) && !math.IsNaN(x) && !math.IsInf(x, 0) {
				ext, seen = x, true
			}
		}
	case WorseLow:
		for _, x := range ser {
			if (!seen || x < ext) && !math.IsNaN(x) && !math.IsInf(x, 0) {
				ext, seen = x, true
			}
		}
	default:
		return 0, false
	}
	return ext, seen && further(ext, m.Level, m.Worse)
}

// further reports whether a is further than b in direction worse.
func further(a, b float64, worse string) bool {
	if worse == WorseLow {
		return a < b
	}
	return a > b
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// bucketTime is the end of bucket b in hours from the start.
func (c *Compiled) bucketTime(b int) float64 { return bucketEnd(b, c.bucket, c.Steps, c.Dt) }

// bucketEnd is the end, in hours from the start, of bucket b of a run of
// steps blocks of dt seconds with bucket blocks per bucket.
func bucketEnd(b, bucket, steps int, dt int64) float64 {
	end := min((b+1)*bucket, steps)
	return float64(int64(end)*dt) / 3600
}

// finish writes the remaining files and renames every one into place.
func (o *outputs) finish(wall time.Duration, opt Options) error {
	table := o.sketches()
	f := &o.files
	f.adopt(o.runsTmp.Name(), RunsFile)
	// The files are independent: write them side by side, and runs.csv's
	// sync with them.
	runs := make(chan error, 1)
	go func() { runs <- o.closeRuns() }()
	err := f.writeAll([]string{QuantilesFile, PathsFile, SketchesFile, ManifestFile}, []func(*bufio.Writer) error{
		func(w *bufio.Writer) error {
			return table.WriteCSV(w, o.c.bucketTime, quantileLevels, levels(o.series))
		},
		o.writePaths,
		func(w *bufio.Writer) error {
			_, err := table.WriteTo(w)
			return err
		},
		func(w *bufio.Writer) error { return writeJSON(w, o.manifest(wall, opt)) },
	})
	if err := errors.Join(<-runs, err); err != nil {
		return err
	}
	return f.commit()
}

// closeRuns flushes, syncs and closes runs.csv's temporary file.
func (o *outputs) closeRuns() error {
	o.runs.Flush()
	if err := o.runs.Error(); err != nil {
		return err
	}
	if err := o.runsBuf.Flush(); err != nil {
		return err
	}
	if err := o.runsTmp.Sync(); err != nil {
		return err
	}
	if err := o.runsTmp.Chmod(0o644); err != nil { // CreateTemp makes 0600
		return err
	}
	return o.runsTmp.Close()
}

// abort removes temporary files left by a failed batch.
func (o *outputs) abort() {
	if o.runsTmp != nil {
		o.runsTmp.Close()
		os.Remove(o.runsTmp.Name())
	}
	o.files.abort()
}

// Kinds of the rows of paths.csv.
const (
	pathSample = "sample" // one of the first successful runs
	pathWorst  = "worst"  // the run that went furthest the way its series is worse
)

// writePaths writes the whole series of the first runs, for sample paths
// in fan charts, and of each series' worst run: run, metric, kind, then one
// column per bucket.
func (o *outputs) writePaths(w *bufio.Writer) error {
	cw := csv.NewWriter(w)
	hdr := []string{"run", "metric", "kind"}
	for b := 0; b < o.c.buckets; b++ {
		hdr = append(hdr, formatFloat(o.c.bucketTime(b)))
	}
	if err := cw.Write(hdr); err != nil {
		return err
	}
	series := o.c.Series()
	var row []string
	// A series often holds its value from one bucket to the next: the
	// last value's text is reused rather than formatted again.
	lastBits, lastText := math.Float64bits(math.NaN()), ""
	write := func(run, k int, kind string, ser []float64) error {
		row = append(row[:0], strconv.Itoa(run), series[k].Name, kind)
		for _, x := range ser {
			if b := math.Float64bits(x); b != lastBits {
				lastBits, lastText = b, formatFloat(x)
			}
			row = append(row, lastText)
		}
		return cw.Write(row)
	}
	for _, res := range o.paths {
		for k, ser := range res.Series {
			if err := write(res.Index, k, pathSample, ser); err != nil {
				return err
			}
		}
	}
	for k, e := range o.extremes {
		if e.run >= 0 {
			if err := write(e.run, k, pathWorst, e.ser); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Manifest is manifest.json. Everything but Timing depends only on the
// scenario, the seed, the run count and the tool version.
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
	Buckets      int       `json:"buckets"`
	BucketSteps  int       `json:"bucket_steps"`
	Quantiles    []float64 `json:"quantiles"`
	// SketchAlpha is the quantile sketches' relative accuracy: a
	// percentile in quantiles.csv is within this share of the value at its
	// rank (of its distance from the series' Level, for a series with one).
	SketchAlpha float64           `json:"sketch_alpha"`
	Command     string            `json:"command"`
	Series      []Metric          `json:"series"`
	Summary     []Metric          `json:"summary"`
	Config      map[string]any    `json:"config"`
	Comments    map[string]string `json:"comments"`
	// Written lists the keys the scenario file or a --set override sets;
	// the configuration's other keys hold defaults.
	Written []string `json:"written,omitempty"`
	// Unread maps the keys of the configuration the model does not read
	// (another process's parameters of an asset) to the reason.
	Unread map[string]string `json:"unread,omitempty"`
	// Cautions maps the keys whose written value reads like a whole
	// percentage where the key takes a fraction or a multiplier (a fee_rate
	// of 3: 300% a year) to the note saying so.
	Cautions map[string]string `json:"cautions,omitempty"`
	// Docs maps the configuration's keys to what they mean (the schema's
	// comments), for the report's assumptions.
	Docs   map[string]string `json:"docs,omitempty"`
	Shard  *ShardInfo        `json:"shard,omitempty"`
	Timing Timing            `json:"timing"`
}

// ShardInfo describes one shard of a distributed batch.
type ShardInfo struct {
	Index   int    `json:"index"`   // 0-based
	Count   int    `json:"count"`   // shards in the batch
	First   int    `json:"first"`   // first run index
	Last    int    `json:"last"`    // one past the last run index
	Command string `json:"command"` // the command that ran this shard
}

// Timing holds the manifest fields that vary from one execution to the
// next.
type Timing struct {
	Started     string  `json:"started"`
	WallSeconds float64 `json:"wall_seconds"`
	Workers     int     `json:"workers"`
	Host        string  `json:"host"`
	Go          string  `json:"go"`
	CPUs        int     `json:"cpus"`
}

// ConfigHash is the SHA-256 of what the batch's scenario is: the resolved
// configuration's JSON and, after it, each data file the scenario reads
// (a borrower book, a replayed or bootstrapped price series) as its name,
// written as in the scenario, and its contents, as they were when the
// scenario was compiled. A resume, a merge and a sweep's reuse of a point
// compare it, so a changed data file makes a new batch.
func ConfigHash(c *Compiled) string { return c.hash }

// configHash computes ConfigHash for s, reading its data files.
func configHash(s *scenario.Scenario) (string, error) {
	h := sha256.New()
	b, err := json.Marshal(s.Resolved())
	if err != nil {
		return "", err
	}
	h.Write(b)
	for _, name := range s.DataFiles() {
		data, err := os.ReadFile(s.DataPath(name))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "\x00%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (o *outputs) manifest(wall time.Duration, opt Options) *Manifest {
	host, _ := os.Hostname()
	comments := map[string]string{}
	var written []string
	for k, p := range o.c.S.Lines {
		if p.Comment != "" {
			comments[k] = p.Comment
		}
		written = append(written, k)
	}
	// An override writes its key and so every key that holds it, as a
	// line of the file does: a distribution's value written on the command
	// line makes the distribution written.
	for _, ov := range o.c.S.Overrides {
		for k := ov.Key; k != ""; {
			written = append(written, k)
			i := strings.LastIndexAny(k, ".[")
			if i < 0 {
				break
			}
			k = k[:i]
		}
	}
	slices.Sort(written)
	written = slices.Compact(written)
	m := &Manifest{
		Tool: "tempest", Version: opt.Version, Scenario: o.c.S.Name, Question: o.c.S.Question,
		ScenarioFile: o.c.S.File, ConfigSHA256: ConfigHash(o.c), Seed: opt.Seed, Runs: opt.Runs,
		Failed: o.failed, Steps: o.c.Steps, StepSeconds: o.c.Dt, BucketHours: float64(int64(o.c.bucket)*o.c.Dt) / 3600,
		Buckets: o.c.buckets, BucketSteps: o.c.bucket,
		Quantiles: quantileLevels, SketchAlpha: sketchAlpha, Command: opt.Command, Series: o.c.Series(), Summary: o.c.Summary(),
		Config: o.c.S.Resolved(), Comments: comments, Written: written, Unread: o.c.S.Unread(), Cautions: o.c.S.Cautions(),
		Docs: o.c.S.Docs(),
		Timing: Timing{Started: time.Now().Add(-wall).UTC().Format(time.RFC3339), WallSeconds: wall.Seconds(),
			Workers: opt.Workers, Host: host, Go: runtime.Version(), CPUs: runtime.NumCPU()},
	}
	if opt.Shards > 1 {
		first, last := ShardRange(opt.Runs, opt.Shard, opt.Shards)
		m.Shard = &ShardInfo{Index: opt.Shard, Count: opt.Shards, First: first, Last: last,
			Command: fmt.Sprintf("%s --shard %d/%d", opt.Command, opt.Shard, opt.Shards)}
	}
	return m
}

func writeJSON(w *bufio.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
