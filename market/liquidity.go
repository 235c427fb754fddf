package market

import "math"

// maxImpact is the largest price impact Liquidity returns: just below 1,
// so proceeds stay positive.
var maxImpact = math.Nextafter(1, 0)

// Liquidity is the external (CEX/aggregator) market for selling an asset:
// selling a USD notional s at once moves the execution price by the
// fraction
//
//	impact(s) = m·K·s^B,   clamped to [0, 1),
//
// where m is the drought multiplier of the step ([World.ImpactMultiplier],
// 1 normally). B = 0.5 is the square-root law; fits on aggregator quotes
// give B near 1 at sizes above $1M (see defaults.go).
type Liquidity struct {
	K float64 `toml:"k"` // impact of a $1 trade, in USD^−B
	B float64 `toml:"b"` // exponent
}

// Validate checks K >= 0 and B > 0.
func (l Liquidity) Validate() error {
	var c checker
	c.nonNegative("k", l.K)
	c.positive("b", l.B)
	return c.err()
}

// Impact returns the price impact of selling sizeUSD with drought
// multiplier mult. It panics if sizeUSD or mult is negative or NaN.
func (l Liquidity) Impact(sizeUSD, mult float64) float64 {
	if !(sizeUSD >= 0) || !(mult >= 0) {
		panic("market: negative trade size or impact multiplier")
	}
	if sizeUSD == 0 {
		return 0
	}
	return math.Min(mult*l.K*math.Pow(sizeUSD, l.B), maxImpact)
}

// Proceeds returns the USD received for selling q units at market price p:
// q·p·(1 − Impact(q·p, mult)). It panics if q, p or mult is negative or
// NaN.
func (l Liquidity) Proceeds(q, p, mult float64) float64 {
	if !(q >= 0) || !(p >= 0) {
		panic("market: negative quantity or price")
	}
	s := q * p
	return s * (1 - l.Impact(s, mult))
}

// MaxSize returns the largest USD notional whose impact does not exceed
// impact, (impact/(mult·K))^(1/B); +Inf if mult·K is 0. It panics if
// impact is not in [0, 1) or mult is negative or NaN.
func (l Liquidity) MaxSize(impact, mult float64) float64 {
	if !(impact >= 0 && impact < 1) || !(mult >= 0) {
		panic("market: impact must be in [0,1) and multiplier non-negative")
	}
	k := mult * l.K
	if k == 0 {
		return math.Inf(1)
	}
	return math.Pow(impact/k, 1/l.B)
}

// BestSize returns the USD notional that maximises the proceeds s·(1 −
// m·K·s^B) of one sale, (1/(m·K·(1+B)))^(1/B), where the impact is
// 1/(1+B); +Inf if mult·K is 0. Selling more than this at once brings in
// less in total. It panics if mult is negative or NaN.
func (l Liquidity) BestSize(mult float64) float64 {
	if !(mult >= 0) {
		panic("market: negative impact multiplier")
	}
	k := mult * l.K
	if k == 0 {
		return math.Inf(1)
	}
	return math.Pow(1/(k*(1+l.B)), 1/l.B)
}
