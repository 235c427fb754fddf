package sim

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tempest-risk/tempest/sim/stats"
)

// ReadManifest reads the manifest of a batch's output directory.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, ManifestFile), err)
	}
	return &m, nil
}

// MergeError is a refusal to merge, with the reason and a hint.
type MergeError struct {
	Msg, Hint string
}

func (e *MergeError) Error() string { return e.Msg }

// Merge combines the output directories of the shards of one batch into
// out: the same runs.csv, quantiles.csv, paths.csv and sketches.bin as the
// batch run on one machine, byte for byte, and its manifest apart from the
// timing fields. It refuses shards of different scenarios, seeds, run
// counts or tool versions, a shard given twice, and missing shards.
func Merge(dirs []string, out string) (*Result, error) {
	start := time.Now()
	if len(dirs) == 0 {
		return nil, &MergeError{Msg: "no shard directories", Hint: "name the output directories of every shard"}
	}
	if abs, err := filepath.Abs(out); err == nil {
		for _, d := range dirs {
			if da, err := filepath.Abs(d); err == nil && da == abs {
				return nil, &MergeError{Msg: fmt.Sprintf("--out %s is one of the shards to merge", out),
					Hint: "write the merged batch to a directory of its own, for example --out all"}
			}
		}
	}
	ms := make([]*Manifest, len(dirs))
	for i, d := range dirs {
		m, err := ReadManifest(d)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &MergeError{Msg: fmt.Sprintf("no batch in %s (no %s)", d, ManifestFile),
				Hint: "merge the output directories of 'tempest run ... --shard K/N'"}
		}
		if err != nil {
			return nil, err
		}
		if m.Shard == nil {
			return nil, &MergeError{Msg: fmt.Sprintf("%s is not a shard (its manifest has no shard section)", d),
				Hint: "merge the outputs of 'tempest run ... --shard K/N'"}
		}
		ms[i] = m
	}
	ref, refDir := ms[0], dirs[0]
	for i, m := range ms[1:] {
		d := dirs[i+1]
		for _, c := range []struct{ what, a, b string }{
			{"scenario", m.Scenario, ref.Scenario},
			{"config hash", m.ConfigSHA256, ref.ConfigSHA256},
			{"seed", strconv.FormatUint(m.Seed, 10), strconv.FormatUint(ref.Seed, 10)},
			{"run count", strconv.Itoa(m.Runs), strconv.Itoa(ref.Runs)},
			{"tool version", m.Version, ref.Version},
			{"shard count", strconv.Itoa(m.Shard.Count), strconv.Itoa(ref.Shard.Count)},
		} {
			if c.a != c.b {
				return nil, &MergeError{Msg: fmt.Sprintf("%s has %s %s, %s has %s", d, c.what, c.a, refDir, c.b),
					Hint: "merge only the shards of one batch: same scenario and --set values, seed, --runs, tool version and shard count"}
			}
		}
	}
	n := ref.Shard.Count
	byIndex := make([]int, n)
	for i := range byIndex {
		byIndex[i] = -1
	}
	for i, m := range ms {
		k := m.Shard.Index
		if k < 0 || k >= n {
			return nil, &MergeError{Msg: fmt.Sprintf("%s: shard index %d outside [0, %d)", dirs[i], k, n)}
		}
		if j := byIndex[k]; j >= 0 {
			return nil, &MergeError{Msg: fmt.Sprintf("shard %d given twice: %s and %s", k, dirs[j], dirs[i]),
				Hint: "name each shard's directory once"}
		}
		if f, l := ShardRange(m.Runs, k, n); m.Shard.First != f || m.Shard.Last != l {
			return nil, &MergeError{Msg: fmt.Sprintf("%s: shard %d covers runs [%d, %d), expected [%d, %d)", dirs[i], k, m.Shard.First, m.Shard.Last, f, l)}
		}
		byIndex[k] = i
	}
	var missing []string
	for k, j := range byIndex {
		if j < 0 {
			missing = append(missing, strconv.Itoa(k))
		}
	}
	if len(missing) > 0 {
		return nil, &MergeError{Msg: fmt.Sprintf("missing shards %s of %d", strings.Join(missing, ", "), n),
			Hint: "run the missing shards (same command with --shard K/N) and merge all of them"}
	}
	ordered := make([]string, n)
	for k, j := range byIndex {
		ordered[k] = dirs[j]
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	w := &atomicFiles{dir: out}
	defer w.abort()

	failed := 0
	for _, m := range ms {
		failed += m.Failed
	}
	// runs.csv: every shard's rows, in shard (= run) order.
	shards := make([]*ShardInfo, n)
	for k, j := range byIndex {
		shards[k] = ms[j].Shard
	}
	if err := w.write(RunsFile, func(bw *bufio.Writer) error { return concatRuns(bw, ordered, shards) }); err != nil {
		return nil, err
	}
	// sketches: the exact merge of every shard's table.
	var table stats.Table
	for i, d := range ordered {
		b, err := os.ReadFile(filepath.Join(d, SketchesFile))
		if err != nil {
			return nil, err
		}
		if i == 0 {
			err = table.UnmarshalBinary(b)
		} else {
			err = table.MergeBinary(b)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(d, SketchesFile), err)
		}
	}
	bucketTime := func(b int) float64 { return bucketEnd(b, ref.BucketSteps, ref.Steps, ref.StepSeconds) }
	if err := w.write(QuantilesFile, func(bw *bufio.Writer) error {
		return table.WriteCSV(bw, bucketTime, ref.Quantiles, levels(ref.Series))
	}); err != nil {
		return nil, err
	}
	if err := w.write(SketchesFile, func(bw *bufio.Writer) error {
		_, err := table.WriteTo(bw)
		return err
	}); err != nil {
		return nil, err
	}
	if err := w.write(PathsFile, func(bw *bufio.Writer) error { return mergePaths(bw, ordered, ref.Series) }); err != nil {
		return nil, err
	}
	merged := *ref
	merged.Failed, merged.Shard = failed, nil
	merged.Timing = Timing{Started: ref.Timing.Started, Host: fmt.Sprintf("merge of %d shards", n), Go: ref.Timing.Go}
	for _, m := range ms {
		merged.Timing.WallSeconds = max(merged.Timing.WallSeconds, m.Timing.WallSeconds)
		merged.Timing.Workers += m.Timing.Workers
		merged.Timing.CPUs += m.Timing.CPUs
		if m.Timing.Started < merged.Timing.Started {
			merged.Timing.Started = m.Timing.Started
		}
	}
	if err := w.write(ManifestFile, func(bw *bufio.Writer) error { return writeJSON(bw, &merged) }); err != nil {
		return nil, err
	}
	if err := w.commit(); err != nil {
		return nil, err
	}
	return &Result{Dir: out, Runs: ref.Runs, Failed: failed, Wall: time.Since(start)}, nil
}

