package fixed

// Tests of aave.go: oracles transliterated from protocol-v2's and
// aave-v3-core's WadRayMath, PercentageMath and MathUtils and from Astera's
// signed helpers (versions in aave.go's header), and the exact vectors of
// protocol-mechanics §T2.2.

import (
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/holiman/uint256"
)

// Oracles transliterated from protocol-v2's require-based WadRayMath and
// PercentageMath: a zero operand gives 0; otherwise the call reverts when a
// exceeds (max - half) / b.
func oV2Mul(half, unit *big.Int) func(a, b *big.Int) (*big.Int, error) {
	return func(a, b *big.Int) (*big.Int, error) {
		if a.Sign() == 0 || b.Sign() == 0 {
			return new(big.Int), nil
		}
		if a.Cmp(quo(sub(bMaxU, half), b)) > 0 {
			return nil, ErrOverflow
		}
		return quo(add(mul(a, b), half), unit), nil
	}
}

// The division forms revert on a zero divisor, then when a exceeds
// (max - b/2) / unit.
func oV2Div(unit *big.Int) func(a, b *big.Int) (*big.Int, error) {
	return func(a, b *big.Int) (*big.Int, error) {
		if b.Sign() == 0 {
			return nil, ErrDivByZero
		}
		h := quo(b, bi(2))
		if a.Cmp(quo(sub(bMaxU, h), unit)) > 0 {
			return nil, ErrOverflow
		}
		return quo(add(mul(a, unit), h), b), nil
	}
}

// Oracles transliterated from aave-v3-core's assembly: rayMul and
// percentMul revert iff b != 0 and a > (max - half) / b, then compute with
// wrapping EVM arithmetic; rayDiv reverts iff a > (max - b/2) / RAY and
// divides with EVM DIV (0 for b = 0).
func oV3Mul(half, unit *big.Int) func(a, b *big.Int) (*big.Int, error) {
	return func(a, b *big.Int) (*big.Int, error) {
		if b.Sign() != 0 && a.Cmp(quo(sub(bMaxU, half), b)) > 0 {
			return nil, ErrOverflow
		}
		return evmDiv(wrap(add(wrap(mul(a, b)), half)), unit), nil
	}
}

func oV3RayDiv(a, b *big.Int) (*big.Int, error) {
	h := quo(b, bi(2))
	if a.Cmp(quo(sub(bMaxU, h), bRAY)) > 0 {
		return nil, ErrOverflow
	}
	return evmDiv(wrap(add(wrap(mul(a, bRAY)), h)), b), nil
}

func oV3PercentDiv(a, b *big.Int) (*big.Int, error) {
	if b.Sign() == 0 {
		return nil, ErrDivByZero
	}
	h := quo(b, bi(2))
	if a.Cmp(quo(sub(bMaxU, h), bBPS)) > 0 {
		return nil, ErrOverflow
	}
	return quo(add(mul(a, bBPS), h), b), nil
}

// Astera's signed helpers in checked int256 arithmetic.
func oRayMulInt(a, b *big.Int) (*big.Int, error) {
	raw := mul(sg(a), sg(b))
	if !inI(raw) {
		return nil, ErrOverflow
	}
	half := quo(bRAY, bi(2))
	switch raw.Sign() {
	case -1:
		t := sub(raw, half)
		if !inI(t) {
			return nil, ErrOverflow
		}
		return tquo(t, bRAY), nil
	case 1:
		t := add(raw, half)
		if !inI(t) {
			return nil, ErrOverflow
		}
		return tquo(t, bRAY), nil
	}
	return new(big.Int), nil
}

func oRayDivInt(a, b *big.Int) (*big.Int, error) {
	sa, sb := sg(a), sg(b)
	if sb.Sign() == 0 {
		return nil, ErrDivByZero
	}
	halfB := tquo(sb, bi(2))
	t := mul(sa, bRAY)
	if !inI(t) {
		return nil, ErrOverflow
	}
	if (sa.Sign() >= 0 && sb.Sign() > 0) || (sa.Sign() <= 0 && sb.Sign() < 0) {
		t = add(t, halfB)
	} else {
		t = sub(t, halfB)
	}
	if !inI(t) {
		return nil, ErrOverflow
	}
	q := tquo(t, sb)
	if !inI(q) {
		return nil, ErrOverflow
	}
	return q, nil
}

