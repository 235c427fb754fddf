package dex

// StableSwap: a Curve StableSwap-NG plain pool with two coins.
//
// Mirrors curvefi/stableswap-ng contracts/main/CurveStableSwapNG.vy (pool
// version "v7.0.0") at commit 0057a71f5de398e531c60658889716ccafcabe5c, with
// the views of contracts/main/CurveStableSwapNGViews.vy ("1.2.0") at
// 018f01217b970bac30ce66b369eadf59d9bdde88 (get_dy, get_dx, dynamic_fee,
// calc_token_amount) and the deployment checks of
// contracts/main/CurveStableSwapFactoryNG.vy at
// 6c671f07f5230c8a0286b199ac28967192be1b19 (fee ≤ 1%, offpeg·fee ≤ 50%,
// at most 18 decimals).
//
// Deviations:
//   - N_COINS = 2 and plain tokens only (asset type 0): no rate oracles, no
//     rebasing or ERC4626 coins, so stored_rates are the constant rate
//     multipliers 10^(36−decimals). exchange_received (optimistic transfers)
//     is not modelled.
//   - No token ledger, LP balances or ERC20/permit logic: a call returns the
//     amounts to move and the caller moves coins and LP tokens. The pool
//     keeps the LP total supply only; a burn larger than the supply fails
//     (underflow) but the burner's own balance is the ledger's to check.
//     Receiver checks (non-zero address) are gone with the addresses.
//   - Admin fees accrue into AdminBalances exactly as NG does (out of the
//     pool's balances, which are stored − admin); the fee receiver is assumed
//     to be set, so withdraw_admin_fees (and remove_liquidity's
//     _claim_admin_fees) always pays out, returning the amounts.
//   - No access control on ramp_A, stop_ramp_A, set_new_fee,
//     set_ma_exp_time and set_new_admin_fee: the governance agent is the
//     caller. The admin fee is a stored, settable share as at 0057a71
//     (SetNewAdminFee); in the reference's snapshot of the pool (2abe778)
//     it is the constant 5e9 (50%). It starts at 50% here and no scenario
//     changes it, so the two give the same results. The deployment checks of the factory run in NewStableSwap,
//     which also requires 0 < A < MAX_A (the factory does not check A).
//   - Timestamps are int64 seconds; the packed oracle slots are kept as
//     separate fields, with pack_2's 2^128 bound enforced where the contract
//     packs. Events are omitted.
//   - Revert reasons: the contract's assert messages (or dev comments for
//     bare asserts) in kebab case, prefixed "StableSwap/"; arithmetic
//     failures are fixed's sentinels.

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// Revert reasons of the StableSwap pool: the contract's assert messages, or
// its dev comments for bare asserts, in kebab case.
var (
	// ErrCoinIndex is the revert of a coin index other than 0 or 1, or a swap with i == j.
	ErrCoinIndex = errors.New("StableSwap/coin-index-out-of-range")
	// ErrZeroDx is the revert of an exchange of 0 coins.
	ErrZeroDx = errors.New("StableSwap/do-not-exchange-0-coins")
	// ErrExchangeSlippage is the revert of an exchange paying less than min_dy.
	ErrExchangeSlippage = errors.New("StableSwap/exchange-resulted-in-fewer-coins-than-expected")
	// ErrSlippage is the revert of add_liquidity minting less than min_mint_amount, or
	// remove_liquidity_imbalance burning more than max_burn_amount
	// ("Slippage screwed you").
	ErrSlippage = errors.New("StableSwap/slippage-screwed-you")
	// ErrNotEnoughCoinsRemoved is the revert of remove_liquidity_one_coin paying less than
	// min_received.
	ErrNotEnoughCoinsRemoved = errors.New("StableSwap/not-enough-coins-removed")
	// ErrWithdrawalSlippage is the revert of remove_liquidity paying less than a min_amount.
	ErrWithdrawalSlippage = errors.New("StableSwap/withdrawal-resulted-in-fewer-coins-than-expected")
	// ErrInitialDepositAllCoins is the revert of a first deposit without one of the coins.
	ErrInitialDepositAllCoins = errors.New("StableSwap/initial-deposit-requires-all-coins")
	// ErrDNotIncreased is the revert of a deposit that does not raise D (assert D1 > D0).
	ErrDNotIncreased = errors.New("StableSwap/D-did-not-increase")
	// ErrZeroTokensBurned is the revert of a remove_liquidity_imbalance burning nothing.
	ErrZeroTokensBurned = errors.New("StableSwap/zero-tokens-burned")
	// ErrZeroLPBurn is the revert of a remove_liquidity_one_coin of 0 LP tokens.
	ErrZeroLPBurn = errors.New("StableSwap/do-not-remove-0-LP-tokens")
	// ErrInvalidBurnAmount is the revert of a remove_liquidity of 0 LP tokens.
	ErrInvalidBurnAmount = errors.New("StableSwap/invalid-burn-amount")
	// ErrRampTooSoon is the revert of a ramp_A within MinRampTime of the last ramp's start.
	ErrRampTooSoon = errors.New("StableSwap/ramp-too-soon")
	// ErrInsufficientRampTime is the revert of a ramp_A ending less than MinRampTime from now.
	ErrInsufficientRampTime = errors.New("StableSwap/insufficient-time")
	// ErrFutureAOutOfRange is the revert of a ramp_A to 0, or to MAX_A or above.
	ErrFutureAOutOfRange = errors.New("StableSwap/future-A-out-of-range")
	// ErrAChangeTooLarge is the revert of a ramp_A by more than MAX_A_CHANGE (10×) either way.
	ErrAChangeTooLarge = errors.New("StableSwap/A-change-too-large")
	// ErrFeeTooHigh is the revert of a set_new_fee or set_new_admin_fee above MAX_FEE.
	ErrFeeTooHigh = errors.New("StableSwap/fee-exceeds-maximum")
	// ErrOffpegMultiplier is the revert of an offpeg_fee_multiplier·fee above MAX_FEE·1e10.
	ErrOffpegMultiplier = errors.New("StableSwap/offpeg-multiplier-exceeds-maximum")
	// ErrZeroMATime is the revert of an EMA window of 0.
	ErrZeroMATime = errors.New("StableSwap/0-in-input-values")
	// ErrInvalidFee is the revert of the factory's "Invalid fee" (a fee above 1e8, 1%).
	ErrInvalidFee = errors.New("StableSwap/invalid-fee")
	// ErrDecimals is the revert of the factory's "Max 18 decimals for coins".
	ErrDecimals = errors.New("StableSwap/max-18-decimals-for-coins")
	// ErrAOutOfRange is the revert of a deployment A of 0, or MAX_A or above (model check).
	ErrAOutOfRange = errors.New("StableSwap/A-out-of-range")
)

