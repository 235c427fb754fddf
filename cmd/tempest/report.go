package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/tempest-risk/tempest/reports"
	"github.com/tempest-risk/tempest/sim"
)

const reportHelp = `Usage: tempest report DIR [--out DIR]

Renders the governance risk report of a batch from its saved files
(manifest.json, runs.csv, quantiles.csv, paths.csv): report.html (one
self-contained file that opens offline and prints), report.md with
plots/*.svg and plots/*.png, risk_figures.csv and metric_summary.csv. The
same files give the same report, byte for byte. 'tempest run' and
'tempest merge' write it already; use this to re-render.

Flags:
  --out DIR   where to write the report (default: DIR)

Example:
  tempest report out/baseline
`

func cmdReport(args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, reportHelp, stdout) {
		return nil
	}
	fs := newFlagSet("report", reportHelp, stdout)
	out := fs.String("out", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{msg: "report takes one batch directory", hint: "for example: tempest report out/baseline"}
	}
	if err := checkBatch(pos[0]); err != nil {
		return err
	}
	return writeReport(pos[0], *out, stdout)
}

// checkBatch refuses a directory that holds no batch, or only a shard of
// one (its report would describe a share of the runs).
func checkBatch(dir string) error {
	m, err := sim.ReadManifest(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &usageError{msg: fmt.Sprintf("no batch in %s (no %s)", dir, sim.ManifestFile),
			hint: "run the batch first: tempest run FILE.toml --out " + shellQuote(dir)}
	case err != nil:
		return nil // writeReport says what is wrong with the files
	case m.Shard != nil:
		return &usageError{msg: fmt.Sprintf("%s holds shard %d of %d of a batch, not the whole batch", dir, m.Shard.Index, m.Shard.Count),
			hint: "merge the shards first: tempest merge PART... --out ALL, then tempest report ALL"}
	}
	return nil
}

// writeReport renders the report of the batch in dir into out (dir if
// empty) and says where it is.
func writeReport(dir, out string, stdout io.Writer) error {
	defer gcTarget(reportGCPercent)()
	if err := reports.Generate(dir, reports.Options{Out: out}); err != nil {
		again := "tempest report " + shellQuote(dir)
		if out != "" {
			again += " --out " + shellQuote(out)
		}
		if le := (*reports.LoadError)(nil); errors.As(err, &le) {
			rerun := "rerun the batch with the command in its " + sim.ManifestFile + " (or merge its shards again)"
			if _, merr := sim.ReadManifest(dir); merr != nil {
				rerun = "its " + sim.ManifestFile + " is unreadable: rerun the batch (tempest run FILE.toml --out " + shellQuote(dir) + ", or merge its shards again)"
			}
			return &hinted{err: fmt.Errorf("report: %w", err),
				hints: []string{"a file of the batch is missing or damaged: " + rerun + ", then " + again}}
		}
		return &hinted{err: fmt.Errorf("report: %w", err),
			hints: []string{"the batch's files are intact; fix the cause and re-render with: " + again}}
	}
	if out == "" {
		out = dir
	}
	fmt.Fprintf(stdout, "  %s\n  %s\n", filepath.Join(out, "report.html"), filepath.Join(out, "report.md"))
	return nil
}
