package fixed

// Native fuzz targets. Each reuses the table tests' checker and oracle, so
// a fuzz failure is a differential mismatch against math/big (value, error
// or aliasing). Operands come from shape, which lets the fuzzer reach both
// raw 256-bit values and values near the corpus's thresholds.
//
// Run one target for a while with, for example:
//
//	go test -run '^$' -fuzz '^FuzzBinaryOps$' -fuzztime 2m ./protocol/fixed/

import (
	"math"
	"testing"

	"github.com/holiman/uint256"
)

// shape builds an operand from a selector and four limbs:
//
//	sel%4 == 0: the raw limbs;
//	sel%4 == 1: the raw value shifted right by 4·(sel/4) bits (small values);
//	sel%4 == 2: corpus[l0 % len] plus the signed delta int64(l1) >> (sel/4);
//	sel%4 == 3: the negation of the sel%4 == 1 value (negative int256s).
func shape(sel uint8, l0, l1, l2, l3 uint64) *uint256.Int {
	raw := &uint256.Int{l0, l1, l2, l3}
	k := uint(sel / 4)
	switch sel % 4 {
	case 1:
		return raw.Rsh(raw, 4*k)
	case 2:
		c := corpus[l0%uint64(len(corpus))]
		var d uint256.Int
		Int(&d, int64(l1)>>min(k, 63))
		return d.Add(&d, c)
	case 3:
		raw.Rsh(raw, 4*k)
		return raw.Neg(raw)
	}
	return raw
}

var (
	fuzzBinary = allBinary()
	fuzzUnary  = allUnary()
)

// seedCorpusPairs adds corpus-indexed seeds (shape mode 2, zero delta).
func seedCorpusPairs(f *testing.F, ops int) {
	for op := 0; op < ops; op++ {
		for _, p := range [][2]uint64{{0, 0}, {1, 27}, {27, 27}, {44, 2}, {47, 47}, {49, 26}, {60, 63}, {70, 18}} {
			f.Add(uint8(op), uint8(2), p[0], uint64(0), uint64(0), uint64(0), uint8(2), p[1], uint64(0), uint64(0), uint64(0))
		}
	}
}

func FuzzBinaryOps(f *testing.F) {
	seedCorpusPairs(f, len(fuzzBinary))
	f.Fuzz(func(t *testing.T, op, xs uint8, x0, x1, x2, x3 uint64, ys uint8, y0, y1, y2, y3 uint64) {
		checkBinary(t, fuzzBinary[int(op)%len(fuzzBinary)], shape(xs, x0, x1, x2, x3), shape(ys, y0, y1, y2, y3))
	})
}

func FuzzUnaryOps(f *testing.F) {
	for op := range fuzzUnary {
		for i := range uint64(len(corpus)) {
			f.Add(uint8(op), uint8(2), i, uint64(0), uint64(0), uint64(0))
		}
	}
	f.Fuzz(func(t *testing.T, op, xs uint8, x0, x1, x2, x3 uint64) {
		checkUnary(t, fuzzUnary[int(op)%len(fuzzUnary)], shape(xs, x0, x1, x2, x3))
	})
}

func FuzzMulDiv(f *testing.F) {
	for op := range ternaryOps {
		f.Add(uint8(op), uint8(2), uint64(27), uint64(0), uint8(2), uint64(27), uint64(0), uint8(2), uint64(22), uint64(0))
		f.Add(uint8(op), uint8(0), ^uint64(0), ^uint64(0), uint8(0), ^uint64(0), ^uint64(0), uint8(1), uint64(3), uint64(0))
	}
	f.Fuzz(func(t *testing.T, op, xs uint8, x0, x1 uint64, ys uint8, y0, y1 uint64, ds uint8, d0, d1 uint64) {
		// Two limbs each, mirrored into the high half, keep the product of
		// large operands in play without four more arguments apiece.
		x := shape(xs, x0, x1, x1, x0)
		y := shape(ys, y0, y1, y0, y1)
		d := shape(ds, d0, d1, d1, d0)
		checkTernary(t, ternaryOps[int(op)%len(ternaryOps)], x, y, d)
	})
}

var rpowBases = []*uint256.Int{&RAY, &WAD, &BLN, u256("0"), u256("1"), u256("2"), u256("10"), u256("3")}

func FuzzRPow(f *testing.F) {
	f.Add(uint8(2), uint64(33), uint64(0), uint64(600), uint8(0))
	f.Add(uint8(2), uint64(27), uint64(1000), uint64(31536000), uint8(0))
	f.Add(uint8(2), uint64(22), uint64(0), uint64(86400), uint8(1))
	f.Fuzz(func(t *testing.T, xs uint8, x0, x1, n uint64, b uint8) {
		checkRPow(t, shape(xs, x0, x1, 0, 0), n, rpowBases[int(b)%len(rpowBases)])
	})
}

