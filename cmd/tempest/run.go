package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim"
	"github.com/tempest-risk/tempest/sim/scenario"
)

const runHelp = `Usage: tempest run FILE.toml [flags]

Runs a batch of Monte Carlo runs of the scenario and writes, atomically, into
the output directory:
  manifest.json   tool version, resolved scenario and its hash, seed, runs, timing
  runs.csv        one row per run: seed, status (fail_step and error of a
                  failed run) and every per-run summary
  quantiles.csv   per metric and time bucket (the scenario's bucket, default
                  1h; t is the bucket's end in hours): count, mean, min,
                  p1 p5 p25 p50 p75 p95 p99, max across runs
  paths.csv       the full hourly series of the first runs (sample paths)
  sketches.bin    the exact quantile sketches, for merging shards
  report.html     the governance risk report (also report.md and plots/);
                  not written for a single shard: merge the shards first

The same seed gives the same bytes for any --workers.

While the batch runs, each completed run is recorded (and synced) in
runs.journal in the output directory; it is removed when the batch completes.
An interrupted batch (Ctrl-C, a kill, a crash) keeps its completed runs there:
Ctrl-C lets the runs in progress finish, prints the command that resumes the
batch and exits with status 130 (press Ctrl-C again to quit at once).

Flags:
  --runs N      number of runs (default: the scenario's runs)
  --seed S      master seed (default: the scenario's seed)
  --workers W   runs in parallel (default: the number of CPUs)
  --out DIR     output directory (default: out/<scenario name>)
  --quiet       no progress on stderr
  --no-report   skip the risk report (render it later with 'tempest report DIR')
  --set K=V     override a scenario key by its dotted path (repeatable);
                the value is validated like one written in the file
  --shard K/N   run only shard K (0-based) of N: a contiguous share of the run
                indices, for a cluster; combine the shards with 'tempest merge'.
                Without --shard, a Kubernetes Indexed Job's JOB_COMPLETION_INDEX
                (with TEMPEST_SHARDS = the job's completions) or a Slurm array's
                SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT select the shard
  --resume      continue the interrupted batch in --out: run only the runs its
                journal lacks, for the same files, byte for byte, as the batch
                run at once. Give the same scenario, --set, --seed, --runs and
                --shard (--workers may differ); another batch's journal is
                refused. Without a journal, runs the whole batch

Example:
  tempest run configs/baseline.toml --runs 5000 --workers 8 --out out/q4
  tempest run configs/baseline.toml --set profiles.gold.haircut=0.15 --out out/h15
  tempest run configs/baseline.toml --runs 5000 --out out/q4 --resume
`

