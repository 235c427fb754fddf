package fixed

// Aave rounding family: half-up WAD, RAY and percentage arithmetic and the
// interest accumulators.
//
// Mirrors (read at these commits):
//   - aave/protocol-v2 (Solidity 0.6.12, launch market @ce53c4a):
//     WadRayMath.sol @71ea58f, PercentageMath.sol @98ac879, MathUtils.sol
//     @d635fd0 (the SafeMath-era calculateCompoundedInterest with ratePerSecond).
//   - aave/aave-v3-core (v3.0.x @782f519): WadRayMath.sol @043bcde,
//     PercentageMath.sol @082d9f1, MathUtils.sol @00c2e66.
//   - Astera-Finance/astera (@85c3be9): WadRayMath.sol @34dacfe for the
//     signed helpers rayMulInt, rayDivInt and rayPowerInt; MathUtils.sol
//     @9adb18d, which is v3's calculateCompoundedInterest.
//
// v2 reverts through require and v3 through assembly checks, but the two
// overflow conditions are the same predicate: a <= (2^256-1-h)/b holds
// exactly when a·b+h fits in 256 bits. The functions below test the latter,
// so they agree with both versions on every input, with one exception.
//
// Deviation: v3's assembly rayDiv divides by b without checking it, so
// rayDiv(a, 0) returns 0 in v3 whenever a ≤ (2^256-1)/RAY. v2, Astera and
// this port revert (ErrDivByZero). wadDiv and percentDiv revert on a zero
// divisor in every version.

import "github.com/holiman/uint256"

// Constants of the half-up family. Treat them as constants.
var (
	// PercentageFactor is 1e4, 100.00% in Aave's two-decimal percentages.
	PercentageFactor = *uint256.NewInt(1e4)

	halfWAD     = *uint256.NewInt(5e17)
	halfRAY     = *uint256.MustFromDecimal("500000000000000000000000000")
	halfPercent = *uint256.NewInt(5e3)
	halfBLN     = *uint256.NewInt(5e8)
	// secondsPerYear is MathUtils.SECONDS_PER_YEAR = 365 days.
	secondsPerYear = *uint256.NewInt(365 * 24 * 3600)
	// secondsPerYear2 is SECONDS_PER_YEAR² as v3 divides by it.
	secondsPerYear2 = *uint256.NewInt(365 * 24 * 3600 * 365 * 24 * 3600)
	two             = *uint256.NewInt(2)
	six             = *uint256.NewInt(6)
)

// SecondsPerYear is Aave's SECONDS_PER_YEAR, 365 days; leap years are ignored.
const SecondsPerYear = 365 * 24 * 3600

// halfUpMul sets z = (a·b + half) / unit, failing with ErrOverflow when
// a·b + half exceeds 2^256-1 (Aave's a > (max-half)/b check). A zero
// operand yields 0.
func halfUpMul(z, a, b, half, unit *uint256.Int) error {
	var t uint256.Int
	if of := MulOverflow(&t, a, b); of {
		return ErrOverflow
	}
	if _, of := t.AddOverflow(&t, half); of {
		return ErrOverflow
	}
	floorDiv(z, &t, unit)
	return nil
}

// halfUpDiv sets z = (a·unit + b/2) / b, failing with ErrDivByZero if b is
// zero and ErrOverflow when a·unit + b/2 exceeds 2^256-1.
func halfUpDiv(z, a, b, unit *uint256.Int) error {
	if b.IsZero() {
		return ErrDivByZero
	}
	var t, h uint256.Int
	h.Rsh(b, 1)
	if of := MulOverflow(&t, a, unit); of {
		return ErrOverflow
	}
	if _, of := t.AddOverflow(&t, &h); of {
		return ErrOverflow
	}
	z.Div(&t, b)
	return nil
}

// RayMul sets z = (a·b + RAY/2) / RAY, a RAY product rounded half up
// (WadRayMath.rayMul). It fails with ErrOverflow where the library reverts.
func RayMul(z, a, b *uint256.Int) error { return halfUpMul(z, a, b, &halfRAY, &RAY) }

// RayDiv sets z = (a·RAY + b/2) / b, a RAY quotient rounded half up
// (WadRayMath.rayDiv). It fails with ErrDivByZero if b is zero and
// ErrOverflow where the library reverts.
func RayDiv(z, a, b *uint256.Int) error { return halfUpDiv(z, a, b, &RAY) }

