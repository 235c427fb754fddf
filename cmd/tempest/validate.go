package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/tempest-risk/tempest/sim/scenario"
)

const validateHelp = `Usage: tempest validate FILE.toml...

Checks each scenario file: TOML syntax (file:line:col and the source line),
unknown keys (with the nearest known key), and every value (all problems at
once, each with file:line, its dotted key and a hint). Prints "ok FILE" for
each valid file. Exit status 2 if any file is invalid.

Example:
  tempest validate configs/*.toml
`

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, validateHelp, stdout) {
		return nil
	}
	fs := newFlagSet("validate", validateHelp, stdout)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return &usageError{msg: "validate takes one or more scenario files", hint: "for example: tempest validate configs/*.toml"}
	}
	var all scenario.Errors
	for _, f := range files {
		_, err := scenario.Load(f)
		var se scenario.Errors
		switch {
		case err == nil:
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
