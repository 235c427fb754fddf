package auction

// Clipper (makerdao/dss @fa4f663 src/clip.sol). Deviations: kick, redo and
// take return the amounts the Vat moves (keeper reward, collateral, payment,
// digs) for the System to apply in the same transaction; the feed price is
// passed in (the System reads the oracle as getFeedPrice does); sales live
// in a slice with the active set in its first N entries, removed by swapping
// the last in, as dss's _remove does for its active array.

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// Reverts of Clipper, with dss's reason strings.
var (
	ErrStopped         = errors.New("Clipper/stopped-incorrect")
	ErrZeroTab         = errors.New("Clipper/zero-tab")
	ErrZeroLot         = errors.New("Clipper/zero-lot")
	ErrZeroUsr         = errors.New("Clipper/zero-usr")
	ErrZeroTop         = errors.New("Clipper/zero-top-price")
	ErrInvalidPrice    = errors.New("Clipper/invalid-price")
	ErrNotRunning      = errors.New("Clipper/not-running-auction")
	ErrCannotReset     = errors.New("Clipper/cannot-reset")
	ErrNeedsReset      = errors.New("Clipper/needs-reset")
	ErrTooExpensive    = errors.New("Clipper/too-expensive")
	ErrNoPartial       = errors.New("Clipper/no-partial-purchase")
	ErrClipperBadParam = errors.New("Clipper/file-unrecognized-param")
)

// Sale is one running auction.
type Sale struct {
	ID  int64
	Tab uint256.Int   // stablecoin still to raise [rad]
	Lot uint256.Int   // collateral left to sell [wad]
	Usr token.Account // owner of the liquidated account; leftover collateral goes here
	Urn int32         // the liquidated Collateral Account (vault.AccountID)
	Tic int64         // start (or last reset) time [s]
	Top uint256.Int   // starting price [ray]
}

// Clipper runs the Dutch auctions of one Collateral Profile.
type Clipper struct {
	J       *token.Journal
	Profile int32 // the profile whose collateral is sold

	Buf     uint256.Int // starting price multiplier [ray]
	Tail    int64       // max age before reset [s]
	Cusp    uint256.Int // max drop (price/top) before reset [ray]
	Chip    uint256.Int // keeper reward, share of tab [wad]
	Tip     uint256.Int // keeper reward, flat [rad]
	Chost   uint256.Int // dust·chop cache: min tab left by a partial take [rad]
	Stopped int64       // breaker: 0 none; 1 no kick; 2 no kick/redo; 3 no kick/redo/take
	Calc    Curve

	Kicks int64 // total auctions started
	N     int64 // number of running auctions: Sales[:N]
	Sales []Sale

	memo [4]priceMemo // recent curve prices (not state)
	next int
}

// priceMemo remembers one curve price: Status is called by keepers deciding
// and again by take in the same block, and auctions kicked together share
// their age. Same curve and inputs, same price: the curve is part of the
// key, so a change to Calc prices running auctions on the new curve at
// once, as dss's Clipper calling its Abacus live does.
type priceMemo struct {
	calc       Curve
	top, price uint256.Int
	dur        int64
	ok         bool
}

// price sets z to the curve price of an auction started at top dur seconds
// ago.
func (c *Clipper) price(z, top *uint256.Int, dur int64) error {
	for k := range c.memo {
		m := &c.memo[k]
		if m.ok && m.dur == dur && m.top.Eq(top) && m.calc == c.Calc {
			z.Set(&m.price)
			return nil
		}
	}
	if err := c.Calc.Price(z, top, dur); err != nil {
		return err
	}
	m := &c.memo[c.next]
	c.next = (c.next + 1) % len(c.memo)
	m.calc, m.top, m.price, m.dur, m.ok = c.Calc, *top, *z, dur, true
	return nil
}

// TakeResult is what a take moves.
type TakeResult struct {
	Price     uint256.Int // price paid [ray]
	Owe       uint256.Int // stablecoin paid by the taker to the backstop [rad]
	Slice     uint256.Int // collateral bought [wad]
	Digs      uint256.Int // released from the Dog's limits [rad]
	Leftover  uint256.Int // collateral returned to Usr when the tab is covered [wad]
	Usr       token.Account
	Urn       int32
	Done      bool // the sale ended
	Shortfall bool // the lot sold out with tab left unraised (the backstop still carries the confiscated debt, without the penalty, that payments did not cover)
}

// Active returns the running sales. The slice must not be modified.
func (c *Clipper) Active() []Sale { return c.Sales[:c.N] }

// Reserve makes room for one more sale without reallocating inside a
// transaction. Call it before the journal opens.
func (c *Clipper) Reserve() {
	if int(c.N) < len(c.Sales) {
		return
	}
	c.Sales = append(c.Sales, Sale{})
	c.Sales = c.Sales[:cap(c.Sales)]
}

// Find returns the index of sale id among the running sales, or -1.
func (c *Clipper) Find(id int64) int {
	for k := int64(0); k < c.N; k++ {
		if c.Sales[k].ID == id {
			return int(k)
		}
	}
	return -1
}