// MinRampTime is MIN_RAMP_TIME [s]: the shortest A ramp and the least time
// between two ramps.
const MinRampTime = 86400

// StableSwapParams are the deployment parameters of a StableSwap pool, as
// passed to the factory's deploy_plain_pool.
type StableSwapParams struct {
	A                   uint64   // amplification, without A_PRECISION (e.g. 500)
	Fee                 uint64   // [1e10] swap fee, at most 1e8 (1%)
	OffpegFeeMultiplier uint64   // [1e10] e.g. 5e10 (5×)
	MAExpTime           uint64   // [s/ln 2] price EMA window, e.g. 866 for 10 minutes
	Decimals            [2]uint8 // decimals of coin 0 and coin 1, at most 18
}

// StableSwap is the state of a two-coin StableSwap-NG pool. Coin indices are
// 0 and 1; in the peg pool coin 0 is the stablecoin and coin 1 the reference
// stablecoin (or the other way round: the model does not care).
type StableSwap struct {
	StoredBalances [2]uint256.Int // [native] coins the pool holds, admin fees included
	AdminBalances  [2]uint256.Int // [native] admin fees accrued, not part of the pool's balances
	Rates          [2]uint256.Int // [1e36/10^decimals] rate multipliers (xp = balance·rate/1e18)

	InitialA     uint256.Int // [A·A_PRECISION] A at the start of the ramp
	FutureA      uint256.Int // [A·A_PRECISION] A at the end of the ramp
	InitialATime int64       // [s] ramp start
	FutureATime  int64       // [s] ramp end

	Fee                 uint256.Int // [1e10] base swap fee
	OffpegFeeMultiplier uint256.Int // [1e10] dynamic fee multiplier off peg
	AdminFee            uint256.Int // [1e10] admin share of fees (5e9 at deployment)

	TotalSupply uint256.Int // [1e18] LP tokens outstanding

	LastPrice   uint256.Int // [1e18] last spot price of coin 1 in coin 0, capped at 2e18
	EMAPrice    uint256.Int // [1e18] EMA of the price as of MALastTimeP
	LastD       uint256.Int // [1e18] last invariant D
	EMAD        uint256.Int // [1e18] EMA of D as of MALastTimeD
	MAExpTime   uint256.Int // [s/ln 2] price EMA window
	DMATime     uint256.Int // [s/ln 2] D EMA window (62324 at deployment)
	MALastTimeP int64       // [s] last price oracle update
	MALastTimeD int64       // [s] last D oracle update
}

// NewStableSwap deploys an empty pool at time now with the factory's checks.
func NewStableSwap(p StableSwapParams, now int64) (*StableSwap, error) {
	checkTime(now)
	var s StableSwap
	var fee, mult, prod, bound uint256.Int
	fee.SetUint64(p.Fee)
	mult.SetUint64(p.OffpegFeeMultiplier)
	if fee.Gt(initialFee) {
		return nil, ErrInvalidFee
	}
	bound.Mul(&MaxFee, &FeeDenominator)
	if err := fixed.Mul(&prod, &mult, &fee); err != nil || prod.Gt(&bound) {
		return nil, ErrOffpegMultiplier
	}
	if p.A == 0 || !uint256.NewInt(p.A).Lt(&MaxA) {
		return nil, ErrAOutOfRange
	}
	if p.MAExpTime == 0 {
		return nil, ErrZeroMATime
	}
	for k, d := range p.Decimals {
		if d > 18 {
			return nil, ErrDecimals
		}
		s.Rates[k].Exp(uint256.NewInt(10), uint256.NewInt(uint64(36-int(d))))
	}
	s.InitialA.SetUint64(p.A)
	s.InitialA.Mul(&s.InitialA, &APrecision)
	s.FutureA.Set(&s.InitialA)
	s.Fee.Set(&fee)
	s.OffpegFeeMultiplier.Set(&mult)
	s.AdminFee.Set(adminFeeNG)
	s.MAExpTime.SetUint64(p.MAExpTime)
	s.DMATime.Set(dMATimeInit)
	s.MALastTimeP, s.MALastTimeD = now, now
	s.LastPrice.Set(precision)
	s.EMAPrice.Set(precision)
	return &s, nil
}

// checkTime panics on a negative time: the model's clock starts at 0.
func checkTime(now int64) {
	if now < 0 {
		panic("dex: negative time")
	}
}

// APrecise returns A·A_PRECISION at time now, following the ramp (_A).
func (p *StableSwap) APrecise(now int64) (uint256.Int, error) {
	checkTime(now)
	var a uint256.Int
	err := p.amp(&a, now)
	return a, err
}

func (p *StableSwap) amp(a *uint256.Int, now int64) error {
	if now >= p.FutureATime {
		a.Set(&p.FutureA)
		return nil
	}
	// now < t1, so t1 > 0; the contract's uint256 subtractions revert if
	// now < t0 or t1 < t0.
	if now < p.InitialATime {
		return fixed.ErrUnderflow
	}
	var el, span, d uint256.Int
	el.SetUint64(uint64(now - p.InitialATime))
	span.SetUint64(uint64(p.FutureATime - p.InitialATime))
	if p.FutureA.Gt(&p.InitialA) {
		d.Sub(&p.FutureA, &p.InitialA)
		if err := fixed.Mul(&d, &d, &el); err != nil {
			return err
		}
		if err := fixed.Div(&d, &d, &span); err != nil {
			return err
		}
		return fixed.Add(a, &p.InitialA, &d)
	}
	d.Sub(&p.InitialA, &p.FutureA)
	if err := fixed.Mul(&d, &d, &el); err != nil {
		return err
	}
	if err := fixed.Div(&d, &d, &span); err != nil {
		return err
	}
	return fixed.Sub(a, &p.InitialA, &d)
}

