package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim"
	"github.com/tempest-risk/tempest/sim/sweep"
)

const sweepHelp = `Usage: tempest sweep FILE.toml [flags]

Runs the base scenario of a sweep file at every point of a grid, a zip or a
Latin hypercube over scenario keys. Every point runs the same run indices
with the same seeds (common random numbers), so run i sees the same market
path at every point and differences between points are paired. Keys and
values are checked against the scenario schema before anything runs.

Writes into the output directory:
  plan.csv                 the expansion, before the first run
  points/KEY=VALUE,.../    one batch per point (the files of 'tempest run')
  sweep.csv                per point: values, budget verdict, each risk figure
                           with its 95% interval and the paired difference
                           from the reference point with its interval
  sweep.html, sweep.md     the sweep report: a line chart per figure (one
                           key) or a heatmap per figure with the points that
                           meet the budget outlined (two keys)

A point whose directory already holds a complete batch of the same
configuration, seed and runs is reused, so an interrupted sweep, or one
with points added, runs only what is missing.

Flags:
  --out DIR     output directory (default: out/sweeps/<name>)
  --workers W   runs in parallel within a point (default: the number of CPUs)
  --runs N      runs per point (default: the sweep file's runs)
  --dry-run     print the expansion and stop
  --quiet       no progress on stderr

Example:
  tempest sweep configs/sweeps/haircut.toml
`

const tuneHelp = `Usage: tempest tune FILE.toml [flags]

Finds the value of one parameter nearest its risky end (goal "min": the
smallest, e.g. a haircut; goal "max": the largest, e.g. a debt ceiling)
that meets a risk budget with 95% confidence: every constraint's whole
interval within its limit. Bisection over the parameter's grid, every probe
with the same seeds (common random numbers); a probe whose interval
straddles a limit gets more runs (doubling, up to max_runs). With [outer],
one search per value of the first parameter: a two-parameter frontier.

A probe is judged after its first runs and after each doubling: up to
L = 1 + floor(log2(max_runs/runs)) looks. Each look is judged at
1 - 5%/L (4 looks: 98.75%; Bonferroni), so a verdict holds at 95%
whichever look it stops at. A tune whose max_runs cannot reach the runs a
budget line needs at that level is refused before anything runs.

Writes into the output directory: points/ (every probe's batches),
tune.csv (every probe in search order) and tune.html / tune.md (the
recommendation, binding constraint, margin, runs spent, frontier charts and
the command that reproduces it).

Flags:
  --out DIR       output directory (default: out/tune/<name>)
  --workers W     runs in parallel (default: the number of CPUs)
  --runs N        first runs per probe (default: the tune file's runs)
  --max-runs N    most runs a probe may use (default: the tune file's
                  max_runs, or 16 times the runs)
  --quiet         no progress on stderr

Examples:
  tempest tune configs/tune/gold-haircut.toml
  tempest tune configs/tune/ceiling-x-haircut.toml --runs 100 --max-runs 800
`

func cmdSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, sweepHelp, stdout) {
		return nil
	}
	fs := newFlagSet("sweep", sweepHelp, stdout)
	out := fs.String("out", "", "")
	workers := fs.Int("workers", 0, "")
	runs := fs.Int("runs", 0, "")
	dry := fs.Bool("dry-run", false, "")
	quiet := fs.Bool("quiet", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{msg: "sweep takes one sweep file", hint: "for example: tempest sweep configs/sweeps/haircut.toml"}
	}
	if err := checkRuns(*runs, flagsSet(fs)["runs"]); err != nil {
		return err
	}
	if err := checkWorkers(*workers); err != nil {
		return err
	}
	f, err := sweep.Load(pos[0])
	if err != nil {
		return err
	}
	printNotes(stderr, f.Notes())
	if f.Axes == nil {
		return &usageError{msg: pos[0] + " is a tune file ([parameter]), not a sweep", hint: "tempest tune " + pos[0]}
	}
	if *runs > 0 {
		f.Runs = *runs
	}
	pts := f.Points()
	if err := f.Check(pts); err != nil {
		return err
	}
	short, need := f.ShortBudget()
	for i, c := range short {
		if need[i] == 0 {
			fmt.Fprintf(stderr, "tempest: note: %s: no number of runs meets %q (its interval, at any confidence, never lies within the limit), so no point can meet the budget\n", pos[0], c)
			continue
		}
		fmt.Fprintf(stderr, "tempest: note: %s: %q can be met only with at least %d runs per point; with %d, no point can meet the budget (each is undecided or not met)\nhint: --runs %d\n",
			pos[0], c, need[i], f.Runs, need[i])
	}
	if *out == "" {
		*out = filepath.Join("out", "sweeps", f.Name)
	}
	fmt.Fprintf(stdout, "%s: %d points (%s) × %d runs, seed %d, base %s\n", f.Name, len(pts), f.Mode, f.Runs, f.MasterSeed(), f.Base)
	keys := f.Keys()
	for _, p := range pts {
		fmt.Fprintf(stdout, "  %3d  %s\n", p.Index, strings.Join(reports.Assign(keys, p.Values, " = "), "  "))
	}
	if *dry {
		return nil
	}
	opt := sweep.Options{Out: *out, Workers: *workers, Version: version(), Log: stdout, PointReports: true,
		Command: fmt.Sprintf("tempest sweep %s --runs %d --out %s", shellQuote(pos[0]), f.Runs, shellQuote(*out))}
	if !*quiet {
		opt.Progress = progress(stderr, f.Runs)
	}
	restore := batchGC()
	res, err := sweep.Run(ctx, f, opt)
	restore()
	if err != nil {
		// The command that continues names the runs per point: without
		// them a sweep run with --runs would start every point over at the
		// file's runs.
		return interrupted(err, opt.Command)
	}
	met, undecided := 0, 0
	for _, p := range res.Points {
		switch p.Verdict() {
		case "met":
			met++
		case "undecided":
			undecided++
		}
	}
	if len(res.Budget) > 0 {
		fmt.Fprintf(stdout, "%d of %d points meet the budget", met, len(res.Points))
		if undecided > 0 {
			fmt.Fprintf(stdout, "; %d undecided (an interval straddles a limit: more runs would decide)", undecided)
		}
		fmt.Fprintln(stdout)
	}
	for _, name := range []string{sweep.SweepFile, sweep.ReportHTML, sweep.ReportMD} {
		fmt.Fprintf(stdout, "  %s\n", filepath.Join(*out, name))
	}
	return nil
}

