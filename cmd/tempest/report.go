package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/tempest-risk/tempest/reports"
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
	return writeReport(pos[0], *out, stdout)
}

// writeReport renders the report of the batch in dir into out (dir if
// empty) and says where it is.
func writeReport(dir, out string, stdout io.Writer) error {
	if err := reports.Generate(dir, reports.Options{Out: out}); err != nil {
		return &hinted{err: fmt.Errorf("report: %w", err),
			hints: []string{"the batch's files are intact; fix the cause and re-render with: tempest report " + shellQuote(dir)}}
	}
	if out == "" {
		out = dir
	}
	fmt.Fprintf(stdout, "  %s\n  %s\n", filepath.Join(out, "report.html"), filepath.Join(out, "report.md"))
	return nil
}
