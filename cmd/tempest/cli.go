package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/tempest-risk/tempest/sim/scenario"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version string

func version() string {
	if Version != "" {
		return Version
	}
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(bi)
}

// buildVersion is the version a build without -X main.Version gives: the
// module version when installed as a module, else the commit it was built
// from (as git describe --always --dirty writes it), so that a manifest
// and a report name the build; "dev" when the build records neither.
func buildVersion(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) < 7 {
		return "dev"
	}
	if rev = rev[:7]; dirty {
		rev += "-dirty"
	}
	return rev
}

const usage = `tempest: Monte Carlo stress tests of DeFi stablecoin and lending protocols

Usage:
  tempest run FILE.toml [--runs N] [--seed S] [--workers W] [--out DIR] [--set K=V]... [--shard K/N] [--resume]
                        [--quiet] [--no-report]
  tempest validate FILE.toml... [--set K=V]...
  tempest replay FILE.toml --run N --trace FILE.csv [--seed S] [--set K=V]...
  tempest sweep FILE.toml [--out DIR] [--runs N] [--workers W] [--dry-run] [--quiet]
  tempest tune FILE.toml [--out DIR] [--runs N] [--max-runs N] [--workers W] [--quiet]
  tempest merge DIR... --out DIR
  tempest report DIR [--out DIR]
  tempest scenarios [DIR]
  tempest version

Commands:
  run        run a batch and write its results and risk report (report.html,
             report.md) to --out (default out/<scenario name>)
  validate   check scenario, sweep and tune files; every problem with
             file:line and its key
  replay     run one run of a batch step by step and write its trace
  sweep      run a scenario over a grid of parameter values (common random
             numbers) and report each risk figure with intervals and paired
             differences: sweep.csv, sweep.html
  tune       find the parameter value nearest its risky end that meets a
             risk budget with 95% confidence: tune.html
  merge      combine the shards of a distributed batch (run --shard K/N)
  report     re-render the risk report of a batch from its saved files
  scenarios  list the scenario library (configs/ by default)
  version    print the version

Run 'tempest COMMAND --help' (or 'tempest help COMMAND') for a command's flags
and an example.

Exit status: 0 success, 1 a run or I/O failure, 2 bad usage or a bad scenario,
130 interrupted (Ctrl-C; the finished runs are kept for --resume).
`

const versionHelp = `Usage: tempest version

Prints the version of tempest, as recorded in every manifest.json.

Example:
  tempest version
`

// usageError is bad command-line usage (exit status 2).
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

// hinted is a failure with hint lines for the user.
type hinted struct {
	err   error
	hints []string
}

func (e *hinted) Error() string { return e.err.Error() }
func (e *hinted) Unwrap() error { return e.err }

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ue *usageError
	var se scenario.Errors
	switch {
	case errors.As(err, &ue), errors.As(err, &se):
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	return 1
}

