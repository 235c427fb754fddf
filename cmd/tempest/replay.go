package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/tempest-risk/tempest/market"
	"github.com/tempest-risk/tempest/sim"
	"github.com/tempest-risk/tempest/sim/scenario"
)

const replayHelp = `Usage: tempest replay FILE.toml --run N --trace FILE.csv [--seed S] [--set K=V]...

Runs run N of the batch the scenario defines (same seed, same run index:
the same run as in 'tempest run') and writes its trace: a "block" row per
block with the market prices, oracle prices, peg, supply, deficit and
reserve, and a "tx" row per transaction with its sender, the fields its
kind uses and its result or revert reason. Prints the run's summary. Time
is seconds since the start; a transaction's amounts are the contracts'
integers: token units, wad (10^18), ray (10^27) or rad (10^45), as the
kind takes them (collateral in token units, rwaUSD in wad, prices in ray,
internal balances in rad).

Flags:
  --run N        run index (0-based, as in runs.csv)
  --trace FILE   trace output (CSV)
  --seed S       master seed (default: the scenario's seed)
  --set K=V      override a scenario key (repeatable), as for run

Example:
  tempest replay configs/baseline.toml --run 137 --trace out/run137.csv
`

func cmdReplay(args []string, stdout, stderr io.Writer) error {
	if helpRequested(args, replayHelp, stdout) {
		return nil
	}
	fs := newFlagSet("replay", replayHelp, stdout)
	runIdx := fs.Int("run", -1, "")
	trace := fs.String("trace", "", "")
	seed := fs.String("seed", "", "")
	var sets setFlags
	fs.Var(&sets, "set", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{msg: "replay takes one scenario file", hint: "for example: tempest replay configs/baseline.toml --run 137 --trace out/run137.csv"}
	}
	if *runIdx < 0 {
		return &usageError{msg: "--run is required and must be ≥ 0", hint: "take the run index from runs.csv"}
	}
	if *trace == "" {
		return &usageError{msg: "--trace is required", hint: "name the CSV file to write, for example --trace run.csv"}
	}
	if err := notScenario(pos[0]); err != nil {
		return err
	}
	s, err := scenario.Load(pos[0], sets...)
	if err != nil {
		return err
	}
	notes(stderr, s)
	if *runIdx >= s.Runs {
		// Legitimate (a run of a larger batch), but more often a typo.
		fmt.Fprintf(stderr, "note: run %d is beyond the file's batch of %d runs (runs 0 to %d); replaying it as run %d of a larger batch\n",
			*runIdx, s.Runs, s.Runs-1, *runIdx)
	}
	master := s.Seed
	if *seed != "" {
		if master, err = parseSeed(*seed); err != nil {
			return err
		}
	}
	c, err := sim.Compile(s)
	if err != nil {
		return err
	}
	mw, err := market.NewWorld(c.Market)
	if err != nil {
		return err
	}
	if dir := filepath.Dir(*trace); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(*trace), "."+filepath.Base(*trace)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	tr := sim.NewCSVTracer(tmp)
	res := sim.RunOne(c, master, *runIdx, mw, tr)
	if err := tr.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *trace); err != nil {
		return err
	}
	status := "ok"
	if res.Failed {
		status = fmt.Sprintf("failed at step %d: %s", res.FailStep, res.Err)
	}
	fmt.Fprintf(stdout, "%s run %d (seed %d): %s\ntrace: %s\n", s.Name, res.Index, res.Seed, status, *trace)
	for k, m := range c.Summary() {
		if x := res.Summary[k]; !math.IsNaN(x) {
			fmt.Fprintf(stdout, "  %-22s %14.6g %s\n", m.Name, x, m.Unit)
		}
	}
	return nil
}
