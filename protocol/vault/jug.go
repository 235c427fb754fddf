package vault

// Jug (makerdao/dss @fa4f663 src/jug.sol): the per-profile Fee Index drip.
// Deviation: the per-second rate is derived from an annual rate by
// PerSecondRate, as Maker's published rate table derives it (the spells'
// bc recipe, whose truncations leave some rates one unit below the floor of
// the exact root). That derivation uses 512-bit math/big floats, the one
// use of floating point in protocol/: it runs once, at configuration time,
// is deterministic, and only produces the integer duty a governance spell
// would file; no state transition computes with floats.

import (
	"errors"
	"math/big"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// SecondsPerYear is the 365-day year of Maker's rate table.
const SecondsPerYear = 31536000

// Drip accrues profile i's Fee Index up to now and credits the fee income to
// the backstop (jug.drip): rate' = rpow(base + duty, now − rho) · rate,
// floored, folded to the Vow. It returns the new index.
func (e *Engine) Drip(i ProfileID, now int64) (*uint256.Int, error) {
	p := &e.Profiles[i]
	if now < p.LastDrip {
		return nil, ErrInvalidNow
	}
	if now == p.LastDrip {
		return &p.FeeIndex, nil
	}
	var x, r, prev, diff uint256.Int
	if err := fixed.Add(&x, &e.Base, &p.FeeRate); err != nil {
		return nil, err
	}
	n := uint64(now - p.LastDrip)
	if err := e.rpow(i, &r, &x, n); err != nil {
		return nil, err
	}
	prev = p.FeeIndex
	if err := fixed.RMul(&r, &r, &prev); err != nil {
		return nil, err
	}
	if err := fixed.Diff(&diff, &r, &prev); err != nil {
		return nil, err
	}
	if err := e.Fold(i, e.Vow, &diff); err != nil {
		return nil, err
	}
	e.L.J.SetInt(&p.LastDrip, now)
	return &p.FeeIndex, nil
}

// dripMemo remembers the last rpow of a profile's drip: drips at a steady
// interval repeat the same rpow(base + duty, Δt), and the same inputs give
// the same result. It is not protocol state.
type dripMemo struct {
	x, z uint256.Int
	n    uint64
	ok   bool
}

func (e *Engine) rpow(i ProfileID, z, x *uint256.Int, n uint64) error {
	if int(i) >= len(e.memo) {
		e.memo = append(e.memo, make([]dripMemo, int(i)+1-len(e.memo))...)
	}
	m := &e.memo[i]
	if m.ok && m.n == n && m.x.Eq(x) {
		z.Set(&m.z)
		return nil
	}
	if err := fixed.RPow(z, x, n, &fixed.RAY); err != nil {
		return err
	}
	m.x, m.z, m.n, m.ok = *x, *z, n, true
	return nil
}

// SetFeeRate sets profile i's per-second fee rate [ray] (jug.file "duty"),
// which requires the index to have been dripped at now.
func (e *Engine) SetFeeRate(i ProfileID, duty *uint256.Int, now int64) error {
	p := &e.Profiles[i]
	if now != p.LastDrip {
		return ErrRhoNotUpdated
	}
	e.set(&p.FeeRate, duty)
	return nil
}

// ErrBadAnnualRate is returned by PerSecondRate for an annual rate that is
// not a decimal in [0, 1000) (a fee of more than 100,000% a year is surely a
// typo).
var ErrBadAnnualRate = errors.New("vault: annual rate must be a decimal in [0, 1000)")

// PerSecondRate returns the per-second fee rate [ray] that compounds to the
// annual rate given as a decimal string ("0.05" for 5%), computed as Maker's
// published rate table is (its spells give the recipe
// `bc -l <<< 'scale=27; e( l(1+a)/(60*60*24*365) )'`): ln(1 + a) truncated
// to 27 decimals, divided by 31,536,000 and truncated again, then exp of
// that, truncated to 27 decimals. This is one unit below the floor of the
// exact root for some rates (5%: …448 where the root gives …449.05), and it
// matches the table. It is for configuration time (it allocates).
func PerSecondRate(annual string) (*uint256.Int, error) {
	a, ok := new(big.Rat).SetString(annual)
	if !ok || a.Sign() < 0 || a.Cmp(big.NewRat(1000, 1)) >= 0 {
		return nil, ErrBadAnnualRate
	}
	const prec = 512
	ray := new(big.Int).Exp(big.NewInt(10), big.NewInt(27), nil)
	x := new(big.Float).SetPrec(prec).SetRat(new(big.Rat).Add(a, big.NewRat(1, 1)))
	l := lnFloat(x)
	li, _ := l.Mul(l, new(big.Float).SetPrec(prec).SetInt(ray)).Int(nil) // trunc to 27 decimals
	li.Quo(li, big.NewInt(SecondsPerYear))                               // trunc again
	y := new(big.Float).SetPrec(prec).SetInt(li)
	y.Quo(y, new(big.Float).SetPrec(prec).SetInt(ray))
	ey := expFloat(y)
	d, _ := ey.Mul(ey, new(big.Float).SetPrec(prec).SetInt(ray)).Int(nil)
	z, of := uint256.FromBig(d)
	if of {
		return nil, ErrBadAnnualRate
	}
	return z, nil
}

// lnFloat returns ln(x) for x ≥ 1 as 2·atanh((x−1)/(x+1)), at x's precision.
func lnFloat(x *big.Float) *big.Float {
	p := x.Prec()
	one := new(big.Float).SetPrec(p).SetInt64(1)
	n := new(big.Float).SetPrec(p).Sub(x, one)
	n.Quo(n, new(big.Float).SetPrec(p).Add(x, one))
	m := new(big.Float).SetPrec(p).Mul(n, n)
	sum := new(big.Float).SetPrec(p).Set(n)
	term := new(big.Float).SetPrec(p)
	for k := int64(3); ; k += 2 {
		n.Mul(n, m)
		term.Quo(n, new(big.Float).SetPrec(p).SetInt64(k))
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -int(p) {
			break
		}
		sum.Add(sum, term)
	}
	return sum.Mul(sum, new(big.Float).SetPrec(p).SetInt64(2))
}

// expFloat returns e^y for 0 ≤ y < 1 by its Taylor series, at y's precision.
func expFloat(y *big.Float) *big.Float {
	p := y.Prec()
	sum := new(big.Float).SetPrec(p).SetInt64(1)
	term := new(big.Float).SetPrec(p).SetInt64(1)
	for k := int64(1); k < 1000; k++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(p).SetInt64(k))
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -int(p) {
			break
		}
		sum.Add(sum, term)
	}
	return sum
}
