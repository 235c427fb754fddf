package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/tempest-risk/tempest/sim"
)

const mergeHelp = `Usage: tempest merge DIR... --out DIR

Combines the output directories of the shards of one batch (tempest run ...
--shard K/N) into one: the same runs.csv, quantiles.csv, paths.csv and
sketches.bin as the batch run on one machine, byte for byte, and the same
manifest apart from its timing fields. Refuses shards of different scenarios,
--set values, seeds, run counts or tool versions, a shard given twice, and
missing shards.

Flags:
  --out DIR   output directory (required)

Example:
  tempest run configs/baseline.toml --runs 10000 --shard 0/4 --out part0   # ... parts 1-3 elsewhere
  tempest merge part0 part1 part2 part3 --out all
`

func cmdMerge(args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, mergeHelp, stdout) {
		return nil
	}
	fs := newFlagSet("merge", mergeHelp, stdout)
	out := fs.String("out", "", "")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return &usageError{msg: "--out is required", hint: "name the directory for the merged batch"}
	}
	if len(dirs) == 0 {
		return &usageError{msg: "merge takes the shards' output directories", hint: "for example: tempest merge part* --out all"}
	}
	res, err := sim.Merge(dirs, *out)
	var me *sim.MergeError
	if errors.As(err, &me) {
		u := &usageError{msg: me.Msg, hint: me.Hint}
		return u
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merged %d shards: %d runs (%d failed)\n", len(dirs), res.Runs, res.Failed)
	for _, name := range []string{sim.ManifestFile, sim.RunsFile, sim.QuantilesFile, sim.PathsFile, sim.SketchesFile} {
		fmt.Fprintf(stdout, "  %s\n", filepath.Join(res.Dir, name))
	}
	return writeReport(res.Dir, "", stdout)
}
