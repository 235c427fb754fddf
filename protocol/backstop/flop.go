package backstop

// Flopper (makerdao/dss @fa4f663 src/flop.sol). Deviations: kick takes the
// caller (gal) as an account id; dent returns the moves for the System
// (payment to the previous bidder and the first-dent kiss); deal returns the
// lot for the System to mint; bids live in a slice with the live ones first.

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// Reverts of the Flopper, with dss's reason strings.
var (
	ErrGuyNotSet            = errors.New("Flopper/guy-not-set")
	ErrAlreadyFinishedTic   = errors.New("Flopper/already-finished-tic")
	ErrAlreadyFinishedEnd   = errors.New("Flopper/already-finished-end")
	ErrNotMatchingBid       = errors.New("Flopper/not-matching-bid")
	ErrLotNotLower          = errors.New("Flopper/lot-not-lower")
	ErrInsufficientDecrease = errors.New("Flopper/insufficient-decrease")
	ErrNotFinished          = errors.New("Flopper/not-finished")
	ErrBidAlreadyPlaced     = errors.New("Flopper/bid-already-placed")
)

// Bid is one debt auction.
type Bid struct {
	ID  int64
	Bid uint256.Int   // stablecoin paid [rad]
	Lot uint256.Int   // governance token offered [wad]
	Guy token.Account // high bidder (the Vow until the first dent)
	Tic int64         // bid expiry, 0 before the first bid [s]
	End int64         // auction end [s]
}

// Flopper runs debt auctions.
type Flopper struct {
	J   *token.Journal
	Beg uint256.Int // minimum lot decrease factor [wad], default 1.05
	Pad uint256.Int // lot increase on tick [wad], default 1.50
	TTL int64       // bid lifetime [s], default 3 h
	Tau int64       // auction length [s], default 2 days

	Kicks int64
	N     int64
	Bids  []Bid
}

// NewFlopper returns a Flopper with flop.sol's defaults.
func NewFlopper(j *token.Journal) *Flopper {
	f := &Flopper{J: j, TTL: 3 * 3600, Tau: 2 * 86400}
	f.Beg = *uint256.NewInt(1_050_000_000_000_000_000)
	f.Pad = *uint256.NewInt(1_500_000_000_000_000_000)
	return f
}

// Reserve makes room for one more auction. Call it before the journal opens.
func (f *Flopper) Reserve() {
	if int(f.N) < len(f.Bids) {
		return
	}
	f.Bids = append(f.Bids, Bid{})
	f.Bids = f.Bids[:cap(f.Bids)]
}

// Find returns the index of live auction id, or -1.
func (f *Flopper) Find(id int64) int {
	for k := int64(0); k < f.N; k++ {
		if f.Bids[k].ID == id {
			return int(k)
		}
	}
	return -1
}

// Active returns the live auctions; the slice must not be modified.
func (f *Flopper) Active() []Bid { return f.Bids[:f.N] }

// Kick starts a debt auction of lot [wad] for bid [rad] on behalf of gal
// (flop.kick).
func (f *Flopper) Kick(gal token.Account, lot, bid *uint256.Int, now int64) int64 {
	if int(f.N) >= len(f.Bids) {
		panic("backstop: Flopper.Kick without Reserve")
	}
	id := f.Kicks + 1
	b := &f.Bids[f.N]
	f.J.SetInt(&f.Kicks, id)
	f.J.SetInt(&b.ID, id)
	f.J.Set(&b.Bid, bid)
	f.J.Set(&b.Lot, lot)
	f.J.SetInt32((*int32)(&b.Guy), int32(gal))
	f.J.SetInt(&b.Tic, 0)
	f.J.SetInt(&b.End, now+f.Tau)
	f.J.SetInt(&f.N, f.N+1)
	return id
}

