package rwausd

import (
	"errors"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/backstop"
)

// TestBackstopLifecycle: bad debt from a shortfall is queued, released
// after wait, healed against surplus, and what remains goes to a debt
// auction that mints governance token to the winning bidder.
func TestBackstopLifecycle(t *testing.T) {
	f := newClipFix(t, nil)
	s := f.s
	s.Vow.Wait = 3600
	s.Vow.Sump = *rad("0.01") // the deficit is due − raised ≈ 0.04, not tab − raised
	s.Vow.Dump = *ether("250")
	r := f.bark(t)
	s.SetTime(startTime + 69)
	var tr TakeResult
	must(t, s.Take(f.ali, f.gold, r.ID, ether("40"), ray("2.5"), &tr)) // shortfall ≈ 10
	// Queued debt cannot be healed yet.
	var healed, released uint256.Int
	must(t, s.HealMax(&healed))
	if !healed.IsZero() {
		t.Fatalf("healed %s of queued debt", healed.Dec())
	}
	if err := s.Heal(rad("1")); !errors.Is(err, backstop.ErrInsufficientDebt) {
		t.Fatalf("heal queued: %v", err)
	}
	s.SetTime(startTime + 3599)
	must(t, s.FlogAll(&released))
	if !released.IsZero() {
		t.Fatal("released before wait")
	}
	s.SetTime(startTime + 3600) // era + wait <= now
	must(t, s.FlogAll(&released))
	eq(t, "released", &released, rad("100"))
	must(t, s.HealMax(&healed))
	eq(t, "healed = surplus raised", &healed, &tr.Owe)
	var deficit uint256.Int
	s.Deficit(&deficit)
	if deficit.IsZero() {
		t.Fatal("no deficit left")
	}
	// Surplus is zero now: a debt auction can start.
	id, err := s.Flop()
	must(t, err)
	eq(t, "Ash", &s.Vow.Ash, rad("0.01"))
	must(t, s.Dent(f.bob, id, ether("200"), rad("0.01")))
	eq(t, "Ash after first dent", &s.Vow.Ash, rad("0"))
	if err := s.Dent(f.ali, id, ether("199"), rad("0.01")); !errors.Is(err, backstop.ErrInsufficientDecrease) {
		t.Fatalf("dent by less than beg: %v", err)
	}
	must(t, s.Dent(f.ali, id, ether("190"), rad("0.01")))
	eq(t, "bob refunded", s.Vat.Dai(f.bob), rad("1000"))
	if err := s.Deal(id); !errors.Is(err, backstop.ErrNotFinished) {
		t.Fatalf("deal early: %v", err)
	}
	s.SetTime(s.Now + 3*3600 + 1)
	must(t, s.Deal(id))
	eq(t, "GOV minted to ali", s.L.Balance(s.Gov, f.ali), ether("190"))
	var after uint256.Int
	s.Deficit(&after)
	eq(t, "deficit reduced by sump", new(uint256.Int).Sub(&deficit, &after), rad("0.01"))
	f.check(t)
}

// TestRecapAndFlap: a governance recap covers the deficit explicitly; the
// surplus buffer hump is never flapped.
func TestRecapAndFlap(t *testing.T) {
	f := newClipFix(t, nil)
	s := f.s
	r := f.bark(t)
	s.SetTime(startTime + 69)
	var tr TakeResult
	must(t, s.Take(f.ali, f.gold, r.ID, ether("40"), ray("2.5"), &tr))
	var released, healed, deficit uint256.Int
	must(t, s.FlogAll(&released))
	must(t, s.HealMax(&healed))
	s.Deficit(&deficit)
	gov := s.AddAccount("governance")
	must(t, s.L.Mint(s.Stable, gov, ether("0"))) // nothing to spend yet
	if err := s.Recap(gov, ether("20")); err == nil {
		t.Fatal("recap from an empty treasury")
	}
	// Governance buys rwaUSD (here: me's 100 from the mint) and recaps 20.
	must(t, s.L.Transfer(s.Stable, f.me, gov, ether("20")))
	must(t, s.Recap(gov, ether("20")))
	eq(t, "recap recorded", &s.Totals.Recap, ether("20"))
	must(t, s.HealMax(&healed))
	eq(t, "healed the deficit", &healed, &deficit)
	s.Deficit(&deficit)
	if !deficit.IsZero() {
		t.Fatalf("deficit left: %s", deficit.Dec())
	}
	var surplus uint256.Int
	s.Surplus(&surplus)
	s.Vow.Bump = *rad("5")
	s.Vow.Hump = surplus // the whole surplus is buffer
	if err := s.Flap(); !errors.Is(err, backstop.ErrInsufficientSurplus) {
		t.Fatalf("flap into the buffer: %v", err)
	}
	s.Vow.Hump = *rad("0")
	must(t, s.Flap())
	eq(t, "flapped", &s.Totals.Flapped, rad("5"))
	f.check(t)
}
