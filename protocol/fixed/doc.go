// Package fixed is the checked fixed-point arithmetic of the protocol model.
//
// Amounts are unsigned 256-bit integers (github.com/holiman/uint256) in the
// units of the contracts the model mirrors: WAD (1e18) for token amounts,
// RAY (1e27) for rates, indices and prices, RAD (1e45 = WAD·RAY) for the
// products the accounting core keeps.
//
// Every contract family rounds its own way, and the model reproduces each
// bit for bit:
//
//   - Maker dss: floor everywhere (WMul, RMul, RDiv, WDiv); RPow rounds half
//     up at every squaring and multiplication.
//   - Aave v2/v3 and Astera: half-up RayMul, RayDiv, WadMul, WadDiv,
//     PercentMul, PercentDiv.
//   - Pendle: MulDown and DivDown truncate; the signed forms truncate toward
//     zero as Solidity's int256 division does.
//   - solady: MulWad floors; ExpWad is a bit-exact port of the rational
//     approximation, with its 0 and overflow bounds.
//
// Overflow, underflow and division by zero are errors (ErrOverflow,
// ErrUnderflow, ErrDivByZero), as Solidity ≥ 0.8 and dss's require-based
// helpers revert; a library with its own revert has its own sentinel
// (solady's ErrMulWadFailed, ErrExpOverflow, ...; Pendle's ErrNegative).
// Note that uint256.Int.Div by zero returns 0 and MulDivOverflow keeps a
// 512-bit intermediate; neither is used where the contract would revert.
//
// At the boundary with agents and configuration, ParseDecimal and
// FormatDecimal convert exact decimal strings and FromFloat and ToFloat
// convert float64 values (exactly from the float's binary mantissa, rounded
// to nearest); errors from parsing are *DecimalError values.
//
// MulOverflow and Sum are the checked product and the sum of a slice that
// the rest build on: a product of factors below 2^128 (every amount, price
// and index) takes four word multiplications, and a sum stays in
// registers, which is what makes the full invariant checks cheap.
//
// Functions take the destination first, as uint256 does: z = op(x, y). The
// destination may alias an argument. On error the destination holds an
// unspecified value and the caller must not use it. No function allocates.
//
// Signed values (dss's int256 deltas, Pendle's signed WAD math, ExpWad's
// exponent) are uint256.Int in two's complement, as on the EVM.
package fixed
