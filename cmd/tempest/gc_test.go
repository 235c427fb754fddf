package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/tempest-risk/tempest/sim"
	"github.com/tempest-risk/tempest/sim/scenario"
)

// gcPercent returns the garbage collector's target percentage.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// compileTiny compiles testdata/tiny.toml.
func compileTiny(t *testing.T) *sim.Compiled {
	t.Helper()
	s, err := scenario.Load("testdata/tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := sim.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBatchGCPercent checks that a batch runs with the garbage collector's
// target at batchGCPercent unless GOGC is set, and that the setting before
// it is restored afterwards.
func TestBatchGCPercent(t *testing.T) {
	c := compileTiny(t)
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	for _, c2 := range []struct {
		gogc string
		want int
	}{{"", batchGCPercent}, {"150", 150}} {
		t.Setenv("GOGC", c2.gogc)
		during := -2
		opt := sim.Options{Runs: 2, Out: filepath.Join(t.TempDir(), "b"),
			Progress: func(done, total int) { during = gcPercent() }}
		if _, err := runBatch(context.Background(), c, opt, io.Discard); err != nil {
			t.Fatal(err)
		}
		if during != c2.want {
			t.Errorf("GOGC=%q: the batch ran with GC percent %d, want %d", c2.gogc, during, c2.want)
		}
		if p := gcPercent(); p != 150 {
			t.Errorf("GOGC=%q: GC percent %d after the batch, want 150 restored", c2.gogc, p)
		}
	}
}

// gcProbe is an output that records the garbage collector's target at
// each write: a sweep's log line for a point is written as its batch
// ends, within the sweep.
type gcProbe struct {
	seen  []int
	lines []string
}

func (g *gcProbe) Write(p []byte) (int, error) {
	g.seen = append(g.seen, gcPercent())
	g.lines = append(g.lines, string(p))
	return len(p), nil
}

// TestSweepGCPercent: a sweep's batches run at batchGCPercent too, as a
// single batch does, and the setting before is restored.
func TestSweepGCPercent(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	dir := t.TempDir()
	sw := filepath.Join(dir, "sw.toml")
	src := "base = \"" + mustAbs(t, "testdata/tiny.toml") + "\"\nruns = 2\n[[axes]]\nkey = \"profiles.gold.haircut\"\nvalues = [\"0.1\"]\n"
	if err := os.WriteFile(sw, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	probe := &gcProbe{}
	if err := cmdSweep(context.Background(), []string{sw, "--out", filepath.Join(dir, "out")}, probe, io.Discard); err != nil {
		t.Fatal(err)
	}
	during := 0
	for i, l := range probe.lines {
		if strings.HasPrefix(l, "point ") { // a point's log line, written as its batch ends
			during++
			if probe.seen[i] != batchGCPercent {
				t.Errorf("GC percent %d during the sweep, want %d", probe.seen[i], batchGCPercent)
			}
		}
	}
	if during == 0 {
		t.Fatalf("no point's log line in %q", probe.lines)
	}
	if p := gcPercent(); p != 150 {
		t.Errorf("GC percent %d after the sweep, want 150 restored", p)
	}
}

// TestReportGCPercent: a report renders with the garbage collector's target
// at reportGCPercent unless GOGC is set, and the setting before is
// restored.
func TestReportGCPercent(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	c := compileTiny(t)
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := runBatch(context.Background(), c, sim.Options{Runs: 2, Out: dir}, io.Discard); err != nil {
		t.Fatal(err)
	}
	probe := &gcProbe{} // writeReport lists the files it wrote, still rendering
	if err := writeReport(dir, "", probe); err != nil {
		t.Fatal(err)
	}
	if len(probe.seen) == 0 || probe.seen[0] != reportGCPercent {
		t.Errorf("GC percent while rendering %v, want %d", probe.seen, reportGCPercent)
	}
	if p := gcPercent(); p != 150 {
		t.Errorf("GC percent %d after the report, want 150 restored", p)
	}
}