// concatRuns writes the shards' runs.csv rows after one header, checking
// that each shard's file holds exactly its runs, in order: a file cut at a
// line boundary parses cleanly, and merging it would give a batch with runs
// missing.
func concatRuns(w io.Writer, dirs []string, shards []*ShardInfo) error {
	var header string
	for i, d := range dirs {
		name := filepath.Join(d, RunsFile)
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		s := string(b)
		h, rest, _ := strings.Cut(s, "\n")
		if err := checkShardRuns(name, rest, shards[i]); err != nil {
			return err
		}
		if i == 0 {
			header = h
			if _, err := io.WriteString(w, h+"\n"); err != nil {
				return err
			}
		} else if h != header {
			return &MergeError{Msg: fmt.Sprintf("%s: runs.csv columns differ from %s's", d, dirs[0])}
		}
		if _, err := io.WriteString(w, rest); err != nil {
			return err
		}
	}
	return nil
}

// checkShardRuns checks that rows, runs.csv after its header, holds the
// runs of shard sh, each once and in order, and ends with a line break.
func checkShardRuns(name, rows string, sh *ShardInfo) error {
	hint := "the shard's runs.csv is damaged or cut short: run that shard again with the command in its manifest.json, then merge"
	if rows != "" && !strings.HasSuffix(rows, "\n") {
		return &MergeError{Msg: fmt.Sprintf("%s: the last row is cut short", name), Hint: hint}
	}
	r := csv.NewReader(strings.NewReader(rows))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	next := sh.First
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &MergeError{Msg: fmt.Sprintf("%s: %v", name, err), Hint: hint}
		}
		if k, err := strconv.Atoi(rec[0]); err != nil || k != next {
			return &MergeError{Msg: fmt.Sprintf("%s: a row for run %s where run %d should be", name, rec[0], next), Hint: hint}
		}
		next++
	}
	if next != sh.Last {
		return &MergeError{Msg: fmt.Sprintf("%s: runs %d to %d of the shard's [%d, %d) are missing", name, next, sh.Last-1, sh.First, sh.Last), Hint: hint}
	}
	return nil
}

