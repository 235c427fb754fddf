// Package backstop is rwaUSD's system backstop: explicit deficit accounting,
// the reserve buffer, and last-resort recapitalisation.
//
// It mirrors Maker dss (makerdao/dss @fa4f663):
//
//   - Vow (src/vow.sol): the bad-debt queue sin[era] with its wait, Sin and
//     Ash, heal and kiss of bad debt against surplus, the surplus buffer hump
//     (the seed's reserve buffer: surplus below sin + hump is never
//     auctioned), flop (debt auction) and flap (surplus auction) triggers.
//   - Flopper (src/flop.sol): the debt auction. A lot of governance token,
//     minted on deal, is offered for a fixed bid of stablecoin; bidders dent
//     the lot down by at least beg; an auction with no bid is ticked up by
//     pad; ttl bounds a bid's life and tau the auction's.
//
// Every shortfall lands here as Vat sin owned by the Vow and is resolved by
// surplus (heal), by a debt auction, or by an explicit governance recap
// transfer (Recap). None is socialised silently.
//
// Deviations: the Vow's state is read and written through the Vat's
// accessors by the System, which passes the Vow's dai and sin in; the debt
// queue is a slice of (era, amount) entries rather than a mapping; flap is
// modelled as moving bump of surplus to a sink account (the surplus auction's
// governance-token purchase and burn are outside the model); Recap is a plain
// governance transfer of stablecoin into the Vow, which the model records;
// no cage.
package backstop