func cmdTune(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, tuneHelp, stdout) {
		return nil
	}
	fs := newFlagSet("tune", tuneHelp, stdout)
	out := fs.String("out", "", "")
	workers := fs.Int("workers", 0, "")
	runs := fs.Int("runs", 0, "")
	maxRuns := fs.Int("max-runs", 0, "")
	quiet := fs.Bool("quiet", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{msg: "tune takes one tune file", hint: "for example: tempest tune configs/tune/gold-haircut.toml"}
	}
	set := flagsSet(fs)
	if err := checkRuns(*runs, set["runs"]); err != nil {
		return err
	}
	if err := checkMaxRuns(*maxRuns, set["max-runs"]); err != nil {
		return err
	}
	if err := checkWorkers(*workers); err != nil {
		return err
	}
	f, err := sweep.LoadWith(pos[0], sweep.RunFlags{Runs: *runs, MaxRuns: *maxRuns})
	if err != nil {
		return err
	}
	printNotes(stderr, f.Notes())
	if f.Parameter == nil {
		return &usageError{msg: pos[0] + " is a sweep file ([[axes]]), not a tune", hint: "tempest sweep " + pos[0]}
	}
	if err := f.CheckTune(); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join("out", "tune", f.Name)
	}
	// The command names the runs and max_runs the tune ran with, so that
	// it reproduces the tune, and continues an interrupted one on the
	// same probes, whatever the file says by then.
	opt := sweep.Options{Out: *out, Workers: *workers, Version: version(), Log: stdout,
		Command: fmt.Sprintf("tempest tune %s --runs %d --max-runs %d --out %s", shellQuote(pos[0]), f.Runs, f.MaxRuns, shellQuote(*out))}
	if !*quiet {
		opt.Progress = progress(stderr, f.Runs)
	}
	fmt.Fprintf(stdout, "%s: %s goal %s in [%s, %s] step %s; budget %s; %d runs per probe first, up to %d\nverdicts: %s\n",
		f.Name, f.Parameter.Key, f.Parameter.Goal, f.Parameter.From, f.Parameter.To, f.Parameter.Step,
		strings.Join(f.Budget, "; "), f.Runs, f.ProbeRuns(), f.LookText())
	restore := batchGC()
	res, err := sweep.Tune(ctx, f, opt)
	restore()
	if err != nil {
		return interrupted(err, opt.Command)
	}
	for _, a := range res.Answers {
		prefix := ""
		if a.Outer != "" {
			prefix = f.Outer.Key + " = " + a.Outer + ": "
		}
		if !a.Found {
			fmt.Fprintf(stdout, "%sno value meets the budget: %s\n", prefix, a.Note)
			continue
		}
		binding := "binding " + a.Binding.Text
		if a.RangeEnd {
			binding = "no constraint binds within the range; closest " + a.Binding.Text
		}
		fmt.Fprintf(stdout, "%srecommended %s = %s (%d runs at that value); %s: %s\n", prefix, f.Parameter.Key, a.Value, a.At.Runs, binding, a.MarginText())
		if a.Note != "" {
			fmt.Fprintf(stdout, "%snote: %s\n", prefix, a.Note)
		}
	}
	fmt.Fprintf(stdout, "runs spent: %d over %d probes\n", res.RunsSpent, len(res.Probes))
	for _, name := range []string{sweep.TuneFile, sweep.TuneHTML, sweep.TuneMD} {
		fmt.Fprintf(stdout, "  %s\n", filepath.Join(*out, name))
	}
	return nil
}

// checkMaxRuns refuses a --max-runs below 1, an explicit 0 included, as
// checkRuns does --runs.
func checkMaxRuns(n int, set bool) error {
	return checkCount("max-runs", n, set,
		"give the most runs a probe may use, for example --max-runs 8000, or leave --max-runs out for the file's max_runs")
}

// interrupted turns an interrupt of a sweep or tune into exit status 130
// with the command that continues it: finished points are reused and the
// interrupted one resumes from its journal.
func interrupted(err error, again string) error {
	var ie *sim.InterruptedError
	if !errors.As(err, &ie) {
		return err
	}
	return &hinted{err: fmt.Errorf("%w: finished points are kept, and %d of %d runs of the point in progress are recorded in %s", errInterrupted, ie.Recorded, ie.Runs, ie.Journal),
		hints: []string{"continue with the same command: " + again}}
}
