// Package market is the off-chain world of a Tempest run: exogenous price
// paths and their correlation, the reference stablecoin, gas, yields and
// funding rates, the shocks that overlay them, the oracles through which the
// protocol sees prices, and the external (CEX/aggregator) liquidity against
// which seized collateral is sold.
//
// Floats are used throughout; nothing here is on-chain state, and the
// package imports no protocol package.
//
// # Randomness
//
// Every random draw comes from a *rand.Rand (math/rand/v2) that the caller
// passes in. A nil source panics with a "market: " message; nothing falls
// back to a global generator. The same seed gives the same bytes.
//
// # Processes and paths
//
// A [Process] is a small immutable parameter value ([GBM], [Merton],
// [GARCH], [RegimeSwitching], [Replay], [Bootstrap], [OU], [LogOU], [Peg],
// [Constant]) that fills a caller-owned path in place without allocating.
// A path of n steps has n+1 points: out[0] is the initial level (time 0) and
// out[i] is the level at time i·dt, after step i. Step i consumes the
// standard normal z[i-1] and the volatility scale scale[i-1]. Time is in
// years (dt = seconds/[SecondsPerYear]).
//
// Correlation between assets is a lower-triangular factor L of the
// correlation matrix ([NewCorrelation]); independent normals e are turned
// into correlated normals z = L·e before each asset's Process consumes its
// own row.
//
// A [World] owns one run's buffers (allocated once by [NewWorld]) and fills
// them with [World.Generate], which allocates nothing. Shocks ([Shocks]) are
// deterministic overlays declared with windows in steps.
//
// # Errors
//
// Programmer errors (nil source, wrong buffer length, a time that goes
// backwards) panic with a "market: " prefix, and the documentation of each
// function says when. Errors that depend on configuration or data are
// returned as values: [*FieldError] names the offending field, [*DataError]
// names the file, line and column.
package market
