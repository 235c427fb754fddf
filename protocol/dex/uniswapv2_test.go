package dex

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

func newPair(t testing.TB, r0, r1 *uint256.Int) *ConstantProduct {
	t.Helper()
	var p ConstantProduct
	if _, err := p.Deposit(r0, r1); err != nil {
		t.Fatal(err)
	}
	return &p
}

func add(a, b *uint256.Int) *uint256.Int { return new(uint256.Int).Add(a, b) }
func sub(a, b *uint256.Int) *uint256.Int { return new(uint256.Int).Sub(a, b) }

// TestConstantProductSwapVectors is v2-core's getInputPrice table
// (UniswapV2Pair.spec.ts, protocol-mechanics §T1.5): token 0 in, token 1
// out; the expected output is the most the K check allows, and one more
// reverts with "UniswapV2: K" leaving the pair untouched.
func TestConstantProductSwapVectors(t *testing.T) {
	rows := []struct {
		in, r0, r1 uint64
		out        string
	}{
		{1, 5, 10, "1662497915624478906"},
		{1, 10, 5, "453305446940074565"},
		{2, 5, 10, "2851015155847869602"},
		{2, 10, 5, "831248957812239453"},
		{1, 10, 10, "906610893880149131"},
		{1, 100, 100, "987158034397061298"},
		{1, 1000, 1000, "996006981039903216"},
	}
	zero := new(uint256.Int)
	for _, r := range rows {
		in, r0, r1, out := e18(r.in), e18(r.r0), e18(r.r1), u(r.out)
		if q, err := GetAmountOut(in, r0, r1); err != nil || !q.Eq(out) {
			t.Errorf("getAmountOut(%d, %d, %d) = %s, %v; want %s", r.in, r.r0, r.r1, q.Dec(), err, r.out)
		}
		p := newPair(t, r0, r1)
		before := *p
		outPlus := add(out, uOne)
		if _, _, err := p.Swap(zero, outPlus, add(r0, in), sub(r1, outPlus)); !errors.Is(err, ErrK) {
			t.Errorf("%d in (%d, %d): out+1 gave %v, want K", r.in, r.r0, r.r1, err)
		}
		if !reflect.DeepEqual(before, *p) {
			t.Errorf("%d in (%d, %d): reverted swap changed the pair", r.in, r.r0, r.r1)
		}
		a0, a1, err := p.Swap(zero, out, add(r0, in), sub(r1, out))
		if err != nil || !a0.Eq(in) || !a1.IsZero() {
			t.Errorf("%d in (%d, %d): swap = (%s, %s), %v", r.in, r.r0, r.r1, a0.Dec(), a1.Dec(), err)
		}
		if !p.Reserve0.Eq(add(r0, in)) || !p.Reserve1.Eq(sub(r1, out)) {
			t.Errorf("reserves %s %s", p.Reserve0.Dec(), p.Reserve1.Dec())
		}
		// The router path gives the same.
		q := newPair(t, r0, r1)
		got, err := q.SwapExactIn(0, in, out)
		if err != nil || !got.Eq(out) || !reflect.DeepEqual(*p, *q) {
			t.Errorf("SwapExactIn = %s, %v", got.Dec(), err)
		}
	}
}

// TestConstantProductOptimistic is v2-core's optimistic (flash swap) table:
// take token 0 out and pay token 0 back; 0.997 out per 1 in, and out 1e18
// needs 1003009027081243732 in.
func TestConstantProductOptimistic(t *testing.T) {
	rows := []struct {
		out    string
		r0, r1 uint64
		in     string
	}{
		{"997000000000000000", 5, 10, "1000000000000000000"},
		{"997000000000000000", 10, 5, "1000000000000000000"},
		{"997000000000000000", 5, 5, "1000000000000000000"},
		{"1000000000000000000", 5, 5, "1003009027081243732"},
	}
	zero := new(uint256.Int)
	for _, r := range rows {
		r0, r1, in, out := e18(r.r0), e18(r.r1), u(r.in), u(r.out)
		p := newPair(t, r0, r1)
		before := *p
		outPlus := add(out, uOne)
		// Balances after the flash loan left and the repayment arrived.
		if _, _, err := p.Swap(outPlus, zero, add(sub(r0, outPlus), in), r1); !errors.Is(err, ErrK) {
			t.Errorf("optimistic %s: out+1 gave %v, want K", r.out, err)
		}
		if !reflect.DeepEqual(before, *p) {
			t.Errorf("optimistic %s: reverted swap changed the pair", r.out)
		}
		a0, a1, err := p.Swap(out, zero, add(sub(r0, out), in), r1)
		if err != nil || !a0.Eq(in) || !a1.IsZero() {
			t.Errorf("optimistic %s: (%s, %s), %v", r.out, a0.Dec(), a1.Dec(), err)
		}
	}
}