var aaveBinary = []binaryOp{
	{name: "RayMul", fn: RayMul, oracle: oV2Mul(quo(bRAY, bi(2)), bRAY)},
	{name: "RayMul/v3", fn: RayMul, oracle: oV3Mul(quo(bRAY, bi(2)), bRAY)},
	{name: "RayDiv", fn: RayDiv, oracle: oV2Div(bRAY)},
	// v3's rayDiv does not check b; it returns 0 for b = 0 (documented deviation).
	{name: "RayDiv/v3", fn: RayDiv, oracle: oV3RayDiv, skip: func(_, b *big.Int) bool { return b.Sign() == 0 }},
	{name: "WadMul", fn: WadMul, oracle: oV2Mul(quo(bWAD, bi(2)), bWAD)},
	{name: "WadDiv", fn: WadDiv, oracle: oV2Div(bWAD)},
	{name: "PercentMul", fn: PercentMul, oracle: oV2Mul(bi(5000), bBPS)},
	{name: "PercentMul/v3", fn: PercentMul, oracle: oV3Mul(bi(5000), bBPS)},
	{name: "PercentDiv", fn: PercentDiv, oracle: oV2Div(bBPS)},
	{name: "PercentDiv/v3", fn: PercentDiv, oracle: oV3PercentDiv},
	{name: "SAdd", fn: SAdd, oracle: func(a, b *big.Int) (*big.Int, error) { return checkedI(add(sg(a), sg(b))) }},
	{name: "SSub", fn: SSub, oracle: func(a, b *big.Int) (*big.Int, error) { return checkedI(sub(sg(a), sg(b))) }},
	{name: "SMul", fn: SMul, oracle: func(a, b *big.Int) (*big.Int, error) { return checkedI(mul(sg(a), sg(b))) }},
	{name: "SDiv", fn: SDiv, oracle: func(a, b *big.Int) (*big.Int, error) { return oSDiv(sg(a), sg(b)) }},
	{name: "RayMulInt", fn: RayMulInt, oracle: oRayMulInt},
	{name: "RayDivInt", fn: RayDivInt, oracle: oRayDivInt},
}

var aaveUnary = []unaryOp{
	// rayToWad reverts when adding half the ratio wraps around.
	{"RayToWad", RayToWad, func(a *big.Int) (*big.Int, error) {
		r := add(a, bi(5e8))
		if !inU(r) {
			return nil, ErrOverflow
		}
		return quo(r, bBLN), nil
	}},
	// wadToRay reverts when the wrapped product divided back differs from a.
	{"WadToRay", WadToRay, func(a *big.Int) (*big.Int, error) {
		r := wrap(mul(a, bBLN))
		if quo(r, bBLN).Cmp(a) != 0 {
			return nil, ErrOverflow
		}
		return r, nil
	}},
}

// Interest oracles, transliterated with every checked operation.

func checkedI(v *big.Int) (*big.Int, error) {
	if !inI(v) {
		return nil, ErrOverflow
	}
	return v, nil
}

func checkedU(v *big.Int) error {
	if !inU(v) {
		return ErrOverflow
	}
	return nil
}

func oLinearInterest(rate *big.Int, dt uint64) (*big.Int, error) {
	p := mul(rate, new(big.Int).SetUint64(dt))
	if err := checkedU(p); err != nil {
		return nil, err
	}
	r := add(quo(p, bYear), bRAY)
	return r, checkedU(r)
}

