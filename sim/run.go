package sim

import (
	"errors"
	"fmt"
	"slices"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/vault"
)

// ErrInvariant marks a run stopped by a broken invariant.
var ErrInvariant = errors.New("invariant violated")

// peg returns rwaUSD's USD price: the pool price of rwaUSD in reference
// coins times the reference coin's price (1 without a pool).
func (r *Run) peg() float64 { return r.View.Peg }

// poke publishes profile k's oracle output to the protocol when it changed.
func (r *Run) poke(k int, now int64) {
	o := &r.oracles[k]
	has := o.Ready() && !o.Stale(now)
	val := o.Price()
	if val == r.lastVal[k] && has == r.lastHas[k] {
		return
	}
	r.lastVal[k], r.lastHas[k] = val, has
	var w uint256.Int
	if err := fixed.FromFloat(&w, val, 18); err != nil {
		has = false
		w.Clear()
	}
	if err := r.Sys.Poke(vault.ProfileID(k), &w, has); err != nil {
		panic(fmt.Sprintf("sim: poke %s: %v", r.C.profiles[k].name, err))
	}
}

// poolKey is what the peg pool's spot price depends on: its balances, its
// rates, its A (and the time, while A ramps).
type poolKey struct {
	stored, admin, rates      [2]uint256.Int
	initialA, futureA         uint256.Int
	initialATime, futureATime int64
	now                       int64 // 0 once the ramp has ended
}

// poolPrice is the peg pool's spot price of rwaUSD in the reference coin
// (1 if the pool has none). It is the pool's get_p, recomputed only when
// an input changed since the last block: a pool no one trades in keeps its
// price, and its invariant is a Newton iteration in 256-bit arithmetic.
func (r *Run) poolPrice() float64 {
	p := r.Pool
	k := poolKey{stored: p.StoredBalances, admin: p.AdminBalances, rates: p.Rates, initialA: p.InitialA, futureA: p.FutureA,
		initialATime: p.InitialATime, futureATime: p.FutureATime}
	if r.Sys.Now < p.FutureATime {
		k.now = r.Sys.Now
	}
	if r.pegOK && k == r.pegKey {
		return r.pegPrice
	}
	price := 1.0
	if x, err := p.GetP(r.Sys.Now); err == nil && !x.IsZero() {
		price = 1 / fixed.ToFloat(&x, 18)
	}
	r.pegKey, r.pegPrice, r.pegOK = k, price, true
	return price
}

// updateView refreshes the market side of the view for step.
func (r *Run) updateView(step int) {
	v := &r.View
	v.Step, v.Now = step, r.Sys.Now
	for a := range v.Prices {
		v.Prices[a] = r.price(a, step)
		v.Impact[a] = r.mw.ImpactMultiplier(r.feeds[a], step)
	}
	v.RefPrice = 1
	if r.C.refAsset >= 0 {
		v.RefPrice = v.Prices[r.C.refAsset]
	}
	v.GasPrice = r.mw.GasPrice(step)
	v.Availability = r.mw.KeeperAvailability(step)
	v.PoolPrice, v.Peg = 1, 1
	if r.Pool != nil {
		v.PoolPrice = r.poolPrice()
		v.Peg = v.PoolPrice * v.RefPrice
	}
	var x uint256.Int
	v.Deficit = rad(r.Sys.Deficit(&x))
	if v.Deficit > 0 {
		if v.DeficitSince == 0 {
			v.DeficitSince = step
		}
	} else {
		v.DeficitSince = 0
	}
}

// Execute runs every block of the run. It returns an error wrapping
// ErrInvariant when an invariant breaks; the step is in Stats.FailStep.
func (r *Run) Execute() error {
	for step := 1; step <= r.C.Steps; step++ {
		if err := r.block(step); err != nil {
			r.Stats.FailStep = step
			return err
		}
	}
	if err := r.Sys.CheckInvariants(true); err != nil {
		r.Stats.Violations++
		r.Stats.FailStep = r.C.Steps
		return fmt.Errorf("%w: at the end: %v", ErrInvariant, err)
	}
	return nil
}

