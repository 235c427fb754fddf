package sim

import (
	"testing"
)

// steadyAllocs runs a scenario's first warm blocks, then measures the
// allocations of the following blocks.
func steadyAllocs(t *testing.T, path string, warm, measure int) float64 {
	t.Helper()
	c := loadCompiled(t, path)
	r := firstRun(t, c)
	step := 1
	for ; step <= warm; step++ {
		if err := r.block(step); err != nil {
			t.Fatal(err)
		}
	}
	return testing.AllocsPerRun(measure, func() {
		if err := r.block(step); err != nil {
			t.Fatal(err)
		}
		step++
	})
}

// TestSteadyStateAllocs: once its buffers have grown, a block of the
// benchmark scenario (1,000 vaults, keepers, pool arbitrage) allocates
// nothing.
func TestSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	if a := steadyAllocs(t, "../configs/bench/cdp-gbm.toml", 300, 300); a != 0 {
		t.Fatalf("%v allocations per block in steady state, want 0", a)
	}
}

// TestSteadyStateAllocsBaseline: the same for the baseline scenario (450
// borrowers, keepers, arbitrageurs, peg pool and rail).
func TestSteadyStateAllocsBaseline(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	if a := steadyAllocs(t, "../configs/baseline.toml", 2000, 500); a != 0 {
		t.Fatalf("%v allocations per block in steady state, want 0", a)
	}
}
