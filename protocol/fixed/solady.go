package fixed

// solady rounding family: FixedPointMathLib's WAD helpers, expWad and lnWad.
//
// Mirrors Vectorized/solady (@ab96a83) src/utils/FixedPointMathLib.sol, read
// at @01c0ad2: mulWad, mulWadUp, divWad, divWadUp, sMulWad, sDivWad, expWad
// and lnWad. expWad and lnWad are ported operation by operation in the
// library's own order, with its wrapping (unchecked) products, arithmetic
// right shifts (SRsh) and truncating signed divisions, so results are bit
// for bit those of the contract. Each custom error maps to a sentinel.
//
// Deviations: in lnWad, the branch-free most-significant-bit computation
// (shift-and-compare steps plus a byte-table lookup) is replaced by
// uint256.Int.BitLen, which yields the same shift r = 255 - floor(log2 x).

import (
	"errors"

	"github.com/holiman/uint256"
)

// solady's custom errors.
var (
	// ErrMulWadFailed is solady's MulWadFailed(): x·y overflows.
	ErrMulWadFailed = errors.New("math/mul-wad-failed")
	// ErrSMulWadFailed is solady's SMulWadFailed(): the int256 product overflows.
	ErrSMulWadFailed = errors.New("math/smul-wad-failed")
	// ErrDivWadFailed is solady's DivWadFailed(): y is zero or x·WAD overflows.
	ErrDivWadFailed = errors.New("math/div-wad-failed")
	// ErrSDivWadFailed is solady's SDivWadFailed(): y is zero or the int256
	// x·WAD overflows.
	ErrSDivWadFailed = errors.New("math/sdiv-wad-failed")
	// ErrExpOverflow is solady's ExpOverflow(): exp(x) does not fit an int256.
	ErrExpOverflow = errors.New("math/exp-overflow")
	// ErrLnWadUndefined is solady's LnWadUndefined(): x ≤ 0.
	ErrLnWadUndefined = errors.New("math/ln-wad-undefined")
)

// MulWad sets z = floor(x·y / WAD) (FixedPointMathLib.mulWad). It fails with
// ErrMulWadFailed if x·y overflows.
func MulWad(z, x, y *uint256.Int) error {
	if of := MulOverflow(z, x, y); of {
		return ErrMulWadFailed
	}
	z.Div(z, &WAD)
	return nil
}

// MulWadUp sets z = ceil(x·y / WAD) (FixedPointMathLib.mulWadUp). It fails
// with ErrMulWadFailed if x·y overflows.
func MulWadUp(z, x, y *uint256.Int) error {
	var p, r uint256.Int
	if of := MulOverflow(&p, x, y); of {
		return ErrMulWadFailed
	}
	z.DivMod(&p, &WAD, &r)
	if !r.IsZero() {
		z.AddUint64(z, 1)
	}
	return nil
}

// DivWad sets z = floor(x·WAD / y) (FixedPointMathLib.divWad). It fails with
// ErrDivWadFailed if y is zero or x·WAD overflows.
func DivWad(z, x, y *uint256.Int) error {
	if y.IsZero() {
		return ErrDivWadFailed
	}
	var p uint256.Int
	if of := MulOverflow(&p, x, &WAD); of {
		return ErrDivWadFailed
	}
	z.Div(&p, y)
	return nil
}

// DivWadUp sets z = ceil(x·WAD / y) (FixedPointMathLib.divWadUp). It fails
// with ErrDivWadFailed if y is zero or x·WAD overflows.
func DivWadUp(z, x, y *uint256.Int) error {
	if y.IsZero() {
		return ErrDivWadFailed
	}
	var p, r uint256.Int
	if of := MulOverflow(&p, x, &WAD); of {
		return ErrDivWadFailed
	}
	z.DivMod(&p, y, &r)
	if !r.IsZero() {
		z.AddUint64(z, 1)
	}
	return nil
}

// SMulWad sets z = x·y / WAD for signed WADs, truncated toward zero
// (FixedPointMathLib.sMulWad). It fails with ErrSMulWadFailed if the int256
// product overflows.
func SMulWad(z, x, y *uint256.Int) error {
	if sMulOverflow(z, x, y) {
		return ErrSMulWadFailed
	}
	sdiv(z, z, &WAD)
	return nil
}

