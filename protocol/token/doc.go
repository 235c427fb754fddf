// Package token is the shared state layer of the protocol model: the ledger
// of every token's supply and balances, and the journal that makes a
// transaction spanning several modules apply fully or not at all.
//
// Accounts are small integer ids (Account); balances live in slices indexed
// by account, not in maps, so the hot path never hashes or allocates.
// Account 0 is the zero address: it can receive (tokens locked forever, as a
// pool's minimum liquidity is) but nothing ever spends from it.
//
// Mirrors: the balance semantics of dss's stablecoin token
// (makerdao/dss @fa4f663 src/dai.sol: transferFrom, mint and burn require
// the balance, and mint's supply addition is overflow-checked), which every
// ERC-20 token of the model shares. Deviations: reason strings are
// "Token/..." for every token; no allowances (every transfer in the
// model is made by the owner of the balance or by a module the owner called,
// as with a proxy-action contract); no events; decimals are metadata only.
package token