// FuzzExpWad concentrates on expWad's domain: x = 16·a + lo spans
// ±1.5e20, past both bounds, with every wei reachable.
func FuzzExpWad(f *testing.F) {
	f.Add(int64(0), uint8(0))
	f.Add(int64(-41446531673892822313/16), uint8(7))
	f.Add(int64(135305999368893231588/16), uint8(4))
	f.Add(int64(1e18/16), uint8(0))
	f.Fuzz(func(t *testing.T, a int64, lo uint8) {
		var x, l uint256.Int
		Int(&x, a)
		x.Lsh(&x, 4)
		l.SetUint64(uint64(lo % 16))
		x.Add(&x, &l)
		checkUnary(t, soladyUnary[0], &x)
		if !IsNeg(&x) && !x.IsZero() {
			checkUnary(t, soladyUnary[1], &x)
		}
	})
}

func FuzzInterest(f *testing.F) {
	for op := range len(interestOps) + 1 {
		f.Add(uint8(op), uint8(2), uint64(32), uint64(0), uint64(86400))
		f.Add(uint8(op), uint8(2), uint64(27), uint64(0), uint64(31536000))
	}
	f.Fuzz(func(t *testing.T, op, rs uint8, r0, r1, dt uint64) {
		r := shape(rs, r0, r1, r1, r0)
		i := int(op) % (len(interestOps) + 1)
		if i < len(interestOps) {
			checkInterest(t, interestOps[i], r, dt)
			return
		}
		n := dt % 8
		want, werr := oRayPowInt(r.ToBig(), n)
		var z uint256.Int
		err := RayPowInt(&z, r, n)
		checkResult(t, "RayPowInt", &z, err, want, werr)
	})
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"1.05", "0", "007.50", ".5", "1.", "-1", "1e18", "115792089237316195423570985008687907853269984665640564039457584007913129639935", "1.0000000000000000001", "0.000000000000000000000000000000000000000000001"} {
		f.Add(s, uint8(18))
		f.Add(s, uint8(45))
	}
	f.Fuzz(func(t *testing.T, s string, d uint8) {
		checkParse(t, s, uint(d)%80)
		checkParseInt(t, s, uint(d)%80)
	})
}

// checkParseInt checks ParseDecimalInt against the unsigned oracle with the
// sign handled by hand.
func checkParseInt(t *testing.T, s string, d uint) {
	t.Helper()
	body, neg := s, false
	if len(s) > 0 && s[0] == '-' {
		body, neg = s[1:], true
	}
	want, werr := oParseDecimal(body, d)
	if werr == nil {
		if neg {
			want.Neg(want)
		}
		if !inI(want) {
			want, werr = nil, ErrOverflow
		}
	}
	var z uint256.Int
	err := ParseDecimalInt(&z, s, d)
	checkResult(t, "ParseDecimalInt("+quote(s)+")", &z, err, want, werr)
}

func FuzzDecimalRoundTrip(f *testing.F) {
	f.Add(uint8(2), uint64(23), uint64(0), uint64(0), uint64(0), uint8(18))
	f.Add(uint8(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), uint8(77))
	f.Fuzz(func(t *testing.T, xs uint8, x0, x1, x2, x3 uint64, d uint8) {
		checkRoundTrip(t, shape(xs, x0, x1, x2, x3), uint(d)%(MaxDecimals+1))
	})
}

func FuzzFromFloat(f *testing.F) {
	for _, v := range floatCorpus {
		f.Add(v, uint8(18))
		f.Add(v, uint8(0))
	}
	f.Fuzz(func(t *testing.T, v float64, d uint8) {
		dd := uint(d) % 80
		checkFromFloat(t, v, dd)
		// The signed form must agree with the unsigned one on |v|.
		if math.IsNaN(v) || math.IsInf(v, 0) || dd > MaxDecimals {
			return
		}
		var zs, zu uint256.Int
		errS := FromFloatInt(&zs, v, dd)
		errU := FromFloat(&zu, math.Abs(v), dd)
		if errU == nil && !IsNeg(&zu) {
			if v < 0 {
				zu.Neg(&zu)
			}
			if errS != nil || zs != zu {
				t.Errorf("FromFloatInt(%v, %d) = %s, %v; want %s", v, dd, zs.Hex(), errS, zu.Hex())
			}
		}
	})
}

func FuzzToFloat(f *testing.F) {
	f.Add(uint8(2), uint64(23), uint64(0), uint64(0), uint64(0), uint8(18))
	f.Add(uint8(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), uint8(77))
	f.Add(uint8(1), uint64(9007199254740993), uint64(0), uint64(0), uint64(0), uint8(0))
	f.Fuzz(func(t *testing.T, xs uint8, x0, x1, x2, x3 uint64, d uint8) {
		checkToFloat(t, shape(xs, x0, x1, x2, x3), uint(d)%(MaxDecimals+1))
	})
}