// A returns A without precision at time now.
func (p *StableSwap) A(now int64) (uint256.Int, error) {
	a, err := p.APrecise(now)
	a.Div(&a, &APrecision)
	return a, err
}

// Balances returns the pool's balances [native]: what it holds less the
// admin fees (_balances).
func (p *StableSwap) Balances() ([2]uint256.Int, error) {
	var b [2]uint256.Int
	err := p.balances(&b)
	return b, err
}

func (p *StableSwap) balances(b *[2]uint256.Int) error {
	for k := range b {
		if err := fixed.Sub(&b[k], &p.StoredBalances[k], &p.AdminBalances[k]); err != nil {
			return err
		}
	}
	return nil
}

// xpMem sets xp[k] = rates[k]·balances[k]/1e18 (_xp_mem).
func xpMem(xp, rates, balances *[2]uint256.Int) error {
	for k := range xp {
		if err := fixed.Mul(&xp[k], &rates[k], &balances[k]); err != nil {
			return err
		}
		xp[k].Div(&xp[k], precision)
	}
	return nil
}

// state loads what most operations start from: the balances, xp, A and D.
type ssState struct {
	bal [2]uint256.Int
	xp  [2]uint256.Int
	amp uint256.Int
	D   uint256.Int
}

func (p *StableSwap) load(st *ssState, now int64) error {
	if err := p.amp(&st.amp, now); err != nil {
		return err
	}
	if err := p.balances(&st.bal); err != nil {
		return err
	}
	if err := xpMem(&st.xp, &p.Rates, &st.bal); err != nil {
		return err
	}
	return getD(&st.D, &st.xp, &st.amp)
}

// swapQuote is the common core of exchange and get_dy: with coin i's
// balance moved to x (xp units), it returns the output before fees
// dy = xp[j] − y − 1 and the fee dyFee (both xp units), with y the new
// balance of coin j.
func (p *StableSwap) swapQuote(dy, dyFee, y *uint256.Int, i, j int, x *uint256.Int, st *ssState) error {
	if err := getY(y, i, j, x, &st.xp, &st.amp, &st.D); err != nil {
		return err
	}
	if err := fixed.Sub(dy, &st.xp[j], y); err != nil {
		return err
	}
	if err := fixed.Sub(dy, dy, uOne); err != nil {
		return err
	}
	var ai, aj, f uint256.Int
	if err := fixed.Add(&ai, &st.xp[i], x); err != nil {
		return err
	}
	ai.Rsh(&ai, 1)
	if err := fixed.Add(&aj, &st.xp[j], y); err != nil {
		return err
	}
	aj.Rsh(&aj, 1)
	if err := dynamicFee(&f, &ai, &aj, &p.Fee, &p.OffpegFeeMultiplier); err != nil {
		return err
	}
	if err := fixed.Mul(dyFee, dy, &f); err != nil {
		return err
	}
	dyFee.Div(dyFee, &FeeDenominator)
	return nil
}

var uOne = uint256.NewInt(1)

// Exchange swaps dx of coin i [native] for at least minDy of coin j
// [native] at time now (exchange). The caller moves dx of coin i into the
// pool and the returned dy of coin j out of it. Reverts:
// ErrCoinIndex, ErrZeroDx, ErrExchangeSlippage, arithmetic sentinels,
// ErrNotConverged.
func (p *StableSwap) Exchange(i, j int, dx, minDy *uint256.Int, now int64) (uint256.Int, error) {
	checkTime(now)
	var dy uint256.Int
	if !validPair(i, j) {
		return dy, ErrCoinIndex
	}
	if dx.IsZero() {
		return dy, ErrZeroDx
	}
	s := *p
	var st ssState
	if err := s.balances(&st.bal); err != nil {
		return dy, err
	}
	if err := xpMem(&st.xp, &s.Rates, &st.bal); err != nil {
		return dy, err
	}
	// Transfer in.
	if err := fixed.Add(&s.StoredBalances[i], &s.StoredBalances[i], dx); err != nil {
		return dy, err
	}
	var x, t uint256.Int
	if err := fixed.Mul(&t, dx, &s.Rates[i]); err != nil {
		return dy, err
	}
	t.Div(&t, precision)
	if err := fixed.Add(&x, &st.xp[i], &t); err != nil {
		return dy, err
	}
	// __exchange.
	if err := s.amp(&st.amp, now); err != nil {
		return dy, err
	}
	if err := getD(&st.D, &st.xp, &st.amp); err != nil {
		return dy, err
	}
	var y, dyFee uint256.Int
	if err := s.swapQuote(&dy, &dyFee, &y, i, j, &x, &st); err != nil {
		return dy, err
	}
	if err := fixed.Sub(&dy, &dy, &dyFee); err != nil {
		return dy, err
	}
	if err := fixed.Mul(&dy, &dy, precision); err != nil {
		return dy, err
	}
	if err := fixed.Div(&dy, &dy, &s.Rates[j]); err != nil {
		return dy, err
	}
	if err := fixed.Mul(&t, &dyFee, &s.AdminFee); err != nil {
		return dy, err
	}
	t.Div(&t, &FeeDenominator)
	if err := fixed.Mul(&t, &t, precision); err != nil {
		return dy, err
	}
	t.Div(&t, &s.Rates[j])
	if err := fixed.Add(&s.AdminBalances[j], &s.AdminBalances[j], &t); err != nil {
		return dy, err
	}
	st.xp[i].Set(&x)
	st.xp[j].Set(&y)
	if err := s.upkeepOracles(&st.xp, &st.amp, &st.D, now); err != nil {
		return dy, err
	}
	if dy.Lt(minDy) {
		return dy, ErrExchangeSlippage
	}
	// Transfer out.
	if err := fixed.Sub(&s.StoredBalances[j], &s.StoredBalances[j], &dy); err != nil {
		return dy, err
	}
	*p = s
	return dy, nil
}