// Tick restarts an auction that ended without bids with pad times the lot
// (flop.tick).
func (f *Flopper) Tick(id, now int64) error {
	k := f.Find(id)
	if k < 0 || f.Bids[k].End >= now {
		return ErrNotFinished
	}
	b := &f.Bids[k]
	if b.Tic != 0 {
		return ErrBidAlreadyPlaced
	}
	var lot uint256.Int
	if err := fixed.MulDiv(&lot, &f.Pad, &b.Lot, &fixed.WAD); err != nil {
		return err
	}
	f.J.Set(&b.Lot, &lot)
	f.J.SetInt(&b.End, now+f.Tau)
	return nil
}

// DentResult is what a dent moves.
type DentResult struct {
	Pay      bool          // the bidder pays Bid to Prev
	Prev     token.Account // previous high bidder (the Vow on the first dent)
	FirstBid bool          // the first dent: the Vow kisses min(bid, Ash)
}

// Dent bids to accept lot [wad] for the auction's fixed bid [rad]
// (flop.dent). The System moves the payment and, on the first dent, kisses
// the Vow's Ash.
func (f *Flopper) Dent(id int64, who token.Account, lot, bid *uint256.Int, now int64, r *DentResult) error {
	k := f.Find(id)
	if k < 0 {
		return ErrGuyNotSet
	}
	b := &f.Bids[k]
	if !(b.Tic > now || b.Tic == 0) {
		return ErrAlreadyFinishedTic
	}
	if b.End <= now {
		return ErrAlreadyFinishedEnd
	}
	if !bid.Eq(&b.Bid) {
		return ErrNotMatchingBid
	}
	if !lot.Lt(&b.Lot) {
		return ErrLotNotLower
	}
	var x, y uint256.Int
	if err := fixed.Mul(&x, &f.Beg, lot); err != nil {
		return err
	}
	if err := fixed.Mul(&y, &b.Lot, &fixed.WAD); err != nil {
		return err
	}
	if x.Gt(&y) {
		return ErrInsufficientDecrease
	}
	*r = DentResult{}
	if who != b.Guy {
		r.Pay, r.Prev, r.FirstBid = true, b.Guy, b.Tic == 0
		f.J.SetInt32((*int32)(&b.Guy), int32(who))
	}
	f.J.Set(&b.Lot, lot)
	f.J.SetInt(&b.Tic, now+f.TTL)
	return nil
}

// Deal settles a finished auction (flop.deal) and returns the winner and the
// lot [wad] of governance token the System mints to them.
func (f *Flopper) Deal(id, now int64) (token.Account, uint256.Int, error) {
	k := f.Find(id)
	if k < 0 {
		return 0, uint256.Int{}, ErrNotFinished
	}
	b := f.Bids[k]
	if b.Tic == 0 || !(b.Tic < now || b.End < now) {
		return 0, uint256.Int{}, ErrNotFinished
	}
	f.remove(k)
	return b.Guy, b.Lot, nil
}

func (f *Flopper) remove(k int) {
	last := int(f.N) - 1
	if k != last {
		src, dst := &f.Bids[last], &f.Bids[k]
		f.J.SetInt(&dst.ID, src.ID)
		f.J.Set(&dst.Bid, &src.Bid)
		f.J.Set(&dst.Lot, &src.Lot)
		f.J.SetInt32((*int32)(&dst.Guy), int32(src.Guy))
		f.J.SetInt(&dst.Tic, src.Tic)
		f.J.SetInt(&dst.End, src.End)
	}
	var zero uint256.Int
	b := &f.Bids[last]
	f.J.SetInt(&b.ID, 0)
	f.J.Set(&b.Bid, &zero)
	f.J.Set(&b.Lot, &zero)
	f.J.SetInt32((*int32)(&b.Guy), 0)
	f.J.SetInt(&b.Tic, 0)
	f.J.SetInt(&b.End, 0)
	f.J.SetInt(&f.N, f.N-1)
}

// Clone returns a deep copy bound to journal j, holding only live auctions.
func (f *Flopper) Clone(j *token.Journal) *Flopper {
	c := *f
	c.J = j
	c.Bids = append([]Bid(nil), f.Bids[:f.N]...)
	return &c
}
