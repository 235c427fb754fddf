package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), exitCode(err)
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestBadInput: every file of the bad-input corpus exits 2 with a message
// naming the file, the line and the key, and writes nothing to --out.
func TestBadInput(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.toml")
	if len(files) < 9 {
		t.Fatalf("corpus has %d files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, stderr, code := runCLI(t, "run", f, "--out", out, "--quiet")
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, f+":") {
				t.Errorf("message does not name %s with a line:\n%s", f, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was created", out)
			}
			golden(t, strings.TrimSuffix(f, ".toml")+".golden", stderr)
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"validate", "--help"}, {"replay", "--help"}, {"scenarios", "--help"}, {"version", "--help"}} {
		stdout, _, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		if !strings.Contains(stdout, "Example") && args[0] != "--help" {
			t.Errorf("%v: help has no example", args)
		}
		golden(t, "testdata/help_"+strings.ReplaceAll(strings.Join(args, "_"), "-", "")+".golden", stdout)
	}
}

// TestHelpCommand: 'tempest help COMMAND' prints the command's help, as
// 'tempest COMMAND --help' does; 'tempest help' the usage.
func TestHelpCommand(t *testing.T) {
	for _, cmd := range []string{"run", "validate", "replay", "sweep", "tune", "merge", "report", "scenarios", "version"} {
		want, _, _ := runCLI(t, cmd, "--help")
		got, stderr, code := runCLI(t, "help", cmd)
		if code != 0 || got != want || !strings.HasPrefix(got, "Usage: tempest "+cmd) {
			t.Errorf("help %s: exit %d, stdout:\n%s\nstderr: %s", cmd, code, got, stderr)
		}
	}
	usage, _, _ := runCLI(t, "--help")
	if got, _, code := runCLI(t, "help"); code != 0 || got != usage {
		t.Errorf("help: exit %d, %s", code, got)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"run"}, "run takes one scenario file"},
		{[]string{"run", "testdata/tiny.toml", "--runs", "x"}, "invalid value"},
		{[]string{"run", "testdata/tiny.toml", "--bogus"}, "flag provided but not defined"},
		{[]string{"run", "testdata/tiny.toml", "--run", "5"}, "flag provided but not defined: --run\nhint: did you mean --runs? run 'tempest run --help' for its flags"},
		{[]string{"run", "testdata/tiny.toml", "--runs", "x"}, "invalid value \"x\" for flag --runs"},
		{[]string{"run", "testdata/tiny.toml", "--quiet=maybe"}, "invalid boolean value \"maybe\" for --quiet"},
		{[]string{"rnu"}, "unknown command \"rnu\"\nhint: did you mean \"run\"?"},
		{[]string{"validate", "testdata/tiny.toml", "--set", "runs=0"}, "tiny.toml: runs: must be at least 1, got 0 (set with --set runs=0)"},
		{[]string{"run", "testdata/tiny.toml", "--seed", "-1"}, "--seed"},
		{[]string{"replay", "testdata/tiny.toml", "--trace", "x.csv"}, "--run is required"},
		{[]string{"run", "testdata/no-such.toml"}, "no such file"},
	} {
		_, stderr, code := runCLI(t, tt.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", tt.args, code)
		}
		if !strings.Contains(stderr, "tempest: error: ") || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: stderr %q does not say %q", tt.args, stderr, tt.want)
		}
	}
}