// FeedPrice sets z to the feed price used for top and redo rewards,
// rdiv(val·1e9, par) (clip.getFeedPrice), and fails with
// Clipper/invalid-price if the oracle has no valid value.
func FeedPrice(z, val *uint256.Int, has bool, par *uint256.Int) error {
	if !has {
		return ErrInvalidPrice
	}
	if err := fixed.Mul(z, val, &fixed.BLN); err != nil {
		return err
	}
	return fixed.RDiv(z, z, par)
}

// Status reports whether a sale needs a reset and its current price
// (clip.status): done = now − tic > tail or price/top < cusp.
func (c *Clipper) Status(s *Sale, now int64, price *uint256.Int) (done bool, err error) {
	if err := c.price(price, &s.Top, now-s.Tic); err != nil {
		return false, err
	}
	var ratio uint256.Int
	if err := fixed.RDiv(&ratio, price, &s.Top); err != nil {
		return false, err
	}
	return now-s.Tic > c.Tail || ratio.Lt(&c.Cusp), nil
}

// Reward sets coin = tip + chip·tab [rad], the keeper incentive for
// unwinding a tab [rad] (paid at kick and redo, and by a bark that sells at
// once).
func (c *Clipper) Reward(coin, tab *uint256.Int) error {
	if c.Tip.IsZero() && c.Chip.IsZero() {
		coin.Clear()
		return nil
	}
	if err := fixed.WMul(coin, tab, &c.Chip); err != nil {
		return err
	}
	return fixed.Add(coin, coin, &c.Tip)
}

// Kick starts an auction of lot [wad] to raise tab [rad] for the owner usr
// of account urn, with top = feed·buf. It returns the sale id and the keeper
// reward coin [rad] that the System sucks from the backstop to the keeper.
// Reserve must have been called.
func (c *Clipper) Kick(tab, lot *uint256.Int, usr token.Account, urn int32, now int64, feed *uint256.Int, coin *uint256.Int) (int64, error) {
	if c.Stopped >= 1 {
		return 0, ErrStopped
	}
	if tab.IsZero() {
		return 0, ErrZeroTab
	}
	if lot.IsZero() {
		return 0, ErrZeroLot
	}
	if usr == token.Zero {
		return 0, ErrZeroUsr
	}
	var top uint256.Int
	if err := fixed.RMul(&top, feed, &c.Buf); err != nil {
		return 0, err
	}
	if top.IsZero() {
		return 0, ErrZeroTop
	}
	if err := c.Reward(coin, tab); err != nil {
		return 0, err
	}
	if int(c.N) >= len(c.Sales) {
		panic("auction: Kick without Reserve")
	}
	id := c.Kicks + 1
	s := &c.Sales[c.N]
	c.J.SetInt(&c.Kicks, id)
	c.J.SetInt(&s.ID, id)
	c.J.Set(&s.Tab, tab)
	c.J.Set(&s.Lot, lot)
	c.J.SetInt32((*int32)(&s.Usr), int32(usr))
	c.J.SetInt32(&s.Urn, urn)
	c.J.SetInt(&s.Tic, now)
	c.J.Set(&s.Top, &top)
	c.J.SetInt(&c.N, c.N+1)
	return id, nil
}

// Redo restarts a sale that needs a reset at top = feed·buf. It returns the
// keeper reward coin [rad], which is zero when the sale is too small to pay
// (tab or lot·feed below chost), as in clip.redo.
func (c *Clipper) Redo(id int64, now int64, feed *uint256.Int, coin *uint256.Int) error {
	if c.Stopped >= 2 {
		return ErrStopped
	}
	k := c.Find(id)
	if k < 0 {
		return ErrNotRunning
	}
	s := &c.Sales[k]
	var price uint256.Int
	done, err := c.Status(s, now, &price)
	if err != nil {
		return err
	}
	if !done {
		return ErrCannotReset
	}
	var top uint256.Int
	if err := fixed.RMul(&top, feed, &c.Buf); err != nil {
		return err
	}
	if top.IsZero() {
		return ErrZeroTop
	}
	coin.Clear()
	if !c.Tip.IsZero() || !c.Chip.IsZero() {
		var v uint256.Int
		if err := fixed.Mul(&v, &s.Lot, feed); err != nil {
			return err
		}
		if !s.Tab.Lt(&c.Chost) && !v.Lt(&c.Chost) {
			if err := c.Reward(coin, &s.Tab); err != nil {
				return err
			}
		}
	}
	c.J.SetInt(&s.Tic, now)
	c.J.Set(&s.Top, &top)
	return nil
}