// GetDy returns what Exchange(i, j, dx, 0, now) would pay out [native]
// (the views contract's get_dy).
func (p *StableSwap) GetDy(i, j int, dx *uint256.Int, now int64) (uint256.Int, error) {
	checkTime(now)
	var dy uint256.Int
	if !validPair(i, j) {
		return dy, ErrCoinIndex
	}
	var st ssState
	if err := p.load(&st, now); err != nil {
		return dy, err
	}
	var x, t, y, dyFee uint256.Int
	if err := fixed.Mul(&t, dx, &p.Rates[i]); err != nil {
		return dy, err
	}
	t.Div(&t, precision)
	if err := fixed.Add(&x, &st.xp[i], &t); err != nil {
		return dy, err
	}
	if err := p.swapQuote(&dy, &dyFee, &y, i, j, &x, &st); err != nil {
		return dy, err
	}
	if err := fixed.Sub(&dy, &dy, &dyFee); err != nil {
		return dy, err
	}
	if err := fixed.Mul(&dy, &dy, precision); err != nil {
		return dy, err
	}
	err := fixed.Div(&dy, &dy, &p.Rates[j])
	return dy, err
}

// GetDx returns the input of coin i [native] that the views contract
// estimates for an output dy of coin j [native] (get_dx). The estimate
// applies the dynamic fee at the current balances, so Exchange with the
// result may pay slightly more or less than dy.
func (p *StableSwap) GetDx(i, j int, dy *uint256.Int, now int64) (uint256.Int, error) {
	checkTime(now)
	var dx uint256.Int
	if !validPair(i, j) {
		return dx, ErrCoinIndex
	}
	var st ssState
	if err := p.load(&st, now); err != nil {
		return dx, err
	}
	var withFee, f, t, y uint256.Int
	if err := fixed.Mul(&withFee, dy, &p.Rates[j]); err != nil {
		return dx, err
	}
	withFee.Div(&withFee, precision)
	if err := fixed.Add(&withFee, &withFee, uOne); err != nil {
		return dx, err
	}
	if err := dynamicFee(&f, &st.xp[i], &st.xp[j], &p.Fee, &p.OffpegFeeMultiplier); err != nil {
		return dx, err
	}
	// y = xp[j] − dy_with_fee·1e10/(1e10 − fee)
	if err := fixed.Sub(&t, &FeeDenominator, &f); err != nil {
		return dx, err
	}
	if err := mulDivChecked(&withFee, &withFee, &FeeDenominator, &t); err != nil {
		return dx, err
	}
	if err := fixed.Sub(&y, &st.xp[j], &withFee); err != nil {
		return dx, err
	}
	var x uint256.Int
	if err := getY(&x, j, i, &y, &st.xp, &st.amp, &st.D); err != nil {
		return dx, err
	}
	if err := fixed.Sub(&dx, &x, &st.xp[i]); err != nil {
		return dx, err
	}
	err := mulDivChecked(&dx, &dx, precision, &p.Rates[i])
	return dx, err
}

// DynamicFee returns the fee [1e10] the views contract quotes for a swap
// between coins i and j at the current balances (dynamic_fee).
func (p *StableSwap) DynamicFee(i, j int) (uint256.Int, error) {
	var f uint256.Int
	if i < 0 || i >= nCoins || j < 0 || j >= nCoins {
		return f, ErrCoinIndex
	}
	var bal, xp [2]uint256.Int
	if err := p.balances(&bal); err != nil {
		return f, err
	}
	if err := xpMem(&xp, &p.Rates, &bal); err != nil {
		return f, err
	}
	err := dynamicFee(&f, &xp[i], &xp[j], &p.Fee, &p.OffpegFeeMultiplier)
	return f, err
}

// imbalanceFees charges the imbalance fee of add_liquidity and
// remove_liquidity_imbalance: with invariants D0 (before) and D1 (after),
// each coin pays dynamic_fee·|D1·old/D0 − new|/1e10, the admin share of it
// accrues to admin, and newBal is reduced by the whole fee.
func (p *StableSwap) imbalanceFees(newBal, old *[2]uint256.Int, D0, D1 *uint256.Int, admin *[2]uint256.Int) error {
	var ys, baseFee uint256.Int
	if err := fixed.Add(&ys, D0, D1); err != nil {
		return err
	}
	ys.Rsh(&ys, 1) // unsafe_div(D0 + D1, N_COINS)
	// base_fee = fee·N/(4·(N−1)), unsafe.
	baseFee.Mul(&p.Fee, uTwo)
	baseFee.Div(&baseFee, uFour)
	for k := range newBal {
		var ideal, diff, xs, f, fee, a uint256.Int
		if err := mulDivChecked(&ideal, D1, &old[k], D0); err != nil {
			return err
		}
		if ideal.Gt(&newBal[k]) {
			diff.Sub(&ideal, &newBal[k])
		} else {
			diff.Sub(&newBal[k], &ideal)
		}
		if err := fixed.Add(&xs, &old[k], &newBal[k]); err != nil {
			return err
		}
		if err := fixed.Mul(&xs, &p.Rates[k], &xs); err != nil {
			return err
		}
		xs.Div(&xs, precision)
		if err := dynamicFee(&f, &xs, &ys, &baseFee, &p.OffpegFeeMultiplier); err != nil {
			return err
		}
		if err := fixed.Mul(&fee, &f, &diff); err != nil {
			return err
		}
		fee.Div(&fee, &FeeDenominator)
		if err := fixed.Mul(&a, &fee, &p.AdminFee); err != nil {
			return err
		}
		a.Div(&a, &FeeDenominator)
		if err := fixed.Add(&admin[k], &admin[k], &a); err != nil {
			return err
		}
		if err := fixed.Sub(&newBal[k], &newBal[k], &fee); err != nil {
			return err
		}
	}
	return nil
}

