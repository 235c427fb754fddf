package fixed

// Differential testing against math/big. Every exported operation has an
// oracle that transliterates the contract (or, for the generic helpers, the
// Solidity expression) into exact big-integer arithmetic and decides whether
// the call reverts; the Go function must agree on the value and on the
// error sentinel. The checkers also verify that inputs are left unmodified
// and that the destination may alias each argument. The edge-case corpus
// below is shared by the table tests and the fuzz targets (fuzz_test.go).

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/holiman/uint256"
)

// Big-integer constants and helpers. Values cross into the oracles as
// unsigned big.Ints in [0, 2^256); sg reads one as an int256.
var (
	bTwo256 = new(big.Int).Lsh(big.NewInt(1), 256)
	bMaxU   = new(big.Int).Sub(bTwo256, big.NewInt(1))
	bMinI   = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 255))
	bMaxI   = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(1))
	bWAD    = big.NewInt(1e18)
	bRAY    = new(big.Int).Exp(big.NewInt(10), big.NewInt(27), nil)
	bBLN    = big.NewInt(1e9)
	bBPS    = big.NewInt(1e4)
	bYear   = big.NewInt(SecondsPerYear)
)

func bi(v int64) *big.Int { return big.NewInt(v) }

// sg reads the unsigned x as a two's complement int256.
func sg(x *big.Int) *big.Int {
	if x.Cmp(bMaxI) > 0 {
		return new(big.Int).Sub(x, bTwo256)
	}
	return new(big.Int).Set(x)
}

// wrap reduces v modulo 2^256 into [0, 2^256), as EVM arithmetic does.
func wrap(v *big.Int) *big.Int { return new(big.Int).Mod(v, bTwo256) }

// inU and inI report whether v fits a uint256 or an int256.
func inU(v *big.Int) bool { return v.Sign() >= 0 && v.Cmp(bMaxU) <= 0 }
func inI(v *big.Int) bool { return v.Cmp(bMinI) >= 0 && v.Cmp(bMaxI) <= 0 }

func add(x, y *big.Int) *big.Int { return new(big.Int).Add(x, y) }
func sub(x, y *big.Int) *big.Int { return new(big.Int).Sub(x, y) }
func mul(x, y *big.Int) *big.Int { return new(big.Int).Mul(x, y) }

// quo is floor division of non-negative values.
func quo(x, y *big.Int) *big.Int { return new(big.Int).Quo(x, y) }

// tquo is Solidity's int256 division: truncation toward zero.
func tquo(x, y *big.Int) *big.Int { return new(big.Int).Quo(x, y) }

// evmDiv and evmSdiv are the EVM's DIV and SDIV on signed or unsigned big
// values already reduced to range: division by zero yields 0, and SDIV of
// type(int256).min by -1 wraps to type(int256).min.
func evmDiv(x, y *big.Int) *big.Int {
	if y.Sign() == 0 {
		return new(big.Int)
	}
	return quo(x, y)
}

func evmSdiv(x, y *big.Int) *big.Int {
	if y.Sign() == 0 {
		return new(big.Int)
	}
	return sg(wrap(tquo(x, y)))
}

// sar is the EVM's SAR on a signed value: a floor shift.
func sar(x *big.Int, n uint) *big.Int { return new(big.Int).Rsh(x, n) }

// ws wraps v to an int256 (an unchecked signed operation's result).
func ws(v *big.Int) *big.Int { return sg(wrap(v)) }

func bigOf(x *uint256.Int) *big.Int { return x.ToBig() }

func u256(s string) *uint256.Int {
	if len(s) > 0 && s[0] == '-' {
		return new(uint256.Int).Neg(uint256.MustFromDecimal(s[1:]))
	}
	if len(s) > 2 && s[:2] == "0x" {
		return uint256.MustFromHex(s)
	}
	return uint256.MustFromDecimal(s)
}

func pow2(n uint) *uint256.Int { return new(uint256.Int).Lsh(uint256.NewInt(1), n) }

func addS(x *uint256.Int, d int64) *uint256.Int {
	var di uint256.Int
	Int(&di, d)
	return new(uint256.Int).Add(x, &di)
}

func divU(x, y *uint256.Int) *uint256.Int { return new(uint256.Int).Div(x, y) }
func subU(x, y *uint256.Int) *uint256.Int { return new(uint256.Int).Sub(x, y) }