// SDivWad sets z = x·WAD / y for signed WADs, truncated toward zero
// (FixedPointMathLib.sDivWad). It fails with ErrSDivWadFailed if y is zero
// or the int256 x·WAD overflows.
func SDivWad(z, x, y *uint256.Int) error {
	if y.IsZero() {
		return ErrSDivWadFailed
	}
	var p uint256.Int
	if sMulOverflow(&p, x, &WAD) {
		return ErrSDivWadFailed
	}
	// p is a multiple of WAD, never type(int256).min, so p / -1 is safe.
	sdiv(z, &p, y)
	return nil
}

func mustDec(s string) uint256.Int { return *uint256.MustFromDecimal(s) }

func mustNegDec(s string) uint256.Int {
	var z uint256.Int
	z.Neg(uint256.MustFromDecimal(s))
	return z
}

// expWad's constants, in the library's order.
var (
	expMinX   = mustNegDec("41446531673892822313") // x ≤ this gives 0
	expMaxX   = mustDec("135305999368893231589")   // x ≥ this overflows
	exp5p18   = mustDec("3814697265625")           // 5^18
	expLn2    = mustDec("54916777467707473351141471128")
	exp2p95   = uint256.Int{0, 1 << 31, 0, 0}
	expY0     = mustDec("1346386616545796478920950773328")
	expY1     = mustDec("57155421227552351082224309758442")
	expP0     = mustDec("94201549194550492254356042504812")
	expP1     = mustDec("28719021644029726153956944680412240")
	expP2     = *new(uint256.Int).Lsh(uint256.MustFromDecimal("4385272521454847904659076985693276"), 96)
	expQ0     = mustDec("2855989394907223263936484059900")
	expQ1     = mustDec("50020603652535783019961831881945")
	expQ2     = mustDec("533845033583426703283633433725380")
	expQ3     = mustDec("3604857256930695427073651918091429")
	expQ4     = mustDec("14423608567350463180887372962807573")
	expQ5     = mustDec("26449188498355588339934803723976023")
	expScale  = mustDec("3822833074963236453042738258902158003155416615667")
	expShift0 = uint256.Int{195, 0, 0, 0}
)

// ExpWad sets z = exp(x) in WAD for a signed WAD exponent x, bit for bit as
// FixedPointMathLib.expWad computes it: a reduction to x' ∈ (-½ln2, ½ln2) in
// a 2^96 basis, a (6, 7)-term rational approximation and a rescaling by
// 2^k. It sets z = 0 for x ≤ -41446531673892822313 (the result would round
// below 0.5 wei) and fails with ErrExpOverflow for x ≥ 135305999368893231589,
// where exp(x)·1e18 no longer fits an int256. The result is never negative.
func ExpWad(z, x *uint256.Int) error {
	if !x.Sgt(&expMinX) {
		z.Clear()
		return nil
	}
	if !x.Slt(&expMaxX) {
		return ErrExpOverflow
	}
	var v, k, t, y, p, q uint256.Int
	// Convert to a 2^96 basis: x·2^78 / 5^18.
	v.Lsh(x, 78)
	sdiv(&v, &v, &exp5p18)

	// k = round(x / ln2) computed as ((x << 96) / ln2_96 + 2^95) >> 96.
	k.Lsh(&v, 96)
	sdiv(&k, &k, &expLn2)
	k.Add(&k, &exp2p95)
	k.SRsh(&k, 96)
	t.Mul(&k, &expLn2)
	v.Sub(&v, &t)

	// p, made monic.
	y.Add(&v, &expY0)
	y.Mul(&y, &v)
	y.SRsh(&y, 96)
	y.Add(&y, &expY1)
	p.Add(&y, &v)
	p.Sub(&p, &expP0)
	p.Mul(&p, &y)
	p.SRsh(&p, 96)
	p.Add(&p, &expP1)
	p.Mul(&p, &v)
	p.Add(&p, &expP2)

	// q.
	q.Sub(&v, &expQ0)
	q.Mul(&q, &v)
	q.SRsh(&q, 96)
	q.Add(&q, &expQ1)
	q.Mul(&q, &v)
	q.SRsh(&q, 96)
	q.Sub(&q, &expQ2)
	q.Mul(&q, &v)
	q.SRsh(&q, 96)
	q.Add(&q, &expQ3)
	q.Mul(&q, &v)
	q.SRsh(&q, 96)
	q.Sub(&q, &expQ4)
	q.Mul(&q, &v)
	q.SRsh(&q, 96)
	q.Add(&q, &expQ5)

	// r = p / q, EVM sdiv (q has no root in the domain).
	var r uint256.Int
	sdiv(&r, &p, &q)
	// r · scale >> (195 - k), unsigned and wrapping.
	r.Mul(&r, &expScale)
	t.Sub(&expShift0, &k)
	sh := uint(256)
	if t.IsUint64() && t[0] < 256 {
		sh = uint(t[0])
	}
	z.Rsh(&r, sh)
	return nil
}