// TestRunTiny runs a small batch end to end and checks its files and the
// reproduce command in the manifest.
func TestRunTiny(t *testing.T) {
	out := filepath.Join(t.TempDir(), "tiny")
	stdout, stderr, code := runCLI(t, "run", "testdata/tiny.toml", "--out", out, "--workers", "2", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "tiny: 4 runs (0 failed)") {
		t.Errorf("stdout: %s", stdout)
	}
	for _, f := range []string{"manifest.json", "runs.csv", "quantiles.csv", "paths.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	m, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if !strings.Contains(string(m), `"command": "tempest run testdata/tiny.toml --runs 4 --seed 42"`) {
		t.Errorf("manifest lacks the reproduce command")
	}
	left, _ := filepath.Glob(filepath.Join(out, ".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// The report was written, and re-rendering it from the saved files
	// gives the same Markdown.
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(t.TempDir(), "again")
	if _, stderr, code := runCLI(t, "report", out, "--out", again); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	md2, _ := os.ReadFile(filepath.Join(again, "report.md"))
	if string(md) != string(md2) {
		t.Error("tempest report rendered different Markdown from the saved files")
	}
}

func TestReplay(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "run1.csv")
	stdout, stderr, code := runCLI(t, "replay", "testdata/tiny.toml", "--run", "1", "--trace", trace)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "tiny run 1") {
		t.Errorf("stdout: %s", stdout)
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if n := strings.Count(s, "\nblock,"); n != 288 {
		t.Errorf("%d block rows, want 288 (two days of 10-minute blocks)", n)
	}
	if !strings.Contains(s, "\ntx,") {
		t.Error("no transactions in the trace")
	}
}

// TestValidateLibrary: every file of configs/ is valid: the scenarios, the
// benchmark's, and the sweep and tune files, which validate checks as
// sweep and tune files; none sets a key the model does not read.
func TestValidateLibrary(t *testing.T) {
	files, _ := filepath.Glob("../../configs/*.toml")
	sub, _ := filepath.Glob("../../configs/*/*.toml")
	if len(files) == 0 || len(sub) < 4 {
		t.Fatalf("no scenario library: %v %v", files, sub)
	}
	files = append(files, sub...)
	stdout, stderr, code := runCLI(t, append([]string{"validate"}, files...)...)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(stdout, "ok ") != len(files) {
		t.Errorf("stdout: %s", stdout)
	}
}

// TestValidateSweepAndNotes: validate finds a bad key in a sweep's axis at
// the sweep file's line, and notes, without failing, a key a scenario sets
// that its asset's process does not read.
func TestValidateSweepAndNotes(t *testing.T) {
	dir := t.TempDir()
	base, _ := filepath.Abs("testdata/tiny.toml")
	sw := filepath.Join(dir, "sw.toml")
	src := "base = " + strconv.Quote(base) + "\nruns = 2\n\n[[axes]]\nkey = \"profiles.gold.hairkut\"\nvalues = [\"0.1\"]\n"
	if err := os.WriteFile(sw, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "validate", sw)
	if code != 2 || !strings.Contains(stderr, sw+":5: profiles.gold.hairkut") || !strings.Contains(stderr, `did you mean "haircut"?`) {
		t.Errorf("a sweep with a misspelt axis key: exit %d, stderr:\n%s", code, stderr)
	}

	tune, err := os.ReadFile("../../configs/tune/gold-haircut.toml")
	if err != nil {
		t.Fatal(err)
	}
	tn := filepath.Join(dir, "tn.toml")
	src = strings.Replace(string(tune), `key = "profiles.gold.haircut"`, `key = "profiles.gold.hairkut"`, 1)
	src = strings.Replace(src, `base = "../baseline.toml"`, "base = "+strconv.Quote(base), 1)
	if err := os.WriteFile(tn, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runCLI(t, "validate", tn)
	if code != 2 || !strings.Contains(stderr, tn+":") || !strings.Contains(stderr, ": profiles.gold.hairkut: ") {
		t.Errorf("a tune with a misspelt parameter key: exit %d, stderr:\n%s", code, stderr)
	}

	tiny, err := os.ReadFile("testdata/tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	sc := filepath.Join(dir, "jumps.toml")
	// gold becomes a gbm asset, keeping its merton jump parameters.
	jumps := strings.Replace(string(tiny), "process = \"merton\"", "process = \"gbm\"", 1)
	if jumps == string(tiny) {
		t.Fatal("testdata/tiny.toml has no merton asset")
	}
	if err := os.WriteFile(sc, []byte(jumps), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, "validate", sc)
	if code != 0 || stdout != "ok "+sc+"\n" {
		t.Errorf("a key the model does not read: exit %d, stdout %q", code, stdout)
	}
	if strings.Count(stderr, "tempest: note: "+sc+":") != 3 || !strings.Contains(stderr, ".lambda: not read by the gbm process") ||
		!strings.Contains(stderr, `hint: lambda is read with process = "merton": set that, or remove the key`) {
		t.Errorf("no note for lambda under gbm:\n%s", stderr)
	}

	// A sweep whose axis values read like percentages: valid, with the
	// sweep file's note at the axis's line.
	pct := filepath.Join(dir, "pct.toml")
	src = "base = " + strconv.Quote(base) + "\nruns = 2\n\n[[axes]]\nkey = \"profiles.gold.fee_rate\"\nvalues = [3, 4]\n"
	if err := os.WriteFile(pct, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = runCLI(t, "validate", pct)
	if code != 0 || stdout != "ok "+pct+"\n" ||
		!strings.Contains(stderr, "tempest: note: "+pct+":5: profiles.gold.fee_rate: value 3: fee_rate 3 is 300% a year (and 1 more of its values)") ||
		!strings.Contains(stderr, "hint: if 3% a year is meant, the value is 0.03") {
		t.Errorf("a sweep of percentage-like fees: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}

func TestVersion(t *testing.T) {
	stdout, _, code := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "tempest ") {
		t.Fatalf("version: %q %d", stdout, code)
	}
}

// TestFlagValues: a bad --runs (an explicit 0 included), --seed or
// --workers exits 2 with a hint, and nothing runs.
func TestFlagValues(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "testdata/tiny.toml", "--runs", "0"}, "--runs 0: must be at least 1"},
		{[]string{"run", "testdata/tiny.toml", "--runs=0"}, "--runs 0: must be at least 1"},
		{[]string{"run", "testdata/tiny.toml", "--runs", "-5"}, "--runs -5: must be at least 1"},
		{[]string{"run", "testdata/tiny.toml", "--seed", "abc"}, `--seed "abc": not an unsigned integer`},
		{[]string{"run", "testdata/tiny.toml", "--workers", "-1"}, "--workers -1: must be at least 1"},
		{[]string{"run", "testdata/tiny.toml", "--workers", "1000000"}, "--workers 1000000: at most 1024"},
		{[]string{"sweep", "../../configs/sweeps/haircut.toml", "--runs", "0"}, "--runs 0: must be at least 1"},
		{[]string{"sweep", "../../configs/sweeps/haircut.toml", "--workers", "-2"}, "--workers -2"},
		{[]string{"tune", "../../configs/tune/gold-haircut.toml", "--workers", "-2"}, "--workers -2"},
		{[]string{"replay", "testdata/tiny.toml", "--run", "1", "--trace", "x.csv", "--seed", "abc"}, `--seed "abc"`},
	} {
		out := filepath.Join(t.TempDir(), "out")
		_, stderr, code := runCLI(t, append(tt.args, "--out", out, "--quiet")...)
		if tt.args[0] == "replay" {
			_, stderr, code = runCLI(t, tt.args...)
		}
		if code != 2 || !strings.Contains(stderr, "tempest: error: "+tt.want) || !strings.Contains(stderr, "\nhint: ") {
			t.Errorf("%v: exit %d, stderr:\n%s", tt.args, code, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: %s was created", tt.args, out)
		}
	}
}

// shellWords splits a command line as a POSIX shell does.
func shellWords(t *testing.T, cmd string) []string {
	t.Helper()
	out, err := exec.Command("sh", "-c", `for a in `+cmd+`; do printf '%s\0' "$a"; done`).Output()
	if err != nil {
		t.Fatalf("sh: %v: %s", err, cmd)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// TestReproduceQuoted: the manifest's reproduce command quotes a scenario
// path and a --set value that need it, so a shell gives back the arguments.
func TestReproduceQuoted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a b")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile("testdata/tiny.toml")
	file := filepath.Join(dir, "it's tiny.toml")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, stderr, code := runCLI(t, "run", file, "--runs", "1", "--set", "question=what if a b", "--set", "runs=2", "--out", out, "--quiet", "--no-report"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m struct{ Command string }
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"tempest", "run", file, "--runs", "1", "--seed", "42", "--set", "question=what if a b", "--set", "runs=2"}
	if got := shellWords(t, m.Command); !slices.Equal(got, want) {
		t.Errorf("command %s\nsplits into %q\nwant %q", m.Command, got, want)
	}
}

// TestReplayCommand: the replay command printed for a batch's failed runs
// carries the batch's seed and --set overrides, quoted, and replays the
// same run as the batch: its seed is the one in runs.csv.
func TestReplayCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	sets := []string{"--set", "question=what if a b", "--set", "agents.borrowers[0].count=20"}
	if _, stderr, code := runCLI(t, append([]string{"run", "testdata/tiny.toml", "--runs", "3", "--seed", "77", "--out", out, "--quiet", "--no-report"}, sets...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ss setFlags
	for i := 1; i < len(sets); i += 2 {
		if err := ss.Set(sets[i]); err != nil {
			t.Fatal(err)
		}
	}
	cmd := replayCommand("testdata/tiny.toml", 77, ss)
	args := shellWords(t, strings.Replace(cmd, "--run N", "--run 2", 1))
	want := []string{"tempest", "replay", "testdata/tiny.toml", "--run", "2", "--trace", "run.csv", "--seed", "77"}
	if !slices.Equal(args[:len(want)], want) || !slices.Equal(args[len(want):], sets) {
		t.Fatalf("replay command %s splits into %q", cmd, args)
	}
	args[slices.Index(args, "run.csv")] = filepath.Join(dir, "run2.csv")
	stdout, stderr, code := runCLI(t, args[1:]...)
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, stderr)
	}
	runs, _ := os.ReadFile(filepath.Join(out, "runs.csv"))
	row := strings.Split(strings.Split(string(runs), "\n")[3], ",")
	if !strings.Contains(stdout, "run 2 (seed "+row[1]+")") {
		t.Errorf("replay ran another run: %s\nruns.csv row: %q", stdout, row)
	}
}

// TestNoReportRemovesStale: a batch written without a report (--no-report,
// or a shard) into a directory that holds an earlier batch's report
// removes that report, and only its files.
func TestNoReportRemovesStale(t *testing.T) {
	for _, extra := range [][]string{{"--no-report"}, {"--shard", "0/2"}} {
		out := filepath.Join(t.TempDir(), "out")
		if _, stderr, code := runCLI(t, "run", "testdata/tiny.toml", "--runs", "2", "--out", out, "--quiet"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, f := range []string{"report.html", "report.md", "plots", "risk_figures.csv", "metric_summary.csv"} {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Fatalf("the first batch has no %s", f)
			}
		}
		keep := filepath.Join(out, "notes.txt")
		os.WriteFile(keep, []byte("mine"), 0o644)
		args := append([]string{"run", "testdata/tiny.toml", "--runs", "3", "--out", out, "--quiet"}, extra...)
		if _, stderr, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
		for _, f := range []string{"report.html", "report.md", "plots", "risk_figures.csv", "metric_summary.csv"} {
			if _, err := os.Stat(filepath.Join(out, f)); !os.IsNotExist(err) {
				t.Errorf("%v: the earlier batch's %s is left", extra, f)
			}
		}
		for _, f := range []string{"manifest.json", "runs.csv", "quantiles.csv", "notes.txt"} {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Errorf("%v: %v", extra, err)
			}
		}
	}
}

// TestReportNeedsWholeBatch: 'tempest report' refuses a directory without a
// batch and a shard's directory (exit 2, a hint), and 'tempest merge'
// refuses a directory without a batch and an --out among its inputs.
func TestReportNeedsWholeBatch(t *testing.T) {
	dir := t.TempDir()
	part := filepath.Join(dir, "part0")
	if _, stderr, code := runCLI(t, "run", "testdata/tiny.toml", "--runs", "2", "--shard", "0/2", "--out", part, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"report", filepath.Join(dir, "missing")}, "no batch in " + filepath.Join(dir, "missing") + " (no manifest.json)\nhint: run the batch first: tempest run"},
		{[]string{"report", empty}, "no batch in " + empty + " (no manifest.json)\nhint: run the batch first"},
		{[]string{"report", part}, "holds shard 0 of 2 of a batch, not the whole batch\nhint: merge the shards first: tempest merge PART... --out ALL, then tempest report ALL"},
		{[]string{"merge", part, empty, "--out", filepath.Join(dir, "all")}, "no batch in " + empty + " (no manifest.json)\nhint: "},
		{[]string{"merge", part, empty, "--out", part + "/"}, "is one of the shards to merge\nhint: "},
	} {
		_, stderr, code := runCLI(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr:\n%s", tt.args, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(part, "report.html")); !os.IsNotExist(err) {
		t.Error("a report was written into the shard's directory")
	}
	if _, err := os.Stat(filepath.Join(dir, "all")); !os.IsNotExist(err) {
		t.Error("merge created its --out")
	}
}

// TestScenariosListing: the listing covers the directory and its
// subdirectories one level down, and leaves sweep and tune files out.
func TestScenariosListing(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "bench"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"a.toml":       string(src),
		"bench/b.toml": strings.Replace(string(src), `name = "tiny"`, `name = "tinier"`, 1),
		"bench/s.toml": "base = \"../a.toml\"\n[[axes]]\nkey = \"runs\"\nvalues = [\"2\"]\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout, _, code := runCLI(t, "scenarios", dir)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "tiny") || !strings.Contains(lines[1], "tinier") {
		t.Errorf("listing:\n%s\nwant a.toml (tiny) and bench/b.toml (tinier), no sweep", stdout)
	}
}

// TestBuildVersion: a build without a version names its commit, marked
// dirty when the tree was modified, as git describe does.
func TestBuildVersion(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	for _, c := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{nil, "dev"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0"},
		{vcs("b3b5099aa1c2d3e4f5", "false"), "b3b5099"},
		{vcs("b3b5099aa1c2d3e4f5", "true"), "b3b5099-dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
	} {
		if got := buildVersion(c.bi); got != c.want {
			t.Errorf("buildVersion(%+v) = %q, want %q", c.bi, got, c.want)
		}
	}
}

// TestSweepFileToScenarioCommand: run and replay given a sweep or tune file
// say what it is and which command takes it, instead of listing each of
// its keys as unknown to a scenario.
func TestSweepFileToScenarioCommand(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "../../configs/sweeps/haircut.toml", "--runs", "2", "--out", filepath.Join(t.TempDir(), "o")},
			"../../configs/sweeps/haircut.toml is a sweep file, not a scenario\nhint: run it with: tempest sweep ../../configs/sweeps/haircut.toml"},
		{[]string{"replay", "../../configs/tune/gold-haircut.toml", "--run", "1", "--trace", filepath.Join(t.TempDir(), "t.csv")},
			"../../configs/tune/gold-haircut.toml is a tune file, not a scenario\nhint: run it with: tempest tune ../../configs/tune/gold-haircut.toml"},
	} {
		_, stderr, code := runCLI(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, "tempest: error: "+tt.want) || strings.Contains(stderr, "unknown key") {
			t.Errorf("%v: exit %d, stderr:\n%s", tt.args, code, stderr)
		}
	}
}