// AddLiquidity deposits amounts [native] and mints at least minMint LP
// tokens [1e18] at time now (add_liquidity). The first deposit must hold
// both coins and mints D. Later deposits pay the imbalance fee. The caller
// moves the amounts into the pool and credits the returned LP tokens.
// Reverts: ErrInitialDepositAllCoins, ErrDNotIncreased, ErrSlippage,
// arithmetic sentinels, ErrNotConverged.
func (p *StableSwap) AddLiquidity(amounts [2]uint256.Int, minMint *uint256.Int, now int64) (uint256.Int, error) {
	checkTime(now)
	var mint uint256.Int
	s := *p
	var amp, D0, D1 uint256.Int
	var old, xp [2]uint256.Int
	if err := s.amp(&amp, now); err != nil {
		return mint, err
	}
	if err := s.balances(&old); err != nil {
		return mint, err
	}
	if err := xpMem(&xp, &s.Rates, &old); err != nil {
		return mint, err
	}
	if err := getD(&D0, &xp, &amp); err != nil {
		return mint, err
	}
	newBal := old
	for k := range amounts {
		if amounts[k].IsZero() {
			if s.TotalSupply.IsZero() {
				return mint, ErrInitialDepositAllCoins
			}
			continue
		}
		if err := fixed.Add(&s.StoredBalances[k], &s.StoredBalances[k], &amounts[k]); err != nil {
			return mint, err
		}
		if err := fixed.Add(&newBal[k], &newBal[k], &amounts[k]); err != nil {
			return mint, err
		}
	}
	if err := xpMem(&xp, &s.Rates, &newBal); err != nil {
		return mint, err
	}
	if err := getD(&D1, &xp, &amp); err != nil {
		return mint, err
	}
	if !D1.Gt(&D0) {
		return mint, ErrDNotIncreased
	}
	if !s.TotalSupply.IsZero() {
		if err := s.imbalanceFees(&newBal, &old, &D0, &D1, &s.AdminBalances); err != nil {
			return mint, err
		}
		if err := xpMem(&xp, &s.Rates, &newBal); err != nil {
			return mint, err
		}
		if err := getD(&D1, &xp, &amp); err != nil {
			return mint, err
		}
		var d uint256.Int
		if err := fixed.Sub(&d, &D1, &D0); err != nil {
			return mint, err
		}
		if err := fixed.Mul(&mint, &s.TotalSupply, &d); err != nil {
			return mint, err
		}
		mint.Div(&mint, &D0)
		if err := s.upkeepOracles(&xp, &amp, &D1, now); err != nil {
			return mint, err
		}
	} else {
		mint.Set(&D1)
		// (Re)start the D oracle.
		if !D1.Lt(maxPacked) {
			return mint, errPackOverflow
		}
		s.LastD.Set(&D1)
		s.EMAD.Set(&D1)
		if s.MALastTimeD < now {
			s.MALastTimeD = now
		}
	}
	if mint.Lt(minMint) {
		return mint, ErrSlippage
	}
	if err := fixed.Add(&s.TotalSupply, &s.TotalSupply, &mint); err != nil {
		return mint, err
	}
	*p = s
	return mint, nil
}

// RemoveLiquidity burns burn LP tokens [1e18] for a pro-rata share of each
// coin [native], each at least minAmounts (remove_liquidity). With
// claimAdminFees it then withdraws the admin fees, returned as adminFees
// for the caller to pay the fee receiver. The caller burns the LP tokens and
// moves amounts (and adminFees) out of the pool.
// Reverts: ErrInvalidBurnAmount, ErrWithdrawalSlippage, arithmetic
// sentinels.
func (p *StableSwap) RemoveLiquidity(burn *uint256.Int, minAmounts [2]uint256.Int, claimAdminFees bool, now int64) (amounts, adminFees [2]uint256.Int, err error) {
	checkTime(now)
	s := *p
	ts := s.TotalSupply
	if burn.IsZero() {
		return amounts, adminFees, ErrInvalidBurnAmount
	}
	var bal [2]uint256.Int
	if err := s.balances(&bal); err != nil {
		return amounts, adminFees, err
	}
	for k := range bal {
		if err := fixed.Mul(&amounts[k], &bal[k], burn); err != nil {
			return amounts, adminFees, err
		}
		amounts[k].Div(&amounts[k], &ts) // unsafe_div
		if amounts[k].Lt(&minAmounts[k]) {
			return amounts, adminFees, ErrWithdrawalSlippage
		}
		if err := fixed.Sub(&s.StoredBalances[k], &s.StoredBalances[k], &amounts[k]); err != nil {
			return amounts, adminFees, err
		}
	}
	if err := fixed.Sub(&s.TotalSupply, &s.TotalSupply, burn); err != nil {
		return amounts, adminFees, err
	}
	// The D oracle: D shrinks in proportion; its EMA moves on.
	var newD, ema, t uint256.Int
	if err := fixed.Mul(&t, &s.LastD, burn); err != nil {
		return amounts, adminFees, err
	}
	t.Div(&t, &ts)
	if err := fixed.Sub(&newD, &s.LastD, &t); err != nil {
		return amounts, adminFees, err
	}
	if err := movingAverage(&ema, &s.LastD, &s.EMAD, &s.DMATime, s.MALastTimeD, now); err != nil {
		return amounts, adminFees, err
	}
	if !newD.Lt(maxPacked) || !ema.Lt(maxPacked) {
		return amounts, adminFees, errPackOverflow
	}
	s.LastD, s.EMAD = newD, ema
	if s.MALastTimeD < now {
		s.MALastTimeD = now
	}
	if claimAdminFees {
		if adminFees, err = s.withdrawAdminFees(); err != nil {
			return amounts, adminFees, err
		}
	}
	*p = s
	return amounts, adminFees, nil
}

