package dex

// StableSwap-NG invariant math for a two-coin pool.
//
// Mirrors curvefi/stableswap-ng contracts/main/CurveStableSwapNG.vy (pool
// version "v7.0.0") at commit 0057a71f5de398e531c60658889716ccafcabe5c:
// get_D, get_y, get_y_D, _dynamic_fee, _get_p, _calc_moving_average and exp;
// the views contract contracts/main/CurveStableSwapNGViews.vy ("1.2.0") at
// 018f01217b970bac30ce66b369eadf59d9bdde88 computes the same functions with
// every operation checked, which gives identical results wherever neither
// reverts. Every checked Vyper operation is a checked operation here (revert
// = error) and every unsafe_* operation wraps or divides as the EVM does.
//
// Deviations:
//   - N_COINS is fixed at 2; the loops over coins are unrolled where that
//     reads more clearly, with the contract's operation order kept.
//   - get_D and get_y return ErrNotConverged where the contract raises
//     without a reason after 255 iterations.

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// nCoins is N_COINS: the model's StableSwap pools hold two coins.
const nCoins = 2

// Constants of the contract. Treat these as constants: never pass them as a
// destination.
var (
	// APrecision is A_PRECISION: A is stored multiplied by 100.
	APrecision = *uint256.NewInt(100)
	// FeeDenominator is FEE_DENOMINATOR, the unit of fee, offpeg_fee_multiplier
	// and admin_fee.
	FeeDenominator = *uint256.NewInt(1e10)
	// MaxA is MAX_A: A (without precision) must stay below it.
	MaxA = *uint256.NewInt(1e6)
	// MaxFee is MAX_FEE (50%) [1e10].
	MaxFee = *uint256.NewInt(5e9)

	precision   = uint256.NewInt(1e18) // PRECISION
	uTwo        = uint256.NewInt(2)
	uThree      = uint256.NewInt(3)
	uFour       = uint256.NewInt(4) // N_COINS ** N_COINS
	maxPacked   = new(uint256.Int).Lsh(uint256.NewInt(1), 128)
	spotCap     = uint256.NewInt(2e18) // the oracle caps the spot price at 2
	maxAChange  = uint256.NewInt(10)   // MAX_A_CHANGE
	initialFee  = uint256.NewInt(1e8)  // the factory's fee bound (1%)
	adminFeeNG  = uint256.NewInt(5e9)  // admin_fee at deployment (50%)
	dMATimeInit = uint256.NewInt(62324)
)

// ErrNotConverged is returned where get_D, get_y or get_y_D raise after 255
// Newton iterations without converging.
var ErrNotConverged = errors.New("StableSwap/did-not-converge")

// ErrWadExpOverflow is the contract's "wad_exp overflow": exp's argument is
// at or above 135305999368893231589 (about 135.3 in WAD).
var ErrWadExpOverflow = errors.New("StableSwap/wad_exp-overflow")

// errPackOverflow is pack_2's bare assert: each half of a packed slot must
// stay below 2^128.
var errPackOverflow = errors.New("StableSwap/pack-overflow")

// GetD returns the StableSwap invariant D of the balances xp (in 1e18 units,
// after the rate multipliers) for amp = A·A_PRECISION. It returns 0 for an
// empty pool and ErrNotConverged if Newton's method does not settle within
// 255 iterations.
func GetD(xp [2]uint256.Int, amp *uint256.Int) (uint256.Int, error) {
	var d uint256.Int
	err := getD(&d, &xp, amp)
	return d, err
}

func getD(d *uint256.Int, xp *[2]uint256.Int, amp *uint256.Int) error {
	var s uint256.Int
	if err := fixed.Add(&s, &xp[0], &xp[1]); err != nil {
		return err
	}
	if s.IsZero() {
		d.Clear()
		return nil
	}
	var D, ann, annS, annLess, dp, prev, num, den, t uint256.Int
	D.Set(&s)
	if err := fixed.Mul(&ann, amp, uTwo); err != nil {
		return err
	}
	// unsafe_div(Ann * S, A_PRECISION) and Ann - A_PRECISION do not change
	// across iterations; the contract evaluates them (checked) every time.
	if err := fixed.Mul(&annS, &ann, &s); err != nil {
		return err
	}
	annS.Div(&annS, &APrecision)
	if err := fixed.Sub(&annLess, &ann, &APrecision); err != nil {
		return err
	}
	for range 255 {
		dp.Set(&D)
		for k := range xp {
			if err := mulDivChecked(&dp, &dp, &D, &xp[k]); err != nil {
				return err
			}
		}
		dp.Div(&dp, uFour)
		prev.Set(&D)

		// D = (Ann·S/A_PRECISION + D_P·N) · D / ((Ann − A_PRECISION)·D/A_PRECISION + (N+1)·D_P)
		if err := fixed.Mul(&t, &dp, uTwo); err != nil {
			return err
		}
		if err := fixed.Add(&num, &annS, &t); err != nil {
			return err
		}
		if err := fixed.Mul(&num, &num, &D); err != nil {
			return err
		}
		if err := fixed.Mul(&den, &annLess, &D); err != nil {
			return err
		}
		den.Div(&den, &APrecision)
		if err := fixed.Mul(&t, uThree, &dp); err != nil {
			return err
		}
		if err := fixed.Add(&den, &den, &t); err != nil {
			return err
		}
		if err := fixed.Div(&D, &num, &den); err != nil {
			return err
		}
		if withinOne(&D, &prev) {
			d.Set(&D)
			return nil
		}
	}
	return ErrNotConverged
}