// lnWad's constants, in the library's order.
var (
	lnP0    = mustDec("3273285459638523848632254066296")
	lnP1    = mustDec("24828157081833163892658089445524")
	lnP2    = mustDec("43456485725739037958740375743393")
	lnP3    = mustDec("11111509109440967052023855526967")
	lnP4    = mustDec("45023709667254063763336534515857")
	lnP5    = mustDec("14706773417378608786704636184526")
	lnP6    = *new(uint256.Int).Lsh(uint256.MustFromDecimal("795164235651350426258249787498"), 96)
	lnQ0    = mustDec("5573035233440673466300451813936")
	lnQ1    = mustDec("71694874799317883764090561454958")
	lnQ2    = mustDec("283447036172924575727196451306956")
	lnQ3    = mustDec("401686690394027663651624208769553")
	lnQ4    = mustDec("204048457590392012362485061816622")
	lnQ5    = mustDec("31853899698501571402653359427138")
	lnQ6    = mustDec("909429971244387300277376558375")
	lnScale = mustDec("1677202110996718588342820967067443963516166")
	lnLn2   = mustDec("16597577552685614221487285958193947469193820559219878177908093499208371")
	lnBase  = mustDec("600920179829731861736702779321621459595472258049074101567377883020018308")
	ln159   = uint256.Int{159, 0, 0, 0}
)

// LnWad sets z = ln(x) in WAD for a signed WAD x > 0, bit for bit as
// FixedPointMathLib.lnWad computes it: a reduction of x to [1, 2)·2^96 by its
// most significant bit and an (8, 8)-term rational approximation. z is a
// signed WAD. It fails with ErrLnWadUndefined if x ≤ 0.
func LnWad(z, x *uint256.Int) error {
	if IsNeg(x) || x.IsZero() {
		return ErrLnWadUndefined
	}
	// r = 255 - floor(log2 x); x is reduced to [2^96, 2^97).
	r := uint(256 - x.BitLen())
	var v, p, q, t uint256.Int
	v.Lsh(x, r)
	v.Rsh(&v, 159)

	p.Add(&v, &lnP0)
	p.Mul(&p, &v)
	p.SRsh(&p, 96)
	p.Add(&p, &lnP1)
	p.Mul(&p, &v)
	p.SRsh(&p, 96)
	p.Add(&p, &lnP2)
	p.Mul(&p, &v)
	p.SRsh(&p, 96)
	p.Sub(&p, &lnP3)
	p.Mul(&p, &v)
	p.SRsh(&p, 96)
	p.Sub(&p, &lnP4)
	p.Mul(&p, &v)
	p.SRsh(&p, 96)
	p.Sub(&p, &lnP5)
	p.Mul(&p, &v)
	p.Sub(&p, &lnP6)

	q.Add(&v, &lnQ0)
	q.Mul(&v, &q)
	q.SRsh(&q, 96)
	q.Add(&q, &lnQ1)
	q.Mul(&v, &q)
	q.SRsh(&q, 96)
	q.Add(&q, &lnQ2)
	q.Mul(&v, &q)
	q.SRsh(&q, 96)
	q.Add(&q, &lnQ3)
	q.Mul(&v, &q)
	q.SRsh(&q, 96)
	q.Add(&q, &lnQ4)
	q.Mul(&v, &q)
	q.SRsh(&q, 96)
	q.Add(&q, &lnQ5)
	q.Mul(&v, &q)
	q.SRsh(&q, 96)
	q.Add(&q, &lnQ6)

	sdiv(&p, &p, &q) // EVM sdiv; q has no root in the domain
	p.Mul(&p, &lnScale)
	// k = 159 - r = floor(log2 x) - 96, possibly negative (wrapping).
	t.SetUint64(uint64(r))
	t.Sub(&ln159, &t)
	t.Mul(&t, &lnLn2)
	p.Add(&t, &p)
	p.Add(&p, &lnBase)
	z.SRsh(&p, 174)
	return nil
}
