package fixed

// Tests of pendle.go: oracles transliterated from Pendle's PMath.sol
// (version in pendle.go's header).

import (
	"errors"
	"math/big"
	"testing"

	"github.com/holiman/uint256"
)

// Oracles transliterated from PMath.sol in checked Solidity 0.8 arithmetic,
// evaluated in source order so the first failing operation picks the error.

func oMulDown(a, b *big.Int) (*big.Int, error) {
	p := mul(a, b)
	if !inU(p) {
		return nil, ErrOverflow
	}
	return quo(p, bWAD), nil
}

func oDivDown(a, b *big.Int) (*big.Int, error) {
	p := mul(a, bWAD)
	if !inU(p) {
		return nil, ErrOverflow
	}
	if b.Sign() == 0 {
		return nil, ErrDivByZero
	}
	return quo(p, b), nil
}

func oRawDivUp(a, b *big.Int) (*big.Int, error) {
	s := add(a, b)
	if !inU(s) {
		return nil, ErrOverflow
	}
	s = sub(s, bi(1))
	if !inU(s) {
		return nil, ErrUnderflow
	}
	if b.Sign() == 0 {
		return nil, ErrDivByZero
	}
	return quo(s, b), nil
}

// oSDiv is a checked int256 division.
func oSDiv(x, y *big.Int) (*big.Int, error) {
	if y.Sign() == 0 {
		return nil, ErrDivByZero
	}
	q := tquo(x, y)
	if !inI(q) {
		return nil, ErrOverflow
	}
	return q, nil
}

var pendleBinary = []binaryOp{
	{name: "MulDown", fn: MulDown, oracle: oMulDown},
	{name: "DivDown", fn: DivDown, oracle: oDivDown},
	{name: "RawDivUp", fn: RawDivUp, oracle: oRawDivUp},
	{name: "SMulDown", fn: SMulDown, oracle: func(a, b *big.Int) (*big.Int, error) {
		p := mul(sg(a), sg(b))
		if !inI(p) {
			return nil, ErrOverflow
		}
		return tquo(p, bWAD), nil // unchecked: the divisor is a positive constant
	}},
	{name: "SDivDown", fn: SDivDown, oracle: func(a, b *big.Int) (*big.Int, error) {
		p := mul(sg(a), bWAD)
		if !inI(p) {
			return nil, ErrOverflow
		}
		// unchecked: zero still panics; min / -1 cannot occur (p is a multiple of 1e18).
		if b.Sign() == 0 {
			return nil, ErrDivByZero
		}
		return tquo(p, sg(b)), nil
	}},
	{name: "SRawDivUp", fn: SRawDivUp, oracle: func(a, b *big.Int) (*big.Int, error) {
		s := add(sg(a), sg(b))
		if !inI(s) {
			return nil, ErrOverflow
		}
		s = sub(s, bi(1))
		if !inI(s) {
			return nil, ErrOverflow
		}
		return oSDiv(s, sg(b))
	}},
	{name: "SubMax0", fn: noErr(SubMax0), oracle: func(a, b *big.Int) (*big.Int, error) {
		if a.Cmp(b) >= 0 {
			return sub(a, b), nil
		}
		return new(big.Int), nil
	}},
	{name: "SubNoNeg", fn: SubNoNeg, oracle: func(a, b *big.Int) (*big.Int, error) {
		sa, sb := sg(a), sg(b)
		if sa.Cmp(sb) < 0 {
			return nil, ErrNegative
		}
		d := sub(sa, sb)
		if !inI(d) {
			return nil, ErrOverflow
		}
		return d, nil
	}},
	{name: "SMax", fn: noErr(SMax), oracle: func(a, b *big.Int) (*big.Int, error) {
		if sg(a).Cmp(sg(b)) > 0 {
			return a, nil
		}
		return b, nil
	}},
	{name: "SMin", fn: noErr(SMin), oracle: func(a, b *big.Int) (*big.Int, error) {
		if sg(a).Cmp(sg(b)) < 0 {
			return a, nil
		}
		return b, nil
	}},
	{name: "TweakUp", fn: TweakUp, oracle: func(a, f *big.Int) (*big.Int, error) {
		g := add(bWAD, f)
		if !inU(g) {
			return nil, ErrOverflow
		}
		return oMulDown(a, g)
	}},
	{name: "TweakDown", fn: TweakDown, oracle: func(a, f *big.Int) (*big.Int, error) {
		g := sub(bWAD, f)
		if !inU(g) {
			return nil, ErrUnderflow
		}
		return oMulDown(a, g)
	}},
}

