package sim

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tempest-risk/tempest/market"
)

// Options control a batch.
type Options struct {
	Runs    int    // number of runs (from the scenario if 0)
	Seed    uint64 // master seed
	Workers int    // parallel runs; GOMAXPROCS if 0
	Out     string // output directory
	Command string // the command that reproduces the batch, for the manifest
	Version string // tool version, for the manifest
	// Progress, if set, is called after each run is aggregated, in run
	// order, from the aggregating goroutine.
	Progress func(done, total int)

	// Shard and Shards split the batch for distributed execution: this
	// process runs shard Shard (0-based) of Shards, a contiguous range of
	// run indices. Shards ≤ 1 runs the whole batch.
	Shard, Shards int

	// Resume continues the interrupted batch whose journal (JournalFile)
	// is in Out: its recorded runs are aggregated from the journal and only
	// the others run, so the files are byte for byte those of the batch run
	// at once. A journal of another batch (scenario, seed, runs, shard or
	// tool version) is refused with a *ResumeError; without a journal the
	// whole batch runs.
	Resume bool

	tracer func(run int) Tracer // tests: observe or break chosen runs
}

// ShardRange returns the run indices [first, last) of shard k of n in a
// batch of runs: contiguous, sizes differing by at most one.
func ShardRange(runs, k, n int) (first, last int) {
	if n <= 1 {
		return 0, runs
	}
	return runs * k / n, runs * (k + 1) / n
}

// Result summarises a finished batch.
type Result struct {
	Dir    string
	Runs   int
	Failed int
	Wall   time.Duration
	// Resumed is the number of runs taken from the journal of an
	// interrupted batch (Options.Resume).
	Resumed int
}

// RunResult is one run's outcome as it is aggregated.
type RunResult struct {
	Index    int
	Seed     uint64
	Failed   bool
	Err      string // revert, panic or invariant message for a failed run
	FailStep int
	Summary  []float64   // in SummaryMetrics order
	Series   [][]float64 // by series metric, then bucket

	// In a batch, Series is lent from a pool: it goes back once the
	// worker has sketched it and the aggregator has recorded the run.
	refs atomic.Int32
	pool *seriesPool
}

// release gives up one holder's use of r.Series; the last returns the
// buffers to their pool.
func (r *RunResult) release() {
	if r.pool != nil && r.refs.Add(-1) == 0 {
		r.pool.put(r.Series)
	}
}

// seriesPool recycles the series buffers of finished runs, so that a run
// does not allocate its own. It holds at most cap(ch) buffers; one more is
// dropped, and a run finding none allocates.
type seriesPool struct{ ch chan [][]float64 }

func (p *seriesPool) get() [][]float64 {
	select {
	case b := <-p.ch:
		return b
	default:
		return nil
	}
}

func (p *seriesPool) put(b [][]float64) {
	if b == nil {
		return
	}
	select {
	case p.ch <- b:
	default:
	}
}

// quantileLevels are the quantiles of quantiles.csv.
var quantileLevels = []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}

// Sketch parameters for quantiles.csv: 1% relative accuracy (fan-chart
// bands; risk figures use the exact per-run values of runs.csv) and at most
// 1,024 buckets per store, so memory stays bounded whatever the runs.
//
// A series value, or its deviation from the series' Level, of magnitude
// below seriesResolution (a millionth of the metric's unit: of a dollar,
// of the peg, of an hour; for a volatile asset's price, priceResolution of
// its starting price: Compiled.resolution) is sketched as zero. Without that floor the
// sketch would spend buckets on ever smaller deviations as runs are added
// (the smallest of n deviations shrinks like 1/n), and its memory would
// grow with the batch; with it, the buckets a cell can use are fixed by
// the range of the metric, not by the number of runs. Mean, minimum and
// maximum are of the recorded values, so they too are exact to this
// resolution.
const (
	sketchAlpha      = 0.01
	sketchBuckets    = 1024
	seriesResolution = 1e-6
	samplePaths      = 5 // runs whose whole series go to paths.csv
)

