package auction

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// Differential tests: the Dog's and the Clipper's arithmetic against a
// plain big.Int transcription of dog.bark and clip.take (protocol-mechanics
// §1.4, §1.5), on random inputs of every magnitude. The transcription has no
// overflow checks, so inputs stay far below 2^256.

var (
	bigWAD = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	bigRAY = new(big.Int).Exp(big.NewInt(10), big.NewInt(27), nil)
	bigRAD = new(big.Int).Exp(big.NewInt(10), big.NewInt(45), nil)
)

// randAmount returns a value below units·unit, shifted right by up to 59
// bits so that small magnitudes (dust-sized, zero) come up too.
func randAmount(r *rand.Rand, unit *big.Int, units int64) *big.Int {
	lim := new(big.Int).Mul(big.NewInt(units), unit)
	x := new(big.Int).SetUint64(r.Uint64())
	x.Lsh(x, 64).Or(x, new(big.Int).SetUint64(r.Uint64()))
	x.Lsh(x, 64).Or(x, new(big.Int).SetUint64(r.Uint64()))
	x.Mod(x, lim)
	return x.Rsh(x, uint(r.IntN(60)))
}

func toU256(t *testing.T, b *big.Int) *uint256.Int {
	z, overflow := uint256.FromBig(b)
	if overflow {
		t.Fatalf("test input %s overflows 256 bits", b)
	}
	return z
}

// barkBig is dog.bark's checks and amounts: the revert, or dart, dink, due
// and tab.
func barkBig(ink, art, rate, spot, dust, Hole, Dirt, hole, dirt, chop *big.Int) ([4]*big.Int, error) {
	var none [4]*big.Int
	if spot.Sign() == 0 || new(big.Int).Mul(ink, spot).Cmp(new(big.Int).Mul(art, rate)) >= 0 {
		return none, ErrNotUnsafe
	}
	if Hole.Cmp(Dirt) <= 0 || hole.Cmp(dirt) <= 0 {
		return none, ErrLimitHit
	}
	room := new(big.Int).Sub(Hole, Dirt)
	if r := new(big.Int).Sub(hole, dirt); r.Cmp(room) < 0 {
		room = r
	}
	dart := new(big.Int).Mul(room, bigWAD)
	dart.Quo(dart, rate).Quo(dart, chop)
	if art.Cmp(dart) < 0 {
		dart.Set(art)
	}
	if art.Cmp(dart) > 0 {
		left := new(big.Int).Sub(art, dart)
		if left.Mul(left, rate).Cmp(dust) < 0 {
			dart.Set(art)
		} else if new(big.Int).Mul(dart, rate).Cmp(dust) < 0 {
			return none, ErrDustyPartial
		}
	}
	dink := new(big.Int).Mul(ink, dart)
	dink.Quo(dink, art)
	if dink.Sign() == 0 {
		return none, ErrNullAuction
	}
	due := new(big.Int).Mul(dart, rate)
	tab := new(big.Int).Mul(due, chop)
	tab.Quo(tab, bigWAD)
	return [4]*big.Int{dart, dink, due, tab}, nil
}

// TestBarkMatchesTranscription: seed 1, 20,000 random accounts and limits.
func TestBarkMatchesTranscription(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	var j token.Journal
	barks := 0
	for range 20_000 {
		ink, art := randAmount(r, bigWAD, 1e6), randAmount(r, bigWAD, 1e6)
		if art.Sign() == 0 {
			continue // an empty account is not unsafe: bark never divides by it
		}
		rate := new(big.Int).Add(bigRAY, randAmount(r, bigRAY, 2))
		spot, dust := randAmount(r, bigRAY, 5000), randAmount(r, bigRAD, 20_000)
		Hole, Dirt := randAmount(r, bigRAD, 1e7), randAmount(r, bigRAD, 1e6)
		hole, dirt := randAmount(r, bigRAD, 1e7), randAmount(r, bigRAD, 1e6)
		chop := new(big.Int).Add(bigWAD, randAmount(r, bigWAD, 1))
		d := &Dog{J: &j, Hole: *toU256(t, Hole), Dirt: *toU256(t, Dirt),
			Ilks: []DogIlk{{Chop: *toU256(t, chop), Hole: *toU256(t, hole), Dirt: *toU256(t, dirt), On: true}}}
		var p BarkPlan
		err := d.PlanBark(0, toU256(t, ink), toU256(t, art), toU256(t, rate), toU256(t, spot), toU256(t, dust), &p)
		want, wantErr := barkBig(ink, art, rate, spot, dust, Hole, Dirt, hole, dirt, chop)
		if !errors.Is(err, wantErr) {
			t.Fatalf("ink %s art %s rate %s spot %s dust %s: PlanBark %v, dog.bark %v", ink, art, rate, spot, dust, err, wantErr)
		}
		if err != nil {
			continue
		}
		barks++
		for k, got := range []*uint256.Int{&p.Dart, &p.Dink, &p.Due, &p.Tab} {
			if got.ToBig().Cmp(want[k]) != 0 {
				t.Fatalf("ink %s art %s rate %s: %s = %s, dog.bark gives %s",
					ink, art, rate, []string{"dart", "dink", "due", "tab"}[k], got.Dec(), want[k])
			}
		}
	}
	if barks < 2_000 {
		t.Fatalf("only %d of the random accounts were barked: the inputs no longer exercise the amounts", barks)
	}
}

