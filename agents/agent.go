package agents

import (
	"math"
	"math/rand/v2"

	"github.com/tempest-risk/tempest/protocol/token"
)

// Agent is one actor. Decide appends this block's transactions to out and
// returns it; it must not modify anything the View points to. Wake returns
// the block at which the agent next wants to decide (the engine does not
// call Decide before then).
type Agent interface {
	Decide(v *View, r *rand.Rand, out []Tx) []Tx
	Wake() int
	Self() *Base
	Clone() Agent // a copy with the same state, for a run started from a template
}

// Never is a wake block beyond any horizon.
const Never = 1 << 30

// Base is what every agent has.
type Base struct {
	ID       int32
	Acct     token.Account
	Priority uint32  // priority fee it pays [gwei]
	Next     int     // next block to decide
	GasSpent float64 // USD spent on gas so far (the engine adds to it)
}

// Wake implements Agent.
func (b *Base) Wake() int { return b.Next }

// Self implements Agent.
func (b *Base) Self() *Base { return b }

func (b *Base) tx(k Kind) Tx {
	return Tx{Kind: k, Agent: b.ID, From: b.Acct, Priority: b.Priority}
}

// expSteps draws an exponential waiting time with the given mean in blocks,
// at least one block.
func expSteps(r *rand.Rand, mean float64) int {
	if mean <= 1 {
		return 1
	}
	w := r.ExpFloat64() * mean
	if w > 1e9 {
		return 1e9
	}
	return max(1, int(math.Ceil(w)))
}
