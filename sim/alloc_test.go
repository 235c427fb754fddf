package sim

import (
	"runtime"
	"testing"

	"github.com/tempest-risk/tempest/market"
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

// TestSteadyStateAllocsReused: a batch's worker runs each run in the
// storage of its last (protocol, index, agents' slices, the backstop's debt
// queue, the block's buffers), so once its buffers have grown to what the
// scenario's blocks need, whole runs of blocks allocate nothing at all.
// Seed 1; 20 runs to warm up, then the blocks of the next 20 runs of the
// benchmark scenario (14,400 blocks, 14.4 million agent-steps) are counted.
func TestSteadyStateAllocsReused(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	c := loadCompiled(t, "../configs/bench/cdp-gbm.toml")
	mw, err := market.NewWorld(c.Market)
	if err != nil {
		t.Fatal(err)
	}
	var spare *Run
	var series [][]float64
	const warm, measure = 20, 20
	for i := range warm {
		res, r := runOne(c, 1, i, mw, nil, spare, series)
		if res.Failed {
			t.Fatal(res.Err)
		}
		spare, series = r, res.Series
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // as steadyAllocs
	var total uint64
	for i := warm; i < warm+measure; i++ {
		r, err := newRun(c, 1, i, mw, spare, series)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for step := 1; step <= c.Steps; step++ {
			if err := r.block(step); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		if n := after.Mallocs - before.Mallocs; n > 0 {
			t.Errorf("run %d: %d allocations in its %d blocks (%d liquidations)", i, n, c.Steps, r.Stats.Liquidations)
		}
		total += after.Mallocs - before.Mallocs
		spare = r
	}
	t.Logf("%d allocations in the %d blocks of %d reused runs", total, measure*c.Steps, measure)
}
