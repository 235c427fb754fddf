package auction

// Dog (makerdao/dss @fa4f663 src/dog.sol). Deviations: bark is split into
// PlanBark (all of bark's checks and arithmetic, no writes) and AddDirt (its
// writes to Dog state); the System does grab, fess and kick in between, as
// bark does. No live flag, no per-ilk clip address (the System keeps one
// Clipper per profile).

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// Reverts of Dog, with dss's reason strings.
var (
	ErrNotUnsafe    = errors.New("Dog/not-unsafe")
	ErrLimitHit     = errors.New("Dog/liquidation-limit-hit")
	ErrDustyPartial = errors.New("Dog/dusty-auction-from-partial-liquidation")
	ErrNullAuction  = errors.New("Dog/null-auction")
	ErrDogOverflow  = errors.New("Dog/overflow")
	ErrChopBelowOne = errors.New("Dog/file-chop-lt-WAD")
	ErrNoClipper    = errors.New("Dog/no-auction-for-profile")
)

// DogIlk is the Dog's configuration and state for one Collateral Profile.
type DogIlk struct {
	Chop uint256.Int // liquidation penalty multiplier [wad], ≥ 1
	Hole uint256.Int // max debt + penalty in auction at once [rad]
	Dirt uint256.Int // debt + penalty in auction now [rad]
	On   bool        // a Clipper exists for this profile
}

// Dog starts auctions and bounds how much is in auction at once.
type Dog struct {
	J    *token.Journal
	Hole uint256.Int // global limit [rad]
	Dirt uint256.Int // global amount in auction [rad]
	Ilks []DogIlk
}

// BarkPlan is what a bark moves: principal and collateral confiscated, the
// debt queued at the backstop, and the auction's target with penalty.
type BarkPlan struct {
	Dart uint256.Int // principal confiscated [wad]
	Dink uint256.Int // collateral sent to auction [wad]
	Due  uint256.Int // dart·rate, queued as bad debt [rad]
	Tab  uint256.Int // due·chop, the auction's target [rad]
}

// SetChop sets profile i's penalty [wad]; it must be at least 1 (WAD).
func (d *Dog) SetChop(i int, chop *uint256.Int) error {
	if chop.Lt(&fixed.WAD) {
		return ErrChopBelowOne
	}
	d.J.Set(&d.Ilks[i].Chop, chop)
	return nil
}

// PlanBark runs bark's checks and arithmetic for an account of profile i
// with locked ink [wad] and principal art [wad] when the profile's fee index
// is rate [ray], safe price spot [ray] and dust [rad]. It writes nothing.
func (d *Dog) PlanBark(i int, ink, art, rate, spot, dust *uint256.Int, p *BarkPlan) error {
	milk := &d.Ilks[i]
	if !milk.On {
		return ErrNoClipper
	}
	var cap, tab uint256.Int
	if err := fixed.Mul(&cap, ink, spot); err != nil {
		return err
	}
	if err := fixed.Mul(&tab, art, rate); err != nil {
		return err
	}
	if spot.IsZero() || !cap.Lt(&tab) {
		return ErrNotUnsafe
	}
	if !d.Hole.Gt(&d.Dirt) || !milk.Hole.Gt(&milk.Dirt) {
		return ErrLimitHit
	}
	var room, r2, dart uint256.Int
	room.Sub(&d.Hole, &d.Dirt)
	r2.Sub(&milk.Hole, &milk.Dirt)
	fixed.Min(&room, &room, &r2)
	// uint256.max()/(RAD*WAD) = 115,792,089,237,316
	if err := fixed.Mul(&dart, &room, &fixed.WAD); err != nil {
		return err
	}
	if err := fixed.Div(&dart, &dart, rate); err != nil {
		return err
	}
	if err := fixed.Div(&dart, &dart, &milk.Chop); err != nil {
		return err
	}
	fixed.Min(&dart, art, &dart)
	if art.Gt(&dart) {
		var left uint256.Int
		left.Sub(art, &dart)
		if err := fixed.Mul(&left, &left, rate); err != nil {
			return err
		}
		if left.Lt(dust) {
			// The leftover account would be dusty: liquidate all of it. The
			// limits may be exceeded by at most dust·chop.
			dart.Set(art)
		} else {
			var auc uint256.Int
			if err := fixed.Mul(&auc, &dart, rate); err != nil {
				return err
			}
			if auc.Lt(dust) {
				return ErrDustyPartial
			}
		}
	}
	var dink uint256.Int
	if err := fixed.MulDiv(&dink, ink, &dart, art); err != nil {
		return err
	}
	if dink.IsZero() {
		return ErrNullAuction
	}
	if fixed.IsNeg(&dart) || fixed.IsNeg(&dink) {
		return ErrDogOverflow
	}
	p.Dart, p.Dink = dart, dink
	if err := fixed.Mul(&p.Due, &dart, rate); err != nil {
		return err
	}
	return fixed.MulDiv(&p.Tab, &p.Due, &milk.Chop, &fixed.WAD)
}

// AddDirt records a new auction's tab against the global and per-profile
// limits (the tail of dog.bark).
func (d *Dog) AddDirt(i int, tab *uint256.Int) error {
	var g, l uint256.Int
	if err := fixed.Add(&g, &d.Dirt, tab); err != nil {
		return err
	}
	if err := fixed.Add(&l, &d.Ilks[i].Dirt, tab); err != nil {
		return err
	}
	d.J.Set(&d.Dirt, &g)
	d.J.Set(&d.Ilks[i].Dirt, &l)
	return nil
}

// Digs releases rad of auction target from the limits as auctions settle
// (dog.digs).
func (d *Dog) Digs(i int, rad *uint256.Int) error {
	var g, l uint256.Int
	if err := fixed.Sub(&g, &d.Dirt, rad); err != nil {
		return err
	}
	if err := fixed.Sub(&l, &d.Ilks[i].Dirt, rad); err != nil {
		return err
	}
	d.J.Set(&d.Dirt, &g)
	d.J.Set(&d.Ilks[i].Dirt, &l)
	return nil
}

// Clone returns a deep copy bound to journal j.
func (d *Dog) Clone(j *token.Journal) *Dog {
	c := *d
	c.J = j
	c.Ilks = append([]DogIlk(nil), d.Ilks...)
	return &c
}