// WadMul sets z = (a·b + WAD/2) / WAD (WadRayMath.wadMul). It fails with
// ErrOverflow where the library reverts.
func WadMul(z, a, b *uint256.Int) error { return halfUpMul(z, a, b, &halfWAD, &WAD) }

// WadDiv sets z = (a·WAD + b/2) / b (WadRayMath.wadDiv). It fails with
// ErrDivByZero if b is zero and ErrOverflow where the library reverts.
func WadDiv(z, a, b *uint256.Int) error { return halfUpDiv(z, a, b, &WAD) }

// PercentMul sets z = (v·p + 5000) / 1e4, where p is a percentage with two
// decimals (10000 = 100%) (PercentageMath.percentMul). It fails with
// ErrOverflow where the library reverts.
func PercentMul(z, v, p *uint256.Int) error {
	return halfUpMul(z, v, p, &halfPercent, &PercentageFactor)
}

// PercentDiv sets z = (v·1e4 + p/2) / p (PercentageMath.percentDiv). It fails
// with ErrDivByZero if p is zero and ErrOverflow where the library reverts.
func PercentDiv(z, v, p *uint256.Int) error { return halfUpDiv(z, v, p, &PercentageFactor) }

// RayToWad sets z = (a + 1e9/2) / 1e9, a RAY rounded half up to a WAD
// (WadRayMath.rayToWad). It fails with ErrOverflow if the sum overflows.
func RayToWad(z, a *uint256.Int) error {
	var t uint256.Int
	if _, of := t.AddOverflow(a, &halfBLN); of {
		return ErrOverflow
	}
	z.Div(&t, &BLN)
	return nil
}

// WadToRay sets z = a·1e9 (WadRayMath.wadToRay). It fails with ErrOverflow
// if the product overflows.
func WadToRay(z, a *uint256.Int) error { return Mul(z, a, &BLN) }

// LinearInterest sets z = RAY + rate·dt / SECONDS_PER_YEAR, the factor by
// which the liquidity index grows over dt seconds at the annual RAY rate
// (MathUtils.calculateLinearInterest, identical in v2, v3 and Astera). It
// fails with ErrOverflow where the checked arithmetic reverts.
func LinearInterest(z, rate *uint256.Int, dt uint64) error {
	var t, d uint256.Int
	d.SetUint64(dt)
	if of := MulOverflow(&t, rate, &d); of {
		return ErrOverflow
	}
	t.Div(&t, &secondsPerYear)
	if _, of := z.AddOverflow(&t, &RAY); of {
		return ErrOverflow
	}
	return nil
}

// CompoundedInterest sets z to Aave v3's (and Astera's) three-term binomial
// approximation of (1 + rate/SECONDS_PER_YEAR)^dt in RAY, the growth factor
// of the variable borrow index over dt seconds at the annual RAY rate
// (MathUtils.calculateCompoundedInterest):
//
//	b2 = rayMul(rate, rate) / Y²;  b3 = rayMul(b2, rate) / Y
//	z  = RAY + rate·dt/Y + dt(dt-1)·b2/2 + dt(dt-1)(dt-2)·b3/6
//
// where dt-2 is taken as 0 when dt ≤ 2. dt = 0 gives RAY. It fails with
// ErrOverflow where the contract reverts.
func CompoundedInterest(z, rate *uint256.Int, dt uint64) error {
	if dt == 0 {
		z.Set(&RAY)
		return nil
	}
	var b2, b3 uint256.Int
	if err := RayMul(&b2, rate, rate); err != nil {
		return err
	}
	b2.Div(&b2, &secondsPerYear2)
	if err := RayMul(&b3, &b2, rate); err != nil {
		return err
	}
	b3.Div(&b3, &secondsPerYear)

	var first, d uint256.Int
	d.SetUint64(dt)
	if err := Mul(&first, rate, &d); err != nil {
		return err
	}
	first.Div(&first, &secondsPerYear)
	return binomialSum(z, &first, &b2, &b3, dt)
}