// corpus is the shared edge-case corpus: units and their halves, powers of
// two around the limb and sign boundaries, and the overflow thresholds of
// each operation family (each ±1). Negative entries are two's complement.
var corpus = func() []*uint256.Int {
	maxU := &Max
	c := []*uint256.Int{
		u256("0"), u256("1"), u256("2"), u256("3"), u256("5"), u256("7"), u256("10"),
		u256("4999"), u256("5000"), u256("5001"), u256("9999"), u256("10000"), u256("10001"), u256("10500"),
		u256("499999999"), u256("500000000"), u256("999999999"), u256("1000000000"), u256("1000000001"),
		&halfWAD, addS(&WAD, -1), &WAD, addS(&WAD, 1), u256("2000000000000000000"),
		&halfRAY, addS(&RAY, -1), &RAY, addS(&RAY, 1), u256("2000000000000000000000000000"),
		&RAD, addS(&RAD, -1),
		// Rates: 5%/yr RAY, 5% APY per-second (nearest), 5%/day duty.
		u256("50000000000000000000000000"), u256("1000000001547125957863212449"), u256("1000000564701133626865910626"),
		// Limb and sign boundaries.
		u256("18446744073709551615"), pow2(64), addS(pow2(128), -1), pow2(128), addS(pow2(128), 1),
		addS(pow2(192), -1), pow2(192), addS(pow2(255), -1), pow2(255), addS(pow2(255), 1),
		addS(maxU, -1), maxU,
		// Half-up thresholds a·b + h ≤ max for b = RAY, WAD, BPS (Aave).
		divU(subU(maxU, &halfRAY), &RAY), addS(divU(subU(maxU, &halfRAY), &RAY), 1),
		divU(subU(maxU, &halfWAD), &WAD), addS(divU(subU(maxU, &halfWAD), &WAD), 1),
		divU(subU(maxU, &halfPercent), &PercentageFactor), addS(divU(subU(maxU, &halfPercent), &PercentageFactor), 1),
		// Floor thresholds x·unit ≤ max (dss, Pendle, solady).
		divU(maxU, &RAY), addS(divU(maxU, &RAY), 1), divU(maxU, &WAD), addS(divU(maxU, &WAD), 1),
		divU(maxU, &BLN), addS(divU(maxU, &BLN), 1),
		// int256 thresholds for x·WAD and x·RAY.
		divU(&MaxInt256, &WAD), addS(divU(&MaxInt256, &WAD), 1), divU(&MaxInt256, &RAY), addS(divU(&MaxInt256, &RAY), 1),
		// RayToWad threshold max - 5e8.
		subU(maxU, &halfBLN), addS(subU(maxU, &halfBLN), 1),
		// expWad bounds and lnWad's range.
		u256("-41446531673892822313"), u256("-41446531673892822312"), u256("135305999368893231588"), u256("135305999368893231589"),
		u256("100000000000000000000"), u256("-3000000000000000000"),
		// Negative values.
		u256("-1"), u256("-2"), u256("-5000"), new(uint256.Int).Neg(&WAD), new(uint256.Int).Neg(&halfRAY),
		new(uint256.Int).Neg(&RAY), new(uint256.Int).Neg(pow2(128)),
		// Irregular values from uint256's shared corpus.
		u256("0x1ce97e1ab91a"), u256("0x66aa0a5319bcf5cb4"), // regression for udivrem() where len(x) < len(y) in uint256
		u256("0xf000000000000000000000000000000000000000000000000000000000000000"),
	}
	return c
}()

// binaryOp pairs a Go operation with its oracle. The oracle receives the
// unsigned values of x and y and returns the result (signed or unsigned; it
// is compared modulo 2^256) or the error the contract's revert maps to.
type binaryOp struct {
	name   string
	fn     func(z, x, y *uint256.Int) error
	oracle func(x, y *big.Int) (*big.Int, error)
	// skip, if set, excludes inputs where the oracle does not apply.
	skip func(x, y *big.Int) bool
}

// noErr adapts an infallible operation.
func noErr(f func(z, x, y *uint256.Int) *uint256.Int) func(z, x, y *uint256.Int) error {
	return func(z, x, y *uint256.Int) error { f(z, x, y); return nil }
}