// WithdrawAdminFees pays out the accrued admin fees [native]: the caller
// moves them from the pool to the fee receiver (withdraw_admin_fees).
func (p *StableSwap) WithdrawAdminFees() ([2]uint256.Int, error) {
	s := *p
	out, err := s.withdrawAdminFees()
	if err != nil {
		return out, err
	}
	*p = s
	return out, nil
}

func (p *StableSwap) withdrawAdminFees() ([2]uint256.Int, error) {
	out := p.AdminBalances
	for k := range out {
		if err := fixed.Sub(&p.StoredBalances[k], &p.StoredBalances[k], &out[k]); err != nil {
			return out, err
		}
		p.AdminBalances[k].Clear()
	}
	return out, nil
}

// RemoveLiquidityImbalance withdraws amounts [native] for at most maxBurn LP
// tokens [1e18] at time now, paying the imbalance fee
// (remove_liquidity_imbalance). It returns the LP tokens to burn; the caller
// burns them and moves amounts out of the pool.
// Reverts: ErrZeroTokensBurned, ErrSlippage, arithmetic sentinels (a
// withdrawal above the balance underflows), ErrNotConverged.
func (p *StableSwap) RemoveLiquidityImbalance(amounts [2]uint256.Int, maxBurn *uint256.Int, now int64) (uint256.Int, error) {
	checkTime(now)
	var burn uint256.Int
	s := *p
	var amp, D0, D1 uint256.Int
	var old, xp [2]uint256.Int
	if err := s.amp(&amp, now); err != nil {
		return burn, err
	}
	if err := s.balances(&old); err != nil {
		return burn, err
	}
	if err := xpMem(&xp, &s.Rates, &old); err != nil {
		return burn, err
	}
	if err := getD(&D0, &xp, &amp); err != nil {
		return burn, err
	}
	newBal := old
	for k := range amounts {
		if amounts[k].IsZero() {
			continue
		}
		if err := fixed.Sub(&newBal[k], &newBal[k], &amounts[k]); err != nil {
			return burn, err
		}
		if err := fixed.Sub(&s.StoredBalances[k], &s.StoredBalances[k], &amounts[k]); err != nil {
			return burn, err
		}
	}
	if err := xpMem(&xp, &s.Rates, &newBal); err != nil {
		return burn, err
	}
	if err := getD(&D1, &xp, &amp); err != nil {
		return burn, err
	}
	if err := s.imbalanceFees(&newBal, &old, &D0, &D1, &s.AdminBalances); err != nil {
		return burn, err
	}
	if err := xpMem(&xp, &s.Rates, &newBal); err != nil {
		return burn, err
	}
	if err := getD(&D1, &xp, &amp); err != nil {
		return burn, err
	}
	if err := s.upkeepOracles(&xp, &amp, &D1, now); err != nil {
		return burn, err
	}
	var d uint256.Int
	if err := fixed.Sub(&d, &D0, &D1); err != nil {
		return burn, err
	}
	if err := fixed.Mul(&burn, &d, &s.TotalSupply); err != nil {
		return burn, err
	}
	burn.Div(&burn, &D0) // unsafe_div
	if err := fixed.Add(&burn, &burn, uOne); err != nil {
		return burn, err
	}
	if !burn.GtUint64(1) {
		return burn, ErrZeroTokensBurned
	}
	if burn.Gt(maxBurn) {
		return burn, ErrSlippage
	}
	if err := fixed.Sub(&s.TotalSupply, &s.TotalSupply, &burn); err != nil {
		return burn, err
	}
	*p = s
	return burn, nil
}

// oneCoin is the result of _calc_withdraw_one_coin.
type oneCoin struct {
	dy, fee uint256.Int    // [native] payout and fee (dy_0 − dy)
	xp      [2]uint256.Int // balances with coin i at new_y, for the oracle
	amp, D1 uint256.Int
}

func (p *StableSwap) calcWithdrawOneCoin(r *oneCoin, burn *uint256.Int, i int, now int64) error {
	var st ssState
	if err := p.load(&st, now); err != nil {
		return err
	}
	D0 := &st.D
	var D1, t, newY uint256.Int
	if err := mulDivChecked(&t, burn, D0, &p.TotalSupply); err != nil {
		return err
	}
	if err := fixed.Sub(&D1, D0, &t); err != nil {
		return err
	}
	if err := getYD(&newY, &st.amp, i, &st.xp, &D1); err != nil {
		return err
	}
	var baseFee, ys uint256.Int
	baseFee.Mul(&p.Fee, uTwo)
	baseFee.Div(&baseFee, uFour)
	if err := fixed.Add(&ys, D0, &D1); err != nil {
		return err
	}
	ys.Div(&ys, uFour) // unsafe_div(D0 + D1, 2·N_COINS)
	reduced := st.xp
	for k := range nCoins {
		var expected, xavg, f uint256.Int
		xpk := &st.xp[k]
		if err := mulDivChecked(&t, xpk, &D1, D0); err != nil {
			return err
		}
		if k == i {
			if err := fixed.Sub(&expected, &t, &newY); err != nil {
				return err
			}
			if err := fixed.Add(&xavg, xpk, &newY); err != nil {
				return err
			}
			xavg.Rsh(&xavg, 1)
		} else {
			if err := fixed.Sub(&expected, xpk, &t); err != nil {
				return err
			}
			xavg.Set(xpk)
		}
		if err := dynamicFee(&f, &xavg, &ys, &baseFee, &p.OffpegFeeMultiplier); err != nil {
			return err
		}
		if err := fixed.Mul(&t, &f, &expected); err != nil {
			return err
		}
		t.Div(&t, &FeeDenominator)
		if err := fixed.Sub(&reduced[k], xpk, &t); err != nil {
			return err
		}
	}
	var dy, dy0 uint256.Int
	if err := getYD(&t, &st.amp, i, &reduced, &D1); err != nil {
		return err
	}
	if err := fixed.Sub(&dy, &reduced[i], &t); err != nil {
		return err
	}
	if err := fixed.Sub(&dy0, &st.xp[i], &newY); err != nil {
		return err
	}
	if err := mulDivChecked(&dy0, &dy0, precision, &p.Rates[i]); err != nil {
		return err
	}
	if err := fixed.Sub(&dy, &dy, uOne); err != nil {
		return err
	}
	if err := fixed.Mul(&dy, &dy, precision); err != nil {
		return err
	}
	dy.Div(&dy, &p.Rates[i]) // unsafe_div
	if err := fixed.Sub(&r.fee, &dy0, &dy); err != nil {
		return err
	}
	r.dy.Set(&dy)
	r.xp = st.xp
	r.xp[i].Set(&newY)
	r.amp.Set(&st.amp)
	r.D1.Set(&D1)
	return nil
}

