package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// sameBits reports whether two results are equal, floats bit for bit.
func sameBits(a, b *RunResult) bool {
	bits := func(xs []float64) []uint64 {
		out := make([]uint64, len(xs))
		for i, x := range xs {
			out[i] = math.Float64bits(x)
		}
		return out
	}
	if a.Index != b.Index || a.Seed != b.Seed || a.Failed != b.Failed || a.Err != b.Err || a.FailStep != b.FailStep ||
		!reflect.DeepEqual(bits(a.Summary), bits(b.Summary)) || (a.Series == nil) != (b.Series == nil) || len(a.Series) != len(b.Series) {
		return false
	}
	for k := range a.Series {
		if !reflect.DeepEqual(bits(a.Series[k]), bits(b.Series[k])) {
			return false
		}
	}
	return true
}

func TestJournalRecordRoundTrip(t *testing.T) {
	h := journalHeader{First: 0, Last: 100, Summary: 4, Series: 2, Buckets: 8}
	nan := math.Float64frombits(0x7ff8000000000123) // a NaN with a payload
	for _, res := range []*RunResult{
		{Index: 7, Seed: math.MaxUint64, Summary: []float64{1, -0.0, nan, math.Inf(1)},
			Series: [][]float64{{1, 1, 1}, {0.1, -3e300, 5e-324}}},
		{Index: 99, Seed: 3, Failed: true, Err: "panic: boom\nstack line", FailStep: 42,
			Summary: []float64{nan, nan, nan, nan}}, // no series
		{Index: 0, Failed: true, FailStep: -1, Summary: make([]float64, 4), Series: [][]float64{{}, {2}}},
		// Runs of repeats: from the start (a run of the initial zero), in
		// the middle, at the end, of NaNs, and -0 after 0 (different bits).
		{Index: 1, Summary: make([]float64, 4), Series: [][]float64{{0, 0, 0, 0, 0, 0, 0, 0},
			{1, 1, 2, 2, 2, 0, -0.0, -0.0}}},
		{Index: 2, Summary: make([]float64, 4), Series: [][]float64{{nan, nan, nan, 1, 1, 1, 1, 1}, {3, 4, 3, 4, 3, 4, 3, 4}}},
	} {
		b := encodeRecord([]byte("prefix"), res, nil)
		payload, err := readFrame(bytes.NewReader(b[len("prefix"):]), nil, int64(len(b)-len("prefix")))
		if err != nil {
			t.Fatal(err)
		}
		var got RunResult
		if err := decodeRecord(payload, h, &got); err != nil {
			t.Fatal(err)
		}
		if !sameBits(res, &got) {
			t.Errorf("round trip:\n%+v\n%+v", res, &got)
		}
		// Every cut of the frame is detected.
		for n := 0; n < len(b)-len("prefix"); n++ {
			if _, err := readFrame(bytes.NewReader(b[len("prefix"):len("prefix")+n]), nil, math.MaxInt64); err == nil {
				t.Fatalf("frame cut at %d bytes was read", n)
			}
		}
		// So is any changed byte of the payload.
		bad := append([]byte(nil), b[len("prefix"):]...)
		bad[frameHeader+len(bad[frameHeader:])/2] ^= 0x10
		if _, err := readFrame(bytes.NewReader(bad), nil, int64(len(bad))); err == nil {
			t.Error("corrupt payload was read")
		}
	}
	// A length beyond the file is a cut frame: refused without allocating.
	huge := binary.LittleEndian.AppendUint32(nil, 1<<29)
	huge = append(huge, "checksum and a few bytes"...)
	if _, err := readFrame(bytes.NewReader(huge), nil, int64(len(huge))); err == nil {
		t.Error("frame longer than the file was read")
	}
	// A run longer than what is left of its series is refused.
	b := encodeRecord(nil, &RunResult{Summary: make([]float64, 4), Series: [][]float64{{}, {5, 5, 5}}}, nil)
	var got RunResult
	if err := decodeRecord(b[frameHeader:], h, &got); err != nil || got.Series[1][2] != 5 {
		t.Fatalf("a run to the end of its series: %v, %v", err, got.Series)
	}
	b[len(b)-1]++ // the run of two repeats becomes three, past the end
	if err := decodeRecord(b[frameHeader:], h, &got); err == nil {
		t.Error("a run past the end of its series decoded")
	}
	// Records of another shape are refused.
	b = encodeRecord(nil, &RunResult{Summary: make([]float64, 3)}, nil)
	if err := decodeRecord(b[frameHeader:], h, &got); err == nil {
		t.Error("record with 3 summaries decoded for a header of 4")
	}
}

