package dex

// ConstantProduct: a Uniswap v2 pair.
//
// Mirrors Uniswap/v2-core contracts/UniswapV2Pair.sol (solidity 0.5.16) at
// commit 03b5fc8125142b8b301371814b728c56fd7114e5 (the reference's
// formulas and vectors cite @ee547b1; the pair's swap, mint, burn and
// _update read the same at both) with its
// contracts/libraries/Math.sol (Babylonian sqrt; the stored version at
// 10f269ce72ff6ba5b6579f02fb270c79832da6d2 is the 0.8 port of the same
// function), and the quote helpers of
// Uniswap/v2-periphery contracts/libraries/UniswapV2Library.sol at
// 19dcab2058e4d157e084b87bdceb97ddd1727ace (getAmountOut, getAmountIn,
// quote) plus the router's minimum-output check of
// swapExactTokensForTokens.
//
// Deviations:
//   - No token ledger and no LP balances: Mint, Burn and Swap take the
//     pair's token balances (what balanceOf(pair) would read) from the
//     caller and return the amounts to move; the pool keeps its reserves, LP
//     total supply (MINIMUM_LIQUIDITY included) and kLast. Burn takes the LP
//     tokens the caller sent to the pair.
//   - No price accumulators (price0CumulativeLast, price1CumulativeLast,
//     blockTimestampLast): the model has no TWAP consumer.
//   - No addresses: the INVALID_TO check, the lock modifier, skim, sync and
//     the flash-swap callback are gone (a flash swap is a Swap whose
//     balances already include the repayment). FeeOn stands for the
//     factory's feeTo being set; the protocol fee is returned for the caller
//     to credit feeTo.
//   - SafeMath's "ds-math-*" reverts are fixed's sentinels. Events omitted.

