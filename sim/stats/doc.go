// Package stats aggregates a metric across Monte Carlo runs with bounded
// memory and results that do not depend on how the work was scheduled.
//
// A batch adds one value per run to each (metric, time bucket) cell of a
// [Table]. Each cell is a [Sketch]: a count, an exact [Sum] for the mean,
// the exact minimum and maximum, and a quantile sketch of relative accuracy
// alpha in the style of DDSketch (logarithmic buckets holding integer
// counts). Memory is bounded by the number of buckets, never by the number
// of runs.
//
// # Order independence
//
// Reports must be byte-identical whether the runs were aggregated by one
// worker or by many, in any order, on one machine or as shards serialised
// to disk and merged later in any grouping. Every aggregate is therefore an
// exactly associative and commutative function of the multiset of values
// added:
//
//   - counts are integers;
//   - the sum is kept exactly (a [Sum] holds an exact expansion of the
//     running total, not a rounded float), and is rounded once, correctly,
//     when read; the mean is the exact sum divided by the count, rounded
//     once;
//   - minimum and maximum are exact (-0 is stored as +0 so that min and max
//     do not depend on which zero came first);
//   - a value's bucket is a pure function of the value, and collapsing (when
//     a store reaches its bucket limit) is a clamp of the bucket index that
//     composes to the same result whatever the order.
//
// The serialised forms (MarshalBinary) are canonical: two aggregates of the
// same multiset of values marshal to the same bytes, so shards can be
// compared byte for byte, and UnmarshalBinary rejects truncated, corrupted
// or non-canonical input with an error instead of panicking.
//
// The bucket index uses math.Log, so bucket boundaries, and hence
// quantiles, are bit-identical for a given GOARCH; different architectures
// may place a value lying within an ulp of a bucket boundary in the
// neighbouring bucket. Counts, sums, means, minima and maxima are
// identical everywhere.
//
// # Binary formats
//
// Every encoding starts with a two-byte magic naming the type and a
// version byte (1). Integers are unsigned varints of minimal length
// (encoding/binary), bucket indices zigzag varints, floats their IEEE bits
// little-endian:
//
//	Sum:    "tS" 1, sum body
//	Sketch: "tK" 1, params, sketch body
//	Table:  "tT" 1, params, uvarint #metrics, per metric (uvarint length,
//	        name bytes), uvarint #buckets, one sketch body per cell,
//	        metric-major
//
//	params:      float64 alpha, uvarint maxBuckets
//	sum body:    flags byte (1 NaN, 2 +Inf, 4 -Inf, 8 negative), uvarint
//	             length, big-endian magnitude (no leading zero byte) of the
//	             exact finite total in units of 2^-1074
//	sketch body: uvarint count, float64 min and max (if count > 0), uvarint
//	             zeros, sum body, negative store, positive store
//	store:       uvarint #buckets n; if n > 0, varint lowest index and n
//	             uvarint counts, the first and last nonzero
//
// A Sum is encoded by its exact value, not by its partials, and a store by
// its occupied buckets only, which is what makes the encodings canonical.
//
// None of the types is safe for concurrent use; give each worker its own
// Table and merge them (in any order) when the workers are done.
package stats
