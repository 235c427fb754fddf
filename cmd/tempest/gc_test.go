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

// TestBatchSetupGC: a single batch sets up with the collector off, runs
// at batchGCPercent from its first aggregated run on, still calls the
// caller's progress, and restores the setting before; with GOGC set
// nothing changes.
func TestBatchSetupGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	t.Setenv("GOGC", "")
	var calls []int
	opt := sim.Options{Progress: func(done, total int) { calls = append(calls, gcPercent()) }}
	restore := batchSetupGC(&opt)
	if p := gcPercent(); p != -1 {
		t.Errorf("while the batch sets up: GC percent %d, want -1 (off)", p)
	}
	opt.Progress(1, 3)
	opt.Progress(2, 3)
	if len(calls) != 2 || calls[0] != batchGCPercent || calls[1] != batchGCPercent {
		t.Errorf("the caller's progress saw GC percents %v, want %d twice", calls, batchGCPercent)
	}
	restore()
	if p := gcPercent(); p != 150 {
		t.Errorf("after the batch: GC percent %d, want 150 restored", p)
	}

	// No progress of the caller's own: the wrapper still switches.
	opt = sim.Options{}
	restore = batchSetupGC(&opt)
	opt.Progress(1, 1)
	if p := gcPercent(); p != batchGCPercent {
		t.Errorf("after the first run: GC percent %d, want %d", p, batchGCPercent)
	}
	restore()

	t.Setenv("GOGC", "150")
	opt = sim.Options{}
	restore = batchSetupGC(&opt)
	if p := gcPercent(); p != 150 || opt.Progress != nil {
		t.Errorf("GOGC=150: GC percent %d and progress set %v, want 150 and none", p, opt.Progress != nil)
	}
	restore()
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
