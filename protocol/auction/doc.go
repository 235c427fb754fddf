// Package auction is rwaUSD's Auction House: the permissionless unwind of
// unsafe Collateral Accounts by Dutch auction.
//
// It mirrors Maker dss LIQ 2.0 (makerdao/dss @fa4f663):
//
//   - Dog (src/dog.sol): bark's arithmetic, the liquidation penalty chop, the
//     per-profile hole/dirt and global Hole/Dirt limits, partial liquidation
//     with the dust rule, and digs.
//   - Clipper (src/clip.sol): kick with top = feed price × buf, the keeper
//     reward tip + chip·tab, take with a maximum price, partial purchases and
//     the chost rule, leftover collateral returned to the account owner,
//     redo after tail or cusp, the breaker levels, upchost and yank.
//   - Abacus (src/abaci.sol): LinearDecrease, StairstepExponentialDecrease
//     and ExponentialDecrease.
//
// The package holds the auction state and its arithmetic. The moves of
// collateral and stablecoin that dss makes through the Vat (grab, flux, move,
// suck) and the Vow (fess) are made by the System that composes the modules,
// in the same order, inside one journaled transaction.
//
// Deviations: no wards, no reentrancy lock and no flash callback (a keeper
// pays from its own balance, or the System composes the sale); bark and
// kick are split into Dog.PlanBark + Dog.AddDirt and Clipper.Kick so the
// System can interleave the Vat and Vow moves; sale ids are int64; sale.usr
// is the account owner (dss stores the urn address, to which leftover
// collateral returns).
package auction