// TestConstantProductFeeTo is v2-core's feeTo:on case: 1000/1000, swap 1
// token 1 in for 996006981039903216 token 0, burn everything but the
// locked liquidity; feeTo gets 249750499251388 LP and the pair keeps
// 1000 + 249501683697445 and 1000 + 250000187312969.
func TestConstantProductFeeTo(t *testing.T) {
	p := ConstantProduct{FeeOn: true}
	m, err := p.Deposit(e18(1000), e18(1000))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Liquidity.Eq(sub(e18(1000), minimumLiquidity)) || !m.Locked.Eq(minimumLiquidity) || !m.FeeLiquidity.IsZero() {
		t.Errorf("first mint %+v", m)
	}
	if !p.KLast.Eq(new(uint256.Int).Mul(e18(1000), e18(1000))) {
		t.Errorf("kLast %s", p.KLast.Dec())
	}
	out := u("996006981039903216")
	if _, _, err := p.Swap(out, new(uint256.Int), sub(e18(1000), out), e18(1001)); err != nil {
		t.Fatal(err)
	}
	b, err := p.Withdraw(sub(e18(1000), minimumLiquidity))
	if err != nil {
		t.Fatal(err)
	}
	if b.FeeLiquidity.Dec() != "249750499251388" {
		t.Errorf("feeTo LP = %s, want 249750499251388", b.FeeLiquidity.Dec())
	}
	if p.TotalSupply.Dec() != "249750499252388" {
		t.Errorf("supply = %s, want 1000 + 249750499251388", p.TotalSupply.Dec())
	}
	if p.Reserve0.Dec() != "249501683698445" || p.Reserve1.Dec() != "250000187313969" {
		t.Errorf("reserves %s %s, want 1000+249501683697445, 1000+250000187312969", p.Reserve0.Dec(), p.Reserve1.Dec())
	}
	// Paid out plus kept is what the pair held.
	if !add(&b.Amount0, &p.Reserve0).Eq(sub(e18(1000), out)) || !add(&b.Amount1, &p.Reserve1).Eq(e18(1001)) {
		t.Errorf("burn paid %s %s", b.Amount0.Dec(), b.Amount1.Dec())
	}
	// With the fee switched off the next liquidity event clears kLast.
	p.FeeOn = false
	if _, err := p.Deposit(e18(1), e18(1)); err != nil {
		t.Fatal(err)
	}
	if !p.KLast.IsZero() {
		t.Errorf("kLast %s after fee off", p.KLast.Dec())
	}
}

// TestConstantProductMintBurn is v2-core's mint and burn cases.
func TestConstantProductMintBurn(t *testing.T) {
	var p ConstantProduct
	m, err := p.Deposit(e18(1), e18(4))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Liquidity.Eq(sub(e18(2), minimumLiquidity)) || !p.TotalSupply.Eq(e18(2)) {
		t.Errorf("mint: liquidity %s supply %s", m.Liquidity.Dec(), p.TotalSupply.Dec())
	}
	q := newPair(t, e18(3), e18(3))
	b, err := q.Withdraw(sub(e18(3), minimumLiquidity))
	if err != nil {
		t.Fatal(err)
	}
	want := sub(e18(3), minimumLiquidity)
	if !b.Amount0.Eq(want) || !b.Amount1.Eq(want) || q.TotalSupply.Uint64() != 1000 || q.Reserve0.Uint64() != 1000 || q.Reserve1.Uint64() != 1000 {
		t.Errorf("burn: %s %s, supply %s, reserves %s %s", b.Amount0.Dec(), b.Amount1.Dec(), q.TotalSupply.Dec(), q.Reserve0.Dec(), q.Reserve1.Dec())
	}
	// A second deposit at the pool's ratio mints pro rata (min of both sides).
	m, err = p.Deposit(e18(1), e18(1))
	if err != nil || m.Liquidity.Dec() != "500000000000000000" {
		t.Errorf("unbalanced deposit minted %s, %v", m.Liquidity.Dec(), err)
	}
}