type runFlags struct {
	sets    setFlags
	shard   string
	runs    int
	seed    uint64
	seedSet bool
	workers int
	out     string
	quiet   bool
	noRep   bool
	resume  bool
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, runHelp, stdout) {
		return nil
	}
	fs := newFlagSet("run", runHelp, stdout)
	var f runFlags
	fs.IntVar(&f.runs, "runs", 0, "")
	seed := fs.String("seed", "", "")
	fs.IntVar(&f.workers, "workers", 0, "")
	fs.StringVar(&f.out, "out", "", "")
	fs.BoolVar(&f.quiet, "quiet", false, "")
	fs.BoolVar(&f.noRep, "no-report", false, "")
	fs.Var(&f.sets, "set", "")
	fs.StringVar(&f.shard, "shard", "", "")
	fs.BoolVar(&f.resume, "resume", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{msg: "run takes one scenario file", hint: "for example: tempest run configs/baseline.toml"}
	}
	if err := f.check(*seed, flagsSet(fs)); err != nil {
		return err
	}
	if err := notScenario(pos[0]); err != nil {
		return err
	}
	s, err := scenario.Load(pos[0], f.sets...)
	if err != nil {
		return err
	}
	notes(stderr, s)
	c, err := sim.Compile(s)
	if err != nil {
		return err
	}
	opt := f.options(s, pos[0])
	if opt.Shard, opt.Shards, err = shardOf(f.shard, os.Getenv); err != nil {
		return err
	}
	opt.Resume = f.resume
	if !f.quiet {
		opt.Progress = progress(stderr, opt.Runs)
	}
	noteJournal(stderr, opt)
	res, err := runBatch(ctx, c, opt, stderr)
	var ie *sim.InterruptedError
	var re *sim.ResumeError
	switch {
	case errors.As(err, &ie):
		return &hinted{err: fmt.Errorf("%w: %d of %d runs are recorded in %s", errInterrupted, ie.Recorded, ie.Runs, ie.Journal),
			hints: []string{"continue the batch with: " + resumeCommand(opt),
				"nothing half-written is left in " + opt.Out + ": its other files are as they were before this batch"}}
	case errors.As(err, &re):
		return &usageError{msg: re.Msg, hint: re.Hint}
	case err != nil:
		hints := []string{"nothing half-written is left in " + opt.Out + ": every file is written under a temporary name and renamed when complete"}
		if errors.Is(err, sim.ErrPartialCommit) {
			hints = []string{opt.Out + " holds no complete batch now, and no manifest.json, so nothing reads it as one"}
		}
		if _, jerr := os.Stat(filepath.Join(opt.Out, sim.JournalFile)); jerr == nil {
			hints = append(hints, "the completed runs are recorded in "+filepath.Join(opt.Out, sim.JournalFile)+"; once the cause is fixed, continue with: "+resumeCommand(opt))
		}
		return &hinted{err: err, hints: hints}
	}
	if opt.Shards > 1 {
		first, last := sim.ShardRange(opt.Runs, opt.Shard, opt.Shards)
		if first == last {
			fmt.Fprintf(stdout, "%s: shard %d/%d holds no run (%d runs over %d shards): ", s.Name, opt.Shard, opt.Shards, opt.Runs, opt.Shards)
		} else {
			fmt.Fprintf(stdout, "%s: shard %d/%d, runs %d to %d: ", s.Name, opt.Shard, opt.Shards, first, last-1)
		}
	} else {
		fmt.Fprintf(stdout, "%s: ", s.Name)
	}
	fmt.Fprintf(stdout, "%d runs (%d failed) in %.1fs", res.Runs, res.Failed, res.Wall.Seconds())
	if opt.Resume {
		fmt.Fprintf(stdout, ", %d of them recorded by the interrupted batch", res.Resumed)
	}
	fmt.Fprintln(stdout)
	for _, name := range []string{sim.ManifestFile, sim.RunsFile, sim.QuantilesFile, sim.PathsFile, sim.SketchesFile} {
		fmt.Fprintf(stdout, "  %s\n", filepath.Join(res.Dir, name))
	}
	if opt.Shards > 1 || f.noRep {
		// An earlier batch's report in the directory would describe
		// other results.
		if err := removeReport(res.Dir); err != nil {
			return err
		}
	}
	if opt.Shards <= 1 && f.noRep {
		fmt.Fprintf(stdout, "no report (--no-report); render it with: tempest report %s\n", shellQuote(res.Dir))
	} else if opt.Shards <= 1 {
		// The batch's buffers are garbage now: hand them back to the
		// operating system before the report loads the results, so peak
		// memory is the larger of the two phases, not their sum.
		runtime.GC()
		debug.FreeOSMemory()
		if ctx.Err() != nil {
			return &hinted{err: fmt.Errorf("%w after the batch, before its report", errInterrupted),
				hints: []string{"the batch's files are complete; render its report with: tempest report " + shellQuote(res.Dir)}}
		}
		stop := watchInterrupt(ctx, stderr, "interrupted: finishing the report (interrupt again to quit at once)")
		err := writeReport(res.Dir, "", stdout)
		stop()
		if err != nil {
			return err
		}
	}
	if res.Failed > 0 {
		fmt.Fprintf(stdout, "%d runs failed: see the status and error columns of runs.csv and the report; replay one with\n  %s\n", res.Failed, replayCommand(pos[0], opt.Seed, f.sets))
	}
	return nil
}

// reportFiles are the files of a batch's risk report.
var reportFiles = []string{reports.HTMLFile, reports.MarkdownFile, reports.PlotsDir, reports.RiskFiguresFile, reports.MetricSummaryFile}

// removeReport removes the risk report files from a batch's directory.
func removeReport(dir string) error {
	for _, name := range reportFiles {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return &hinted{err: fmt.Errorf("removing the earlier report: %w", err),
				hints: []string{"the batch's files are written; remove " + filepath.Join(dir, name) + " by hand, or render the report with: tempest report " + shellQuote(dir)}}
		}
	}
	return nil
}

// replayCommand is the command that replays run N of a batch of the
// scenario file with master seed seed and the overrides sets.
func replayCommand(file string, seed uint64, sets setFlags) string {
	return fmt.Sprintf("tempest replay %s --run N --trace run.csv --seed %d%s", shellQuote(file), seed, sets.args())
}