// shortBaseline is the baseline scenario over 3 days rather than 30, and
// other overrides.
func shortBaseline(t *testing.T, more ...scenario.Override) *Compiled {
	t.Helper()
	return loadCompiled(t, "../configs/baseline.toml", append([]scenario.Override{{Key: "horizon", Value: "3d"}}, more...)...)
}

// batchFiles are the files a resumed batch must reproduce exactly.
var batchFiles = []string{RunsFile, QuantilesFile, PathsFile, SketchesFile}

func compareBatches(t *testing.T, want, got string) {
	t.Helper()
	for _, f := range batchFiles {
		a, err := os.ReadFile(filepath.Join(want, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(got, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the batch run at once", f)
		}
	}
	ma, err := ReadManifest(want)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := ReadManifest(got)
	if err != nil {
		t.Fatal(err)
	}
	ma.Timing, mb.Timing = Timing{}, Timing{}
	var fa, fb map[string]any
	for _, x := range []struct {
		m *Manifest
		f *map[string]any
	}{{ma, &fa}, {mb, &fb}} {
		b, _ := json.Marshal(x.m)
		if err := json.Unmarshal(b, x.f); err != nil {
			t.Fatal(err)
		}
	}
	for k, va := range fa {
		if vb := fb[k]; !reflect.DeepEqual(va, vb) {
			t.Errorf("manifest %s: %v, want %v", k, vb, va)
		}
	}
	if _, err := os.Stat(filepath.Join(got, JournalFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the journal is left after the batch completed: %v", err)
	}
}

// interrupted runs a batch into dir and cancels it once `after` runs are
// aggregated.
func interrupted(t *testing.T, c *Compiled, opt Options, after int) *InterruptedError {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt.Progress = func(done, total int) {
		if done == after {
			cancel()
		}
	}
	_, err := RunBatch(ctx, c, opt)
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted batch: %v", err)
	}
	return ie
}

// TestResumeByteIdentical interrupts a batch, cuts its journal's last
// record short, resumes it with another worker count, and compares the
// files with the batch run at once.
func TestResumeByteIdentical(t *testing.T) {
	c := shortBaseline(t)
	opt := Options{Runs: 9, Seed: 11, Workers: 2, Command: "tempest run baseline", Version: "test"}
	ref := t.TempDir()
	o := opt
	o.Out = ref
	if _, err := RunBatch(context.Background(), c, o); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	o.Out = dir
	ie := interrupted(t, c, o, 3)
	if ie.Recorded < 3 || ie.Recorded > 9 || ie.Runs != 9 {
		t.Fatalf("interrupted with %d of %d runs recorded", ie.Recorded, ie.Runs)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != JournalFile {
		t.Errorf("interrupted batch left %v, want only %s", ents, JournalFile)
	}
	// A record cut short by a kill: a frame promising more than is there.
	jf := filepath.Join(dir, JournalFile)
	f, err := os.OpenFile(jf, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	torn := binary.LittleEndian.AppendUint32(nil, 5000)
	torn = append(torn, "0123456789abcdef"...)
	if _, err := f.Write(torn); err != nil {
		t.Fatal(err)
	}
	f.Close()
	info, err := ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Recorded != ie.Recorded || !info.Torn || info.Command != opt.Command {
		t.Errorf("ReadJournal: %+v, want %d recorded and a torn tail", info, ie.Recorded)
	}

	o.Workers, o.Resume = 3, true
	o.Command = "a command typed otherwise" // the manifest keeps the batch's own
	res, err := RunBatch(context.Background(), c, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != ie.Recorded || res.Runs != 9 {
		t.Errorf("resumed %d runs of %d, want %d of 9", res.Resumed, res.Runs, ie.Recorded)
	}
	compareBatches(t, ref, dir)
}

// TestResumeFromRecordsOutOfOrder: a journal holding every run, recorded in
// shuffled order (as workers complete them), gives the batch's files
// without running anything, and a journal of a few runs in any order runs
// only the others.
func TestResumeFromRecordsOutOfOrder(t *testing.T) {
	c := shortBaseline(t)
	opt := Options{Runs: 6, Seed: 3, Workers: 2, Version: "test"}
	ref := t.TempDir()
	o := opt
	o.Out = ref
	if _, err := RunBatch(context.Background(), c, o); err != nil {
		t.Fatal(err)
	}
	mw, err := market.NewWorld(c.Market)
	if err != nil {
		t.Fatal(err)
	}
	results := make([]*RunResult, opt.Runs)
	for i := range results {
		results[i] = RunOne(c, opt.Seed, i, mw, nil)
	}
	for _, keep := range []int{opt.Runs, 2} {
		dir := t.TempDir()
		o.Out, o.Resume = dir, true
		j, err := createJournal(filepath.Join(dir, JournalFile), newJournalHeader(c, o, 0, opt.Runs))
		if err != nil {
			t.Fatal(err)
		}
		var buf []byte
		for _, i := range rand.New(rand.NewPCG(1, uint64(keep))).Perm(opt.Runs)[:keep] {
			if err := j.append(results[i], &buf); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.close(); err != nil {
			t.Fatal(err)
		}
		o.tracer = func(run int) Tracer {
			if keep == opt.Runs {
				t.Errorf("run %d ran, though recorded", run)
			}
			return nil
		}
		res, err := RunBatch(context.Background(), c, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Resumed != keep {
			t.Errorf("resumed %d runs, want %d", res.Resumed, keep)
		}
		compareBatches(t, ref, dir)
	}
}

// TestResumeRefusesAnotherBatch: a journal is only resumed by its own
// batch; a refusal leaves it intact for the right command.
func TestResumeRefusesAnotherBatch(t *testing.T) {
	c := shortBaseline(t)
	dir := filepath.Join(t.TempDir(), "q4 batch") // the hint quotes it for the shell
	opt := Options{Runs: 6, Seed: 5, Workers: 2, Out: dir, Version: "v1", Command: "tempest run configs/baseline.toml --runs 6 --seed 5"}
	interrupted(t, c, opt, 1)

	other := shortBaseline(t, scenario.Override{Key: "backstop.reserve", Value: "2000000"})
	for _, tt := range []struct {
		want string
		c    *Compiled
		edit func(*Options)
	}{
		{"seed 5, this one 6", c, func(o *Options) { o.Seed = 6 }},
		{"run count 6, this one 7", c, func(o *Options) { o.Runs = 7 }},
		{"shard 0/1, this one 0/2", c, func(o *Options) { o.Shard, o.Shards = 0, 2 }},
		{"tool version v1, this one v2", c, func(o *Options) { o.Version = "v2" }},
		{"config hash", other, func(o *Options) {}},
	} {
		o := opt
		o.Resume = true
		tt.edit(&o)
		_, err := RunBatch(context.Background(), tt.c, o)
		var re *ResumeError
		if !errors.As(err, &re) || !strings.Contains(re.Msg, tt.want) || !strings.Contains(re.Msg, JournalFile) ||
			!strings.Contains(re.Hint, opt.Command+" --out '"+dir+"'") {
			t.Errorf("want a refusal naming %q, with the batch's command: %v (hint %s)", tt.want, err, re.Hint)
		}
	}
	// Not a journal at all.
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, JournalFile), []byte("runs,seed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := opt
	o.Out, o.Resume = bad, true
	var re *ResumeError
	if _, err := RunBatch(context.Background(), c, o); !errors.As(err, &re) || !strings.Contains(re.Msg, "not a tempest journal") {
		t.Errorf("resume from a file that is not a journal: %v", err)
	}

	o = opt
	o.Resume = true
	if _, err := RunBatch(context.Background(), c, o); err != nil {
		t.Fatalf("resume after refusals: %v", err)
	}
}

// TestResumeWithoutJournal runs the whole batch.
func TestResumeWithoutJournal(t *testing.T) {
	c := shortBaseline(t)
	res, err := RunBatch(context.Background(), c, Options{Runs: 2, Seed: 1, Workers: 1, Out: t.TempDir(), Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != 0 || res.Runs != 2 {
		t.Errorf("%+v", res)
	}
}

// TestRebuildDerived: the series a journal leaves out (gas price, asset
// prices) are rebuilt from a run's seed bit for bit, for the baseline (a
// drawn population, shocks) and the benchmark (a fixed population).
func TestRebuildDerived(t *testing.T) {
	for _, path := range []string{"../configs/baseline.toml", "../configs/bench/cdp-gbm.toml"} {
		c := loadCompiled(t, path, scenario.Override{Key: "horizon", Value: "3d"}, scenario.Override{Key: "bucket", Value: "5h"})
		derived := c.derived()
		if len(derived) != 1+len(c.Assets) {
			t.Fatalf("%s: derived series %v, want gas and %d prices", path, derived, len(c.Assets))
		}
		mw, err := market.NewWorld(c.Market)
		if err != nil {
			t.Fatal(err)
		}
		other, err := market.NewWorld(c.Market)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			want := RunOne(c, 5, i, mw, nil)
			got := &RunResult{Index: want.Index, Seed: want.Seed, Summary: want.Summary, Series: slices.Clone(want.Series)}
			for _, k := range derived {
				got.Series[k] = nil
			}
			c.rebuildDerived(got, derived, other)
			if !sameBits(want, got) {
				t.Fatalf("%s run %d: rebuilt series differ", path, i)
			}
		}
	}
}

// TestJournalRecordDerived: a successful run's record leaves out the
// header's derived series (decoded as nil, for the caller to rebuild); a
// failed run's keeps them, since its series stop where it failed.
func TestJournalRecordDerived(t *testing.T) {
	h := journalHeader{Last: 10, Summary: 1, Series: 3, Buckets: 4, Derived: []int{0, 2}}
	series := [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 9, 9, 9}}
	for _, failed := range []bool{false, true} {
		res := &RunResult{Index: 3, Failed: failed, Summary: []float64{1}, Series: series}
		b := encodeRecord(nil, res, h.Derived)
		var got RunResult
		if err := decodeRecord(b[frameHeader:], h, &got); err != nil {
			t.Fatal(err)
		}
		want := &RunResult{Index: 3, Failed: failed, Summary: []float64{1}, Series: series}
		if !failed {
			want.Series = [][]float64{nil, series[1], nil}
		}
		if !sameBits(want, &got) || (got.Series[0] == nil) != !failed {
			t.Errorf("failed %v: decoded %v, want %v", failed, got.Series, want.Series)
		}
		// A header without derived series refuses a record that left some out.
		if err := decodeRecord(b[frameHeader:], journalHeader{Last: 10, Summary: 1, Series: 3, Buckets: 4}, &got); (err == nil) == !failed {
			t.Errorf("failed %v: decoded against a header without derived series: %v", failed, err)
		}
	}
}

// TestConfigHashDataFiles: the config hash covers the data files a
// scenario reads, so that a resume refuses a journal written with another
// borrower book; a scenario without data files hashes its resolved
// configuration alone, as before data files were hashed.
func TestConfigHashDataFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"cdp-gbm.toml", "book-1000-seed42.csv"} {
		b, err := os.ReadFile(filepath.Join("../configs/bench", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	short := []scenario.Override{{Key: "horizon", Value: "2d"}}
	scen := filepath.Join(dir, "cdp-gbm.toml")
	c := loadCompiled(t, scen, short...)
	if got := c.S.DataFiles(); !slices.Equal(got, []string{"book-1000-seed42.csv"}) {
		t.Fatalf("data files %v", got)
	}
	out := filepath.Join(dir, "out")
	opt := Options{Runs: 4, Seed: 3, Workers: 2, Out: out, Version: "v1", Command: "tempest run cdp-gbm.toml"}
	interrupted(t, c, opt, 1)

	// One vault's collateral changes in the book: same scenario text, another batch.
	book := filepath.Join(dir, "book-1000-seed42.csv")
	b, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 3)
	cols := strings.Split(lines[1], ",")
	cols[0] += "1"
	lines[1] = strings.Join(cols, ",")
	if err := os.WriteFile(book, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	c2 := loadCompiled(t, scen, short...)
	if ConfigHash(c2) == ConfigHash(c) {
		t.Fatal("the hash does not change with the book")
	}
	o := opt
	o.Resume = true
	var re *ResumeError
	if _, err := RunBatch(context.Background(), c2, o); !errors.As(err, &re) || !strings.Contains(re.Msg, "config hash") {
		t.Errorf("resume with another book: %v", err)
	}

	base := shortBaseline(t)
	js, err := json.Marshal(base.S.Resolved())
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(js); ConfigHash(base) != hex.EncodeToString(sum[:]) {
		t.Error("a scenario without data files: the hash is not that of its resolved configuration")
	}
}