// Take buys up to amt [wad] of sale id's collateral at the current price if
// it is at most max [ray], following clip.take: never more than the tab, and
// a partial purchase must leave at least chost of tab. It updates or removes
// the sale and returns the moves for the System: Slice to the buyer, Owe
// from the buyer to the backstop, Digs released from the Dog, and Leftover
// collateral back to Usr if the tab was covered.
func (c *Clipper) Take(id int64, amt, max *uint256.Int, now int64, r *TakeResult) error {
	if c.Stopped >= 3 {
		return ErrStopped
	}
	k := c.Find(id)
	if k < 0 {
		return ErrNotRunning
	}
	s := &c.Sales[k]
	price := &r.Price
	done, err := c.Status(s, now, price)
	if err != nil {
		return err
	}
	if done {
		return ErrNeedsReset
	}
	if max.Lt(price) {
		return ErrTooExpensive
	}
	lot, tab := s.Lot, s.Tab
	var slice, owe uint256.Int
	fixed.Min(&slice, &lot, amt)
	if err := fixed.Mul(&owe, &slice, price); err != nil {
		return err
	}
	if owe.Gt(&tab) {
		// The whole tab will be paid.
		owe.Set(&tab)
		if err := fixed.Div(&slice, &owe, price); err != nil {
			return err
		}
	} else if owe.Lt(&tab) && slice.Lt(&lot) {
		// A partial purchase must leave a tab of at least chost.
		var rest uint256.Int
		rest.Sub(&tab, &owe)
		if rest.Lt(&c.Chost) {
			if !tab.Gt(&c.Chost) {
				return ErrNoPartial
			}
			owe.Sub(&tab, &c.Chost)
			if err := fixed.Div(&slice, &owe, price); err != nil {
				return err
			}
		}
	}
	tab.Sub(&tab, &owe)
	lot.Sub(&lot, &slice)
	r.Owe, r.Slice = owe, slice
	r.Usr, r.Urn = s.Usr, s.Urn
	r.Leftover.Clear()
	r.Shortfall = false
	if lot.IsZero() {
		// Sold out: release the whole remaining target, paid or not.
		r.Digs.Add(&tab, &owe)
		r.Shortfall = !tab.IsZero()
		r.Done = true
		c.remove(k)
	} else if tab.IsZero() {
		r.Digs = owe
		r.Leftover = lot
		r.Done = true
		c.remove(k)
	} else {
		r.Digs = owe
		r.Done = false
		c.J.Set(&s.Tab, &tab)
		c.J.Set(&s.Lot, &lot)
	}
	return nil
}

// Yank ends sale id without selling (clip.yank, governance). It returns the
// sale so the System can release its tab from the Dog and its lot to the
// caller.
func (c *Clipper) Yank(id int64) (Sale, error) {
	k := c.Find(id)
	if k < 0 {
		return Sale{}, ErrNotRunning
	}
	s := c.Sales[k]
	c.remove(k)
	return s, nil
}

// Upchost refreshes chost = wmul(dust, chop) (clip.upchost).
func (c *Clipper) Upchost(dust, chop *uint256.Int) error {
	var v uint256.Int
	if err := fixed.WMul(&v, dust, chop); err != nil {
		return err
	}
	c.J.Set(&c.Chost, &v)
	return nil
}

// remove deletes running sale k by moving the last running sale into its
// slot.
func (c *Clipper) remove(k int) {
	last := int(c.N) - 1
	if k != last {
		src, dst := &c.Sales[last], &c.Sales[k]
		c.J.SetInt(&dst.ID, src.ID)
		c.J.Set(&dst.Tab, &src.Tab)
		c.J.Set(&dst.Lot, &src.Lot)
		c.J.SetInt32((*int32)(&dst.Usr), int32(src.Usr))
		c.J.SetInt32(&dst.Urn, src.Urn)
		c.J.SetInt(&dst.Tic, src.Tic)
		c.J.Set(&dst.Top, &src.Top)
	}
	var zero uint256.Int
	s := &c.Sales[last]
	c.J.SetInt(&s.ID, 0)
	c.J.Set(&s.Tab, &zero)
	c.J.Set(&s.Lot, &zero)
	c.J.SetInt32((*int32)(&s.Usr), 0)
	c.J.SetInt32(&s.Urn, 0)
	c.J.SetInt(&s.Tic, 0)
	c.J.Set(&s.Top, &zero)
	c.J.SetInt(&c.N, c.N-1)
}

// CloneInto makes dst a copy of c over journal j, as Clone does, reusing
// dst's sale storage (cleared, so that Reserve exposes only zero sales),
// and returns it; a nil dst gives Clone's result. dst must not be c.
func (c *Clipper) CloneInto(dst *Clipper, j *token.Journal) *Clipper {
	if dst == nil {
		return c.Clone(j)
	}
	if dst == c {
		panic("auction: Clipper.CloneInto onto itself")
	}
	sales := dst.Sales[:cap(dst.Sales)]
	clear(sales)
	*dst = *c
	dst.J = j
	dst.Sales = append(sales[:0], c.Sales[:c.N]...)
	dst.memo, dst.next = [4]priceMemo{}, 0
	return dst
}

// Clone returns a deep copy bound to journal j, holding only the running
// sales (capacity is not state).
func (c *Clipper) Clone(j *token.Journal) *Clipper {
	d := *c
	d.J = j
	d.Sales = append([]Sale(nil), c.Sales[:c.N]...)
	d.memo, d.next = [4]priceMemo{}, 0
	return &d
}
