package backstop

// Vow (makerdao/dss @fa4f663 src/vow.sol). Deviations: the System reads and
// writes the Vow's Vat balances (dai, sin) and passes them in; the debt queue
// sin[era] is a slice of (era, amount) with released entries dropped when
// capacity is reserved; flap sends bump to a sink account (no surplus
// auction); no cage; FlogAll is a keeper's sequence of flog calls.

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// Reverts of the Vow, with dss's reason strings.
var (
	ErrWaitNotFinished     = errors.New("Vow/wait-not-finished")
	ErrInsufficientSurplus = errors.New("Vow/insufficient-surplus")
	ErrInsufficientDebt    = errors.New("Vow/insufficient-debt")
	ErrNotEnoughAsh        = errors.New("Vow/not-enough-ash")
	ErrSurplusNotZero      = errors.New("Vow/surplus-not-zero")
	ErrDebtNotZero         = errors.New("Vow/debt-not-zero")
)

// Era is one entry of the bad-debt queue.
type Era struct {
	At  int64       // time the debt was queued [s]
	Amt uint256.Int // debt queued at that time and not yet released [rad]
}

// Vow is the backstop's accounting: which part of its unbacked debt (Vat
// sin) is still queued, which is on debt auction, and the auction sizes.
type Vow struct {
	J *token.Journal

	Sin  uint256.Int // queued debt [rad]
	Ash  uint256.Int // debt on auction [rad]
	Wait int64       // queue delay before debt can be healed or auctioned [s]
	Dump uint256.Int // initial debt-auction lot of governance token [wad]
	Sump uint256.Int // debt-auction bid size [rad]
	Bump uint256.Int // surplus-auction lot size [rad]
	Hump uint256.Int // surplus buffer: surplus kept against future deficits [rad]

	N     int64 // live queue entries: Queue[:N]
	Queue []Era
}

// Reserve makes room for one more queue entry without reallocating inside a
// transaction. Call it before the journal opens; it also drops released
// entries.
func (v *Vow) Reserve() {
	if v.J.Open() {
		panic("backstop: Reserve inside a transaction")
	}
	k := 0
	for _, e := range v.Queue[:v.N] {
		if !e.Amt.IsZero() {
			v.Queue[k] = e
			k++
		}
	}
	clear(v.Queue[k:v.N])
	v.N = int64(k)
	if int(v.N) < len(v.Queue) {
		return
	}
	v.Queue = append(v.Queue, Era{})
	v.Queue = v.Queue[:cap(v.Queue)]
}

// Fess queues tab [rad] of bad debt at time now (vow.fess, called by bark).
func (v *Vow) Fess(tab *uint256.Int, now int64) error {
	var s uint256.Int
	if err := fixed.Add(&s, &v.Sin, tab); err != nil {
		return err
	}
	if v.N > 0 && v.Queue[v.N-1].At == now {
		e := &v.Queue[v.N-1]
		var a uint256.Int
		if err := fixed.Add(&a, &e.Amt, tab); err != nil {
			return err
		}
		v.J.Set(&e.Amt, &a)
	} else {
		if int(v.N) >= len(v.Queue) {
			panic("backstop: Fess without Reserve")
		}
		e := &v.Queue[v.N]
		v.J.SetInt(&e.At, now)
		v.J.Set(&e.Amt, tab)
		v.J.SetInt(&v.N, v.N+1)
	}
	v.J.Set(&v.Sin, &s)
	return nil
}

// Flog releases the debt queued at era once wait has passed (vow.flog).
func (v *Vow) Flog(era, now int64) error {
	if era+v.Wait > now {
		return ErrWaitNotFinished
	}
	for k := int64(0); k < v.N; k++ {
		e := &v.Queue[k]
		if e.At != era {
			continue
		}
		var s, zero uint256.Int
		if err := fixed.Sub(&s, &v.Sin, &e.Amt); err != nil {
			return err
		}
		v.J.Set(&v.Sin, &s)
		v.J.Set(&e.Amt, &zero)
		return nil
	}
	return nil // sin[era] == 0: a no-op, as in dss
}