// CompoundedInterestV2 sets z to Aave v2's binomial approximation, which
// first truncates the rate to a per-second RAY rate r = rate / SECONDS_PER_YEAR
// and then sums
//
//	z = RAY + r·dt + dt(dt-1)·rayMul(r, r)/2 + dt(dt-1)(dt-2)·rayMul(rayMul(r, r), r)/6
//
// (protocol-v2 MathUtils.calculateCompoundedInterest). It differs from
// CompoundedInterest by a few parts per million over a year. dt = 0 gives
// RAY. It fails with ErrOverflow where SafeMath reverts.
func CompoundedInterestV2(z, rate *uint256.Int, dt uint64) error {
	if dt == 0 {
		z.Set(&RAY)
		return nil
	}
	var r, b2, b3 uint256.Int
	r.Div(rate, &secondsPerYear)
	if err := RayMul(&b2, &r, &r); err != nil {
		return err
	}
	if err := RayMul(&b3, &b2, &r); err != nil {
		return err
	}
	var first, d uint256.Int
	d.SetUint64(dt)
	if err := Mul(&first, &r, &d); err != nil {
		return err
	}
	return binomialSum(z, &first, &b2, &b3, dt)
}

// binomialSum sets z = RAY + first + dt(dt-1)·b2/2 + dt(dt-1)(dt-2)·b3/6
// with every product and sum checked, in the contracts' left-to-right order.
// dt must be positive.
func binomialSum(z, first, b2, b3 *uint256.Int, dt uint64) error {
	var e, e1, e2, second, third uint256.Int
	e.SetUint64(dt)
	e1.SetUint64(dt - 1)
	if dt > 2 {
		e2.SetUint64(dt - 2)
	}
	// exp·(exp-1) fits: both are below 2^64.
	second.Mul(&e, &e1)
	third.Set(&second)
	if of := MulOverflow(&second, &second, b2); of {
		return ErrOverflow
	}
	second.Div(&second, &two)
	if of := MulOverflow(&third, &third, &e2); of {
		return ErrOverflow
	}
	if of := MulOverflow(&third, &third, b3); of {
		return ErrOverflow
	}
	third.Div(&third, &six)

	var s uint256.Int
	if _, of := s.AddOverflow(&RAY, first); of {
		return ErrOverflow
	}
	if _, of := s.AddOverflow(&s, &second); of {
		return ErrOverflow
	}
	if _, of := s.AddOverflow(&s, &third); of {
		return ErrOverflow
	}
	z.Set(&s)
	return nil
}

// Astera's signed RAY helpers (PI rate controller). Values are two's
// complement int256; Solidity 0.8 checks every signed product, sum and
// quotient, so each overflow is an error here.

// minInt256 is -2^255, type(int256).min.
var minInt256 = uint256.Int{0, 0, 0, 1 << 63}

// sMulOverflow sets z = x·y as int256 and reports whether the exact product
// lies outside [-2^255, 2^255-1] (a checked int256 multiplication).
func sMulOverflow(z, x, y *uint256.Int) bool {
	nx, ny := IsNeg(x), IsNeg(y)
	var ax, ay uint256.Int
	ax.Abs(x)
	ay.Abs(y)
	if of := MulOverflow(&ax, &ax, &ay); of {
		return true
	}
	neg := nx != ny && !ax.IsZero()
	if IsNeg(&ax) && !(neg && ax.Eq(&minInt256)) {
		return true
	}
	if neg {
		z.Neg(&ax)
	} else {
		z.Set(&ax)
	}
	return false
}

// sAddOverflow sets z = x + y as int256 and reports signed overflow.
func sAddOverflow(z, x, y *uint256.Int) bool {
	nx, ny := IsNeg(x), IsNeg(y)
	z.Add(x, y)
	return nx == ny && IsNeg(z) != nx
}

// sSubOverflow sets z = x - y as int256 and reports signed overflow.
func sSubOverflow(z, x, y *uint256.Int) bool {
	nx, ny := IsNeg(x), IsNeg(y)
	z.Sub(x, y)
	return nx != ny && IsNeg(z) != nx
}

// sDiv sets z = x / y truncated toward zero, as Solidity 0.8 divides int256:
// ErrDivByZero if y is zero and ErrOverflow for type(int256).min / -1.
func sDiv(z, x, y *uint256.Int) error {
	if y.IsZero() {
		return ErrDivByZero
	}
	if x.Eq(&minInt256) && y.Eq(&Max) {
		return ErrOverflow
	}
	sdiv(z, x, y)
	return nil
}

