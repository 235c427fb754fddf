package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"

	"github.com/tempest-risk/tempest/sim/scenario"
)

const scenariosHelp = `Usage: tempest scenarios [DIR]

Lists the scenario files in DIR (default: configs) and in its
subdirectories one level down (configs/bench), with their name and the
question each answers; sweep and tune files are left out. Invalid files are
listed with their first problem.

Example:
  tempest scenarios configs
`

func cmdScenarios(args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, scenariosHelp, stdout) {
		return nil
	}
	fs := newFlagSet("scenarios", scenariosHelp, stdout)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir := "configs"
	if len(pos) > 1 {
		return &usageError{msg: "scenarios takes at most one directory"}
	}
	if len(pos) == 1 {
		dir = pos[0]
	}
	top, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return err
	}
	sub, err := filepath.Glob(filepath.Join(dir, "*", "*.toml"))
	if err != nil {
		return err
	}
	var files []string
	for _, f := range append(top, sub...) {
		if !sweepFile(f) {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return &usageError{msg: fmt.Sprintf("no scenario files in %s", dir), hint: "run it from the repository root, or name the directory"}
	}
	sort.Strings(files)
	for _, f := range files {
		s, err := scenario.Load(f)
		if err != nil {
			var se scenario.Errors
			msg := err.Error()
			if errors.As(err, &se) && len(se) > 0 {
				msg = se[0].Error()
			}
			fmt.Fprintf(stdout, "%-28s (invalid: %s)\n", f, msg)
			continue
		}
		q := s.Question
		if q == "" {
			q = s.Description
		}
		fmt.Fprintf(stdout, "%-28s %-16s %s\n", f, s.Name, q)
	}
	return nil
}