// FlogAll releases every queue entry whose wait has passed and returns the
// amount released [rad]. It is the permissionless sequence of flog calls a
// keeper makes.
func (v *Vow) FlogAll(now int64, released *uint256.Int) error {
	released.Clear()
	for k := int64(0); k < v.N; k++ {
		e := &v.Queue[k]
		if e.At+v.Wait > now || e.Amt.IsZero() {
			continue
		}
		released.Add(released, &e.Amt)
		if err := v.Flog(e.At, now); err != nil {
			return err
		}
	}
	return nil
}

// Unqueued sets z to the bad debt free to heal or auction, sin − Sin − Ash,
// given the Vow's Vat sin [rad].
func (v *Vow) Unqueued(z, sin *uint256.Int) error {
	if err := fixed.Sub(z, sin, &v.Sin); err != nil {
		return err
	}
	return fixed.Sub(z, z, &v.Ash)
}

// CheckHeal runs vow.heal's checks for healing rad [rad] given the Vow's Vat
// dai and sin; the System then calls the Vat's Heal.
func (v *Vow) CheckHeal(rad, dai, sin *uint256.Int) error {
	if rad.Gt(dai) {
		return ErrInsufficientSurplus
	}
	var free uint256.Int
	if err := v.Unqueued(&free, sin); err != nil {
		return err
	}
	if rad.Gt(&free) {
		return ErrInsufficientDebt
	}
	return nil
}

// Kiss runs vow.kiss's checks and bookkeeping for healing rad [rad] of debt
// on auction; the System then calls the Vat's Heal.
func (v *Vow) Kiss(rad, dai *uint256.Int) error {
	if rad.Gt(&v.Ash) {
		return ErrNotEnoughAsh
	}
	if rad.Gt(dai) {
		return ErrInsufficientSurplus
	}
	var a uint256.Int
	a.Sub(&v.Ash, rad)
	v.J.Set(&v.Ash, &a)
	return nil
}

// Flop runs vow.flop's checks and moves sump of unqueued debt onto auction;
// the System then kicks the Flopper with (dump, sump).
func (v *Vow) Flop(dai, sin *uint256.Int) error {
	var free uint256.Int
	if err := v.Unqueued(&free, sin); err != nil {
		return err
	}
	if v.Sump.Gt(&free) {
		return ErrInsufficientDebt
	}
	if !dai.IsZero() {
		return ErrSurplusNotZero
	}
	var a uint256.Int
	if err := fixed.Add(&a, &v.Ash, &v.Sump); err != nil {
		return err
	}
	v.J.Set(&v.Ash, &a)
	return nil
}

// CheckFlap runs vow.flap's checks: surplus must exceed sin + bump + hump and
// no unqueued debt may remain. The System then moves bump out.
func (v *Vow) CheckFlap(dai, sin *uint256.Int) error {
	var need uint256.Int
	if err := fixed.Add(&need, sin, &v.Bump); err != nil {
		return err
	}
	if err := fixed.Add(&need, &need, &v.Hump); err != nil {
		return err
	}
	if dai.Lt(&need) {
		return ErrInsufficientSurplus
	}
	var free uint256.Int
	if err := v.Unqueued(&free, sin); err != nil {
		return err
	}
	if !free.IsZero() {
		return ErrDebtNotZero
	}
	return nil
}

// CloneInto makes dst a deep copy of v bound to journal j, holding only the
// live queue, in the queue storage dst holds (a Vow a run has finished
// with), and returns it; a nil dst gives Clone's result. The queue's spare
// capacity is cleared, so the entries Reserve exposes are empty as in a
// fresh allocation. dst must not be v.
func (v *Vow) CloneInto(dst *Vow, j *token.Journal) *Vow {
	if dst == nil {
		return v.Clone(j)
	}
	if dst == v {
		panic("backstop: Vow.CloneInto onto itself")
	}
	q := dst.Queue[:0]
	for _, e := range v.Queue[:v.N] {
		if !e.Amt.IsZero() {
			q = append(q, e)
		}
	}
	clear(q[len(q):cap(q)])
	*dst = *v
	dst.J, dst.Queue, dst.N = j, q, int64(len(q))
	return dst
}

// Clone returns a deep copy bound to journal j, holding only the live queue.
func (v *Vow) Clone(j *token.Journal) *Vow {
	c := *v
	c.J = j
	c.Queue = nil
	for _, e := range v.Queue[:v.N] {
		if !e.Amt.IsZero() {
			c.Queue = append(c.Queue, e)
		}
	}
	c.N = int64(len(c.Queue))
	return &c
}
