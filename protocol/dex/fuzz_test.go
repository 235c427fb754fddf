package dex

import (
	"encoding/binary"
	"math/big"
	"os"
	"reflect"
	"testing"

	"github.com/holiman/uint256"
)

// debugFuzz logs every operation of the StableSwap fuzz checker
// (DEX_FUZZ_DEBUG=1 go test -run FuzzStableSwap/<id>).
var debugFuzz = os.Getenv("DEX_FUZZ_DEBUG") != ""

// bytesReader turns fuzz input into choices; past the end it yields zeros.
type bytesReader struct{ b []byte }

func (r *bytesReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *bytesReader) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], r.b)
	r.b = r.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

// amount is a uint64 mantissa cut to a fuzzed bit length, times 10^e with
// e mostly in [0, 19) and sometimes up to 39: from dust to amounts that
// overflow the pools' arithmetic.
func (r *bytesReader) amount() *uint256.Int {
	m := uint256.NewInt(r.u64() >> (r.byte() % 64))
	e := uint64(r.byte())
	if e < 224 {
		e %= 19
	} else {
		e %= 40
	}
	var p uint256.Int
	p.Exp(uint256.NewInt(10), uint256.NewInt(e))
	return m.Mul(m, &p)
}

// fraction is x·k/256 for a fuzzed k: a share of an existing quantity.
func (r *bytesReader) fraction(x *uint256.Int) *uint256.Int {
	k := uint256.NewInt(uint64(r.byte()) + 1)
	z := new(uint256.Int).Mul(x, k)
	return z.Rsh(z, 8)
}

// FuzzStableSwap runs a fuzzed sequence of exchange, add_liquidity,
// remove_liquidity, remove_liquidity_imbalance and remove_liquidity_one_coin
// on a fuzzed pool. After every successful operation it checks the coins
// the pool holds against the amounts returned, stored ≥ admin (no negative
// balance), the LP supply against minted − burned, get_dy and
// calc_withdraw_one_coin against what the pool paid, D not lower after an
// exchange and the virtual price not lower after any operation (both up to
// get_D's own ±1 precision, see vpFell); after every revert, that the pool
// is deep-equal to before.
func FuzzStableSwap(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("\x01\x01\x00\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0\xd0\xe0\xf0"))
	f.Add([]byte("\x02\x00\x03\xff\xff\xff\xff\xff\xff\xff\xff\x14\x00\x01\x02\x03\x04"))
	f.Fuzz(runStableSwapOps)
}