// checkResult compares a Go result with the oracle's.
func checkResult(t *testing.T, what string, got *uint256.Int, err error, want *big.Int, werr error) {
	t.Helper()
	switch {
	case werr != nil && err == nil:
		t.Errorf("%s = %s, want error %v", what, got.Dec(), werr)
	case werr == nil && err != nil:
		t.Errorf("%s: unexpected error %v, want %s", what, err, wrap(want))
	case werr != nil && !errors.Is(err, werr):
		t.Errorf("%s: error %v, want %v", what, err, werr)
	case werr == nil && got.ToBig().Cmp(wrap(want)) != 0:
		t.Errorf("%s = %s, want %s", what, got.Dec(), wrap(want))
	}
}

// checkBinary runs op on (x, y) fresh and with the destination aliasing
// each argument, and checks the inputs are not modified.
func checkBinary(t *testing.T, op binaryOp, x, y *uint256.Int) {
	t.Helper()
	bx, by := x.ToBig(), y.ToBig()
	if op.skip != nil && op.skip(bx, by) {
		return
	}
	want, werr := op.oracle(bx, by)
	what := fmt.Sprintf("%s(%s, %s)", op.name, x.Hex(), y.Hex())

	xc, yc := *x, *y
	var z uint256.Int
	err := op.fn(&z, x, y)
	if *x != xc || *y != yc {
		t.Fatalf("%s modified its inputs", what)
	}
	checkResult(t, what, &z, err, want, werr)

	z = *x
	err = op.fn(&z, &z, y)
	checkResult(t, what+" [z=x]", &z, err, want, werr)
	z = *y
	err = op.fn(&z, x, &z)
	checkResult(t, what+" [z=y]", &z, err, want, werr)
	if *x == *y {
		z = *x
		err = op.fn(&z, &z, &z)
		checkResult(t, what+" [z=x=y]", &z, err, want, werr)
	}
}

type unaryOp struct {
	name   string
	fn     func(z, x *uint256.Int) error
	oracle func(x *big.Int) (*big.Int, error)
}

func checkUnary(t *testing.T, op unaryOp, x *uint256.Int) {
	t.Helper()
	want, werr := op.oracle(x.ToBig())
	what := fmt.Sprintf("%s(%s)", op.name, x.Hex())
	xc := *x
	var z uint256.Int
	err := op.fn(&z, x)
	if *x != xc {
		t.Fatalf("%s modified its input", what)
	}
	checkResult(t, what, &z, err, want, werr)
	z = *x
	err = op.fn(&z, &z)
	checkResult(t, what+" [z=x]", &z, err, want, werr)
}

// Oracles of the generic and Maker helpers.

func oMulDiv(x, y, d *big.Int) (*big.Int, error) {
	if d.Sign() == 0 {
		return nil, ErrDivByZero
	}
	p := mul(x, y)
	if !inU(p) {
		return nil, ErrOverflow
	}
	return quo(p, d), nil
}

func oFullMulDiv(x, y, d *big.Int, up bool) (*big.Int, error) {
	if d.Sign() == 0 {
		return nil, ErrDivByZero
	}
	q, r := new(big.Int).QuoRem(mul(x, y), d, new(big.Int))
	if !inU(q) {
		return nil, ErrOverflow
	}
	if up && r.Sign() != 0 {
		q.Add(q, big.NewInt(1))
		if !inU(q) {
			return nil, ErrOverflow
		}
	}
	return q, nil
}

