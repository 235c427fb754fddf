// Package vault is the accounting core of rwaUSD: Collateral Profiles,
// Collateral Accounts, the per-profile Fee Index and the solvency check.
//
// It mirrors three Maker dss contracts (makerdao/dss @fa4f663):
//
//   - Vat (src/vat.sol): the ledger of locked collateral (ink), principal
//     (art), the Fee Index (rate), internal stablecoin balances (dai, RAD),
//     unbacked debt (sin) and the identities debt = Σ dai, vice = Σ sin,
//     Σ Art·rate + vice = debt.
//   - Spotter (src/spot.sol): the haircut-adjusted price
//     spot = val·1e9 / par / mat.
//   - Jug (src/jug.sol): the Fee Index drip rate' = rpow(base + duty, Δt)·rate
//     with the fee income folded to the backstop (Vow).
//
// The seed's vocabulary maps onto dss as follows: a Collateral Profile is an
// ilk, a Collateral Account is an urn, Minted Principal is art, Locked is
// ink, the Fee Index is rate, the safe price is spot, and the pair
// (Haircut h, Safety Factor s) is Spotter's liquidation ratio
// mat = s / (1 − h), so that an account is safe exactly when
//
//	locked · price · (1 − h) ≥ liability · s    ⇔    art·rate ≤ ink·spot.
//
// Option A of the seed is used: every Collateral Account borrows against one
// profile (a dss urn belongs to one ilk).
//
// Deviations from dss, all deliberate:
//   - No wards/auth and no hope/nope (can): the System that composes the
//     modules decides who may call what; an account's owner is the only one
//     who can frob it.
//   - Collateral accounts are identified by an AccountID and carry an Owner
//     (dss uses the urn address; DssCdpManager adds owners).
//   - mat is derived from Haircut and Safety Factor and rounded up, so the
//     margin is never looser than h and s imply.
//   - No End/cage (global settlement): live is always 1.
//   - State is written through the ledger's journal, so a reverted
//     transaction leaves it untouched (the EVM does this for free).
package vault