// GetY returns the balance of coin j (xp units) that keeps the invariant D
// when coin i's balance becomes x, all other balances as in xp (get_y).
func GetY(i, j int, x *uint256.Int, xp [2]uint256.Int, amp, D *uint256.Int) (uint256.Int, error) {
	var y uint256.Int
	if !validPair(i, j) {
		return y, ErrCoinIndex
	}
	err := getY(&y, i, j, x, &xp, amp, D)
	return y, err
}

func getY(y *uint256.Int, i, j int, x *uint256.Int, xp *[2]uint256.Int, amp, D *uint256.Int) error {
	var sum, c, ann, t uint256.Int
	c.Set(D)
	if err := fixed.Mul(&ann, amp, uTwo); err != nil {
		return err
	}
	for k := range nCoins {
		var xk *uint256.Int
		switch k {
		case i:
			xk = x
		case j:
			continue
		default:
			xk = &xp[k]
		}
		if err := fixed.Add(&sum, &sum, xk); err != nil {
			return err
		}
		if err := fixed.Mul(&t, xk, uTwo); err != nil {
			return err
		}
		if err := mulDivChecked(&c, &c, D, &t); err != nil {
			return err
		}
	}
	return newtonY(y, &sum, &c, &ann, D)
}

// GetYD returns the balance of coin i (xp units) that gives the invariant D
// with the other balances as in xp (get_y_D).
func GetYD(amp *uint256.Int, i int, xp [2]uint256.Int, D *uint256.Int) (uint256.Int, error) {
	var y uint256.Int
	if i < 0 || i >= nCoins {
		return y, ErrCoinIndex
	}
	err := getYD(&y, amp, i, &xp, D)
	return y, err
}

func getYD(y *uint256.Int, amp *uint256.Int, i int, xp *[2]uint256.Int, D *uint256.Int) error {
	var sum, c, ann, t uint256.Int
	c.Set(D)
	if err := fixed.Mul(&ann, amp, uTwo); err != nil {
		return err
	}
	for k := range nCoins {
		if k == i {
			continue
		}
		if err := fixed.Add(&sum, &sum, &xp[k]); err != nil {
			return err
		}
		if err := fixed.Mul(&t, &xp[k], uTwo); err != nil {
			return err
		}
		if err := mulDivChecked(&c, &c, D, &t); err != nil {
			return err
		}
	}
	return newtonY(y, &sum, &c, &ann, D)
}

// newtonY finishes get_y and get_y_D from S_ (sum of the other balances) and
// c (after the per-coin loop): it scales c, forms b and solves
// y² + b·y = c by y ← (y² + c)/(2y + b − D), starting from D.
func newtonY(y, sum, c, ann, D *uint256.Int) error {
	var cc, b, t, yy, prev, num, den uint256.Int
	// c = c·D·A_PRECISION / (Ann·N)
	if err := fixed.Mul(&cc, c, D); err != nil {
		return err
	}
	if err := fixed.Mul(&cc, &cc, &APrecision); err != nil {
		return err
	}
	if err := fixed.Mul(&t, ann, uTwo); err != nil {
		return err
	}
	if err := fixed.Div(&cc, &cc, &t); err != nil {
		return err
	}
	// b = S_ + D·A_PRECISION/Ann
	if err := fixed.Mul(&t, D, &APrecision); err != nil {
		return err
	}
	if err := fixed.Div(&t, &t, ann); err != nil {
		return err
	}
	if err := fixed.Add(&b, sum, &t); err != nil {
		return err
	}
	yy.Set(D)
	for range 255 {
		prev.Set(&yy)
		if err := fixed.Mul(&num, &yy, &yy); err != nil {
			return err
		}
		if err := fixed.Add(&num, &num, &cc); err != nil {
			return err
		}
		if err := fixed.Mul(&den, uTwo, &yy); err != nil {
			return err
		}
		if err := fixed.Add(&den, &den, &b); err != nil {
			return err
		}
		if err := fixed.Sub(&den, &den, D); err != nil {
			return err
		}
		if err := fixed.Div(&yy, &num, &den); err != nil {
			return err
		}
		if withinOne(&yy, &prev) {
			y.Set(&yy)
			return nil
		}
	}
	return ErrNotConverged
}

