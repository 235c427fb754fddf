package token

// The journal reproduces the EVM's revert of storage writes (and its
// nesting by call frame) for the Go model: not a contract.

import "github.com/holiman/uint256"

// Journal records the value every protocol state word had before an open
// transaction wrote it, so that a reverted transaction can be rolled back
// exactly, as the EVM reverts storage. Modules write state through Set and
// SetInt; outside a transaction those are plain assignments.
//
// Transactions nest like EVM call frames: Begin inside an open transaction
// opens a frame; its Rollback undoes only the frame's writes and its Commit
// hands them to the enclosing frame, which can still undo them.
//
// Rules that keep rollback exact: a transaction never grows a slice that the
// journal may hold pointers into (modules reserve capacity before Begin), and
// never adds accounts.
type Journal struct {
	words  []wordEntry
	ints   []intEntry
	seq    []bool // true: next entry is a word entry; false: an int entry
	frames []int  // len(seq) at each open Begin
	open   bool
}

type wordEntry struct {
	p   *uint256.Int
	old uint256.Int
}

type intEntry struct {
	p   *int64
	p32 *int32
	old int64
}

// Begin opens a transaction, or a nested frame inside an open one.
func (j *Journal) Begin() {
	j.frames = append(j.frames, len(j.seq))
	j.open = true
}

// Depth reports how many frames are open.
func (j *Journal) Depth() int { return len(j.frames) }

// Open reports whether a transaction is open.
func (j *Journal) Open() bool { return j.open }

// Commit closes the innermost frame, keeping its writes (for the enclosing
// frame to undo if it reverts). It panics if none is open.
func (j *Journal) Commit() {
	if !j.open {
		panic("token: journal: commit without begin")
	}
	j.frames = j.frames[:len(j.frames)-1]
	if len(j.frames) == 0 {
		j.reset()
	}
}

// Rollback closes the innermost frame and restores every word it wrote, in
// reverse order. It panics if none is open.
func (j *Journal) Rollback() {
	if !j.open {
		panic("token: journal: rollback without begin")
	}
	mark := j.frames[len(j.frames)-1]
	j.frames = j.frames[:len(j.frames)-1]
	w, n := len(j.words), len(j.ints)
	for k := len(j.seq) - 1; k >= mark; k-- {
		if j.seq[k] {
			w--
			*j.words[w].p = j.words[w].old
		} else {
			n--
			if e := &j.ints[n]; e.p != nil {
				*e.p = e.old
			} else {
				*e.p32 = int32(e.old)
			}
		}
	}
	// Drop the frame's entries: count the words and ints it held.
	words, ints := 0, 0
	for _, isWord := range j.seq[mark:] {
		if isWord {
			words++
		} else {
			ints++
		}
	}
	clear(j.words[len(j.words)-words:])
	clear(j.ints[len(j.ints)-ints:])
	j.words = j.words[:len(j.words)-words]
	j.ints = j.ints[:len(j.ints)-ints]
	j.seq = j.seq[:mark]
	if len(j.frames) == 0 {
		j.reset()
	}
}

func (j *Journal) reset() {
	clear(j.words) // drop pointers so rolled-back state can be collected
	clear(j.ints)
	j.words, j.ints, j.seq = j.words[:0], j.ints[:0], j.seq[:0]
	j.frames = j.frames[:0]
	j.open = false
}

// Set assigns *p = *v, recording the old value if a transaction is open.
// v may alias p.
func (j *Journal) Set(p, v *uint256.Int) {
	if j.open {
		j.words = append(j.words, wordEntry{p: p, old: *p})
		j.seq = append(j.seq, true)
	}
	*p = *v
}

// SetInt assigns *p = v, recording the old value if a transaction is open.
func (j *Journal) SetInt(p *int64, v int64) {
	if j.open {
		j.ints = append(j.ints, intEntry{p: p, old: *p})
		j.seq = append(j.seq, false)
	}
	*p = v
}

// SetInt32 assigns *p = v, recording the old value if a transaction is open.
func (j *Journal) SetInt32(p *int32, v int32) {
	if j.open {
		j.ints = append(j.ints, intEntry{p32: p, old: int64(*p)})
		j.seq = append(j.seq, false)
	}
	*p = v
}

// Len reports how many writes the open transaction has recorded.
func (j *Journal) Len() int { return len(j.seq) }
