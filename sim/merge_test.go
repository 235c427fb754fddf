package sim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMergeRefusesOwnInput: Merge refuses an output directory that is one
// of its inputs, however it is spelled, before reading anything.
func TestMergeRefusesOwnInput(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, b)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Merge([]string{a, rel}, b+"/./")
	var me *MergeError
	if !errors.As(err, &me) || me.Hint == "" {
		t.Fatalf("err %v, want a MergeError with a hint", err)
	}
}

// TestMergeNotABatch: a directory without a manifest is refused with a
// hint, not reported as an I/O failure.
func TestMergeNotABatch(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Join(dir, "missing")} {
		_, err := Merge([]string{d}, filepath.Join(dir, "all"))
		var me *MergeError
		if !errors.As(err, &me) || me.Hint == "" {
			t.Errorf("%s: err %v, want a MergeError with a hint", d, err)
		}
	}
}

// TestMergeRefusesCutShard: a shard whose runs.csv lost its last rows at a
// line boundary (it still parses) is refused, naming the missing runs, and
// the output directory gets no files.
func TestMergeRefusesCutShard(t *testing.T) {
	c := loadCompiled(t, "../configs/bench/cdp-gbm.toml")
	dir := t.TempDir()
	var parts []string
	for k := range 3 {
		d := filepath.Join(dir, "part"+strconv.Itoa(k))
		if _, err := RunBatch(context.Background(), c, Options{Runs: 12, Seed: 1, Workers: 1, Out: d, Shard: k, Shards: 3}); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, d)
	}
	if _, err := Merge(parts, filepath.Join(dir, "whole")); err != nil {
		t.Fatalf("the intact shards: %v", err)
	}
	name := filepath.Join(parts[1], RunsFile)
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if err := os.WriteFile(name, []byte(strings.Join(lines[:3], "")), 0o644); err != nil { // header and runs 4, 5 of [4, 8)
		t.Fatal(err)
	}
	out := filepath.Join(dir, "cut")
	_, err = Merge(parts, out)
	var me *MergeError
	if !errors.As(err, &me) || !strings.Contains(me.Msg, "runs 6 to 7 of the shard's [4, 8) are missing") || me.Hint == "" {
		t.Fatalf("err %v, want a MergeError naming runs 6 to 7 with a hint", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the refused merge left %d files in %s", len(entries), out)
	}
}