// mergePaths keeps the sample paths of the first runs over all shards, as
// the single batch does: each shard holds its own first runs, so the first
// runs of the whole batch are among them. Of each series' worst paths, one
// per shard, it keeps the one that went furthest (the earliest run on a
// tie), which is the single batch's: series lists the directions.
func mergePaths(w io.Writer, dirs []string, series []Metric) error {
	var header []string
	rows := map[int][][]string{} // sample rows by run
	kinded := false              // the rows have a kind column (batches before it have none)
	// Each series' worst path over the shards, which come in run order:
	// the single batch's rule (extremePath.note), and the row to copy.
	worsts := map[string]*extremePath{}
	rowOf := map[string][]string{}
	for _, d := range dirs {
		name := filepath.Join(d, PathsFile)
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(recs) == 0 {
			continue
		}
		if header == nil {
			header = recs[0]
			kinded = len(header) > 2 && header[2] == "kind"
		} else if !slices.Equal(header, recs[0]) {
			return &MergeError{Msg: fmt.Sprintf("%s: paths.csv columns differ from %s's", d, dirs[0])}
		}
		first := 2
		if kinded {
			first = 3
		}
		for _, r := range recs[1:] {
			run, err := strconv.Atoi(r[0])
			if err != nil || len(r) < first {
				return fmt.Errorf("%s: bad run index %q", name, r[0])
			}
			if !kinded || r[2] == pathSample {
				rows[run] = append(rows[run], r)
				continue
			}
			if r[2] != pathWorst {
				return fmt.Errorf("%s: run %d: unknown kind %q", name, run, r[2])
			}
			var m Metric
			for _, sm := range series {
				if sm.Name == r[1] {
					m = sm
				}
			}
			ser := make([]float64, len(r)-first)
			for i, x := range r[first:] {
				if ser[i], err = parseCell(x); err != nil {
					return fmt.Errorf("%s: run %d %s: %v", name, run, r[1], err)
				}
			}
			if _, ok := extremeOf(ser, m); !ok {
				return fmt.Errorf("%s: run %d: the worst path of %s never goes past its level", name, run, r[1])
			}
			e := worsts[r[1]]
			if e == nil {
				e = &extremePath{run: -1}
				worsts[r[1]] = e
			}
			if e.note(run, ser, m); e.run == run {
				rowOf[r[1]] = r
			}
		}
	}
	runs := make([]int, 0, len(rows))
	for r := range rows {
		runs = append(runs, r)
	}
	sort.Ints(runs)
	cw := csv.NewWriter(w)
	if header != nil {
		if err := cw.Write(header); err != nil {
			return err
		}
	}
	for _, r := range runs[:min(len(runs), samplePaths)] {
		for _, rec := range rows[r] {
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	for _, m := range series { // in the single batch's order
		if r := rowOf[m.Name]; r != nil {
			if err := cw.Write(r); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// parseCell reads a number as formatFloat writes it ("" for NaN).
func parseCell(s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}