// RunOne runs run i of the batch on the market buffers mw. A panic or a
// broken invariant is recorded in the result, with the partial summary.
func RunOne(c *Compiled, master uint64, i int, mw *market.World, trace Tracer) *RunResult {
	res, _ := runOne(c, master, i, mw, trace, nil, nil)
	return res
}

// runOne is RunOne reusing the protocol storage of spare, a finished run of
// the batch, and the series buffers series (nil for none); it also returns
// the run, for the next call.
func runOne(c *Compiled, master uint64, i int, mw *market.World, trace Tracer, spare *Run, series [][]float64) (res *RunResult, r *Run) {
	res = &RunResult{Index: i, Seed: RunSeed(master, i)}
	defer func() {
		if p := recover(); p != nil {
			res.Failed = true
			res.Err = fmt.Sprintf("panic: %v", p)
			if os.Getenv("TEMPEST_STACK") != "" {
				res.Err += "\n" + string(debug.Stack())
			}
			if r != nil {
				res.FailStep = r.Step
			}
		}
		res.Summary, res.Series = c.summarise(r)
	}()
	var err error
	r, err = newRun(c, master, i, mw, spare, series)
	if err != nil {
		res.Failed, res.Err = true, err.Error()
		return res, nil
	}
	r.trace = trace
	if err := r.Execute(); err != nil {
		res.Failed, res.Err, res.FailStep = true, err.Error(), r.Stats.FailStep
	}
	return res, r
}

// summarise evaluates the summary metrics (NaN without a run).
func (c *Compiled) summarise(r *Run) ([]float64, [][]float64) {
	sum := make([]float64, len(c.summary)+len(c.Assets))
	for k := range sum {
		switch {
		case r == nil:
			sum[k] = math.NaN()
		case k < len(c.summary):
			sum[k] = c.summary[k].value(r)
		default:
			sum[k] = r.View.Prices[k-len(c.summary)]
		}
	}
	if r == nil {
		return sum, nil
	}
	return sum, r.Stats.series
}