func (f *runFlags) check(seed string, set map[string]bool) error {
	if err := checkRuns(f.runs, set["runs"]); err != nil {
		return err
	}
	if err := checkWorkers(f.workers); err != nil {
		return err
	}
	if seed != "" {
		v, err := parseSeed(seed)
		if err != nil {
			return err
		}
		f.seed, f.seedSet = v, true
	}
	return nil
}

// options resolves the flags against the scenario and records the command
// that reproduces the batch.
func (f *runFlags) options(s *scenario.Scenario, file string) sim.Options {
	opt := sim.Options{Runs: f.runs, Seed: s.Seed, Workers: f.workers, Out: f.out, Version: version()}
	if opt.Runs == 0 {
		opt.Runs = s.Runs
	}
	if f.seedSet {
		opt.Seed = f.seed
	}
	if opt.Out == "" {
		opt.Out = filepath.Join("out", s.Name)
	}
	opt.Command = fmt.Sprintf("tempest run %s --runs %d --seed %d%s", shellQuote(file), opt.Runs, opt.Seed, f.sets.args())
	return opt
}

// batchGCPercent is the garbage collector's target heap growth (GOGC)
// while a batch runs. A batch's live heap is mostly long-lived: its
// quantile table and the series buffers its runs recycle. With the default
// of 100 the heap grows to twice that between collections, which a long
// batch reaches and a short one does not, so peak memory would grow with
// the run count; 25 bounds that growth to a quarter. The runs allocate
// little, so the extra collections cost little: 4,000 cdp-gbm runs on two
// workers took 3.45-3.73 s against 3.40-3.51 s with no collection at all
// (4 alternating pairs), whose peak RSS was 49 MB instead of 24 MB.
const batchGCPercent = 25

// batchGC sets the garbage collector's target to batchGCPercent, for a
// command that runs batches (run, sweep, tune), and returns the function
// that restores it.
func batchGC() (restore func()) { return gcTarget(batchGCPercent) }

// batchSetupGC is batchGC for a single batch, with the collector off
// until the batch's first run is aggregated. While a batch sets up (its
// quantile table, the template run, each worker's market buffers) the
// heap grows from a few megabytes to its working size; at batchGCPercent
// the collector would run about a dozen times on the way, a fifth of a
// short batch's fixed cost, to free almost nothing: with the collector off
// throughout, a 2-run batch of cdp-gbm peaks at the same RSS. It wraps
// opt.Progress, which the batch calls after each run is aggregated, and
// returns the function that restores the setting before. With GOGC set it
// changes nothing.
func batchSetupGC(opt *sim.Options) (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(-1)
	inner, started := opt.Progress, false
	opt.Progress = func(done, total int) {
		if !started { // the aggregating goroutine alone calls Progress
			started = true
			debug.SetGCPercent(batchGCPercent)
		}
		if inner != nil {
			inner(done, total)
		}
	}
	return func() { debug.SetGCPercent(old) }
}

// reportGCPercent is the garbage collector's target while a report
// renders. Rendering allocates much and keeps little, and the peak memory
// of a run with its report is this phase's: at the default of 100 it was
// 32-35 MB for cdp-gbm (once 39.5 MB at 10,000 runs), at 50 29-30 MB
// whatever the runs, for about 0.1 s more; at 25, 27 MB for 0.3 s more.
const reportGCPercent = 50

// gcTarget sets the garbage collector's target to percent unless GOGC is
// set, and returns the function that restores it.
func gcTarget(percent int) (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}

// runBatch runs the batch and, on an interrupt, says that the runs in
// progress are finishing. Unless GOGC is set, the batch runs with the
// garbage collector's target at batchGCPercent once it has set up
// (batchSetupGC).
func runBatch(ctx context.Context, c *sim.Compiled, opt sim.Options, stderr io.Writer) (*sim.Result, error) {
	msg := "interrupted: finishing and recording the runs in progress (interrupt again to quit at once)"
	if opt.Progress != nil {
		msg = "\n" + msg // end the progress line
	}
	defer batchSetupGC(&opt)()
	stop := watchInterrupt(ctx, stderr, msg)
	res, err := sim.RunBatch(ctx, c, opt)
	stop()
	return res, err
}