// DynamicFee returns the NG dynamic fee [1e10] for a trade between balances
// xpi and xpj (xp units), base fee and offpeg multiplier (_dynamic_fee): the
// base fee when the multiplier is at most 1e10, otherwise
// mult·fee / ((mult − 1e10)·4·xpi·xpj/(xpi + xpj)² + 1e10).
func DynamicFee(xpi, xpj, fee, offpegFeeMultiplier *uint256.Int) (uint256.Int, error) {
	var z uint256.Int
	err := dynamicFee(&z, xpi, xpj, fee, offpegFeeMultiplier)
	return z, err
}

func dynamicFee(z, xpi, xpj, fee, mult *uint256.Int) error {
	if !mult.Gt(&FeeDenominator) {
		z.Set(fee)
		return nil
	}
	var xps2, t, num uint256.Int
	if err := fixed.Add(&xps2, xpi, xpj); err != nil {
		return err
	}
	if err := fixed.Mul(&xps2, &xps2, &xps2); err != nil {
		return err
	}
	t.Sub(mult, &FeeDenominator)
	if err := fixed.Mul(&t, &t, uFour); err != nil {
		return err
	}
	if err := fixed.Mul(&t, &t, xpi); err != nil {
		return err
	}
	if err := fixed.Mul(&t, &t, xpj); err != nil {
		return err
	}
	if err := fixed.Div(&t, &t, &xps2); err != nil {
		return err
	}
	t.Add(&t, &FeeDenominator)
	num.Mul(mult, fee)
	z.Div(&num, &t)
	return nil
}

// spotPrice sets p to the AMM state price of coin 1 in coin 0 [1e18] for
// balances xp, amp and invariant D (_get_p for two coins).
func spotPrice(p *uint256.Int, xp *[2]uint256.Int, amp, D *uint256.Int) error {
	var ann, dr, xp0A, t, num, den uint256.Int
	ann.Mul(amp, uTwo)
	dr.Div(D, uFour)
	for k := range xp {
		if err := mulDivChecked(&dr, &dr, D, &xp[k]); err != nil {
			return err
		}
	}
	if err := fixed.Mul(&xp0A, &ann, &xp[0]); err != nil {
		return err
	}
	xp0A.Div(&xp0A, &APrecision)
	// 1e18 · (xp0_A + Dr·xp[0]/xp[1]) / (xp0_A + Dr)
	if err := fixed.Mul(&t, &dr, &xp[0]); err != nil {
		return err
	}
	t.Div(&t, &xp[1])
	if err := fixed.Add(&num, &xp0A, &t); err != nil {
		return err
	}
	if err := fixed.Mul(&num, precision, &num); err != nil {
		return err
	}
	if err := fixed.Add(&den, &xp0A, &dr); err != nil {
		return err
	}
	return fixed.Div(p, &num, &den)
}

// movingAverage sets z to the EMA of (last, ema) last updated at tLast, seen
// at now with window [s/ln 2] (_calc_moving_average):
// alpha = exp(−(now − tLast)·1e18/window); z = (last·(1e18 − alpha) + ema·alpha)/1e18.
func movingAverage(z, last, ema, window *uint256.Int, tLast, now int64) error {
	if tLast >= now {
		z.Set(ema)
		return nil
	}
	var e, alpha, a, b uint256.Int
	e.SetUint64(uint64(now - tLast))
	e.Mul(&e, precision) // unsafe_mul
	e.Div(&e, window)    // unsafe_div
	if fixed.IsNeg(&e) { // convert(uint256, int256) reverts at 2^255
		return fixed.ErrOverflow
	}
	e.Neg(&e)
	if err := wadExp(&alpha, &e); err != nil {
		return err
	}
	if err := fixed.Sub(&a, precision, &alpha); err != nil {
		return err
	}
	if err := fixed.Mul(&a, last, &a); err != nil {
		return err
	}
	if err := fixed.Mul(&b, ema, &alpha); err != nil {
		return err
	}
	if err := fixed.Add(&a, &a, &b); err != nil {
		return err
	}
	z.Div(&a, precision)
	return nil
}