// run is the whole CLI: main only maps its error to an exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, stdout, stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		report(stderr, err)
	}
	return err
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &usageError{msg: "no command", hint: "try 'tempest run configs/baseline.toml'"}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout, stderr)
	case "replay":
		return cmdReplay(rest, stdout, stderr)
	case "scenarios":
		return cmdScenarios(rest, stdout, stderr)
	case "sweep":
		return cmdSweep(ctx, rest, stdout, stderr)
	case "tune":
		return cmdTune(ctx, rest, stdout, stderr)
	case "merge":
		return cmdMerge(rest, stdout, stderr)
	case "report":
		return cmdReport(rest, stdout, stderr)
	case "version":
		if helpRequested(rest, versionHelp, stdout) {
			return nil
		}
		if len(rest) > 0 {
			return &usageError{msg: "version takes no arguments", hint: "tempest version"}
		}
		fmt.Fprintf(stdout, "tempest %s\n", version())
		return nil
	case "help":
		if len(rest) > 0 && rest[0] != "help" {
			// tempest help COMMAND is tempest COMMAND --help.
			return dispatch(ctx, []string{rest[0], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return nil
	case "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		hint := "commands: " + strings.Join(commands, ", ")
		if best, ok := scenario.Nearest(cmd, commands, 2); ok {
			hint = fmt.Sprintf("did you mean %q? %s", best, hint)
		}
		return &usageError{msg: fmt.Sprintf("unknown command %q", cmd), hint: hint}
	}
}

// commands are the commands of the tool, for the hint of an unknown one.
var commands = []string{"run", "validate", "replay", "sweep", "tune", "merge", "report", "scenarios", "version", "help"}

// report prints an error as `tempest: error: ...` with hint lines.
func report(w io.Writer, err error) {
	var se scenario.Errors
	var ue *usageError
	var h *hinted
	switch {
	case errors.As(err, &se):
		for _, e := range se {
			fmt.Fprintf(w, "tempest: error: %s\n", e.Error())
			if e.Source != "" {
				fmt.Fprintf(w, "    %s\n", e.Source)
				if e.Col > 0 {
					fmt.Fprintf(w, "    %s^\n", strings.Repeat(" ", e.Col-1))
				}
			}
			if e.Hint != "" {
				fmt.Fprintf(w, "hint: %s\n", e.Hint)
			}
		}
	case errors.As(err, &ue):
		fmt.Fprintf(w, "tempest: error: %s\n", ue.msg)
		if ue.hint != "" {
			fmt.Fprintf(w, "hint: %s\n", ue.hint)
		}
	case errors.As(err, &h):
		fmt.Fprintf(w, "tempest: error: %s\n", h.err)
		for _, x := range h.hints {
			fmt.Fprintf(w, "hint: %s\n", x)
		}
	default:
		fmt.Fprintf(w, "tempest: error: %s\n", err)
	}
}

// notes prints the scenario's notes (keys it sets that the model does not
// read, values that read like a whole percentage) as `tempest: note: ...`
// with hint lines: the scenario runs as written.
func notes(w io.Writer, s *scenario.Scenario) { printNotes(w, s.Notes()) }

// printNotes prints notes as `tempest: note: ...` with hint lines.
func printNotes(w io.Writer, es scenario.Errors) {
	for _, e := range es {
		fmt.Fprintf(w, "tempest: note: %s\n", e.Error())
		if e.Hint != "" {
			fmt.Fprintf(w, "hint: %s\n", e.Hint)
		}
	}
}

// parseFlags parses flags that may come before or after the positional
// arguments and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, flagError(fs, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// flagError rewords an error of the flag package as the help writes
// flags, with two dashes, and suggests the nearest flag for an unknown one
// (--run for --runs).
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	hint := fmt.Sprintf("run 'tempest %s --help' for its flags", fs.Name())
	for _, p := range []string{"flag provided but not defined: -", "flag needs an argument: -", " for flag -", " for -"} {
		if i := strings.Index(msg, p); i >= 0 {
			msg = msg[:i+len(p)] + "-" + msg[i+len(p):]
		}
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: --"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if best, ok := scenario.Nearest(name, names, 2); ok {
			hint = fmt.Sprintf("did you mean --%s? %s", best, hint)
		}
	}
	return &usageError{msg: msg, hint: hint}
}

func newFlagSet(name, help string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	_ = help
	return fs
}

// setFlags collects repeated --set key=value flags.
type setFlags []scenario.Override

func (s *setFlags) String() string { return "" }

func (s *setFlags) Set(v string) error {
	o, err := scenario.ParseOverride(v)
	if err != nil {
		return err
	}
	*s = append(*s, o)
	return nil
}

// args renders the overrides as they would be typed.
func (s setFlags) args() string { return scenario.FlagArgs(s) }

// helpRequested prints a command's help when --help or -h is among args.
func helpRequested(args []string, help string, stdout io.Writer) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fmt.Fprint(stdout, help)
			return true
		}
	}
	return false
}

// flagsSet returns the names of the flags given on the command line.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// checkRuns refuses a --runs below 1, an explicit 0 included (0 is only
// the flag's default: the scenario's runs).
func checkRuns(runs int, set bool) error {
	return checkCount("runs", runs, set, "give the number of runs, for example --runs 1000, or leave --runs out for the file's runs")
}

// checkCount refuses a count flag below 1, an explicit 0 included (0 is
// only the flag's default: the file's value), with hint.
func checkCount(name string, n int, set bool, hint string) error {
	if n < 0 || (set && n == 0) {
		return &usageError{msg: fmt.Sprintf("--%s %d: must be at least 1", name, n), hint: hint}
	}
	return nil
}

// maxWorkers bounds --workers: far more than any machine's CPUs, and few
// enough that their runs fit in memory.
const maxWorkers = 1024

// checkWorkers refuses a negative --workers or one above maxWorkers.
func checkWorkers(workers int) error {
	if workers < 0 {
		return &usageError{msg: fmt.Sprintf("--workers %d: must be at least 1 (0 means the number of CPUs)", workers),
			hint: "give the runs to run in parallel, for example --workers 8, or leave --workers out to use every CPU"}
	}
	if workers > maxWorkers {
		return &usageError{msg: fmt.Sprintf("--workers %d: at most %d", workers, maxWorkers),
			hint: fmt.Sprintf("each worker holds a run in memory and more workers than CPUs (%d here) run no faster: leave --workers out to use every CPU",
				runtime.NumCPU())}
	}
	return nil
}

// parseSeed parses a --seed value.
func parseSeed(seed string) (uint64, error) {
	v, err := strconv.ParseUint(seed, 10, 64)
	if err != nil {
		return 0, &usageError{msg: fmt.Sprintf("--seed %q: not an unsigned integer", seed),
			hint: "give a whole number from 0 to 18446744073709551615, for example --seed 42, or leave --seed out for the file's seed"}
	}
	return v, nil
}
