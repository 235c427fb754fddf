// Package sim runs scenarios: one run is a world advanced block by block
// (market, oracles, protocol tick, agents decide, block builder orders,
// execute, check invariants, record metrics); a batch is many runs in
// parallel with results streamed in run order to disk.
//
// Randomness comes only from streams derived from the master seed:
// run seed = splitmix64(master, run index), and from it one independent PCG
// stream each for the market, the agent population, every agent, and the
// block builder's ordering. The same master seed gives byte-identical
// outputs for any worker count and completion order, and changing a protocol
// parameter leaves every run's market path unchanged (common random
// numbers).
package sim