// oCompounded transliterates v3/Astera (v2 = false) or v2 (v2 = true)
// calculateCompoundedInterest.
func oCompounded(rate *big.Int, dt uint64, v2 bool) (*big.Int, error) {
	if dt == 0 {
		return bRAY, nil
	}
	exp := new(big.Int).SetUint64(dt)
	e1 := sub(exp, bi(1))
	e2 := new(big.Int)
	if dt > 2 {
		e2 = sub(exp, bi(2))
	}
	rayMul := oV2Mul(quo(bRAY, bi(2)), bRAY)
	var b2, b3, first *big.Int
	var err error
	if v2 {
		r := quo(rate, bYear)
		if b2, err = rayMul(r, r); err != nil {
			return nil, err
		}
		if b3, err = rayMul(b2, r); err != nil {
			return nil, err
		}
		first = mul(r, exp)
	} else {
		if b2, err = rayMul(rate, rate); err != nil {
			return nil, err
		}
		b2 = quo(b2, mul(bYear, bYear))
		if b3, err = rayMul(b2, rate); err != nil {
			return nil, err
		}
		b3 = quo(b3, bYear)
		first = mul(rate, exp)
	}
	steps := []*big.Int{mul(exp, e1), mul(mul(exp, e1), b2), mul(mul(exp, e1), e2), mul(mul(mul(exp, e1), e2), b3), first}
	for _, s := range steps {
		if err := checkedU(s); err != nil {
			return nil, err
		}
	}
	second := quo(mul(mul(exp, e1), b2), bi(2))
	third := quo(mul(mul(mul(exp, e1), e2), b3), bi(6))
	if !v2 {
		first = quo(first, bYear)
	}
	sum := bRAY
	for _, s := range []*big.Int{first, second, third} {
		sum = add(sum, s)
		if err := checkedU(sum); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

type interestOp struct {
	name   string
	fn     func(z, rate *uint256.Int, dt uint64) error
	oracle func(rate *big.Int, dt uint64) (*big.Int, error)
}

var interestOps = []interestOp{
	{"LinearInterest", LinearInterest, oLinearInterest},
	{"CompoundedInterest", CompoundedInterest, func(r *big.Int, dt uint64) (*big.Int, error) { return oCompounded(r, dt, false) }},
	{"CompoundedInterestV2", CompoundedInterestV2, func(r *big.Int, dt uint64) (*big.Int, error) { return oCompounded(r, dt, true) }},
}

func checkInterest(t *testing.T, op interestOp, rate *uint256.Int, dt uint64) {
	t.Helper()
	want, werr := op.oracle(rate.ToBig(), dt)
	what := fmt.Sprintf("%s(%s, %d)", op.name, rate.Dec(), dt)
	rc := *rate
	var z uint256.Int
	err := op.fn(&z, rate, dt)
	if *rate != rc {
		t.Fatalf("%s modified its input", what)
	}
	checkResult(t, what, &z, err, want, werr)
	z = *rate
	err = op.fn(&z, &z, dt)
	checkResult(t, what+" [z=rate]", &z, err, want, werr)
}

var interestDts = []uint64{0, 1, 2, 3, 12, 3600, 86400, 5 * 86400, 31536000, 10 * 31536000, 1 << 40, 1<<64 - 1}

func TestInterestCorpus(t *testing.T) {
	for _, op := range interestOps {
		for _, r := range corpus {
			for _, dt := range interestDts {
				checkInterest(t, op, r, dt)
			}
		}
	}
}

// TestInterestVectors checks protocol-mechanics §T2.2 (v3 = Astera
// MathUtils, v2 = protocol-v2 MathUtils, linear shared).
func TestInterestVectors(t *testing.T) {
	tests := []struct {
		rate       string
		dt         uint64
		v3, v2, li string
	}{
		{"50000000000000000000000000", 1, "1000000001585489599188229325", "1000000001585489599188229325", "1000000001585489599188229325"},
		{"50000000000000000000000000", 3600, "1000005707778841852838170176", "1000005707778841860607690600", "1000005707762557077625570776"},
		{"50000000000000000000000000", 86400, "1000136995684207123907444230", "1000136995684314615598974400", "1000136986301369863013698630"},
		{"50000000000000000000000000", 31536000, "1051265681539063650421944000", "1051270908731986166777656000", "1050000000000000000000000000"},
		{"100000000000000000000000000", 86400, "1000274010136131111741806860", "1000274010136238607165755200", "1000273972602739726027397260"},
		{"100000000000000000000000000", 31536000, "1105162042821782412575504000", "1105167270015202188556648000", "1100000000000000000000000000"},
		{"1000000000000000000000000000", 86400, "1002743482460576879074742202", "1002743482460684374498700800", "1002739726027397260273972602"},
		{"1000000000000000000000000000", 31536000, "2666663803286306996604104000", "2666669030479726772588992000", "2000000000000000000000000000"},
	}
	for _, tt := range tests {
		r := u256(tt.rate)
		for _, c := range []struct {
			name string
			fn   func(z, rate *uint256.Int, dt uint64) error
			want string
		}{
			{"v3", CompoundedInterest, tt.v3}, {"v2", CompoundedInterestV2, tt.v2}, {"linear", LinearInterest, tt.li},
		} {
			var z uint256.Int
			if err := c.fn(&z, r, tt.dt); err != nil {
				t.Fatalf("%s(%s, %d): %v", c.name, tt.rate, tt.dt, err)
			}
			if z.Dec() != c.want {
				t.Errorf("%s(%s, %d) = %s, want %s", c.name, tt.rate, tt.dt, z.Dec(), c.want)
			}
		}
	}
}

// TestPercentVectors checks the liquidation and health-factor rows of
// §T2.2: debt USDC (6 dec, price 1e8), collateral WETH (18 dec, price
// 2000e8), bonus 10500.
func TestPercentVectors(t *testing.T) {
	var a, z uint256.Int
	// maxCollateral = (debtPrice·debtToCover·10^18).percentMul(bonus) / (collPrice·10^6).
	for _, tt := range []struct{ cover, want string }{
		{"1000000000", "525000000000000000"},
		{"30000000000", "15750000000000000000"}, // above the 10e18 held: the caller caps it
	} {
		a.Mul(u256("100000000"), u256(tt.cover))
		a.Mul(&a, &WAD)
		if err := PercentMul(&z, &a, u256("10500")); err != nil {
			t.Fatal(err)
		}
		z.Div(&z, u256("200000000000000000"))
		if z.Dec() != tt.want {
			t.Errorf("maxCollateral(%s) = %s, want %s", tt.cover, z.Dec(), tt.want)
		}
	}
	// debtNeeded = (collPrice·10e18·10^6 / (debtPrice·10^18)).percentDiv(bonus).
	a.Mul(u256("200000000000"), u256("10000000000000000000"))
	a.Mul(&a, u256("1000000"))
	a.Div(&a, u256("100000000000000000000000000"))
	if err := PercentDiv(&z, &a, u256("10500")); err != nil || z.Dec() != "19047619048" {
		t.Errorf("debtNeeded = %s, %v; want 19047619048", z.Dec(), err)
	}
	// HF = (10e18).percentMul(8250).wadDiv(7e18).
	if err := PercentMul(&z, u256("10000000000000000000"), u256("8250")); err != nil {
		t.Fatal(err)
	}
	if err := WadDiv(&z, &z, u256("7000000000000000000")); err != nil || z.Dec() != "1178571428571428571" {
		t.Errorf("HF = %s, %v; want 1178571428571428571", z.Dec(), err)
	}
}

// TestAsteraPIVectors checks §T2.2's Astera PI transfer function,
// borrowRate = M.rayMulInt(((max(ce, min) + RAY).rayDivInt(2·RAY)).rayPowerInt(2))
// with M = 0.2 RAY, and the integrator bounds.
func TestAsteraPIVectors(t *testing.T) {
	m := u256("200000000000000000000000000")
	twoRay := u256("2000000000000000000000000000")
	rate := func(ce string) string {
		t.Helper()
		var z uint256.Int
		if err := SAdd(&z, u256(ce), &RAY); err != nil {
			t.Fatal(err)
		}
		if err := RayDivInt(&z, &z, twoRay); err != nil {
			t.Fatal(err)
		}
		if err := RayPowInt(&z, &z, 2); err != nil {
			t.Fatal(err)
		}
		if err := RayMulInt(&z, m, &z); err != nil {
			t.Fatal(err)
		}
		return z.Dec()
	}
	for _, tt := range []struct{ ce, want string }{
		{"-367500000000000000000000000", "20002812500000000000000000"},
		{"-300100000000000000000000000", "24493000500000000000000000"},
		{"-247900000000000000000000000", "28282720500000000000000000"},
		{"0", "50000000000000000000000000"},
		{"500000000000000000000000000", "112500000000000000000000000"},
		{"1000000000000000000000000000", "200000000000000000000000000"},
	} {
		if got := rate(tt.ce); got != tt.want {
			t.Errorf("rate(ce %s) = %s, want %s", tt.ce, got, tt.want)
		}
	}
	// Normalised error (U - U*) rayDivInt (U < U* ? U* : RAY - U*).
	var e uint256.Int
	if err := RayDivInt(&e, u256("100000000000000000000000000"), u256("200000000000000000000000000")); err != nil || e.Dec() != "500000000000000000000000000" {
		t.Errorf("err(0.9, 0.8) = %s, %v", e.Dec(), err)
	}
	if err := RayDivInt(&e, u256("-400000000000000000000000000"), u256("800000000000000000000000000")); err != nil || FormatDecimalInt(&e, 0) != "-500000000000000000000000000" {
		t.Errorf("err(0.4, 0.8) = %s, %v", FormatDecimalInt(&e, 0), err)
	}
	// maxErrIAmp = ki.rayMulInt(-RAY · maxITimeAmp); one day at err +1.
	ki := u256("130000000000000000000")
	var p uint256.Int
	if err := MulInt(&p, &RAY, Int(new(uint256.Int), -1728000)); err != nil {
		t.Fatal(err)
	}
	if err := RayMulInt(&e, ki, &p); err != nil || FormatDecimalInt(&e, 0) != "-224640000000000000000000000" {
		t.Errorf("maxErrIAmp = %s, %v", FormatDecimalInt(&e, 0), err)
	}
	p.Mul(&RAY, uint256.NewInt(86400))
	if err := RayMulInt(&e, ki, &p); err != nil || e.Dec() != "11232000000000000000000000" {
		t.Errorf("errI per day = %s, %v", e.Dec(), err)
	}
}

// oRayPowInt transliterates rayPowerInt.
func oRayPowInt(base *big.Int, n uint64) (*big.Int, error) {
	if n == 0 {
		return bi(1), nil
	}
	r := sg(base)
	for i := uint64(1); i < n; i++ {
		var err error
		if r, err = oRayMulInt(wrap(r), base); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func TestRayPowIntCorpus(t *testing.T) {
	for _, x := range corpus {
		for _, n := range []uint64{0, 1, 2, 3, 4, 7} {
			want, werr := oRayPowInt(x.ToBig(), n)
			var z uint256.Int
			err := RayPowInt(&z, x, n)
			checkResult(t, fmt.Sprintf("RayPowInt(%s, %d)", x.Hex(), n), &z, err, want, werr)
			z = *x
			err = RayPowInt(&z, &z, n)
			checkResult(t, fmt.Sprintf("RayPowInt(%s, %d) [z=x]", x.Hex(), n), &z, err, want, werr)
		}
	}
}

// TestRayDivV3ZeroDivisor pins the documented deviation: this port (like
// v2 and Astera) fails where v3's assembly would return 0.
func TestRayDivV3ZeroDivisor(t *testing.T) {
	var z uint256.Int
	if err := RayDiv(&z, &RAY, new(uint256.Int)); !errors.Is(err, ErrDivByZero) {
		t.Fatalf("RayDiv(RAY, 0): err = %v, want ErrDivByZero", err)
	}
}
