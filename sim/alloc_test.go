package sim

import (
	"runtime"
	"testing"

	"github.com/tempest-risk/tempest/sim/scenario"
)

// steadyAllocs runs a scenario's first warm blocks, then counts the
// allocations of the following measure blocks, all of them: an allocation
// in a rare event (one bark in a hundred blocks) counts, where an average
// per block rounded down would hide it.
func steadyAllocs(t *testing.T, path string, warm, measure int, overrides ...scenario.Override) uint64 {
	t.Helper()
	c := loadCompiled(t, path, overrides...)
	r := firstRun(t, c)
	step := 1
	for ; step <= warm; step++ {
		if err := r.block(step); err != nil {
			t.Fatal(err)
		}
	}
	// The count is the whole process's: as testing.AllocsPerRun does, one
	// P while measuring, so that the runtime does not start threads for
	// other Ps (each start allocates), and a collection first, so that it
	// does not start its first collection's workers in the window; both
	// happen by timing, more often on a loaded machine.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range measure {
		if err := r.block(step); err != nil {
			t.Fatal(err)
		}
		step++
	}
	runtime.ReadMemStats(&after)
	return after.Mallocs - before.Mallocs
}

// maxGrowth bounds the allocations of steadyAllocs's blocks: only the
// block's buffers (transactions, their order, a keeper's list of unsafe
// accounts) may grow, when a block brings more transactions than any
// before, each by doubling, so a handful at most. One allocation per
// transaction, bark or sale would be hundreds.
const maxGrowth = 8

// TestSteadyStateAllocs: once its buffers have grown, the blocks of the
// benchmark scenario (1,000 vaults, keepers, pool arbitrage) allocate
// nothing but that growth, whether unwound vaults are sold at once (its
// default) or auctioned.
func TestSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, sale := range []string{"pool", "auction"} {
		a := steadyAllocs(t, "../configs/bench/cdp-gbm.toml", 300, 300, scenario.Override{Key: "auction.eth.sale", Value: sale})
		t.Logf("sale = %q: %d allocations in 300 blocks", sale, a)
		if a > maxGrowth {
			t.Errorf("sale = %q: %d allocations in 300 blocks of steady state, want at most %d (buffer growth)", sale, a, maxGrowth)
		}
	}
}

// TestSteadyStateAllocsBaseline: the same for the baseline scenario (450
// borrowers, keepers, arbitrageurs, peg pool and rail).
func TestSteadyStateAllocsBaseline(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	a := steadyAllocs(t, "../configs/baseline.toml", 2000, 500)
	t.Logf("%d allocations in 500 blocks", a)
	if a > maxGrowth {
		t.Fatalf("%d allocations in 500 blocks of steady state, want at most %d (buffer growth)", a, maxGrowth)
	}
}
