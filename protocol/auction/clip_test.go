package auction

import (
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
	"github.com/tempest-risk/tempest/protocol/token"
)

// TestPriceFollowsCurveChange: a running auction is priced on the curve as
// it is now, as dss's Clipper calls its Abacus at every status and take, so
// a change to the curve (file("cut") on the Abacus) applies at once, even
// to an age whose price was just computed on the old curve.
func TestPriceFollowsCurveChange(t *testing.T) {
	var j token.Journal
	c := &Clipper{J: &j, Tail: 1 << 40, Buf: fixed.RAY,
		Calc: Curve{Kind: Stairstep, Step: 1, Cut: *uint256.MustFromDecimal("990000000000000000000000000")}}
	c.Reserve()
	var coin uint256.Int
	id, err := c.Kick(uint256.NewInt(1), uint256.NewInt(1), 1, 0, 0, rayN(5), &coin)
	if err != nil {
		t.Fatal(err)
	}
	s := &c.Sales[c.Find(id)]
	var before, after uint256.Int
	if _, err := c.Status(s, 60, &before); err != nil {
		t.Fatal(err)
	}
	if got, want := before.Dec(), "2735783211953807380973706855"; got != want {
		t.Fatalf("price at 60 s on cut 0.99: %s, want %s", got, want)
	}
	c.Calc.Cut = *uint256.MustFromDecimal("980000000000000000000000000")
	if _, err := c.Status(s, 60, &after); err != nil {
		t.Fatal(err)
	}
	var want uint256.Int
	if err := c.Calc.Price(&want, &s.Top, 60); err != nil {
		t.Fatal(err)
	}
	if !after.Eq(&want) || after.Eq(&before) {
		t.Fatalf("price at 60 s after the cut became 0.98: %s, want %s (on 0.99 it was %s)", after.Dec(), want.Dec(), before.Dec())
	}
}