// runStableSwapOps is FuzzStableSwap's checker.
func runStableSwapOps(t *testing.T, data []byte) {
	r := &bytesReader{data}
	as := []uint64{1, 10, 100, 500, 2000, 100000}
	a := as[int(r.byte())%len(as)]
	dec1 := []uint8{6, 18, 0, 8}[r.byte()%4]
	fee := uint64(r.byte()%101) * 1e6 // up to 1%
	mult := uint64(r.byte()%11) * 1e10
	p, err := NewStableSwap(StableSwapParams{A: a, Fee: fee, OffpegFeeMultiplier: mult, MAExpTime: 866, Decimals: [2]uint8{18, dec1}}, 0)
	if err != nil {
		return // offpeg·fee above the factory's bound
	}
	var held [2]uint256.Int // coins the pool should hold
	var supply uint256.Int  // LP minted − burned
	now := int64(0)
	zero := new(uint256.Int)
	for op := 0; op < 24 && len(r.b) > 0; op++ {
		now += int64(r.byte()) * 7
		before := *p
		vp0, vpErr := p.GetVirtualPrice(now)
		d0, dErr := p.D(now)
		var err error
		exchange := false
		kind := r.byte() % 6
		switch kind {
		case 0, 1:
			i := int(r.byte() % 2)
			dx := r.amount()
			var dy uint256.Int
			quote, qerr := p.GetDy(i, 1-i, dx, now)
			dy, err = p.Exchange(i, 1-i, dx, zero, now)
			if err == nil {
				exchange = true
				if qerr != nil || !quote.Eq(&dy) {
					t.Fatalf("get_dy %s (%v) != exchange %s", quote.Dec(), qerr, dy.Dec())
				}
				held[i].Add(&held[i], dx)
				held[1-i].Sub(&held[1-i], &dy)
			}
		case 2:
			amts := [2]uint256.Int{*r.amount(), *r.amount()}
			if r.byte()%3 == 0 {
				amts[r.byte()%2].Clear()
			}
			var mint uint256.Int
			mint, err = p.AddLiquidity(amts, zero, now)
			if err == nil {
				held[0].Add(&held[0], &amts[0])
				held[1].Add(&held[1], &amts[1])
				supply.Add(&supply, &mint)
			}
		case 3:
			burn := r.fraction(&p.TotalSupply)
			claim := r.byte()%2 == 0
			var out, fees [2]uint256.Int
			out, fees, err = p.RemoveLiquidity(burn, [2]uint256.Int{}, claim, now)
			if err == nil {
				for k := range out {
					held[k].Sub(&held[k], &out[k])
					held[k].Sub(&held[k], &fees[k])
				}
				supply.Sub(&supply, burn)
			}
		case 4:
			bal, berr := p.Balances()
			if berr != nil {
				t.Fatalf("balances: %v", berr)
			}
			amts := [2]uint256.Int{*r.fraction(&bal[0]), *r.fraction(&bal[1])}
			var burn uint256.Int
			burn, err = p.RemoveLiquidityImbalance(amts, new(uint256.Int).SetAllOne(), now)
			if err == nil {
				held[0].Sub(&held[0], &amts[0])
				held[1].Sub(&held[1], &amts[1])
				supply.Sub(&supply, &burn)
			}
		case 5:
			i := int(r.byte() % 2)
			burn := r.fraction(&p.TotalSupply)
			quote, qerr := p.CalcWithdrawOneCoin(burn, i, now)
			var dy uint256.Int
			dy, err = p.RemoveLiquidityOneCoin(burn, i, zero, now)
			if err == nil {
				if qerr != nil || !quote.Eq(&dy) {
					t.Fatalf("calc_withdraw_one_coin %s (%v) != paid %s", quote.Dec(), qerr, dy.Dec())
				}
				held[i].Sub(&held[i], &dy)
				supply.Sub(&supply, burn)
			}
		}
		if debugFuzz {
			t.Logf("op %d t=%d kind %d err %v: stored %v admin %v supply %s", op, now, kind, err, p.StoredBalances, p.AdminBalances, p.TotalSupply.Dec())
		}
		if err != nil {
			if !reflect.DeepEqual(before, *p) {
				t.Fatalf("op %d reverted (%v) but changed the pool", op, err)
			}
			continue
		}
		if held != p.StoredBalances {
			t.Fatalf("op %d: pool holds %v, returned amounts say %v", op, p.StoredBalances, held)
		}
		if !supply.Eq(&p.TotalSupply) {
			t.Fatalf("op %d: supply %s, minted − burned %s", op, p.TotalSupply.Dec(), supply.Dec())
		}
		if _, err := p.Balances(); err != nil {
			t.Fatalf("op %d: admin balances above holdings: %v / %v", op, p.AdminBalances, p.StoredBalances)
		}
		if exchange && dErr == nil {
			// D may come out up to get_D's tolerance low (regression row
			// 2ccd7ad6ccbe56e3: a 22 wei trade into a pool imbalanced
			// 4.6e5:1 paid nothing and the contract's get_D fell by 1,
			// 193135458823570116169175834747 -> …746, as
			// testdata/ng_reference.py confirms). Far off balance with a
			// low A, Newton's steps shrink slowly and stop within 1 of
			// each other while D is still a few units from the root
			// (regression row e4fc8562098eed87: A 1, a pool 5.8e6:1, a
			// 48 wei trade paying nothing: …024023 -> …024020, the
			// reference's numbers too). A larger fall must then be get_D's
			// and not the trade's: the invariant solved exactly must not
			// fall.
			if d1, err := p.D(now); err == nil && new(uint256.Int).AddUint64(&d1, 2).Lt(&d0) {
				a, aerr := p.APrecise(now)
				if aerr != nil {
					t.Fatalf("op %d: A: %v", op, aerr)
				}
				r0, r1 := exactD(before.xpExact(), &a), exactD(p.xpExact(), &a)
				if r1.Cmp(r0) < 0 {
					t.Fatalf("op %d: exchange lowered D %s -> %s, and the exact invariant %s -> %s",
						op, d0.Dec(), d1.Dec(), r0.Text('g', 40), r1.Text('g', 40))
				}
			}
		}
		if vpErr == nil && !p.TotalSupply.IsZero() {
			if vp1, err := p.GetVirtualPrice(now); err == nil && vpFell(&vp0, &vp1, &p.TotalSupply) {
				t.Fatalf("op %d: virtual price fell %s -> %s", op, vp0.Dec(), vp1.Dec())
			}
		}
	}
}