// CalcWithdrawOneCoin returns what RemoveLiquidityOneCoin(burn, i, 0, now)
// would pay [native] (calc_withdraw_one_coin).
func (p *StableSwap) CalcWithdrawOneCoin(burn *uint256.Int, i int, now int64) (uint256.Int, error) {
	checkTime(now)
	if i < 0 || i >= nCoins {
		return uint256.Int{}, ErrCoinIndex
	}
	var r oneCoin
	err := p.calcWithdrawOneCoin(&r, burn, i, now)
	return r.dy, err
}

// RemoveLiquidityOneCoin burns burn LP tokens [1e18] for at least
// minReceived of coin i [native] at time now (remove_liquidity_one_coin).
// The caller burns the LP tokens and moves the returned amount out of the
// pool. Reverts: ErrZeroLPBurn, ErrCoinIndex, ErrNotEnoughCoinsRemoved,
// arithmetic sentinels, ErrNotConverged.
func (p *StableSwap) RemoveLiquidityOneCoin(burn *uint256.Int, i int, minReceived *uint256.Int, now int64) (uint256.Int, error) {
	checkTime(now)
	if burn.IsZero() {
		return uint256.Int{}, ErrZeroLPBurn
	}
	if i < 0 || i >= nCoins {
		return uint256.Int{}, ErrCoinIndex
	}
	s := *p
	var r oneCoin
	if err := s.calcWithdrawOneCoin(&r, burn, i, now); err != nil {
		return r.dy, err
	}
	if r.dy.Lt(minReceived) {
		return r.dy, ErrNotEnoughCoinsRemoved
	}
	var a uint256.Int
	if err := fixed.Mul(&a, &r.fee, &s.AdminFee); err != nil {
		return r.dy, err
	}
	a.Div(&a, &FeeDenominator)
	if err := fixed.Add(&s.AdminBalances[i], &s.AdminBalances[i], &a); err != nil {
		return r.dy, err
	}
	if err := fixed.Sub(&s.TotalSupply, &s.TotalSupply, burn); err != nil {
		return r.dy, err
	}
	if err := fixed.Sub(&s.StoredBalances[i], &s.StoredBalances[i], &r.dy); err != nil {
		return r.dy, err
	}
	if err := s.upkeepOracles(&r.xp, &r.amp, &r.D1, now); err != nil {
		return r.dy, err
	}
	*p = s
	return r.dy, nil
}

// CalcTokenAmount estimates the LP tokens [1e18] minted by depositing (or
// burned by withdrawing) amounts [native] (the views contract's
// calc_token_amount for an NG pool). It returns D1 for the first deposit.
func (p *StableSwap) CalcTokenAmount(amounts [2]uint256.Int, isDeposit bool, now int64) (uint256.Int, error) {
	checkTime(now)
	var out uint256.Int
	var amp, D0, D1, D2 uint256.Int
	var old, xp [2]uint256.Int
	if err := p.amp(&amp, now); err != nil {
		return out, err
	}
	if err := p.balances(&old); err != nil {
		return out, err
	}
	if err := xpMem(&xp, &p.Rates, &old); err != nil {
		return out, err
	}
	if err := getD(&D0, &xp, &amp); err != nil {
		return out, err
	}
	newBal := old
	for k := range amounts {
		var err error
		if isDeposit {
			err = fixed.Add(&newBal[k], &newBal[k], &amounts[k])
		} else {
			err = fixed.Sub(&newBal[k], &newBal[k], &amounts[k])
		}
		if err != nil {
			return out, err
		}
	}
	if err := xpMem(&xp, &p.Rates, &newBal); err != nil {
		return out, err
	}
	if err := getD(&D1, &xp, &amp); err != nil {
		return out, err
	}
	if p.TotalSupply.IsZero() {
		return D1, nil
	}
	var scratch [2]uint256.Int // the views do not accrue admin fees
	if err := p.imbalanceFees(&newBal, &old, &D0, &D1, &scratch); err != nil {
		return out, err
	}
	if err := xpMem(&xp, &p.Rates, &newBal); err != nil {
		return out, err
	}
	if err := getD(&D2, &xp, &amp); err != nil {
		return out, err
	}
	var diff uint256.Int
	var err error
	if isDeposit {
		err = fixed.Sub(&diff, &D2, &D0)
	} else {
		err = fixed.Sub(&diff, &D0, &D2)
	}
	if err != nil {
		return out, err
	}
	if err := fixed.Mul(&out, &diff, &p.TotalSupply); err != nil {
		return out, err
	}
	err = fixed.Div(&out, &out, &D0)
	return out, err
}

// upkeepOracles records the spot price and D and moves both EMAs to now
// (upkeep_oracles).
func (p *StableSwap) upkeepOracles(xp *[2]uint256.Int, amp, D *uint256.Int, now int64) error {
	var spot, ema uint256.Int
	if err := spotPrice(&spot, xp, amp, D); err != nil {
		return err
	}
	if !spot.IsZero() {
		if err := movingAverage(&ema, &p.LastPrice, &p.EMAPrice, &p.MAExpTime, p.MALastTimeP, now); err != nil {
			return err
		}
		if !ema.Lt(maxPacked) {
			return errPackOverflow
		}
		fixed.Min(&p.LastPrice, &spot, spotCap)
		p.EMAPrice.Set(&ema)
	}
	if err := movingAverage(&ema, &p.LastD, &p.EMAD, &p.DMATime, p.MALastTimeD, now); err != nil {
		return err
	}
	if !D.Lt(maxPacked) || !ema.Lt(maxPacked) {
		return errPackOverflow
	}
	p.LastD.Set(D)
	p.EMAD.Set(&ema)
	if p.MALastTimeP < now {
		p.MALastTimeP = now
	}
	if p.MALastTimeD < now {
		p.MALastTimeD = now
	}
	return nil
}

