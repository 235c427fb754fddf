package dex

import (
	"testing"

	"github.com/holiman/uint256"
)

// BenchmarkStableSwapExchange swaps back and forth on a 1M/1M peg pool
// (coin 1 at 6 decimals), one exchange per iteration.
func BenchmarkStableSwapExchange(b *testing.B) {
	p := newPool(b, 500, [2]uint8{18, 6}, e18(1_000_000), e6(1_000_000))
	dx := [2]*uint256.Int{e18(1000), e6(1000)}
	zero := new(uint256.Int)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := i & 1
		if _, err := p.Exchange(k, 1-k, dx[k], zero, int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStableSwapGetDy quotes a trade on an imbalanced pool.
func BenchmarkStableSwapGetDy(b *testing.B) {
	p := newPool(b, 500, [2]uint8{18, 6}, e18(1_500_000), e6(500_000))
	dx := e18(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.GetDy(0, 1, dx, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConstantProductSwapExactIn swaps back and forth on a pair.
func BenchmarkConstantProductSwapExactIn(b *testing.B) {
	p := newPair(b, e18(1000), e6(1_000_000))
	in := [2]*uint256.Int{e18(1), e6(1000)}
	zero := new(uint256.Int)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := i & 1
		if _, err := p.SwapExactIn(k, in[k], zero); err != nil {
			b.Fatal(err)
		}
	}
}