// xpExact returns the pool's balances (stored less admin fees) in the
// invariant's units, xp = balance·rate/1e18, as get_D sees them.
func (p *StableSwap) xpExact() [2]*big.Int {
	var xp [2]*big.Int
	for k := range xp {
		b := new(big.Int).Sub(p.StoredBalances[k].ToBig(), p.AdminBalances[k].ToBig())
		b.Mul(b, p.Rates[k].ToBig())
		xp[k] = b.Quo(b, big.NewInt(1e18))
	}
	return xp
}

// exactD solves the two-coin StableSwap invariant for D in 2,000-bit
// floating point, where get_D stops within 1 of its fixed point:
// a·(S − D) + D − D³/(4·x0·x1) = 0 with a = A·2 (ampPrecise is A·100), by
// Newton's method from D = S, which the function's convexity makes
// converge from above.
func exactD(xp [2]*big.Int, ampPrecise *uint256.Int) *big.Float {
	const prec = 2000
	nf := func(x *big.Int) *big.Float { return new(big.Float).SetPrec(prec).SetInt(x) }
	a := nf(new(big.Int).Mul(ampPrecise.ToBig(), big.NewInt(2)))
	a.Quo(a, nf(big.NewInt(100)))
	s := nf(new(big.Int).Add(xp[0], xp[1]))
	p4 := nf(new(big.Int).Mul(new(big.Int).Mul(xp[0], xp[1]), big.NewInt(4)))
	one := nf(big.NewInt(1))
	d := new(big.Float).SetPrec(prec).Set(s)
	f, df, t := new(big.Float).SetPrec(prec), new(big.Float).SetPrec(prec), new(big.Float).SetPrec(prec)
	for range 10000 {
		// f = a·(S − D) + D − D³/p4; f' = 1 − a − 3·D²/p4
		t.Mul(d, d)
		t.Quo(t, p4)
		df.Mul(t, nf(big.NewInt(3)))
		df.Sub(one, df)
		df.Sub(df, a)
		t.Mul(t, d)
		f.Sub(s, d)
		f.Mul(f, a)
		f.Add(f, d)
		f.Sub(f, t)
		step := new(big.Float).SetPrec(prec).Quo(f, df)
		d.Sub(d, step)
		if step.Sign() == 0 || new(big.Float).Abs(step).Cmp(new(big.Float).SetPrec(prec).SetMantExp(d, -1800)) <= 0 {
			break
		}
	}
	return d
}

// vpFell reports whether the virtual price fell from vp0 to vp1 by more
// than get_D's own precision allows. Newton's method stops within 1 of its
// fixed point, so D can come out up to about one unit low after any
// operation, and vp = D·1e18/supply then up to 1e18/supply low. The
// fuzzer found such a fall in the contract itself (regression row
// testdata/fuzz/FuzzStableSwap/53d652db634a2c83: A 1, fee 97e6, a pool of
// 4e11/9e14 wei, then remove_one_coin and a proportional
// remove_liquidity lower vp by 18241 wei; testdata/ng_reference.py gives
// the same numbers). The allowance is two units of D per LP token plus the
// final floor.
func vpFell(vp0, vp1, supply *uint256.Int) bool {
	var slack uint256.Int
	slack.Div(uint256.NewInt(2e18), supply)
	slack.AddUint64(&slack, 1)
	slack.Add(&slack, vp1)
	return slack.Lt(vp0)
}

