package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildTempest builds the command into a temporary directory, for tests
// that need separate processes.
func buildTempest(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tempest")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// manifestWithoutTiming decodes a manifest and drops its timing section.
func manifestWithoutTiming(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "timing")
	return m
}

// TestShardsMergeToSingleBatch runs a batch as 3 shards in separate
// processes, merges them, and compares the bytes with the batch run at once.
func TestShardsMergeToSingleBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs four processes")
	}
	bin := buildTempest(t)
	dir := t.TempDir()
	args := []string{"run", "testdata/tiny.toml", "--runs", "11", "--seed", "5", "--quiet"}
	single := filepath.Join(dir, "single")
	if out, err := exec.Command(bin, append(args, "--out", single)...).CombinedOutput(); err != nil {
		t.Fatalf("single batch: %v\n%s", err, out)
	}
	var parts []string
	for k := 0; k < 3; k++ {
		p := filepath.Join(dir, "part"+string(rune('0'+k)))
		cmd := exec.Command(bin, append(args, "--out", p)...)
		cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID="+string(rune('1'+k)), "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=3")
		if k == 0 {
			cmd = exec.Command(bin, append(args, "--out", p, "--shard", "0/3")...) // the flag form
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("shard %d: %v\n%s", k, err, out)
		}
		parts = append(parts, p)
	}
	merged := filepath.Join(dir, "merged")
	// Shards in any order.
	if out, err := exec.Command(bin, "merge", parts[2], parts[0], parts[1], "--out", merged).CombinedOutput(); err != nil {
		t.Fatalf("merge: %v\n%s", err, out)
	}
	for _, f := range []string{"runs.csv", "quantiles.csv", "paths.csv", "sketches.bin", "report.md", "report.html", "risk_figures.csv"} {
		a, _ := os.ReadFile(filepath.Join(single, f))
		b, _ := os.ReadFile(filepath.Join(merged, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: merged shards differ from the single batch (%d vs %d bytes)", f, len(b), len(a))
		}
	}
	ms, mm := manifestWithoutTiming(t, single), manifestWithoutTiming(t, merged)
	a, _ := json.Marshal(ms)
	b, _ := json.Marshal(mm)
	if !bytes.Equal(a, b) {
		t.Errorf("manifests differ apart from timing:\n%s\n%s", a, b)
	}

	// Refusals: a missing shard, a duplicate, a shard of another batch.
	other := filepath.Join(dir, "other")
	if out, err := exec.Command(bin, "run", "testdata/tiny.toml", "--runs", "11", "--seed", "6", "--quiet", "--shard", "2/3", "--out", other).CombinedOutput(); err != nil {
		t.Fatalf("other shard: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		dirs []string
		want string
	}{
		{parts[:2], "missing shards 2 of 3"},
		{[]string{parts[0], parts[1], parts[1]}, "shard 1 given twice"},
		{[]string{parts[0], parts[1], other}, "seed"},
		{[]string{single}, "is not a shard"},
	} {
		_, stderr, code := runCLI(t, append(append([]string{"merge"}, tt.dirs...), "--out", filepath.Join(dir, "bad"))...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("merge %v: exit %d, stderr %q, want %q", tt.dirs, code, stderr, tt.want)
		}
	}
}

func TestShardOf(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tt := range []struct {
		flag string
		env  map[string]string
		k, n int
		bad  bool
	}{
		{"3/16", nil, 3, 16, false},
		{"", map[string]string{"JOB_COMPLETION_INDEX": "2", "TEMPEST_SHARDS": "4"}, 2, 4, false},
		{"", map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"}, 4, 8, false},
		{"", nil, 0, 0, false},
		{"4/4", nil, 0, 0, true},
		{"x", nil, 0, 0, true},
		{"", map[string]string{"JOB_COMPLETION_INDEX": "2"}, 0, 0, true},
		{"", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "x", "SLURM_ARRAY_TASK_COUNT": "3"}, 0, 0, true},
	} {
		k, n, err := shardOf(tt.flag, env(tt.env))
		if (err != nil) != tt.bad || k != tt.k || n != tt.n {
			t.Errorf("%q %v: %d/%d %v", tt.flag, tt.env, k, n, err)
		}
	}
}
