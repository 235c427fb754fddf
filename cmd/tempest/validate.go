package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/BurntSushi/toml"

	"github.com/tempest-risk/tempest/sim/scenario"
	"github.com/tempest-risk/tempest/sim/sweep"
)

const validateHelp = `Usage: tempest validate FILE.toml... [--set K=V]...

Checks each scenario, sweep or tune file and prints "ok FILE" for each
valid one. For a scenario file: TOML syntax (file:line:col and the source
line), unknown keys (with the nearest known key), and every value (all
problems at once, each with file:line, its dotted key and a hint), with a
note for each key it sets that the model does not read (a jump rate of a
gbm asset, say). A sweep or tune file is checked as tempest sweep and
tempest tune check it before running: its own keys, its base scenario with
the file's settings, and the scenario of every point of a sweep or of both
ends of a tune's range. Exit status 2 if any file is invalid.

Flags:
  --set K=V      override a key of each scenario file (repeatable), as for
                 run: checks the scenario a run with these overrides would
                 run (a sweep or tune file sets keys with its own set = [...])

Examples:
  tempest validate configs/*.toml configs/*/*.toml
  tempest validate configs/baseline.toml --set profiles.gold.haircut=0.2
`

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, validateHelp, stdout) {
		return nil
	}
	fs := newFlagSet("validate", validateHelp, stdout)
	var sets setFlags
	fs.Var(&sets, "set", "")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return &usageError{msg: "validate takes one or more scenario files", hint: "for example: tempest validate configs/*.toml"}
	}
	var all scenario.Errors
	for _, f := range files {
		var err error
		var ns scenario.Errors
		if sweepFile(f) {
			if len(sets) > 0 {
				return &usageError{msg: fmt.Sprintf("--set applies to scenario files; %s is a sweep or tune file", f),
					hint: "a sweep or tune file sets keys of its base with set = [\"key=value\", ...]"}
			}
			var sw *sweep.File
			if sw, err = loadSweep(f); err == nil {
				ns = sw.Notes()
			}
		} else {
			var s *scenario.Scenario
			if s, err = scenario.Load(f, sets...); err == nil {
				ns = s.Notes()
			}
		}
		var se scenario.Errors
		switch {
		case err == nil:
			printNotes(stderr, ns)
			fmt.Fprintf(stdout, "ok %s\n", f)
		case errors.As(err, &se):
			all = append(all, se...)
		default:
			return err
		}
	}
	if len(all) > 0 {
		return all
	}
	return nil
}

// sweepFile reports whether the TOML file at path is a sweep or tune file
// (it has a base, [[axes]] or [parameter] at the top level) rather than a
// scenario; a file that does not parse is left to the scenario loader.
func sweepFile(path string) bool { return sweepKind(path) != "" }

// sweepKind returns "tune" for a tune file (it has a [parameter]), "sweep"
// for a sweep file (a base or [[axes]]) and "" for anything else.
func sweepKind(path string) string {
	var top map[string]toml.Primitive
	if _, err := toml.DecodeFile(path, &top); err != nil {
		return ""
	}
	if _, ok := top["parameter"]; ok {
		return "tune"
	}
	for _, k := range []string{"base", "axes"} {
		if _, ok := top[k]; ok {
			return "sweep"
		}
	}
	return ""
}

// notScenario refuses a sweep or tune file given to a command that takes a
// scenario, which would otherwise report each of its keys as unknown.
func notScenario(path string) error {
	kind := sweepKind(path)
	if kind == "" {
		return nil
	}
	return &usageError{msg: fmt.Sprintf("%s is a %s file, not a scenario", path, kind),
		hint: fmt.Sprintf("run it with: tempest %s %s", kind, shellQuote(path))}
}

// loadSweep checks a sweep or tune file as tempest sweep and tempest tune
// do before they run anything, and returns it: the file, its base, and the
// scenario of every point of a sweep or of both ends of a tune's range.
func loadSweep(path string) (*sweep.File, error) {
	f, err := sweep.Load(path)
	if err != nil {
		return nil, err
	}
	if f.Axes != nil {
		err = f.Check(f.Points())
	} else {
		err = f.CheckTune()
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}