// FuzzConstantProduct runs a fuzzed sequence of deposits (with donations),
// withdrawals, router swaps and raw core swaps (flash-style) on a pair, with
// the protocol fee on or off. After every success it checks reserves
// against the tokens the returned amounts leave in the pair, the uint112
// bound, the LP supply against locked + minted + fees − burned, and k not
// lower after a swap; after every revert, that the pair is deep-equal.
func FuzzConstantProduct(f *testing.F) {
	f.Add([]byte{1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("\x00\x00\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0\xd0\xe0\xf0"))
	f.Add([]byte("\x01\x00\xff\xff\xff\xff\xff\xff\xff\x0f\x05\x02\x01\x02\x03\x04"))
	f.Fuzz(runConstantProductOps)
}

// runConstantProductOps is FuzzConstantProduct's checker.
func runConstantProductOps(t *testing.T, data []byte) {
	r := &bytesReader{data}
	p := ConstantProduct{FeeOn: r.byte()%2 == 1}
	var supply uint256.Int
	zero := new(uint256.Int)
	for op := 0; op < 32 && len(r.b) > 0; op++ {
		before := p
		var k0 uint256.Int
		k0.Mul(&p.Reserve0, &p.Reserve1)
		// Tokens the pair holds if the operation succeeds.
		var h0, h1 uint256.Int
		var err error
		swap := false
		switch r.byte() % 5 {
		case 0: // deposit, sometimes with a donation on top
			a0, a1 := r.amount(), r.amount()
			var m MintResult
			m, err = p.Deposit(a0, a1)
			if err == nil {
				h0.Add(&before.Reserve0, a0)
				h1.Add(&before.Reserve1, a1)
				supply.Add(&supply, &m.Liquidity)
				supply.Add(&supply, &m.Locked)
				supply.Add(&supply, &m.FeeLiquidity)
			}
		case 1: // burn a share of the supply, the pair holding a donation
			l := r.fraction(&p.TotalSupply)
			d0, d1 := r.fraction(&p.Reserve0), r.fraction(&p.Reserve1)
			b0, b1 := add(&p.Reserve0, d0), add(&p.Reserve1, d1)
			var b BurnResult
			b, err = p.Burn(l, b0, b1)
			if err == nil {
				h0.Sub(b0, &b.Amount0)
				h1.Sub(b1, &b.Amount1)
				supply.Add(&supply, &b.FeeLiquidity)
				supply.Sub(&supply, l)
			}
		case 2: // router swap
			tok := int(r.byte() % 2)
			in := r.amount()
			var out uint256.Int
			out, err = p.SwapExactIn(tok, in, zero)
			if err == nil {
				swap = true
				if tok == 0 {
					h0.Add(&before.Reserve0, in)
					h1.Sub(&before.Reserve1, &out)
				} else {
					h1.Add(&before.Reserve1, in)
					h0.Sub(&before.Reserve0, &out)
				}
			}
		case 3, 4: // core swap: take shares of both reserves, repay something
			o0, o1 := r.fraction(&p.Reserve0), r.fraction(&p.Reserve1)
			if r.byte()%2 == 0 {
				o0.Clear()
			}
			in0, in1 := r.amount(), r.amount()
			b0, b1 := new(uint256.Int), new(uint256.Int)
			if o0.Gt(&p.Reserve0) || o1.Gt(&p.Reserve1) {
				b0.Set(in0)
				b1.Set(in1)
			} else {
				b0.Add(sub(&p.Reserve0, o0), in0)
				b1.Add(sub(&p.Reserve1, o1), in1)
			}
			var a0, a1 uint256.Int
			a0, a1, err = p.Swap(o0, o1, b0, b1)
			if err == nil {
				swap = true
				h0.Set(b0)
				h1.Set(b1)
				_, _ = a0, a1
			}
		}
		if err != nil {
			if !reflect.DeepEqual(before, p) {
				t.Fatalf("op %d reverted (%v) but changed the pair", op, err)
			}
			continue
		}
		if !h0.Eq(&p.Reserve0) || !h1.Eq(&p.Reserve1) {
			t.Fatalf("op %d: reserves %s %s, pair holds %s %s", op, p.Reserve0.Dec(), p.Reserve1.Dec(), h0.Dec(), h1.Dec())
		}
		if p.Reserve0.Gt(maxUint112) || p.Reserve1.Gt(maxUint112) {
			t.Fatalf("op %d: reserve above uint112", op)
		}
		if !supply.Eq(&p.TotalSupply) {
			t.Fatalf("op %d: supply %s, accounted %s", op, p.TotalSupply.Dec(), supply.Dec())
		}
		if swap {
			var k1 uint256.Int
			k1.Mul(&p.Reserve0, &p.Reserve1)
			if k1.Lt(&k0) {
				t.Fatalf("op %d: swap lowered k %s -> %s", op, k0.Dec(), k1.Dec())
			}
		}
	}
}