// oSqrt transliterates PMath.sqrt (Uniswap's Babylonian iteration).
func oSqrt(y *big.Int) (*big.Int, error) {
	if y.Cmp(bi(3)) > 0 {
		z := new(big.Int).Set(y)
		x := add(quo(y, bi(2)), bi(1))
		for x.Cmp(z) < 0 {
			z = x
			x = quo(add(quo(y, x), x), bi(2))
		}
		return z, nil
	}
	if y.Sign() != 0 {
		return bi(1), nil
	}
	return new(big.Int), nil
}

var pendleUnary = []unaryOp{
	{"SAbs", SAbs, func(x *big.Int) (*big.Int, error) {
		a := new(big.Int).Abs(sg(x))
		if !inI(a) {
			return nil, ErrOverflow
		}
		return a, nil
	}},
	{"SNeg", SNeg, func(x *big.Int) (*big.Int, error) {
		n := new(big.Int).Neg(sg(x))
		if !inI(n) {
			return nil, ErrOverflow
		}
		return n, nil
	}},
	{"NegUint", NegUint, func(x *big.Int) (*big.Int, error) {
		if x.Cmp(bMaxI) > 0 {
			return nil, ErrOverflow
		}
		return new(big.Int).Neg(x), nil
	}},
	{"ToInt", ToInt, func(x *big.Int) (*big.Int, error) {
		if x.Cmp(bMaxI) > 0 {
			return nil, ErrOverflow
		}
		return x, nil
	}},
	{"ToUint", ToUint, func(x *big.Int) (*big.Int, error) {
		if sg(x).Sign() < 0 {
			return nil, ErrUnderflow
		}
		return x, nil
	}},
	{"Sqrt", func(z, x *uint256.Int) error { Sqrt(z, x); return nil }, oSqrt},
}

// TestPendleSigned pins the truncation toward zero of the signed helpers.
func TestPendleSigned(t *testing.T) {
	neg := func(s string) *uint256.Int { return u256("-" + s) }
	var z uint256.Int
	// -3 wei · 0.5 = -1.5 wei truncates to -1 (a floor would give -2).
	if err := SMulDown(&z, neg("3"), u256("500000000000000000")); err != nil || FormatDecimalInt(&z, 0) != "-1" {
		t.Errorf("SMulDown(-3, 0.5) = %s, %v; want -1", FormatDecimalInt(&z, 0), err)
	}
	// -1 / 3 at WAD = -0.333…: truncates to -333333333333333333.
	if err := SDivDown(&z, neg("1"), u256("3")); err != nil || FormatDecimalInt(&z, 0) != "-333333333333333333" {
		t.Errorf("SDivDown(-1, 3) = %s, %v", FormatDecimalInt(&z, 0), err)
	}
	if err := SDivDown(&z, neg("1000000000000000000"), u256("3000000000000000000")); err != nil || FormatDecimalInt(&z, 18) != "-0.333333333333333333" {
		t.Errorf("SDivDown(-1e18, 3e18) = %s, %v", FormatDecimalInt(&z, 18), err)
	}
	if err := SubNoNeg(&z, u256("1"), u256("2")); !errors.Is(err, ErrNegative) {
		t.Errorf("SubNoNeg(1, 2): err = %v, want ErrNegative", err)
	}
	if err := SMulDown(&z, &MinInt256, neg("1")); !errors.Is(err, ErrOverflow) {
		t.Errorf("SMulDown(min, -1): err = %v, want ErrOverflow", err)
	}
	if err := RawDivUp(&z, u256("7"), u256("2")); err != nil || z.Uint64() != 4 {
		t.Errorf("RawDivUp(7, 2) = %s, %v; want 4", z.Dec(), err)
	}
	if err := RawDivUp(&z, u256("0"), u256("0")); !errors.Is(err, ErrUnderflow) {
		t.Errorf("RawDivUp(0, 0): err = %v, want ErrUnderflow", err)
	}
}