// TestConstantProductRevertsLeaveState asserts each revert reason and that
// the pair is deep-equal afterwards.
func TestConstantProductRevertsLeaveState(t *testing.T) {
	zero := new(uint256.Int)
	big112 := new(uint256.Int).Lsh(uOne, 112)
	cases := []struct {
		name string
		op   func(p *ConstantProduct) error
		want error
	}{
		{"swap no output", func(p *ConstantProduct) error { _, _, err := p.Swap(zero, zero, e18(11), e18(10)); return err }, ErrInsufficientOutputAmount},
		{"swap whole reserve", func(p *ConstantProduct) error { _, _, err := p.Swap(zero, e18(10), e18(100), zero); return err }, ErrInsufficientLiquidity},
		{"swap no input", func(p *ConstantProduct) error {
			_, _, err := p.Swap(zero, e18(1), &p.Reserve0, sub(&p.Reserve1, e18(1)))
			return err
		}, ErrInsufficientInputAmount},
		{"swap K", func(p *ConstantProduct) error { _, _, err := p.Swap(zero, e18(5), e18(15), e18(5)); return err }, ErrK},
		{"swap overflow", func(p *ConstantProduct) error { _, _, err := p.Swap(zero, e18(1), big112, e18(9)); return err }, ErrReserveOverflow},
		{"router min out", func(p *ConstantProduct) error { _, err := p.SwapExactIn(0, e18(1), e18(1)); return err }, ErrRouterInsufficientOutputAmount},
		{"router zero in", func(p *ConstantProduct) error { _, err := p.SwapExactIn(1, zero, zero); return err }, ErrLibraryInsufficientInputAmount},
		{"router bad token", func(p *ConstantProduct) error { _, err := p.SwapExactIn(2, e18(1), zero); return err }, ErrTokenIndex},
		{"mint nothing", func(p *ConstantProduct) error { _, err := p.Deposit(zero, e18(1)); return err }, ErrInsufficientLiquidityMinted},
		{"mint below reserve", func(p *ConstantProduct) error { _, err := p.Mint(e18(9), e18(10)); return err }, fixed.ErrUnderflow},
		{"mint overflow", func(p *ConstantProduct) error { _, err := p.Deposit(big112, big112); return err }, ErrReserveOverflow},
		{"burn dust", func(p *ConstantProduct) error { _, err := p.Withdraw(uOne); return err }, nil},
		{"burn zero", func(p *ConstantProduct) error { _, err := p.Withdraw(zero); return err }, ErrInsufficientLiquidityBurned},
		{"burn above supply", func(p *ConstantProduct) error { _, err := p.Withdraw(e18(11)); return err }, fixed.ErrUnderflow},
	}
	for _, tc := range cases {
		for _, feeOn := range []bool{false, true} {
			p := ConstantProduct{FeeOn: feeOn}
			if _, err := p.Deposit(e18(10), e18(10)); err != nil {
				t.Fatal(err)
			}
			if _, err := p.SwapExactIn(0, e18(1), zero); err != nil { // grow k so that the fee mints
				t.Fatal(err)
			}
			before := p
			err := tc.op(&p)
			if err == nil {
				t.Errorf("%s: no revert", tc.name)
				continue
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
			if !reflect.DeepEqual(before, p) {
				t.Errorf("%s (fee %v): reverted call changed the pair", tc.name, feeOn)
			}
		}
	}
	// A first deposit with √(a0·a1) ≤ 1000 cannot lock the minimum.
	var p ConstantProduct
	if _, err := p.Deposit(uint256.NewInt(1000), uint256.NewInt(1000)); !errors.Is(err, ErrInsufficientLiquidityMinted) {
		t.Errorf("first deposit √k = 1000: %v", err)
	}
	if _, err := p.Deposit(uint256.NewInt(999), uint256.NewInt(1000)); !errors.Is(err, fixed.ErrUnderflow) {
		t.Errorf("first deposit √k < 1000: %v", err)
	}
	if p != (ConstantProduct{}) {
		t.Error("reverted first deposit changed the pair")
	}
}

// TestLibraryQuotes covers getAmountIn, quote and the library's reverts.
func TestLibraryQuotes(t *testing.T) {
	in, err := GetAmountIn(e18(1), e18(5), e18(5))
	if err != nil || in.Dec() != "1253761283851554664" {
		// 5e18·1e18·1000 / (4e18·997) + 1
		t.Errorf("getAmountIn = %s, %v", in.Dec(), err)
	}
	if out, _ := GetAmountOut(&in, e18(5), e18(5)); out.Lt(e18(1)) {
		t.Errorf("getAmountOut(getAmountIn(1e18)) = %s < 1e18", out.Dec())
	}
	if q, err := Quote(e18(2), e18(5), e18(10)); err != nil || !q.Eq(e18(4)) {
		t.Errorf("quote = %s, %v", q.Dec(), err)
	}
	zero := new(uint256.Int)
	if _, err := GetAmountIn(zero, e18(5), e18(5)); !errors.Is(err, ErrLibraryInsufficientOutputAmount) {
		t.Error(err)
	}
	if _, err := GetAmountIn(e18(5), e18(5), e18(5)); !errors.Is(err, fixed.ErrDivByZero) {
		t.Error(err)
	}
	if _, err := GetAmountOut(e18(1), zero, e18(5)); !errors.Is(err, ErrLibraryInsufficientLiquidity) {
		t.Error(err)
	}
	if _, err := Quote(zero, e18(5), e18(5)); !errors.Is(err, ErrLibraryInsufficientAmount) {
		t.Error(err)
	}
}

// TestSqrtMatchesBig checks the Babylonian sqrt against math/big's floor
// square root on edge cases and seeded random values, including aliasing.
func TestSqrtMatchesBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := []*uint256.Int{uint256.NewInt(0), uint256.NewInt(1), uint256.NewInt(2), uint256.NewInt(3), uint256.NewInt(4), uint256.NewInt(15), uint256.NewInt(16), new(uint256.Int).SetAllOne()}
	for range 2000 {
		v := new(uint256.Int).SetUint64(r.Uint64())
		v.Lsh(v, uint(r.IntN(193)))
		v.Or(v, uint256.NewInt(r.Uint64()))
		vals = append(vals, v)
	}
	for _, v := range vals {
		want := new(big.Int).Sqrt(v.ToBig())
		got := Sqrt(v)
		if got.ToBig().Cmp(want) != 0 {
			t.Fatalf("sqrt(%s) = %s, want %s", v.Dec(), got.Dec(), want)
		}
		a := *v
		babylonian(&a, &a)
		if !a.Eq(&got) {
			t.Fatalf("aliased sqrt(%s) = %s", v.Dec(), a.Dec())
		}
	}
}

// TestConstantProductKNeverFalls trades back and forth and checks that
// reserve0·reserve1 never decreases on a swap.
func TestConstantProductKNeverFalls(t *testing.T) {
	p := newPair(t, e18(1000), e6(1_000_000))
	r := rand.New(rand.NewPCG(3, 4))
	zero := new(uint256.Int)
	for range 500 {
		var k0, k1 uint256.Int
		k0.Mul(&p.Reserve0, &p.Reserve1)
		tok := r.IntN(2)
		amt := uint256.NewInt(1 + r.Uint64N(1e19))
		if tok == 1 {
			amt.Div(amt, uint256.NewInt(1e12))
			amt.AddUint64(amt, 1)
		}
		if _, err := p.SwapExactIn(tok, amt, zero); err != nil {
			continue
		}
		k1.Mul(&p.Reserve0, &p.Reserve1)
		if k1.Lt(&k0) {
			t.Fatalf("k fell: %s -> %s", k0.Dec(), k1.Dec())
		}
	}
}