// watchInterrupt prints msg on stderr if ctx is cancelled before the
// returned stop is called; stop waits for the watcher to end.
func watchInterrupt(ctx context.Context, stderr io.Writer, msg string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
			fmt.Fprintln(stderr, msg)
		case <-done:
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// noteJournal says on stderr what becomes of the journal of an interrupted
// batch in the output directory.
func noteJournal(stderr io.Writer, opt sim.Options) {
	info, err := sim.ReadJournal(opt.Out)
	switch {
	case err == nil && !opt.Resume:
		fmt.Fprintf(stderr, "tempest: starting over: the interrupted batch in %s (%d runs recorded) is discarded; --resume would have continued it\n", opt.Out, info.Recorded)
	case opt.Resume && errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(stderr, "tempest: no interrupted batch in %s (no %s): running the whole batch\n", opt.Out, sim.JournalFile)
	}
}

// resumeCommand is the command that resumes the batch of opt.
func resumeCommand(opt sim.Options) string {
	cmd := opt.Command + " --out " + shellQuote(opt.Out)
	if opt.Shards > 1 {
		cmd += fmt.Sprintf(" --shard %d/%d", opt.Shard, opt.Shards)
	}
	return cmd + " --resume"
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string { return scenario.ShellQuote(s) }

// progress returns a progress printer for a terminal, or nil.
func progress(w io.Writer, total int) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	start := time.Now()
	var mu sync.Mutex
	last := time.Time{}
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if done < total && now.Sub(last) < 200*time.Millisecond {
			return
		}
		last = now
		el := now.Sub(start).Seconds()
		rate := float64(done) / el
		eta := ""
		if rate > 0 && done < total {
			eta = fmt.Sprintf("  ETA %s", time.Duration(float64(total-done)/rate*float64(time.Second)).Round(time.Second))
		}
		fmt.Fprintf(f, "\r  %d/%d runs  %.1f runs/s%s%s", done, total, rate, eta, strings.Repeat(" ", 8))
		if done == total {
			fmt.Fprintln(f)
		}
	}
}

// shardOf resolves the shard from --shard K/N, else from a Kubernetes
// Indexed Job (JOB_COMPLETION_INDEX and TEMPEST_SHARDS) or a Slurm array
// (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT).
// (0, 0) means no sharding.
func shardOf(flag string, env func(string) string) (k, n int, err error) {
	bad := func(what string) error {
		return &usageError{msg: what, hint: "--shard K/N with 0 ≤ K < N, for example --shard 3/16"}
	}
	switch {
	case flag != "":
		a, b, ok := strings.Cut(flag, "/")
		if !ok {
			return 0, 0, bad(fmt.Sprintf("--shard %q: want K/N", flag))
		}
		if k, err = strconv.Atoi(a); err != nil {
			return 0, 0, bad(fmt.Sprintf("--shard %q: K is not an integer", flag))
		}
		if n, err = strconv.Atoi(b); err != nil {
			return 0, 0, bad(fmt.Sprintf("--shard %q: N is not an integer", flag))
		}
	case env("JOB_COMPLETION_INDEX") != "":
		if k, err = strconv.Atoi(env("JOB_COMPLETION_INDEX")); err != nil {
			return 0, 0, bad("JOB_COMPLETION_INDEX is not an integer")
		}
		if n, err = strconv.Atoi(env("TEMPEST_SHARDS")); err != nil {
			return 0, 0, &usageError{msg: "JOB_COMPLETION_INDEX is set but TEMPEST_SHARDS is not a shard count",
				hint: "set TEMPEST_SHARDS to the Indexed Job's completions (see configs/distributed/tempest-job.yaml)"}
		}
	case env("SLURM_ARRAY_TASK_ID") != "":
		id, err1 := strconv.Atoi(env("SLURM_ARRAY_TASK_ID"))
		cnt, err2 := strconv.Atoi(env("SLURM_ARRAY_TASK_COUNT"))
		lo := 0
		if m := env("SLURM_ARRAY_TASK_MIN"); m != "" {
			var err error
			if lo, err = strconv.Atoi(m); err != nil {
				return 0, 0, bad(fmt.Sprintf("SLURM_ARRAY_TASK_MIN %q is not an integer", m))
			}
		}
		if err1 != nil || err2 != nil {
			return 0, 0, bad("SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT must be integers")
		}
		k, n = id-lo, cnt
	default:
		return 0, 0, nil
	}
	if n < 1 || k < 0 || k >= n {
		return 0, 0, bad(fmt.Sprintf("shard %d of %d is out of range", k, n))
	}
	return k, n, nil
}