var makerBinary = []binaryOp{
	{name: "Add", fn: Add, oracle: func(x, y *big.Int) (*big.Int, error) {
		if r := add(x, y); inU(r) {
			return r, nil
		}
		return nil, ErrOverflow
	}},
	{name: "Sub", fn: Sub, oracle: func(x, y *big.Int) (*big.Int, error) {
		if r := sub(x, y); inU(r) {
			return r, nil
		}
		return nil, ErrUnderflow
	}},
	{name: "Mul", fn: Mul, oracle: func(x, y *big.Int) (*big.Int, error) {
		if r := mul(x, y); inU(r) {
			return r, nil
		}
		return nil, ErrOverflow
	}},
	{name: "Div", fn: Div, oracle: func(x, y *big.Int) (*big.Int, error) {
		if y.Sign() == 0 {
			return nil, ErrDivByZero
		}
		return quo(x, y), nil
	}},
	{name: "WMul", fn: WMul, oracle: func(x, y *big.Int) (*big.Int, error) { return oMulDiv(x, y, bWAD) }},
	{name: "RMul", fn: RMul, oracle: func(x, y *big.Int) (*big.Int, error) { return oMulDiv(x, y, bRAY) }},
	{name: "WDiv", fn: WDiv, oracle: func(x, y *big.Int) (*big.Int, error) { return oMulDiv(x, bWAD, y) }},
	{name: "RDiv", fn: RDiv, oracle: func(x, y *big.Int) (*big.Int, error) { return oMulDiv(x, bRAY, y) }},
	// vat.sol _add(uint, int): a wrapping sum that reverts when a negative y
	// increased it or a positive y decreased it.
	{name: "AddInt", fn: AddInt, oracle: func(x, y *big.Int) (*big.Int, error) {
		z := wrap(add(x, y))
		sy := sg(y)
		if sy.Sign() < 0 && z.Cmp(x) > 0 {
			return nil, ErrUnderflow
		}
		if sy.Sign() > 0 && z.Cmp(x) < 0 {
			return nil, ErrOverflow
		}
		return z, nil
	}},
	// vat.sol _mul(uint, int): a wrapping signed product that reverts when x
	// is not a non-negative int256 or when dividing it back by a non-zero y
	// (EVM SDIV) does not give x.
	{name: "MulInt", fn: MulInt, oracle: func(x, y *big.Int) (*big.Int, error) {
		sx, sy := sg(x), sg(y)
		z := ws(mul(sx, sy))
		if sx.Sign() < 0 {
			return nil, ErrOverflow
		}
		if sy.Sign() != 0 && evmSdiv(z, sy).Cmp(sx) != 0 {
			return nil, ErrOverflow
		}
		return z, nil
	}},
	// jug.sol _diff: a signed difference that reverts when either operand
	// is not a non-negative int256.
	{name: "Diff", fn: Diff, oracle: func(x, y *big.Int) (*big.Int, error) {
		if sg(x).Sign() < 0 || sg(y).Sign() < 0 {
			return nil, ErrOverflow
		}
		return sub(x, y), nil
	}},
	{name: "Min", fn: noErr(Min), oracle: func(x, y *big.Int) (*big.Int, error) {
		if x.Cmp(y) < 0 {
			return x, nil
		}
		return y, nil
	}},
	{name: "Max2", fn: noErr(Max2), oracle: func(x, y *big.Int) (*big.Int, error) {
		if x.Cmp(y) > 0 {
			return x, nil
		}
		return y, nil
	}},
}

// allBinary gathers every family's binary operations.
func allBinary() []binaryOp {
	return slices.Concat(makerBinary, aaveBinary, pendleBinary, soladyBinary)
}

func allUnary() []unaryOp {
	return slices.Concat(aaveUnary, pendleUnary, soladyUnary)
}

func TestBinaryOpsCorpus(t *testing.T) {
	for _, op := range allBinary() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			for _, x := range corpus {
				for _, y := range corpus {
					checkBinary(t, op, x, y)
				}
			}
		})
	}
}

func TestUnaryOpsCorpus(t *testing.T) {
	for _, op := range allUnary() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			for _, x := range corpus {
				checkUnary(t, op, x)
			}
		})
	}
}

// ternaryOp covers MulDiv and FullMulDiv.
type ternaryOp struct {
	name   string
	fn     func(z, x, y, d *uint256.Int) error
	oracle func(x, y, d *big.Int) (*big.Int, error)
}

var ternaryOps = []ternaryOp{
	{"MulDiv", MulDiv, oMulDiv},
	{"FullMulDiv/down", func(z, x, y, d *uint256.Int) error { return FullMulDiv(z, x, y, d, false) },
		func(x, y, d *big.Int) (*big.Int, error) { return oFullMulDiv(x, y, d, false) }},
	{"FullMulDiv/up", func(z, x, y, d *uint256.Int) error { return FullMulDiv(z, x, y, d, true) },
		func(x, y, d *big.Int) (*big.Int, error) { return oFullMulDiv(x, y, d, true) }},
}