// TestReportDamagedBatch: a batch whose files are damaged is not
// rendered, and the hint says how to rebuild it and render it again
// into the same --out, naming the manifest when it is the damaged file.
func TestReportDamagedBatch(t *testing.T) {
	dir := t.TempDir()
	batch := filepath.Join(dir, "b")
	if _, stderr, code := runCLI(t, "run", "testdata/tiny.toml", "--runs", "2", "--out", batch, "--quiet", "--no-report"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	to := filepath.Join(dir, "r")
	if err := os.WriteFile(filepath.Join(batch, "runs.csv"), []byte("run\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "report", batch, "--out", to)
	if code != 1 || !strings.Contains(stderr, "hint: a file of the batch is missing or damaged: rerun the batch with the command in its manifest.json") ||
		!strings.Contains(stderr, "then tempest report "+batch+" --out "+to) {
		t.Errorf("damaged runs.csv: exit %d, stderr:\n%s", code, stderr)
	}
	if err := os.WriteFile(filepath.Join(batch, "manifest.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runCLI(t, "report", batch)
	if code != 1 || !strings.Contains(stderr, "its manifest.json is unreadable: rerun the batch (tempest run FILE.toml --out "+batch) {
		t.Errorf("damaged manifest.json: exit %d, stderr:\n%s", code, stderr)
	}
}