// takeBig is clip.take's amounts at price (max ≥ price): the revert, or owe,
// slice, the tab and lot left, and the digs released from the Dog.
func takeBig(lot, tab, amt, price, chost *big.Int) ([5]*big.Int, error) {
	var none [5]*big.Int
	slice := new(big.Int).Set(lot)
	if amt.Cmp(lot) < 0 {
		slice.Set(amt)
	}
	owe := new(big.Int).Mul(slice, price)
	if owe.Cmp(tab) > 0 {
		owe.Set(tab)
		slice.Quo(owe, price)
	} else if owe.Cmp(tab) < 0 && slice.Cmp(lot) < 0 {
		if new(big.Int).Sub(tab, owe).Cmp(chost) < 0 {
			if tab.Cmp(chost) <= 0 {
				return none, ErrNoPartial
			}
			owe.Sub(tab, chost)
			slice.Quo(owe, price)
		}
	}
	tabLeft := new(big.Int).Sub(tab, owe)
	lotLeft := new(big.Int).Sub(lot, slice)
	digs := new(big.Int).Set(owe)
	if lotLeft.Sign() == 0 {
		digs.Add(tabLeft, owe)
	}
	return [5]*big.Int{owe, slice, tabLeft, lotLeft, digs}, nil
}

// TestTakeMatchesTranscription: seed 2, 20,000 random auctions, each taken
// once at a random age on a 1%-per-second stairstep curve.
func TestTakeMatchesTranscription(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 0))
	cut := *uint256.MustFromDecimal("990000000000000000000000000")
	takes := 0
	for range 20_000 {
		lot := new(big.Int).Add(randAmount(r, bigWAD, 1e5), big.NewInt(1))
		tab := new(big.Int).Add(randAmount(r, bigRAD, 1e7), big.NewInt(1))
		amt, chost := randAmount(r, bigWAD, 2e5), randAmount(r, bigRAD, 30_000)
		top := new(big.Int).Add(randAmount(r, bigRAY, 5000), big.NewInt(1))
		var j token.Journal
		c := &Clipper{J: &j, Tail: 1 << 40, Buf: fixed.RAY, Chost: *toU256(t, chost),
			Calc: Curve{Kind: Stairstep, Step: 1, Cut: cut}}
		c.Reserve()
		var coin uint256.Int
		id, err := c.Kick(toU256(t, tab), toU256(t, lot), 1, 0, 0, toU256(t, top), &coin)
		if err != nil {
			t.Fatal(err)
		}
		dur := int64(r.IntN(2000))
		var price uint256.Int
		if err := c.Calc.Price(&price, toU256(t, top), dur); err != nil {
			t.Fatal(err)
		}
		if price.IsZero() {
			continue // Take reverts on a zero price before any amount
		}
		var tr TakeResult
		err = c.Take(id, toU256(t, amt), &price, dur, &tr)
		want, wantErr := takeBig(lot, tab, amt, price.ToBig(), chost)
		if !errors.Is(err, wantErr) {
			t.Fatalf("lot %s tab %s amt %s price %s chost %s: Take %v, clip.take %v", lot, tab, amt, price.Dec(), chost, err, wantErr)
		}
		if err != nil {
			continue
		}
		takes++
		owe, slice, tabLeft, lotLeft, digs := want[0], want[1], want[2], want[3], want[4]
		if tr.Owe.ToBig().Cmp(owe) != 0 || tr.Slice.ToBig().Cmp(slice) != 0 || tr.Digs.ToBig().Cmp(digs) != 0 {
			t.Fatalf("lot %s tab %s amt %s price %s chost %s: owe %s slice %s digs %s, clip.take gives %s %s %s",
				lot, tab, amt, price.Dec(), chost, tr.Owe.Dec(), tr.Slice.Dec(), tr.Digs.Dec(), owe, slice, digs)
		}
		switch {
		case lotLeft.Sign() != 0 && tabLeft.Sign() != 0: // still running
			s := c.Sales[c.Find(id)]
			if s.Tab.ToBig().Cmp(tabLeft) != 0 || s.Lot.ToBig().Cmp(lotLeft) != 0 {
				t.Fatalf("left tab %s lot %s, clip.take leaves %s %s", s.Tab.Dec(), s.Lot.Dec(), tabLeft, lotLeft)
			}
		case lotLeft.Sign() != 0: // tab raised: the rest of the lot goes back
			if tr.Leftover.ToBig().Cmp(lotLeft) != 0 {
				t.Fatalf("leftover %s, clip.take returns %s", tr.Leftover.Dec(), lotLeft)
			}
		}
	}
	if takes < 2_000 {
		t.Fatalf("only %d takes went through: the inputs no longer exercise the amounts", takes)
	}
}