// Constants of exp (Remco Bloemen's rational approximation as the contract
// takes it from Snekmate), in two's complement.
var (
	expMinIn   = *new(uint256.Int).Neg(uint256.MustFromDecimal("41446531673892822313"))
	expMaxIn   = *uint256.MustFromDecimal("135305999368893231589")
	expFive18  = *uint256.MustFromDecimal("3814697265625") // 5**18
	expLn2x96  = *uint256.MustFromDecimal("54916777467707473351141471128")
	expHalf96  = *new(uint256.Int).Lsh(uint256.NewInt(1), 95)
	expY1      = *uint256.MustFromDecimal("1346386616545796478920950773328")
	expY2      = *uint256.MustFromDecimal("57155421227552351082224309758442")
	expP1      = *uint256.MustFromDecimal("94201549194550492254356042504812")
	expP2      = *uint256.MustFromDecimal("28719021644029726153956944680412240")
	expP3      = *new(uint256.Int).Lsh(uint256.MustFromDecimal("4385272521454847904659076985693276"), 96)
	expQ1      = *uint256.MustFromDecimal("2855989394907223263936484059900")
	expQ2      = *uint256.MustFromDecimal("50020603652535783019961831881945")
	expQ3      = *uint256.MustFromDecimal("533845033583426703283633433725380")
	expQ4      = *uint256.MustFromDecimal("3604857256930695427073651918091429")
	expQ5      = *uint256.MustFromDecimal("14423608567350463180887372962807573")
	expQ6      = *uint256.MustFromDecimal("26449188498355588339934803723976023")
	expScale   = *uint256.MustFromDecimal("3822833074963236453042738258902158003155416615667")
	expK195    = int64(195)
	expShift96 = uint(96)
)

// wadExp sets z = e^x [1e18] for a two's complement int256 x [1e18], exactly
// as the contract's exp: 0 at or below −41446531673892822313,
// ErrWadExpOverflow at or above 135305999368893231589. Shifts and products
// wrap and signed division truncates toward zero, as the EVM's unsafe_*
// operations, SDIV and SAR do.
func wadExp(z, x *uint256.Int) error {
	if !x.Sgt(&expMinIn) {
		z.Clear()
		return nil
	}
	if !x.Slt(&expMaxIn) {
		return ErrWadExpOverflow
	}
	var v, k, t, y, p, q uint256.Int
	// Base 1e18 → base 2^96: x·2^78/5^18.
	v.Lsh(x, 78)
	v.SDiv(&v, &expFive18)
	// k = round(v/ln 2) in base 2^96; v −= k·ln 2.
	k.Lsh(&v, expShift96)
	k.SDiv(&k, &expLn2x96)
	k.Add(&k, &expHalf96)
	k.SRsh(&k, expShift96)
	t.Mul(&k, &expLn2x96)
	v.Sub(&v, &t)

	y.Add(&v, &expY1)
	y.Mul(&y, &v)
	y.SRsh(&y, expShift96)
	y.Add(&y, &expY2)

	p.Add(&y, &v)
	p.Sub(&p, &expP1)
	p.Mul(&p, &y)
	p.SRsh(&p, expShift96)
	p.Add(&p, &expP2)
	p.Mul(&p, &v)
	p.Add(&p, &expP3)

	q.Sub(&v, &expQ1)
	q.Mul(&q, &v)
	q.SRsh(&q, expShift96)
	q.Add(&q, &expQ2)
	q.Mul(&q, &v)
	q.SRsh(&q, expShift96)
	q.Sub(&q, &expQ3)
	q.Mul(&q, &v)
	q.SRsh(&q, expShift96)
	q.Add(&q, &expQ4)
	q.Mul(&q, &v)
	q.SRsh(&q, expShift96)
	q.Sub(&q, &expQ5)
	q.Mul(&q, &v)
	q.SRsh(&q, expShift96)
	q.Add(&q, &expQ6)

	var r uint256.Int
	r.SDiv(&p, &q)
	// k is in [−61, 195], so 195 − k is in [0, 256].
	kk := int64(k.Uint64())
	if k.Sign() < 0 {
		var a uint256.Int
		a.Neg(&k)
		kk = -int64(a.Uint64())
	}
	z.Mul(&r, &expScale)
	z.Rsh(z, uint(expK195-kk))
	return nil
}

// mulDivChecked sets z = x·y/d with Vyper's checked semantics: the product
// must fit (fixed.ErrOverflow) before the division by d
// (fixed.ErrDivByZero). It reports overflow ahead of a zero divisor, as the
// contract evaluates the product first. z must not alias d.
func mulDivChecked(z, x, y, d *uint256.Int) error {
	if err := fixed.Mul(z, x, y); err != nil {
		return err
	}
	return fixed.Div(z, z, d)
}

// withinOne reports whether |a − b| <= 1.
func withinOne(a, b *uint256.Int) bool {
	var d uint256.Int
	if a.Gt(b) {
		d.Sub(a, b)
	} else {
		d.Sub(b, a)
	}
	return d.LtUint64(2)
}

// validPair reports whether i and j are distinct coin indices.
func validPair(i, j int) bool {
	return i != j && i >= 0 && i < nCoins && j >= 0 && j < nCoins
}