// RunBatch runs a batch and writes its outputs to opt.Out: manifest.json,
// runs.csv, quantiles.csv and paths.csv, each written to a temporary name
// and renamed when complete. Runs execute in parallel on opt.Workers
// goroutines; results are aggregated in run order, so the output bytes do
// not depend on the worker count or on completion order. Memory holds at
// most a window of pending results, not the whole batch.
//
// Each completed run is also appended to the journal (JournalFile) in
// opt.Out and synced, and the journal is removed once the files are in
// place. When ctx is cancelled, no further run starts, the runs in progress
// complete and are recorded, and RunBatch returns an *InterruptedError:
// RunBatch with opt.Resume then continues the batch.
func RunBatch(ctx context.Context, c *Compiled, opt Options) (*Result, error) {
	start := time.Now()
	if opt.Runs <= 0 {
		opt.Runs = c.S.Runs
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Shards > 1 && (opt.Shard < 0 || opt.Shard >= opt.Shards) {
		return nil, fmt.Errorf("shard %d of %d: the index must be in [0, %d)", opt.Shard, opt.Shards, opt.Shards)
	}
	if opt.Out == "" {
		return nil, fmt.Errorf("no output directory")
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return nil, err
	}
	first, last := ShardRange(opt.Runs, opt.Shard, opt.Shards)
	// A worker beyond the runs would only hold buffers.
	opt.Workers = min(opt.Workers, max(1, last-first))
	jpath := filepath.Join(opt.Out, JournalFile)
	hdr := newJournalHeader(c, opt, first, last)
	if _, err := os.Stat(jpath); err == nil {
		removeStaleTemps(opt.Out) // those of the interrupted batch
	}
	var j *journal
	var err error
	if opt.Resume {
		if j, err = openJournal(jpath, hdr); err != nil {
			return nil, err
		}
		if j != nil {
			opt.Command = j.h.Command // the manifest names the batch's own command
		}
	}
	if j == nil {
		if j, err = createJournal(jpath, hdr); err != nil {
			return nil, err
		}
	}
	defer j.close() // on failure; kept for a resume
	out, err := newOutputs(c, opt, first)
	if err != nil {
		return nil, err
	}
	defer out.abort()

	type worker struct {
		mw     *market.World
		buf    []byte   // journal record encoding
		sketch sketcher // the runs this worker has yet to sketch
		spare  *Run     // the worker's last run, whose protocol storage the next reuses
	}
	window := 4 * opt.Workers
	// Buffers are out at the aggregator (window runs), in the workers'
	// sketch groups and in the runs in progress.
	pool := &seriesPool{ch: make(chan [][]float64, window+opt.Workers*(seriesGroup+1))}
	slots := make(chan struct{}, window)
	workers := make(chan *worker, opt.Workers)
	all := make([]*worker, opt.Workers)
	for i := range all {
		mw, err := market.NewWorld(c.Market)
		if err != nil {
			return nil, err
		}
		all[i] = &worker{mw: mw}
		workers <- all[i]
	}
	// The k-th run started delivers its result on ready[k%window]: at most
	// window started runs await aggregation, so a slot is free when reused.
	ready := make([]chan *RunResult, window)
	for i := range ready {
		ready[i] = make(chan *RunResult, 1)
	}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.Workers + 1) // the workers, and the aggregator
	g.Go(func() error {
		var buf []byte
		var rebuild *market.World // market paths of recorded runs, for their derived series
		started := 0              // runs started, then aggregated
		for i := first; i < last; i++ {
			if err := gctx.Err(); err != nil {
				return err
			}
			var res *RunResult
			if j.has(i) {
				var err error
				if res, err = j.read(i, &buf); err != nil {
					return err
				}
				if res.Series != nil && !res.Failed && len(hdr.Derived) > 0 {
					if rebuild == nil {
						if rebuild, err = market.NewWorld(c.Market); err != nil {
							return err
						}
					}
					c.rebuildDerived(res, hdr.Derived, rebuild)
				}
				out.addSeries(res)
			} else {
				select {
				case res = <-ready[started%window]:
				case <-gctx.Done():
					return gctx.Err()
				}
				started++
				<-slots
			}
			err := out.add(res)
			res.release()
			if err != nil {
				return err
			}
			if opt.Progress != nil {
				opt.Progress(i+1-first, last-first)
			}
		}
		return nil
	})
	started := 0
dispatch:
	for i := first; i < last; i++ {
		if j.has(i) {
			continue
		}
		if gctx.Err() != nil {
			break
		}
		select {
		case slots <- struct{}{}:
		case <-gctx.Done():
			break dispatch
		}
		slot := ready[started%window]
		started++
		g.Go(func() error {
			w := <-workers
			var tr Tracer
			if opt.tracer != nil {
				tr = opt.tracer(i)
			}
			res, r := runOne(c, opt.Seed, i, w.mw, tr, w.spare, pool.get())
			w.spare = r
			res.pool = pool
			res.refs.Store(2) // the worker's sketcher, and the aggregator
			err := j.append(res, &w.buf)
			if err == nil {
				// Each worker sketches its own runs' paths: sketches do not
				// depend on the order of their values, so the aggregator,
				// which must go in run order, does not do this per-value work.
				out.sketch(&w.sketch, res)
			}
			workers <- w
			if err != nil {
				return err
			}
			slot <- res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			if jerr := j.close(); jerr != nil {
				return nil, jerr
			}
			return nil, &InterruptedError{Journal: jpath, Recorded: j.count(), Runs: last - first, Err: ctx.Err()}
		}
		return nil, err
	}
	for _, w := range all {
		out.flushSketch(&w.sketch)
	}
	wall := time.Since(start)
	if err := out.finish(wall, opt); err != nil {
		return nil, err
	}
	if err := j.remove(); err != nil {
		return nil, err
	}
	return &Result{Dir: opt.Out, Runs: last - first, Failed: out.failed, Wall: wall, Resumed: j.resumed}, nil
}