func checkTernary(t *testing.T, op ternaryOp, x, y, d *uint256.Int) {
	t.Helper()
	want, werr := op.oracle(x.ToBig(), y.ToBig(), d.ToBig())
	what := fmt.Sprintf("%s(%s, %s, %s)", op.name, x.Hex(), y.Hex(), d.Hex())
	xc, yc, dc := *x, *y, *d
	var z uint256.Int
	err := op.fn(&z, x, y, d)
	if *x != xc || *y != yc || *d != dc {
		t.Fatalf("%s modified its inputs", what)
	}
	checkResult(t, what, &z, err, want, werr)
	for i, arg := range []*uint256.Int{x, y, d} {
		args := []*uint256.Int{x, y, d}
		z = *arg
		args[i] = &z
		err = op.fn(&z, args[0], args[1], args[2])
		checkResult(t, fmt.Sprintf("%s [z=arg%d]", what, i), &z, err, want, werr)
	}
}

func TestTernaryOpsCorpus(t *testing.T) {
	// Every third corpus entry as divisor keeps the triple count moderate.
	for _, op := range ternaryOps {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			for _, x := range corpus {
				for _, y := range corpus {
					for i := 0; i < len(corpus); i += 3 {
						checkTernary(t, op, x, y, corpus[i])
					}
				}
			}
		})
	}
}

// oRPow transliterates dss's _rpow assembly: EVM arithmetic (division by
// zero yields 0) with its overflow reverts.
func oRPow(x *big.Int, n uint64, b *big.Int) (*big.Int, error) {
	if x.Sign() == 0 {
		if n == 0 {
			return b, nil
		}
		return new(big.Int), nil
	}
	var z *big.Int
	if n%2 == 0 {
		z = b
	} else {
		z = x
	}
	half := quo(b, bi(2))
	for n /= 2; n > 0; n /= 2 {
		xx := mul(x, x)
		if !inU(xx) {
			return nil, ErrOverflow
		}
		xxRound := add(xx, half)
		if !inU(xxRound) {
			return nil, ErrOverflow
		}
		x = evmDiv(xxRound, b)
		if n%2 == 1 {
			zx := mul(z, x)
			if x.Sign() != 0 && !inU(zx) {
				return nil, ErrOverflow
			}
			zxRound := add(zx, half)
			if !inU(zxRound) {
				return nil, ErrOverflow
			}
			z = evmDiv(zxRound, b)
		}
	}
	return z, nil
}

func checkRPow(t *testing.T, x *uint256.Int, n uint64, b *uint256.Int) {
	t.Helper()
	want, werr := oRPow(x.ToBig(), n, b.ToBig())
	what := fmt.Sprintf("RPow(%s, %d, %s)", x.Dec(), n, b.Dec())
	xc, bc := *x, *b
	var z uint256.Int
	err := RPow(&z, x, n, b)
	if *x != xc || *b != bc {
		t.Fatalf("%s modified its inputs", what)
	}
	checkResult(t, what, &z, err, want, werr)
	z = *x
	err = RPow(&z, &z, n, b)
	checkResult(t, what+" [z=x]", &z, err, want, werr)
	z = *b
	err = RPow(&z, x, n, &z)
	checkResult(t, what+" [z=b]", &z, err, want, werr)
}

var rpowExponents = []uint64{0, 1, 2, 3, 4, 5, 7, 8, 60, 600, 3724, 86400, 3 * 86400, 31536000, 1<<32 - 1, 1<<63 + 1, ^uint64(0)}

func TestRPowCorpus(t *testing.T) {
	bases := []*uint256.Int{&RAY, &WAD, u256("0"), u256("1"), u256("2"), u256("3"), u256("10")}
	for _, b := range bases {
		for _, x := range corpus {
			for _, n := range rpowExponents {
				checkRPow(t, x, n, b)
			}
		}
	}
}

// TestMulDivAliasRegression: MulDiv used to write the product into z
// before dividing by d, so with z = d it divided the product by itself.
// RDiv(1, z=1) must be RAY, not 1.
func TestMulDivAliasRegression(t *testing.T) {
	z := uint256.NewInt(1)
	if err := RDiv(z, uint256.NewInt(1), z); err != nil || !z.Eq(&RAY) {
		t.Fatalf("RDiv(1, z=1) = %v, %v; want RAY", z.Dec(), err)
	}
}

