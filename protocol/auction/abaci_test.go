package auction

import (
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

func rayN(v uint64) *uint256.Int { return new(uint256.Int).Mul(uint256.NewInt(v), &fixed.RAY) }

// TestLinearDecrease ports abaci.t.sol: tau 3600, top 1000 RAY; the price at
// dur = 360k is (1000 − 100k) RAY and 0 from tau on (§T1.2).
func TestLinearDecrease(t *testing.T) {
	c := Curve{Kind: Linear, Tau: 3600}
	top := rayN(1000)
	var p uint256.Int
	for k := int64(0); k <= 10; k++ {
		if err := c.Price(&p, top, 360*k); err != nil {
			t.Fatal(err)
		}
		want := rayN(uint64(1000 - 100*k))
		if !p.Eq(want) {
			t.Errorf("dur %d: price %s, want %s", 360*k, p.Dec(), want.Dec())
		}
	}
	if err := c.Price(&p, top, 1e9); err != nil || !p.IsZero() {
		t.Errorf("past tau: %s, %v", p.Dec(), err)
	}
}

// TestExponentialDecrease: cut 0.999230132966 RAY halves the price every
// 900 s from 4000 RAY; the exact values are §T2.1's.
func TestExponentialDecrease(t *testing.T) {
	c := Curve{Kind: Exponential, Cut: *uint256.MustFromDecimal("999230132966000000000000000")}
	top := rayN(4000)
	want := []string{
		"2000000000258757259554676144000",
		"1000000000258757259571414976000",
		"500000000194067944691115352000",
		"250000000129378629802446316000",
	}
	var p uint256.Int
	for i, w := range want {
		if err := c.Price(&p, top, int64(900*(i+1))); err != nil {
			t.Fatal(err)
		}
		if p.Dec() != w {
			t.Errorf("i=%d: price %s, want %s", i+1, p.Dec(), w)
		}
	}
}

// TestStairstep: 1% per 1-second step from top 5 RAY for 60 s is exactly
// 2735783211953807380973706855 (clip.t.sol); with a 90 s step the price
// only moves at multiples of 90 s (ETH-A's curve, §1.10).
func TestStairstep(t *testing.T) {
	cut := *uint256.MustFromDecimal("990000000000000000000000000")
	c := Curve{Kind: Stairstep, Step: 1, Cut: cut}
	var p uint256.Int
	if err := c.Price(&p, rayN(5), 60); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Dec(), "2735783211953807380973706855"; got != want {
		t.Fatalf("price %s, want %s", got, want)
	}
	eth := Curve{Kind: Stairstep, Step: 90, Cut: cut}
	var a, b uint256.Int
	_ = eth.Price(&a, rayN(1000), 90)
	_ = eth.Price(&b, rayN(1000), 179)
	if !a.Eq(&b) || !a.Eq(rayN(990)) {
		t.Fatalf("90 s step: %s at 90 s, %s at 179 s, want 990 RAY for both", a.Dec(), b.Dec())
	}
	// 0.99^79 > 0.45 > 0.99^80: cusp 45% trips at step 80 = 7,200 s = tail.
	var r79, r80 uint256.Int
	_ = eth.Price(&r79, &fixed.RAY, 79*90)
	_ = eth.Price(&r80, &fixed.RAY, 80*90)
	cusp := uint256.MustFromDecimal("450000000000000000000000000")
	if !r79.Gt(cusp) || !r80.Lt(cusp) {
		t.Fatalf("cusp crossing: 0.99^79 = %s, 0.99^80 = %s", r79.Dec(), r80.Dec())
	}
}

// TestStairstepStepByStep ports abaci.t.sol's stairstep test: over 600 s,
// each price is the last times cut at a step boundary and the last price
// otherwise, within 1e8 at top 5e7 RAY and within 1 at top 1e-7 RAY
// (rpow's rounding at each squaring, §T1.2).
func TestStairstepStepByStep(t *testing.T) {
	less := func(pct string) uint256.Int { // RAY − pct% of RAY
		d := new(uint256.Int).Div(uint256.MustFromDecimal(pct), uint256.NewInt(100))
		return *new(uint256.Int).Sub(&fixed.RAY, d)
	}
	cut1, cut2 := less("1123456789000000000000000000"), less("2123456789000000000000000000")
	for _, top := range []struct {
		top *uint256.Int
		tol uint64
	}{
		{rayN(50_000_000), 100_000_000},
		{new(uint256.Int).Div(&fixed.RAY, uint256.NewInt(10_000_000)), 1},
	} {
		for _, cs := range []struct {
			cut  uint256.Int
			step int64
		}{{cut1, 1}, {cut2, 1}, {cut1, 5}, {cut2, 5}, {cut1, 300}} {
			c := Curve{Kind: Stairstep, Step: cs.step, Cut: cs.cut}
			var price, last, want, diff uint256.Int
			if err := c.Price(&price, top.top, 0); err != nil || !price.Eq(top.top) {
				t.Fatalf("price at 0 = %s (%v), want top %s", price.Dec(), err, top.top.Dec())
			}
			for dur := int64(1); dur < 600; dur++ {
				last = price
				if err := c.Price(&price, top.top, dur); err != nil {
					t.Fatal(err)
				}
				want = last
				if dur%cs.step == 0 {
					want.Mul(&last, &cs.cut)
					want.Div(&want, &fixed.RAY)
				}
				if want.Gt(&price) {
					diff.Sub(&want, &price)
				} else {
					diff.Sub(&price, &want)
				}
				if diff.GtUint64(top.tol) {
					t.Fatalf("top %s, cut %s, step %d, dur %d: price %s, last × cut %s: off by %s > %d",
						top.top.Dec(), cs.cut.Dec(), cs.step, dur, price.Dec(), want.Dec(), diff.Dec(), top.tol)
				}
			}
		}
	}
}

// TestExponentialHalves: with cut 0.999230132966 RAY the price from top
// 4000 RAY is 4000/2^i RAY at i·900 s within 0.001 RAY (abaci.t.sol, §T1.2).
func TestExponentialHalves(t *testing.T) {
	c := Curve{Kind: Exponential, Cut: *uint256.MustFromDecimal("999230132966000000000000000")}
	tol := new(uint256.Int).Div(&fixed.RAY, uint256.NewInt(1000))
	want := rayN(4000)
	for i := range int64(5) {
		var p, diff uint256.Int
		if err := c.Price(&p, rayN(4000), i*900); err != nil {
			t.Fatal(err)
		}
		if p.Gt(want) {
			diff.Sub(&p, want)
		} else {
			diff.Sub(want, &p)
		}
		if diff.Gt(tol) {
			t.Errorf("%d s: price %s, want %s within 0.001 RAY", i*900, p.Dec(), want.Dec())
		}
		want.Rsh(want, 1)
	}
}

func TestCurveValidate(t *testing.T) {
	over := *new(uint256.Int).AddUint64(&fixed.RAY, 1)
	for _, c := range []Curve{
		{Kind: Linear},
		{Kind: Stairstep, Cut: fixed.RAY},
		{Kind: Stairstep, Step: 1, Cut: over},
		{Kind: Exponential, Cut: over},
		{Kind: 9},
	} {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

// BenchmarkAuctionPrice prices a 90 s-step stairstep auction 30 minutes in.
func BenchmarkAuctionPrice(b *testing.B) {
	c := Curve{Kind: Stairstep, Step: 90, Cut: *uint256.MustFromDecimal("990000000000000000000000000")}
	top := rayN(2200)
	var p uint256.Int
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Price(&p, top, 1800); err != nil {
			b.Fatal(err)
		}
	}
}
