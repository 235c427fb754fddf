// Package rwausd composes the rwaUSD modules (vault, auction, pegrail,
// backstop) over one token ledger into a System with one entry point per
// transaction.
//
// Each entry point is what a user's transaction does on chain through the
// contracts, usually via a proxy-action contract: Deposit is GemJoin.join +
// Vat.frob, Mint is Jug.drip + Vat.frob + DaiJoin.exit (DssProxyActions
// draw), Bark is Dog.bark with its Vat.grab, Vow.fess and Clipper.kick, and
// so on. Every entry point runs inside the ledger's journal: it applies fully
// and returns nil, or it returns the revert (an error whose text is the
// contract's reason string, such as "Vat/not-safe") and leaves every module's
// state exactly as it was.
//
// Mirrors: makerdao/dss @fa4f663 (vat, spot, jug, dog, clip, abaci, vow,
// flop, join), makerdao/dss-proxy-actions @bac8bff (draw/wipe/wipeAll
// amounts), makerdao/dss-psm @7d717d8. Deviations: one account id stands for a user
// and the urn handler a CDP manager would give them; collateral bought at
// auction, or returned to the account owner, is exited to the owner's
// wallet in the same transaction (floor to token units; the remainder stays
// as free collateral inside the engine); a taker with too little internal
// stablecoin has the difference joined from its wallet (rounded up), as a
// proxy would do before calling take; flap moves bump to a sink account; a
// peg rail transaction reverts DssLitePsm/rate-not-RAY when the rail's
// profile has a fee index other than 1 (LitePSM's check, which dss-psm does
// not make); AddCollateral refuses a starting-price multiplier buf below 1
// with Clipper/buf-lt-RAY, a configuration check a governance spell would
// make, not a revert of clip.sol.
// The checks of CheckInvariants are the seed's invariants plus conservation
// identities (see its doc).
//
// The module packages import only protocol/fixed and protocol/token; this
// package is the one place that imports them together (the DESIGN rule that
// protocol packages import only fixed and token applies to the modules; the
// composition necessarily sees them all).
package rwausd
