// Package reports renders the governance risk report of a batch: it reads
// the files `tempest run` wrote (manifest.json, runs.csv, quantiles.csv,
// paths.csv) and writes report.html (one self-contained file), report.md,
// risk_figures.csv, metric_summary.csv and the figures as plots/*.svg and
// plots/*.png.
//
// The report is driven by the manifest: every series it lists gets a fan
// chart (or, when it is zero in every run, a sentence saying so), every per-run summary it lists gets a row in the metric table and
// the glossary, and every configuration key gets a row in the assumptions.
// Only the risk figures name specific metrics, and a figure whose metric
// the batch lacks is left out.
//
// Every estimate carries its Monte Carlo error as a 95% interval, with the
// method beside it: Clopper–Pearson for probabilities, order statistics
// (distribution-free) for quantiles such as VaR, a seeded percentile
// bootstrap for expected shortfall and Student's t for means. A figure that
// needs more runs than the batch has says how many it needs, and one the
// data cannot bound (an expected shortfall over a tail of zeros, a mean of
// runs that are all zero) says so instead of printing [0, 0].
//
// Output depends only on the batch's content, not on its timing, so two
// batches that differ only in the manifest's timing fields, or a merged set
// of shards and the single batch it equals, give the same report.md and
// CSV files byte for byte.
package reports
