package main

import (
	"context"
	"io"
	"path/filepath"
	"runtime/debug"
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

// TestBatchGCPercent checks that a batch runs with the garbage collector's
// target at batchGCPercent unless GOGC is set, and that the setting before
// it is restored afterwards.
func TestBatchGCPercent(t *testing.T) {
	s, err := scenario.Load("testdata/tiny.toml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := sim.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
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