import (
	"errors"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// Revert reasons of the pair, the library and the router, verbatim.
var (
	// ErrK is the revert of a swap breaking the fee-adjusted constant product.
	ErrK = errors.New("UniswapV2: K")
	// ErrInsufficientOutputAmount is the revert of a swap with no output.
	ErrInsufficientOutputAmount = errors.New("UniswapV2: INSUFFICIENT_OUTPUT_AMOUNT")
	// ErrInsufficientInputAmount is the revert of a swap with no input.
	ErrInsufficientInputAmount = errors.New("UniswapV2: INSUFFICIENT_INPUT_AMOUNT")
	// ErrInsufficientLiquidity is the revert of a swap output at or above the reserve.
	ErrInsufficientLiquidity = errors.New("UniswapV2: INSUFFICIENT_LIQUIDITY")
	// ErrInsufficientLiquidityMinted is the revert of a mint that mints nothing.
	ErrInsufficientLiquidityMinted = errors.New("UniswapV2: INSUFFICIENT_LIQUIDITY_MINTED")
	// ErrInsufficientLiquidityBurned is the revert of a burn paying nothing of a token.
	ErrInsufficientLiquidityBurned = errors.New("UniswapV2: INSUFFICIENT_LIQUIDITY_BURNED")
	// ErrReserveOverflow is the revert of a balance above 2^112 − 1.
	ErrReserveOverflow = errors.New("UniswapV2: OVERFLOW")
	// ErrLibraryInsufficientInputAmount is the revert of a getAmountOut of 0.
	ErrLibraryInsufficientInputAmount = errors.New("UniswapV2Library: INSUFFICIENT_INPUT_AMOUNT")
	// ErrLibraryInsufficientOutputAmount is the revert of a getAmountIn of 0.
	ErrLibraryInsufficientOutputAmount = errors.New("UniswapV2Library: INSUFFICIENT_OUTPUT_AMOUNT")
	// ErrLibraryInsufficientLiquidity is the revert of a quote against an empty reserve.
	ErrLibraryInsufficientLiquidity = errors.New("UniswapV2Library: INSUFFICIENT_LIQUIDITY")
	// ErrLibraryInsufficientAmount is the revert of a quote of 0.
	ErrLibraryInsufficientAmount = errors.New("UniswapV2Library: INSUFFICIENT_AMOUNT")
	// ErrRouterInsufficientOutputAmount is the revert of a router output below amountOutMin.
	ErrRouterInsufficientOutputAmount = errors.New("UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT")
	// ErrTokenIndex is the revert of a token index other than 0 or 1 (the router's path
	// would name a token the pair does not hold).
	ErrTokenIndex = errors.New("UniswapV2: invalid token index")
)

// MinimumLiquidity is MINIMUM_LIQUIDITY: the LP tokens the first mint locks
// at the zero address.
const MinimumLiquidity = 1000

var (
	minimumLiquidity = uint256.NewInt(MinimumLiquidity)
	maxUint112       = new(uint256.Int).Sub(new(uint256.Int).Lsh(uint256.NewInt(1), 112), uint256.NewInt(1))
	u3               = uint256.NewInt(3)
	u5               = uint256.NewInt(5)
	u997             = uint256.NewInt(997)
	u1000            = uint256.NewInt(1000)
	u1000000         = uint256.NewInt(1000 * 1000)
)

// ConstantProduct is the state of a Uniswap v2 pair of token 0 and token 1.
type ConstantProduct struct {
	Reserve0    uint256.Int // [native token 0] at most 2^112 − 1
	Reserve1    uint256.Int // [native token 1] at most 2^112 − 1
	TotalSupply uint256.Int // [LP] outstanding, MinimumLiquidity included
	KLast       uint256.Int // [native0·native1] Reserve0·Reserve1 after the last mint or burn while FeeOn
	FeeOn       bool        // the protocol fee (feeTo) is on
}

// MintResult is what a mint creates; the caller credits each LP amount.
type MintResult struct {
	Liquidity    uint256.Int // [LP] to the depositor
	Locked       uint256.Int // [LP] to the zero address: MinimumLiquidity on the first mint, else 0
	FeeLiquidity uint256.Int // [LP] protocol fee to feeTo (1/6 of the √k growth since KLast)
}

// BurnResult is what a burn pays out.
type BurnResult struct {
	Amount0      uint256.Int // [native token 0] to the burner
	Amount1      uint256.Int // [native token 1] to the burner
	FeeLiquidity uint256.Int // [LP] protocol fee minted to feeTo before the burn
}

// Sqrt returns floor(√y) by the Babylonian method of the pair's Math.sqrt.
func Sqrt(y *uint256.Int) uint256.Int {
	var z uint256.Int
	babylonian(&z, y)
	return z
}

// babylonian sets z = floor(√y); z may alias y.
func babylonian(z, y *uint256.Int) {
	if y.GtUint64(3) {
		var x, t uint256.Int
		yy := *y
		y = &yy
		z.Set(y)
		x.Rsh(y, 1)
		x.AddUint64(&x, 1)
		for x.Lt(z) {
			z.Set(&x)
			t.Div(y, &x)
			t.Add(&t, &x)
			x.Rsh(&t, 1)
		}
		return
	}
	if !y.IsZero() {
		z.SetOne()
		return
	}
	z.Clear()
}

// mintFee mints the protocol fee on the √k growth since KLast (_mintFee)
// and reports whether the fee is on.
func (p *ConstantProduct) mintFee(fee *uint256.Int) (bool, error) {
	fee.Clear()
	if !p.FeeOn {
		p.KLast.Clear()
		return false, nil
	}
	if p.KLast.IsZero() {
		return true, nil
	}
	var k, rootK, rootKLast, num, den uint256.Int
	if err := fixed.Mul(&k, &p.Reserve0, &p.Reserve1); err != nil {
		return true, err
	}
	babylonian(&rootK, &k)
	babylonian(&rootKLast, &p.KLast)
	if !rootK.Gt(&rootKLast) {
		return true, nil
	}
	num.Sub(&rootK, &rootKLast)
	if err := fixed.Mul(&num, &p.TotalSupply, &num); err != nil {
		return true, err
	}
	if err := fixed.Mul(&den, &rootK, u5); err != nil {
		return true, err
	}
	if err := fixed.Add(&den, &den, &rootKLast); err != nil {
		return true, err
	}
	if err := fixed.Div(fee, &num, &den); err != nil {
		return true, err
	}
	return true, fixed.Add(&p.TotalSupply, &p.TotalSupply, fee)
}

// update stores new reserves (_update without the price accumulators).
func (p *ConstantProduct) update(balance0, balance1 *uint256.Int) error {
	if balance0.Gt(maxUint112) || balance1.Gt(maxUint112) {
		return ErrReserveOverflow
	}
	p.Reserve0.Set(balance0)
	p.Reserve1.Set(balance1)
	return nil
}

// Mint mints LP tokens for what the pair holds above its reserves (mint):
// balance0 and balance1 are the pair's token balances after the deposit.
// The first mint gives √(amount0·amount1) − MinimumLiquidity and locks
// MinimumLiquidity; later mints give min(amount0·supply/reserve0,
// amount1·supply/reserve1). Reverts: ErrInsufficientLiquidityMinted,
// ErrReserveOverflow, arithmetic sentinels (a balance below its reserve
// underflows, as does a first deposit with √k below MinimumLiquidity).
func (p *ConstantProduct) Mint(balance0, balance1 *uint256.Int) (MintResult, error) {
	var r MintResult
	s := *p
	var a0, a1 uint256.Int
	if err := fixed.Sub(&a0, balance0, &s.Reserve0); err != nil {
		return r, err
	}
	if err := fixed.Sub(&a1, balance1, &s.Reserve1); err != nil {
		return r, err
	}
	feeOn, err := s.mintFee(&r.FeeLiquidity)
	if err != nil {
		return r, err
	}
	if s.TotalSupply.IsZero() {
		var k uint256.Int
		if err := fixed.Mul(&k, &a0, &a1); err != nil {
			return r, err
		}
		babylonian(&k, &k)
		if err := fixed.Sub(&r.Liquidity, &k, minimumLiquidity); err != nil {
			return r, err
		}
		r.Locked.Set(minimumLiquidity)
		s.TotalSupply.Set(minimumLiquidity)
	} else {
		var l0, l1 uint256.Int
		if err := mulDivChecked(&l0, &a0, &s.TotalSupply, &s.Reserve0); err != nil {
			return r, err
		}
		if err := mulDivChecked(&l1, &a1, &s.TotalSupply, &s.Reserve1); err != nil {
			return r, err
		}
		fixed.Min(&r.Liquidity, &l0, &l1)
	}
	if r.Liquidity.IsZero() {
		return r, ErrInsufficientLiquidityMinted
	}
	if err := fixed.Add(&s.TotalSupply, &s.TotalSupply, &r.Liquidity); err != nil {
		return r, err
	}
	if err := s.update(balance0, balance1); err != nil {
		return r, err
	}
	if feeOn {
		s.KLast.Mul(&s.Reserve0, &s.Reserve1) // < 2^224
	}
	*p = s
	return r, nil
}

// Burn burns liquidity LP tokens that the caller sent to the pair and pays
// out the pro-rata (floored) share of the pair's balances balance0 and
// balance1 (burn). Reverts: ErrInsufficientLiquidityBurned, arithmetic
// sentinels (burning more than the supply underflows).
func (p *ConstantProduct) Burn(liquidity, balance0, balance1 *uint256.Int) (BurnResult, error) {
	var r BurnResult
	s := *p
	feeOn, err := s.mintFee(&r.FeeLiquidity)
	if err != nil {
		return r, err
	}
	if err := mulDivChecked(&r.Amount0, liquidity, balance0, &s.TotalSupply); err != nil {
		return r, err
	}
	if err := mulDivChecked(&r.Amount1, liquidity, balance1, &s.TotalSupply); err != nil {
		return r, err
	}
	if r.Amount0.IsZero() || r.Amount1.IsZero() {
		return r, ErrInsufficientLiquidityBurned
	}
	if err := fixed.Sub(&s.TotalSupply, &s.TotalSupply, liquidity); err != nil {
		return r, err
	}
	var b0, b1 uint256.Int
	if err := fixed.Sub(&b0, balance0, &r.Amount0); err != nil {
		return r, err
	}
	if err := fixed.Sub(&b1, balance1, &r.Amount1); err != nil {
		return r, err
	}
	if err := s.update(&b0, &b1); err != nil {
		return r, err
	}
	if feeOn {
		s.KLast.Mul(&s.Reserve0, &s.Reserve1)
	}
	*p = s
	return r, nil
}

// Swap is the pair's low-level swap: amount0Out and amount1Out left the
// pair, and balance0 and balance1 are its token balances after that and
// after the inputs (or a flash-swap repayment) arrived. It returns the
// inputs the pair sees and checks the invariant with the 0.3% fee on
// inputs: (1000·b0 − 3·in0)·(1000·b1 − 3·in1) ≥ r0·r1·1000².
// Reverts: ErrInsufficientOutputAmount, ErrInsufficientLiquidity,
// ErrInsufficientInputAmount, ErrK, ErrReserveOverflow, arithmetic sentinels.
func (p *ConstantProduct) Swap(amount0Out, amount1Out, balance0, balance1 *uint256.Int) (amount0In, amount1In uint256.Int, err error) {
	if amount0Out.IsZero() && amount1Out.IsZero() {
		return amount0In, amount1In, ErrInsufficientOutputAmount
	}
	s := *p
	if !amount0Out.Lt(&s.Reserve0) || !amount1Out.Lt(&s.Reserve1) {
		return amount0In, amount1In, ErrInsufficientLiquidity
	}
	var left0, left1 uint256.Int
	left0.Sub(&s.Reserve0, amount0Out)
	left1.Sub(&s.Reserve1, amount1Out)
	if balance0.Gt(&left0) {
		amount0In.Sub(balance0, &left0)
	}
	if balance1.Gt(&left1) {
		amount1In.Sub(balance1, &left1)
	}
	if amount0In.IsZero() && amount1In.IsZero() {
		return amount0In, amount1In, ErrInsufficientInputAmount
	}
	var adj0, adj1, t, lhs, rhs uint256.Int
	if err := fixed.Mul(&adj0, balance0, u1000); err != nil {
		return amount0In, amount1In, err
	}
	if err := fixed.Mul(&t, &amount0In, u3); err != nil {
		return amount0In, amount1In, err
	}
	if err := fixed.Sub(&adj0, &adj0, &t); err != nil {
		return amount0In, amount1In, err
	}
	if err := fixed.Mul(&adj1, balance1, u1000); err != nil {
		return amount0In, amount1In, err
	}
	if err := fixed.Mul(&t, &amount1In, u3); err != nil {
		return amount0In, amount1In, err
	}
	if err := fixed.Sub(&adj1, &adj1, &t); err != nil {
		return amount0In, amount1In, err
	}
	if err := fixed.Mul(&lhs, &adj0, &adj1); err != nil {
		return amount0In, amount1In, err
	}
	rhs.Mul(&s.Reserve0, &s.Reserve1) // < 2^224
	if err := fixed.Mul(&rhs, &rhs, u1000000); err != nil {
		return amount0In, amount1In, err
	}
	if lhs.Lt(&rhs) {
		return amount0In, amount1In, ErrK
	}
	if err := s.update(balance0, balance1); err != nil {
		return amount0In, amount1In, err
	}
	*p = s
	return amount0In, amount1In, nil
}

// SwapExactIn sells amountIn of token tokenIn (0 or 1) for at least minOut
// of the other token, as the router's swapExactTokensForTokens does over
// this one pair: the output is GetAmountOut at the reserves, then the core
// Swap runs. It assumes the pair holds exactly its reserves before the
// trade. The caller moves amountIn in and the returned output out.
// Reverts: ErrTokenIndex, the library's reverts,
// ErrRouterInsufficientOutputAmount, and Swap's.
func (p *ConstantProduct) SwapExactIn(tokenIn int, amountIn, minOut *uint256.Int) (uint256.Int, error) {
	var out uint256.Int
	var rIn, rOut *uint256.Int
	switch tokenIn {
	case 0:
		rIn, rOut = &p.Reserve0, &p.Reserve1
	case 1:
		rIn, rOut = &p.Reserve1, &p.Reserve0
	default:
		return out, ErrTokenIndex
	}
	if err := getAmountOut(&out, amountIn, rIn, rOut); err != nil {
		return out, err
	}
	if out.Lt(minOut) {
		return out, ErrRouterInsufficientOutputAmount
	}
	var bIn, bOut, zero uint256.Int
	if err := fixed.Add(&bIn, rIn, amountIn); err != nil {
		return out, err
	}
	if err := fixed.Sub(&bOut, rOut, &out); err != nil {
		return out, err
	}
	var err error
	if tokenIn == 0 {
		_, _, err = p.Swap(&zero, &out, &bIn, &bOut)
	} else {
		_, _, err = p.Swap(&out, &zero, &bOut, &bIn)
	}
	return out, err
}

// Deposit mints for amount0 and amount1 sent to a pair that held exactly
// its reserves: Mint(Reserve0 + amount0, Reserve1 + amount1).
func (p *ConstantProduct) Deposit(amount0, amount1 *uint256.Int) (MintResult, error) {
	var b0, b1 uint256.Int
	if err := fixed.Add(&b0, &p.Reserve0, amount0); err != nil {
		return MintResult{}, err
	}
	if err := fixed.Add(&b1, &p.Reserve1, amount1); err != nil {
		return MintResult{}, err
	}
	return p.Mint(&b0, &b1)
}

// Withdraw burns liquidity LP tokens of a pair that holds exactly its
// reserves: Burn(liquidity, Reserve0, Reserve1).
func (p *ConstantProduct) Withdraw(liquidity *uint256.Int) (BurnResult, error) {
	b0, b1 := p.Reserve0, p.Reserve1
	return p.Burn(liquidity, &b0, &b1)
}

// GetAmountOut returns the most a swap of amountIn against reserveIn and
// reserveOut pays out with the 0.3% fee:
// in·997·rOut / (rIn·1000 + in·997) (UniswapV2Library.getAmountOut).
func GetAmountOut(amountIn, reserveIn, reserveOut *uint256.Int) (uint256.Int, error) {
	var out uint256.Int
	err := getAmountOut(&out, amountIn, reserveIn, reserveOut)
	return out, err
}

func getAmountOut(out, amountIn, reserveIn, reserveOut *uint256.Int) error {
	if amountIn.IsZero() {
		return ErrLibraryInsufficientInputAmount
	}
	if reserveIn.IsZero() || reserveOut.IsZero() {
		return ErrLibraryInsufficientLiquidity
	}
	var inFee, num, den uint256.Int
	if err := fixed.Mul(&inFee, amountIn, u997); err != nil {
		return err
	}
	if err := fixed.Mul(&num, &inFee, reserveOut); err != nil {
		return err
	}
	if err := fixed.Mul(&den, reserveIn, u1000); err != nil {
		return err
	}
	if err := fixed.Add(&den, &den, &inFee); err != nil {
		return err
	}
	return fixed.Div(out, &num, &den)
}

// GetAmountIn returns the least input that buys amountOut against reserveIn
// and reserveOut with the 0.3% fee: rIn·out·1000 / ((rOut − out)·997) + 1
// (UniswapV2Library.getAmountIn).
func GetAmountIn(amountOut, reserveIn, reserveOut *uint256.Int) (uint256.Int, error) {
	var in uint256.Int
	if amountOut.IsZero() {
		return in, ErrLibraryInsufficientOutputAmount
	}
	if reserveIn.IsZero() || reserveOut.IsZero() {
		return in, ErrLibraryInsufficientLiquidity
	}
	var num, den uint256.Int
	if err := fixed.Mul(&num, reserveIn, amountOut); err != nil {
		return in, err
	}
	if err := fixed.Mul(&num, &num, u1000); err != nil {
		return in, err
	}
	if err := fixed.Sub(&den, reserveOut, amountOut); err != nil {
		return in, err
	}
	if err := fixed.Mul(&den, &den, u997); err != nil {
		return in, err
	}
	if err := fixed.Div(&in, &num, &den); err != nil {
		return in, err
	}
	err := fixed.Add(&in, &in, uOne)
	return in, err
}

// Quote returns amountA·reserveB/reserveA, the amount of B worth amountA at
// the reserves' ratio (UniswapV2Library.quote).
func Quote(amountA, reserveA, reserveB *uint256.Int) (uint256.Int, error) {
	var b uint256.Int
	if amountA.IsZero() {
		return b, ErrLibraryInsufficientAmount
	}
	if reserveA.IsZero() || reserveB.IsZero() {
		return b, ErrLibraryInsufficientLiquidity
	}
	err := mulDivChecked(&b, amountA, reserveB, reserveA)
	return b, err
}