// sdiv sets z = x / y truncated toward zero without allocating; y must not
// be zero. It is EVM SDIV (uint256.Int.SDiv allocates for negative inputs).
func sdiv(z, x, y *uint256.Int) {
	var ax, ay uint256.Int
	neg := IsNeg(x) != IsNeg(y)
	ax.Abs(x)
	ay.Abs(y)
	z.Div(&ax, &ay)
	if neg {
		z.Neg(z)
	}
}

var halfRAYNeg = *new(uint256.Int).Neg(&halfRAY)

// SAdd sets z = x + y in checked int256 arithmetic (Solidity 0.8 signed +).
// It fails with ErrOverflow outside [-2^255, 2^255-1].
func SAdd(z, x, y *uint256.Int) error {
	if sAddOverflow(z, x, y) {
		return ErrOverflow
	}
	return nil
}

// SSub sets z = x - y in checked int256 arithmetic. It fails with
// ErrOverflow outside [-2^255, 2^255-1].
func SSub(z, x, y *uint256.Int) error {
	if sSubOverflow(z, x, y) {
		return ErrOverflow
	}
	return nil
}

// SMul sets z = x · y in checked int256 arithmetic. It fails with
// ErrOverflow if the exact product does not fit an int256.
func SMul(z, x, y *uint256.Int) error {
	if sMulOverflow(z, x, y) {
		return ErrOverflow
	}
	return nil
}

// SDiv sets z = x / y in checked int256 arithmetic, truncating toward zero.
// It fails with ErrDivByZero if y is zero and ErrOverflow for
// type(int256).min / -1.
func SDiv(z, x, y *uint256.Int) error { return sDiv(z, x, y) }

// RayMulInt sets z = a·b / RAY for signed RAY values, rounding half away
// from zero (Astera WadRayMath.rayMulInt): the raw product is moved by
// RAY/2 away from zero and then truncated. It fails with ErrOverflow where
// the checked int256 arithmetic reverts.
func RayMulInt(z, a, b *uint256.Int) error {
	var raw uint256.Int
	if sMulOverflow(&raw, a, b) {
		return ErrOverflow
	}
	if raw.IsZero() {
		z.Clear()
		return nil
	}
	if IsNeg(&raw) {
		if sAddOverflow(&raw, &raw, &halfRAYNeg) {
			return ErrOverflow
		}
	} else if sAddOverflow(&raw, &raw, &halfRAY) {
		return ErrOverflow
	}
	sdiv(z, &raw, &RAY)
	return nil
}

// RayDivInt sets z = a·RAY / b for signed RAY values, rounding half away
// from zero (Astera WadRayMath.rayDivInt): b/2, truncated toward zero, is
// added when a and b have the same sign (or a is zero) and subtracted
// otherwise, and the sum is divided with truncation. It fails with
// ErrDivByZero if b is zero and ErrOverflow where the checked int256
// arithmetic reverts.
func RayDivInt(z, a, b *uint256.Int) error {
	if b.IsZero() {
		return ErrDivByZero
	}
	var half, t uint256.Int
	sdiv(&half, b, &two)
	if sMulOverflow(&t, a, &RAY) {
		return ErrOverflow
	}
	na, nb := IsNeg(a), IsNeg(b)
	aZero := a.IsZero()
	if (!na && !nb) || ((na || aZero) && nb) {
		if sAddOverflow(&t, &t, &half) {
			return ErrOverflow
		}
	} else if sSubOverflow(&t, &t, &half) {
		return ErrOverflow
	}
	return sDiv(z, &t, b)
}

// RayPowInt sets z = base^n for a signed RAY base by n-1 successive
// RayMulInt products (Astera WadRayMath.rayPowerInt). As in the contract,
// n = 0 yields 1 (one wei, not RAY), and the loop runs n-1 times, so n
// should be small. It fails where RayMulInt fails.
func RayPowInt(z, base *uint256.Int, n uint64) error {
	if n == 0 {
		z.SetOne()
		return nil
	}
	var b, r uint256.Int
	b.Set(base)
	r.Set(base)
	for i := uint64(1); i < n; i++ {
		if err := RayMulInt(&r, &r, &b); err != nil {
			return err
		}
	}
	z.Set(&r)
	return nil
}