func (r *Run) block(step int) error {
	c := r.C
	s := r.Sys
	r.Step = step
	now := int64(step) * c.Dt
	s.SetTime(now)

	// 1. Market.
	r.updateView(step)
	// 2. Oracles, and the permissionless pokes that carry them to the
	// protocol.
	for k := range c.profiles {
		a := c.profiles[k].asset
		if !r.mw.OracleFrozen(r.feeds[a], step) {
			r.oracles[k].Update(now, r.View.Prices[a])
		}
		r.poke(k, now)
	}
	// 3. Protocol tick: fee indices drip hourly (keepers call drip).
	if step%c.dripEvery == 0 {
		for k := range s.Vat.Profiles {
			if err := s.Drip(vault.ProfileID(k)); err != nil {
				return fmt.Errorf("%w: drip: %v", ErrInvariant, err)
			}
		}
	}
	if r.trace != nil {
		r.trace.Block(r)
	}
	// 4. Decide: every agent due this block sees the same start-of-block
	// view, in agent order; each then says when it next wants to look.
	r.txs = r.txs[:0]
	for k := r.wake.popDue(int32(step)); k >= 0; k = r.wake.popDue(int32(step)) {
		a := r.Agents[k]
		r.txs = a.Decide(&r.View, r.rngs[k], r.txs)
		r.enqueue(k, max(a.Wake(), step+1))
	}
	// 5. Order: priority fee first, then a seeded shuffle; the block gas
	// limit drops what does not fit.
	r.order1()
	for _, k := range r.touched {
		r.receipts[k] = r.receipts[k][:0]
	}
	r.touched = r.touched[:0]
	limit := r.mw.GasLimit(step)
	var used uint64
	for i := range r.txs {
		t := &r.txs[i]
		rc := &r.rc // reused: a local would escape through the tracer
		*rc = agents.Receipt{}
		g := uint64(agents.Gas[t.Kind])
		if limit > 0 && used+g > limit {
			rc.Tx, rc.Block, rc.Err = *t, step, ErrGasLimit
		} else {
			used += g
			// 6. Execute.
			r.exec(t, rc)
			r.Agents[t.Agent].Self().GasSpent += r.View.GasUSD(agents.Gas[t.Kind])
		}
		if len(r.receipts[t.Agent]) == 0 {
			r.touched = append(r.touched, t.Agent)
		}
		r.receipts[t.Agent] = append(r.receipts[t.Agent], *rc)
		if r.trace != nil {
			r.trace.Tx(r, rc)
		}
	}
	// 7. Check and record.
	if err := s.CheckCheap(); err != nil {
		r.Stats.Violations++
		return fmt.Errorf("%w: %v", ErrInvariant, err)
	}
	// The last block's periodic check would repeat the thorough one
	// Execute runs after it, on the same state.
	if c.checkEvery > 0 && step%c.checkEvery == 0 && step < c.Steps {
		if err := s.CheckInvariants(false); err != nil {
			r.Stats.Violations++
			return fmt.Errorf("%w: %v", ErrInvariant, err)
		}
	}
	if err := r.checkPool(); err != nil {
		r.Stats.Violations++
		return err
	}
	r.updateView(step) // post-block prices and peg for the metrics
	r.Stats.block(r)
	if step%c.bucket == 0 || step == c.Steps {
		r.Stats.record(r, (step-1)/c.bucket)
	}
	return nil
}

// order1 sorts the block's transactions by priority fee, highest first,
// breaking ties by a key from the run's ordering stream.
func (r *Run) order1() {
	n := len(r.txs)
	if cap(r.keys) < n {
		r.keys = make([]uint64, n, 2*n)
	}
	r.keys = r.keys[:n]
	for i := range r.keys {
		r.keys[i] = r.order.Uint64()
	}
	idx := r.orderIdx(n)
	slices.SortFunc(idx, func(a, b int32) int {
		ta, tb := &r.txs[a], &r.txs[b]
		if ta.Priority != tb.Priority {
			if ta.Priority > tb.Priority {
				return -1
			}
			return 1
		}
		switch ka, kb := r.keys[a], r.keys[b]; {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return int(a - b)
	})
	r.senderOrder(idx)
	r.sorted = r.sorted[:0]
	for _, i := range idx {
		r.sorted = append(r.sorted, r.txs[i])
	}
	r.txs, r.sorted = r.sorted, r.txs
}

// senderOrder keeps each sender's transactions in the order it sent them,
// as nonces do on chain: the places the sort gave an agent's transactions
// (a permutation idx of r.txs) take them in their submission order, while
// the interleaving of senders stays the sort's.
func (r *Run) senderOrder(idx []int32) {
	n := len(r.txs)
	if cap(r.next) < n {
		r.next = make([]int32, n, 2*n)
	}
	next := r.next[:n]
	if len(r.first) < len(r.Agents) {
		r.resetSenders()
	}
	// Link each agent's transactions in submission order, from the last.
	for i := n - 1; i >= 0; i-- {
		a := r.txs[i].Agent
		next[i] = r.first[a]
		r.first[a] = int32(i)
	}
	for p, i := range idx {
		a := r.txs[i].Agent
		idx[p] = r.first[a]
		r.first[a] = next[r.first[a]]
	}
	// Every list is used up: first is back to -1 for every agent.
}

// resetSenders sets senderOrder's per-agent list heads to empty (-1), in
// storage for every agent: at the start of a run (schedule), whatever
// ended the run whose storage it reuses, so that no block allocates it.
func (r *Run) resetSenders() {
	if len(r.first) < len(r.Agents) {
		r.first = make([]int32, len(r.Agents))
	}
	for a := range r.first {
		r.first[a] = -1
	}
}

func (r *Run) orderIdx(n int) []int32 {
	if cap(r.idx) < n {
		// One allocation for the permutation and senderOrder's links.
		buf := make([]int32, 4*n)
		r.idx, r.next = buf[:n:2*n], buf[2*n:3*n:4*n]
	}
	r.idx = r.idx[:n]
	for i := range r.idx {
		r.idx[i] = int32(i)
	}
	return r.idx
}

// checkPool verifies the pools hold on the ledger exactly what they record.
func (r *Run) checkPool() error {
	for i := range r.CPools {
		cp := &r.CPools[i]
		if b := r.Sys.L.Balance(cp.token, cp.acct); !b.Eq(&cp.pool.Reserve0) {
			return fmt.Errorf("%w: conservation: pool %d collateral: ledger %s != reserve %s", ErrInvariant, i, b.Dec(), cp.pool.Reserve0.Dec())
		}
		if b := r.Sys.L.Balance(r.Sys.Stable, cp.acct); !b.Eq(&cp.pool.Reserve1) {
			return fmt.Errorf("%w: conservation: pool %d rwaUSD: ledger %s != reserve %s", ErrInvariant, i, b.Dec(), cp.pool.Reserve1.Dec())
		}
	}
	if r.Pool == nil {
		return nil
	}
	for i := 0; i < 2; i++ {
		if b := r.Sys.L.Balance(r.coinToken(i), r.PoolAcct); !b.Eq(&r.Pool.StoredBalances[i]) {
			return fmt.Errorf("%w: conservation: peg pool coin %d: ledger %s != pool %s", ErrInvariant, i, b.Dec(), r.Pool.StoredBalances[i].Dec())
		}
	}
	return nil
}