// GetP returns the AMM state price of coin 1 in coin 0 [1e18] at time now
// (get_p(0)): above 1e18 when coin 1 is scarce.
func (p *StableSwap) GetP(now int64) (uint256.Int, error) {
	checkTime(now)
	var price uint256.Int
	var st ssState
	if err := p.load(&st, now); err != nil {
		return price, err
	}
	err := spotPrice(&price, &st.xp, &st.amp, &st.D)
	return price, err
}

// PriceOracle returns the EMA price of coin 1 in coin 0 [1e18] as seen at
// time now (price_oracle(0)).
func (p *StableSwap) PriceOracle(now int64) (uint256.Int, error) {
	checkTime(now)
	var price uint256.Int
	err := movingAverage(&price, &p.LastPrice, &p.EMAPrice, &p.MAExpTime, p.MALastTimeP, now)
	return price, err
}

// DOracle returns the EMA of the invariant D [1e18] as seen at time now
// (D_oracle).
func (p *StableSwap) DOracle(now int64) (uint256.Int, error) {
	checkTime(now)
	var d uint256.Int
	err := movingAverage(&d, &p.LastD, &p.EMAD, &p.DMATime, p.MALastTimeD, now)
	return d, err
}

// D returns the current invariant [1e18] at time now.
func (p *StableSwap) D(now int64) (uint256.Int, error) {
	checkTime(now)
	var st ssState
	err := p.load(&st, now)
	return st.D, err
}

// GetVirtualPrice returns D·1e18/total supply [1e18] at time now
// (get_virtual_price); it fails with fixed.ErrDivByZero on an empty pool.
func (p *StableSwap) GetVirtualPrice(now int64) (uint256.Int, error) {
	checkTime(now)
	var vp uint256.Int
	var st ssState
	if err := p.load(&st, now); err != nil {
		return vp, err
	}
	if err := fixed.Mul(&vp, &st.D, precision); err != nil {
		return vp, err
	}
	err := fixed.Div(&vp, &vp, &p.TotalSupply)
	return vp, err
}

// RampA starts moving A (without precision) linearly to futureA, reached at
// futureTime (ramp_A). Reverts: ErrRampTooSoon (less than MinRampTime since
// the last ramp started), ErrInsufficientRampTime, ErrFutureAOutOfRange,
// ErrAChangeTooLarge (more than 10× either way).
func (p *StableSwap) RampA(futureA uint64, futureTime, now int64) error {
	checkTime(now)
	if now < p.InitialATime+MinRampTime {
		return ErrRampTooSoon
	}
	if futureTime < now+MinRampTime {
		return ErrInsufficientRampTime
	}
	var initial, fut, t uint256.Int
	if err := p.amp(&initial, now); err != nil {
		return err
	}
	fut.SetUint64(futureA)
	fut.Mul(&fut, &APrecision)
	if futureA == 0 || !uint256.NewInt(futureA).Lt(&MaxA) {
		return ErrFutureAOutOfRange
	}
	if fut.Lt(&initial) {
		t.Mul(&fut, maxAChange)
		if t.Lt(&initial) {
			return ErrAChangeTooLarge
		}
	} else {
		if err := fixed.Mul(&t, &initial, maxAChange); err != nil {
			return err
		}
		if fut.Gt(&t) {
			return ErrAChangeTooLarge
		}
	}
	p.InitialA, p.FutureA = initial, fut
	p.InitialATime, p.FutureATime = now, futureTime
	return nil
}

// StopRampA freezes A at its current value (stop_ramp_A).
func (p *StableSwap) StopRampA(now int64) error {
	checkTime(now)
	var a uint256.Int
	if err := p.amp(&a, now); err != nil {
		return err
	}
	p.InitialA, p.FutureA = a, a
	p.InitialATime, p.FutureATime = now, now
	return nil
}

// SetNewFee sets the base fee and offpeg multiplier [1e10] (set_new_fee).
// Reverts: ErrFeeTooHigh (above MaxFee), ErrOffpegMultiplier (offpeg·fee
// above MaxFee·1e10).
func (p *StableSwap) SetNewFee(fee, offpegFeeMultiplier uint64) error {
	var f, m, prod, bound uint256.Int
	f.SetUint64(fee)
	m.SetUint64(offpegFeeMultiplier)
	if f.Gt(&MaxFee) {
		return ErrFeeTooHigh
	}
	bound.Mul(&MaxFee, &FeeDenominator)
	if err := fixed.Mul(&prod, &m, &f); err != nil {
		return err
	}
	if prod.Gt(&bound) {
		return ErrOffpegMultiplier
	}
	p.Fee, p.OffpegFeeMultiplier = f, m
	return nil
}

// SetMAExpTime sets the price and D EMA windows [s/ln 2] (set_ma_exp_time).
// Reverts: ErrZeroMATime.
func (p *StableSwap) SetMAExpTime(maExpTime, dMATime uint64) error {
	if maExpTime == 0 || dMATime == 0 {
		return ErrZeroMATime
	}
	p.MAExpTime.SetUint64(maExpTime)
	p.DMATime.SetUint64(dMATime)
	return nil
}

// SetNewAdminFee sets the admin share of fees [1e10] (set_new_admin_fee).
// Reverts: ErrFeeTooHigh (above MaxFee).
func (p *StableSwap) SetNewAdminFee(adminFee uint64) error {
	var f uint256.Int
	f.SetUint64(adminFee)
	if f.Gt(&MaxFee) {
		return ErrFeeTooHigh
	}
	p.AdminFee = f
	return nil
}