// TestFullMulDivAliasRegression: FullMulDiv used to take the rounding
// remainder after writing z, so FullMulDiv(x, x, y, d, true) read the
// quotient instead of x. 7·3/2 = 10.5 must round up to 11 with z = x.
func TestFullMulDivAliasRegression(t *testing.T) {
	z := uint256.NewInt(7)
	if err := FullMulDiv(z, z, uint256.NewInt(3), uint256.NewInt(2), true); err != nil || z.Uint64() != 11 {
		t.Fatalf("FullMulDiv(z=7, 3, 2, up) = %v, %v; want 11", z, err)
	}
}

// TestRPowZeroBase: dss's assembly divides by b without a check, so b = 0
// yields 0 (and x for n = 1) rather than reverting.
func TestRPowZeroBase(t *testing.T) {
	var z uint256.Int
	if err := RPow(&z, uint256.NewInt(5), 1, new(uint256.Int)); err != nil || z.Uint64() != 5 {
		t.Fatalf("RPow(5, 1, 0) = %v, %v; want 5", z.Dec(), err)
	}
	if err := RPow(&z, uint256.NewInt(5), 2, new(uint256.Int)); err != nil || !z.IsZero() {
		t.Fatalf("RPow(5, 2, 0) = %v, %v; want 0", z.Dec(), err)
	}
}

func TestIntAndIsNeg(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 42, -42, 1<<63 - 1, -1 << 63} {
		var z uint256.Int
		Int(&z, v)
		if got := sg(z.ToBig()); got.Cmp(bi(v)) != 0 {
			t.Errorf("Int(%d) = %s", v, got)
		}
		if IsNeg(&z) != (v < 0) {
			t.Errorf("IsNeg(Int(%d)) = %v", v, IsNeg(&z))
		}
	}
}

// TestMulOverflow checks MulOverflow against uint256's own, product and
// overflow flag, for factors of every bit length up to 256 on each side
// (seed 1, 20,000 pairs: the widths 127 to 129 that divide its fast path
// from the full product come up often), with z aliasing x or y.
func TestMulOverflow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	operand := func() uint256.Int {
		x := uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
		bits := rng.IntN(257)
		if rng.IntN(4) == 0 {
			bits = 126 + rng.IntN(5)
		}
		return *x.Rsh(&x, uint(256-bits))
	}
	for range 20000 {
		x, y := operand(), operand()
		var want uint256.Int
		_, wantOf := want.MulOverflow(&x, &y)
		var z uint256.Int
		if of := MulOverflow(&z, &x, &y); of != wantOf || z != want {
			t.Fatalf("MulOverflow(%#x, %#x) = %#x, %v; want %#x, %v", &x, &y, &z, of, &want, wantOf)
		}
		ax, ay := x, y
		if of := MulOverflow(&ax, &ax, &y); of != wantOf || ax != want {
			t.Fatalf("MulOverflow(z = x = %#x, %#x) = %#x, %v; want %#x, %v", &x, &y, &ax, of, &want, wantOf)
		}
		if of := MulOverflow(&ay, &x, &ay); of != wantOf || ay != want {
			t.Fatalf("MulOverflow(%#x, z = y = %#x) = %#x, %v; want %#x, %v", &x, &y, &ay, of, &want, wantOf)
		}
	}
}

// TestSum checks Sum against adding one word at a time with uint256's
// AddOverflow, sum mod 2^256 and overflow, for slices of 0 to 40 words of
// every width (seed 2, 2,000 slices; wide words make the sum overflow, at
// times more than once).
func TestSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 0))
	for range 2000 {
		xs := make([]uint256.Int, rng.IntN(41))
		for i := range xs {
			x := uint256.Int{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
			xs[i] = *x.Rsh(&x, uint(rng.IntN(257)))
		}
		var want uint256.Int
		wantOf := false
		for i := range xs {
			if _, of := want.AddOverflow(&want, &xs[i]); of {
				wantOf = true
			}
		}
		var z uint256.Int
		if of := Sum(&z, xs); of != wantOf || z != want {
			t.Fatalf("Sum of %d words = %#x, %v; want %#x, %v", len(xs), &z, of, &want, wantOf)
		}
	}
}
