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
