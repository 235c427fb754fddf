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
//
// A batch's memory does not grow with its run count beyond the runs
// recorded in flight: each worker builds a run in the storage of its last
// one (the protocol, the agents' slices, the block scratch) and in series
// buffers returned to a pool; workers add their runs' paths to the batch's
// one quantile table, a metric at a time under that metric's lock, sixteen
// runs at once so a cell's sketch is fetched once per group; the
// aggregator keeps only what must go in run order (runs.csv rows, the
// sample paths, the journal's replays). Sketches do not depend on the
// order of their values, so none of this scheduling reaches the files.
package sim
