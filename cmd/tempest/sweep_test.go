package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepCommand: the shipped sweep and tune files load and expand, and
// mistakes exit 2 naming the file, line and key.
func TestSweepCommand(t *testing.T) {
	out, errs, code := runCLI(t, "sweep", "../../configs/sweeps/haircut.toml", "--dry-run")
	if code != 0 || !strings.Contains(out, "7 points (grid)") || !strings.Contains(out, "profiles.gold.haircut = 0.3") {
		t.Errorf("haircut dry run: exit %d\n%s%s", code, out, errs)
	}
	// Too few runs per point for a budget line: no point could meet it.
	if _, errs, _ = runCLI(t, "sweep", "../../configs/sweeps/haircut.toml", "--dry-run", "--runs", "200"); !strings.Contains(errs,
		`"P(peak_deficit > 0) <= 0.01" can be met only with at least 368 runs per point; with 200`) {
		t.Errorf("haircut at 200 runs: no note that P <= 1%% needs 368 runs:\n%s", errs)
	}
	out, errs, code = runCLI(t, "sweep", "../../configs/sweeps/haircut-x-ceiling.toml", "--dry-run")
	if code != 0 || !strings.Contains(out, "12 points (grid)") {
		t.Errorf("haircut-x-ceiling dry run: exit %d\n%s%s", code, out, errs)
	}
	if _, errs, code = runCLI(t, "sweep", "../../configs/tune/gold-haircut.toml"); code != 2 || !strings.Contains(errs, "tempest tune") {
		t.Errorf("sweep of a tune file: exit %d, %s", code, errs)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	src := "base = \"" + mustAbs(t, "../../configs/baseline.toml") + "\"\nbudget = [\"P(peak_deficit > 0) <= 0.01\"]\n" +
		"[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.1\", \"abc\"]\n"
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code = runCLI(t, "sweep", bad, "--out", filepath.Join(dir, "out"))
	if code != 2 || !strings.Contains(errs, bad+":4: ") || !strings.Contains(errs, "abc") {
		t.Errorf("bad value: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("a bad sweep wrote its output directory")
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// cancelOn is stdout that cancels the command once it prints want.
type cancelOn struct {
	bytes.Buffer
	want   string
	cancel context.CancelFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	if strings.Contains(w.String(), w.want) {
		w.cancel()
	}
	return n, err
}

// TestSweepInterruptContinues: a sweep interrupted after its first point
// exits 130 with a command that continues it, and that command keeps the
// --runs the sweep ran with: it reuses the finished point instead of
// running every point over at the file's runs.
func TestSweepInterruptContinues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.toml")
	src := "base = \"" + mustAbs(t, "testdata/tiny.toml") + "\"\nruns = 4\n" +
		"[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.1\", \"0.2\"]\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	_, again := interruptAndContinue(t, []string{"sweep", file, "--runs", "3", "--workers", "1", "--quiet", "--out", out},
		"point 1/2", filepath.Join(out, "points", "profiles.gold.haircut=0.1", "manifest.json"))
	if !strings.Contains(again, "--runs 3") {
		t.Errorf("the command to continue drops --runs 3: %s", again)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "sweep.csv"))
	if rows := strings.Split(strings.TrimSpace(string(csv)), "\n"); len(rows) != 3 || !strings.Contains(rows[1], ",3,0,") || !strings.Contains(rows[2], ",3,0,") {
		t.Errorf("sweep.csv after continuing, want 2 points of 3 runs:\n%s", csv)
	}
}

// TestTuneHelp: the tune command's help, flags included, against its
// golden file.
func TestTuneHelp(t *testing.T) {
	stdout, _, code := runCLI(t, "tune", "--help")
	if code != 0 || !strings.Contains(stdout, "--max-runs N") {
		t.Fatalf("tune --help: exit %d\n%s", code, stdout)
	}
	golden(t, "testdata/help_tune_help.golden", stdout)
}

// TestTuneRunFlags: --runs and --max-runs are checked like sweep's
// --runs, and a bound too small for the budget at the per-look confidence
// is refused naming the flag: from 100 runs, --max-runs 300 gives 2 looks
// at 97.5%, where P(...) <= 0.01 needs 437 runs (368 at 95%).
func TestTuneRunFlags(t *testing.T) {
	const file = "../../configs/tune/gold-haircut.toml"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--runs", "0"}, "--runs 0: must be at least 1"},
		{[]string{"--runs", "-5"}, "--runs -5: must be at least 1"},
		{[]string{"--max-runs", "0"}, "--max-runs 0: must be at least 1"},
		{[]string{"--max-runs", "-1"}, "--max-runs -1: must be at least 1"},
		{[]string{"--runs", "100", "--max-runs", "300"}, "--max-runs: \"P(bad_debt > 0) <= 0.01\" can be met only with at least 437 runs per probe (each look at 97.5%: 2 looks"},
		{[]string{"--runs", "100", "--max-runs", "300"}, "hint: --max-runs 800 or more (probes double their runs from --runs 100)"},
		{[]string{"--max-runs", "500"}, "--max-runs: 500 is below runs = 1000"},
		{[]string{"--runs", "10000"}, "--runs: 10000 is above the file's max_runs = 8000"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		_, errs, code := runCLI(t, append([]string{"tune", file, "--out", out, "--quiet"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("tune %v: exit %d, want 2 and %q:\n%s", c.args, code, c.want, errs)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("tune %v wrote its output directory", c.args)
		}
	}
}

// TestTuneInterruptContinues: a tune run with --runs and --max-runs
// states the per-look confidence, and when interrupted after its first
// probe exits 130 with a command that keeps both flags: it reuses the
// finished probe instead of running every probe over at the file's runs,
// and the page's command to reproduce the tune names them too.
func TestTuneInterruptContinues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "t.toml")
	src := "base = \"" + mustAbs(t, "testdata/tiny.toml") + "\"\nruns = 4\nmax_runs = 64\nbudget = [\"mean(final_price_gold) <= 1e9\"]\n" +
		"[parameter]\nkey = \"profiles.gold.haircut\"\nfrom = \"0.05\"\nto = \"0.25\"\nstep = \"0.1\"\ngoal = \"min\"\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	stdout, again := interruptAndContinue(t, []string{"tune", file, "--runs", "3", "--max-runs", "6", "--workers", "1", "--quiet", "--out", out},
		"probe profiles.gold.haircut=", filepath.Join(out, "points", "profiles.gold.haircut=0.25", "runs-000000-000002", "manifest.json"))
	if !strings.Contains(stdout, "3 runs per probe first, up to 6\nverdicts: each look at 97.5%: 2 looks, Bonferroni, so each verdict holds at 95%\n") {
		t.Errorf("stdout does not state the per-look confidence:\n%s", stdout)
	}
	if !strings.Contains(again, "--runs 3") || !strings.Contains(again, "--max-runs 6") {
		t.Errorf("the command to continue drops --runs 3 or --max-runs 6: %s", again)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "tune.csv"))
	if rows := strings.Split(strings.TrimSpace(string(csv)), "\n"); len(rows) != 3 || !strings.Contains(rows[1], "0.25,3,meets") || !strings.Contains(rows[2], "0.05,3,meets") {
		t.Errorf("tune.csv after continuing, want 2 probes of 3 runs:\n%s", csv)
	}
	md, _ := os.ReadFile(filepath.Join(out, "tune.md"))
	if !strings.Contains(string(md), "--runs 3 --max-runs 6") || !strings.Contains(string(md), "each look at 97.5%: 2 looks, Bonferroni, so each verdict holds at 95%") {
		t.Errorf("tune.md lacks the flags in its command or the per-look confidence:\n%s", md)
	}
}

