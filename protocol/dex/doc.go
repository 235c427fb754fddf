// Package dex holds the on-chain pools of the protocol model: a Curve
// StableSwap-NG pool with two coins (the peg pool) and a Uniswap v2 constant
// product pair.
//
// A pool is a deterministic state machine over its own reserves and LP
// supply. It does not hold the token ledger: every operation validates,
// computes, updates the pool and returns the amounts to move, and the caller
// moves tokens between accounts on the ledger (package token). Amounts are
// uint256 integers in the tokens' native units; the arithmetic reproduces
// the contracts bit for bit (floor division everywhere, overflow and
// underflow revert).
//
// Every mutating method loads the pool into a local copy, runs every check
// on it and writes it back only on success: a call that returns an error
// leaves the pool exactly as it was. Reverts are error values whose messages
// are the contracts' revert reasons ("UniswapV2: K",
// "StableSwap/exchange-resulted-in-fewer-coins-than-expected"); arithmetic
// failures are the sentinels of package fixed (fixed.ErrOverflow,
// fixed.ErrUnderflow, fixed.ErrDivByZero).
//
// Time is an int64 number of seconds since the scenario start, passed in
// wherever the contract reads block.timestamp. Passing a negative time is a
// programming error and panics.
//
// Each file names the contract, repository and commit it mirrors and lists
// its deviations.
package dex
