package sim

import "slices"

// wakeQueue is the agents' wake calendar: for each block, the agents due
// to look at it. An agent has at most one pending wake (the engine
// schedules each agent once, then again only when it pops it), so the
// calendar is a linked list per block threaded through the agents: head
// holds a block's first agent and next the agent after each. Popping
// everything due at a block yields its agents in ascending id, the order
// they decide in. Push and pop take constant time, besides sorting each
// block's few agents once; the calendar allocates only when it grows.
type wakeQueue struct {
	head []int32 // by block: the first agent due, or −1
	next []int32 // by agent: the next agent due at the same block, or −1
	// The block being popped, its agents in ascending id, and how many
	// of them have been popped.
	step int32
	due  []int32
	pos  int
}

// reset empties the calendar for agents agents and blocks 0 to steps.
func (q *wakeQueue) reset(agents, steps int) {
	q.head = fill(q.head, steps+1)
	q.next = fill(q.next, agents)
	q.step, q.due, q.pos = -1, q.due[:0], 0
}

// fill returns s with n elements, each −1, reusing its storage.
func fill(s []int32, n int) []int32 {
	if cap(s) < n {
		s = make([]int32, n)
	}
	s = s[:n]
	for i := range s {
		s[i] = -1
	}
	return s
}

// push schedules agent at block step. The agent must have no pending wake,
// and step must be a block the calendar holds and later than any block
// popped so far.
func (q *wakeQueue) push(step, agent int32) {
	if step <= q.step {
		panic("sim: wakeQueue.push at a block already popped")
	}
	q.next[agent] = q.head[step]
	q.head[step] = agent
}

// popDue removes and returns the next agent due at step, in ascending id,
// or −1 when none is left. Blocks are popped in increasing order, each
// until it returns −1; a block skipped holds no agent.
func (q *wakeQueue) popDue(step int32) int32 {
	if step != q.step {
		if step < q.step {
			panic("sim: wakeQueue.popDue of an earlier block")
		}
		q.step, q.due, q.pos = step, q.due[:0], 0
		for a := q.head[step]; a >= 0; a = q.next[a] {
			q.due = append(q.due, a)
		}
		q.head[step] = -1
		slices.Sort(q.due)
	}
	if q.pos == len(q.due) {
		return -1
	}
	a := q.due[q.pos]
	q.pos++
	q.next[a] = -1
	return a
}
