package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWakeQueue: the calendar pops, at each block, exactly the agents
// scheduled for it, in ascending id, against a plain record of each
// agent's pending block, over random schedules (seed 5; 60 agents, 300
// blocks, three runs reusing the calendar's storage), and allocates
// nothing once its storage has grown.
func TestWakeQueue(t *testing.T) {
	const agents, steps = 60, 300
	rng := rand.New(rand.NewPCG(5, 0))
	var q wakeQueue
	pending := make([]int32, agents) // the block each agent is due at, or 0
	for run := range 3 {
		q.reset(agents, steps)
		clear(pending)
		for a := range int32(agents) {
			if w := int32(1 + rng.IntN(steps+20)); w <= steps { // some never wake
				q.push(w, a)
				pending[a] = w
			}
		}
		for step := int32(1); step <= steps; step++ {
			var want []int32
			for a, w := range pending {
				if w == step {
					want = append(want, int32(a))
				}
			}
			var got []int32
			for a := q.popDue(step); a >= 0; a = q.popDue(step) {
				got = append(got, a)
				pending[a] = 0
				if w := step + 1 + int32(rng.IntN(12)); w <= steps {
					q.push(w, a)
					pending[a] = w
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("run %d block %d: popped %v, want %v", run, step, got, want)
			}
		}
	}
	allocs := testing.AllocsPerRun(10, func() {
		q.reset(agents, steps)
		for a := range int32(agents) {
			q.push(int32(1+a%7), a)
		}
		for step := int32(1); step <= steps; step++ {
			for a := q.popDue(step); a >= 0; a = q.popDue(step) {
				if w := step + 3; w <= steps {
					q.push(w, a)
				}
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run of the calendar, want 0", allocs)
	}
}