// interruptAndContinue runs the command args, cancelling it when its
// stdout first shows want (the end of its first point or probe), checks
// that it exits 130 with a command to continue, runs that command, and
// checks that it left the finished batch whose manifest is first as it
// was. It returns the interrupted command's stdout and the continue
// command.
func interruptAndContinue(t *testing.T, args []string, want, first string) (stdout, again string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelOn{want: want, cancel: cancel}
	var stderr bytes.Buffer
	err := run(ctx, args, out, &stderr)
	if exitStatus(err) != 130 {
		t.Fatalf("exit %d, want 130: %v\n%s%s", exitStatus(err), err, out.String(), stderr.String())
	}
	const lead = "continue with the same command: tempest "
	i := strings.Index(stderr.String(), lead)
	if i < 0 {
		t.Fatalf("no command to continue with:\n%s", stderr.String())
	}
	cmd := strings.Fields(strings.SplitN(stderr.String()[i+len(lead):], "\n", 2)[0])
	before, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	if o, e, code := runCLI(t, cmd...); code != 0 {
		t.Fatalf("continuing: exit %d\n%s%s", code, o, e)
	}
	if after, _ := os.ReadFile(first); !bytes.Equal(before, after) {
		t.Error("continuing ran the finished batch again")
	}
	return out.String(), strings.Join(cmd, " ")
}
