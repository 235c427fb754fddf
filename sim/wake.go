package sim

// wakeQueue is the agents' wake calendar: a binary min-heap of (block,
// agent) pairs. Popping everything due at a block yields the agents in
// ascending id, the order they decide in. It allocates only when it grows.
type wakeQueue struct {
	h []wakeItem
}

type wakeItem struct {
	step  int32
	agent int32
}

func (a wakeItem) less(b wakeItem) bool {
	return a.step < b.step || (a.step == b.step && a.agent < b.agent)
}

func (q *wakeQueue) reset(capacity int) {
	if cap(q.h) < capacity {
		q.h = make([]wakeItem, 0, capacity)
	}
	q.h = q.h[:0]
}

func (q *wakeQueue) push(step, agent int32) {
	q.h = append(q.h, wakeItem{step, agent})
	i := len(q.h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !q.h[i].less(q.h[p]) {
			break
		}
		q.h[i], q.h[p] = q.h[p], q.h[i]
		i = p
	}
}

// popDue removes and returns the next agent due at or before step, or −1.
func (q *wakeQueue) popDue(step int32) int32 {
	if len(q.h) == 0 || q.h[0].step > step {
		return -1
	}
	top := q.h[0].agent
	n := len(q.h) - 1
	q.h[0] = q.h[n]
	q.h = q.h[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && q.h[l].less(q.h[m]) {
			m = l
		}
		if r < n && q.h[r].less(q.h[m]) {
			m = r
		}
		if m == i {
			break
		}
		q.h[i], q.h[m] = q.h[m], q.h[i]
		i = m
	}
	return top
}
