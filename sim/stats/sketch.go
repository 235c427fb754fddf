package stats

import (
	"math"
	"slices"
)

// Bounds on the constructor arguments of a Sketch.
const (
	// MinAlpha is the finest relative accuracy a Sketch accepts. Finer
	// accuracy means nothing for Monte Carlo quantiles and would make the
	// bucket indices of extreme float64 values overflow a 32-bit int.
	MinAlpha = 1e-6
	// MaxAlpha bounds the relative accuracy from above; alpha must be below
	// it.
	MaxAlpha = 1.0
	// MaxMaxBuckets bounds the bucket limit per sign (1.25 MiB of counts,
	// and 8 MiB more if every bucket holds 255 values or more), so that
	// neither a configuration nor a decoded shard can make a store
	// allocate without bound.
	MaxMaxBuckets = 1 << 20
)

// Sketch summarises a stream of float64 values: the exact count, sum (for
// the mean), minimum and maximum, and quantiles of relative accuracy alpha.
//
// A positive value x goes to bucket i = ceil(log_γ(x)), which holds the
// values in (γ^(i-1), γ^i], with γ = (1+α)/(1−α); a negative value goes to
// the bucket of -x in a second, mirrored store; exact zeros are counted
// apart. Each bucket holds an integer count, and every value of bucket i is
// within relative error α of its representative 2γ^i/(γ+1) = γ^i·(1−α).
//
// Each store keeps at most maxBuckets consecutive buckets (a byte each in
// an array of at most 1.25·maxBuckets, and 8 more for a bucket of 255
// values or more). When a value
// would widen a store beyond that, the buckets of lowest magnitude (those
// nearest zero) are collapsed into the lowest bucket kept, so quantiles of
// large magnitude stay accurate while those near zero degrade. Collapsing
// clamps a bucket index to maxIndex−maxBuckets+1, where maxIndex is the
// largest index the store has seen; clamps compose, so the final state does
// not depend on the order of the values. With α = 0.005 a store spanning
// magnitudes 1e-12 to 1e15 needs about 6,200 buckets.
//
// The result of every method depends only on the multiset of values added
// (see the package documentation). A Sketch must be made by NewSketch or
// UnmarshalBinary. It is not safe for concurrent use.
type Sketch struct {
	alpha      float64
	gamma      float64 // (1+alpha)/(1-alpha)
	logGamma   float64 // ln(gamma)
	maxBuckets int

	pos, neg store  // buckets of x > 0 and of -x for x < 0
	zeros    uint64 // values equal to ±0
	count    uint64
	sum      Sum
	min, max float64 // valid when count > 0; never -0
}

// NewSketch returns an empty sketch with relative accuracy alpha keeping at
// most maxBuckets buckets per sign. It panics unless MinAlpha <= alpha <
// MaxAlpha and 1 <= maxBuckets <= MaxMaxBuckets.
func NewSketch(alpha float64, maxBuckets int) *Sketch {
	s := new(Sketch)
	s.init(alpha, maxBuckets)
	return s
}

func (s *Sketch) init(alpha float64, maxBuckets int) {
	if err := checkParams(alpha, maxBuckets); err != "" {
		panic("stats: NewSketch: " + err)
	}
	*s = Sketch{
		alpha:      alpha,
		gamma:      (1 + alpha) / (1 - alpha),
		maxBuckets: maxBuckets,
	}
	s.logGamma = math.Log(s.gamma)
}

// checkParams returns why (alpha, maxBuckets) are invalid, or "".
func checkParams(alpha float64, maxBuckets int) string {
	if !(alpha >= MinAlpha && alpha < MaxAlpha) {
		return "alpha out of range [1e-6, 1)"
	}
	if maxBuckets < 1 || maxBuckets > MaxMaxBuckets {
		return "maxBuckets out of range [1, 2^20]"
	}
	return ""
}

// Alpha returns the relative accuracy the sketch was made with.
func (s *Sketch) Alpha() float64 { return s.alpha }

// MaxBuckets returns the bucket limit per sign the sketch was made with.
func (s *Sketch) MaxBuckets() int { return s.maxBuckets }

// index returns the bucket of x > 0: ceil(log_γ(x)). It is a pure function
// of x, so equal values always share a bucket.
func (s *Sketch) index(x float64) int {
	return int(math.Ceil(math.Log(x) / s.logGamma))
}

// value returns the representative of bucket i, 2γ^i/(γ+1), computed as
// γ^(i-1)·(1+α), which is finite for every bucket of a finite value (the
// product overflows only if the representative exceeds MaxFloat64, and
// then Quantile clamps it to Max, which is closer to every value of the
// bucket).
func (s *Sketch) value(i int) float64 {
	return math.Pow(s.gamma, float64(i-1)) * (1 + s.alpha)
}

// Add adds x. It does not allocate when x falls in the range of buckets the
// sketch already holds. It panics if x is NaN or infinite, or if s was not
// made by NewSketch or UnmarshalBinary.
func (s *Sketch) Add(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		panic("stats: Sketch.Add: non-finite value")
	}
	if s.logGamma == 0 {
		panic("stats: Sketch.Add: sketch not made by NewSketch")
	}
	i := 0
	if x != 0 {
		i = s.index(math.Abs(x))
	}
	s.addAt(x, i)
}

// addAt adds the finite x whose magnitude has bucket i (ignored for 0).
func (s *Sketch) addAt(x float64, i int) {
	switch {
	case x > 0:
		s.pos.add(i, 1, s.maxBuckets)
	case x < 0:
		s.neg.add(i, 1, s.maxBuckets)
	default:
		x = 0 // store -0 as +0
		s.zeros++
	}
	s.sum.Add(x)
	if s.count == 0 {
		s.min, s.max = x, x
	} else {
		s.min = min(s.min, x)
		s.max = max(s.max, x)
	}
	s.count++
}

// Merge adds every value summarised by o to s, as if they had been added
// one by one (the result is identical). o is not modified; s and o may be
// the same sketch. It panics if o was made with a different alpha or
// maxBuckets: both must match for merging to be commutative.
func (s *Sketch) Merge(o *Sketch) {
	if s.alpha != o.alpha || s.maxBuckets != o.maxBuckets {
		panic("stats: Sketch.Merge: alpha or maxBuckets differ")
	}
	if o.count == 0 {
		return
	}
	if o == s {
		o = s.clone()
	}
	s.pos.merge(&o.pos, s.maxBuckets)
	s.neg.merge(&o.neg, s.maxBuckets)
	s.zeros += o.zeros
	s.sum.Merge(&o.sum)
	if s.count == 0 {
		s.min, s.max = o.min, o.max
	} else {
		s.min = min(s.min, o.min)
		s.max = max(s.max, o.max)
	}
	s.count += o.count
}

// clone returns a deep copy of s.
func (s *Sketch) clone() *Sketch {
	c := *s
	c.pos = s.pos.clone()
	c.neg = s.neg.clone()
	c.sum.partials = append([]float64(nil), s.sum.partials...)
	return &c
}

// Reset empties the sketch, keeping its parameters and storage.
func (s *Sketch) Reset() {
	s.pos.reset()
	s.neg.reset()
	s.zeros, s.count = 0, 0
	s.sum.Reset()
	s.min, s.max = 0, 0
}

// Count returns the number of values added.
func (s *Sketch) Count() uint64 { return s.count }

// Mean returns the mean of the values added, or NaN if the sketch is
// empty: the exact sum, correctly rounded, divided by the count. Both steps
// depend only on the multiset of values, so the mean is the same in any
// order and grouping; it may differ from the exactly rounded mean by one
// unit in the last place.
func (s *Sketch) Mean() float64 {
	if s.count == 0 {
		return math.NaN()
	}
	return s.sum.Value() / float64(s.count)
}

// Min returns the smallest value added, exactly, or NaN if the sketch is
// empty. A zero is reported as +0.
func (s *Sketch) Min() float64 {
	if s.count == 0 {
		return math.NaN()
	}
	return s.min
}

// Max returns the largest value added, exactly, or NaN if the sketch is
// empty. A zero is reported as +0.
func (s *Sketch) Max() float64 {
	if s.count == 0 {
		return math.NaN()
	}
	return s.max
}

// Quantile returns an estimate of the q-quantile, or NaN if the sketch is
// empty. It panics if q is not in [0, 1].
//
// The q-quantile is the value of rank floor(q·(n−1)) (0-based) in the
// sorted values, the "lower" convention: no interpolation, always a value
// that was added. Rank 0 returns Min and rank n−1 returns Max, exactly.
// Otherwise the result is the representative of the rank's bucket
// (0 for the zero bucket, negated for the negative store), clamped into
// [Min, Max]. Unless the bucket was collapsed it is within relative error
// alpha of the true value, up to a few ulps of rounding in the
// representative, for values of magnitude above about 1e-305; subnormal
// values are too coarse for the bound to hold below about 1e-321.
func (s *Sketch) Quantile(q float64) float64 {
	if !(q >= 0 && q <= 1) {
		panic("stats: Sketch.Quantile: q not in [0, 1]")
	}
	if s.count == 0 {
		return math.NaN()
	}
	rank := uint64(math.Floor(q * float64(s.count-1)))
	if rank >= s.count-1 {
		return s.max
	}
	if rank == 0 {
		return s.min
	}
	var v float64
	// Walk the buckets in increasing value order until more than rank
	// values have been passed.
	seen := uint64(0)
	if i, ok := s.neg.find(rank, &seen, true); ok {
		v = -s.value(i)
	} else if seen += s.zeros; seen > rank {
		v = 0
	} else if i, ok := s.pos.find(rank, &seen, false); ok {
		v = s.value(i)
	} else {
		return s.max // unreachable: the counts add up to s.count
	}
	return min(max(v, s.min), s.max)
}

// Quantiles sets out[k] to Quantile(qs[k]) for every k in one pass over the
// buckets. qs must be ascending and len(out) ≥ len(qs); it panics
// otherwise.
func (s *Sketch) Quantiles(qs, out []float64) {
	if len(out) < len(qs) {
		panic("stats: Sketch.Quantiles: out too short")
	}
	k := 0
	if s.count == 0 {
		for ; k < len(qs); k++ {
			out[k] = math.NaN()
		}
		return
	}
	rank := func(q float64) uint64 {
		if !(q >= 0 && q <= 1) {
			panic("stats: Sketch.Quantiles: q not in [0, 1]")
		}
		return uint64(math.Floor(q * float64(s.count-1)))
	}
	for k < len(qs) && rank(qs[k]) == 0 {
		out[k] = s.min
		k++
	}
	seen := uint64(0)
	// emit assigns the quantiles whose rank the buckets passed so far
	// reach: sign times bucket j's representative (0 for the zero bucket),
	// computed only if some quantile takes it.
	emit := func(j int, sign float64) {
		v, have := 0.0, sign == 0
		for k < len(qs) {
			r := rank(qs[k])
			if k > 0 && qs[k] < qs[k-1] {
				panic("stats: Sketch.Quantiles: qs not ascending")
			}
			if r >= s.count-1 {
				out[k] = s.max
				k++
				continue
			}
			if r >= seen {
				return
			}
			if !have {
				v, have = sign*s.value(j), true
			}
			out[k] = min(max(v, s.min), s.max)
			k++
		}
	}
	st := &s.neg
	if st.total > 0 {
		for j := st.hi; j >= st.lo && k < len(qs); j-- {
			if c := st.get(j - st.offset); c > 0 {
				seen += c
				emit(j, -1)
			}
		}
	}
	if s.zeros > 0 {
		seen += s.zeros
		emit(0, 0)
	}
	st = &s.pos
	if st.total > 0 {
		for j := st.lo; j <= st.hi && k < len(qs); j++ {
			if c := st.get(j - st.offset); c > 0 {
				seen += c
				emit(j, 1)
			}
		}
	}
	for ; k < len(qs); k++ {
		out[k] = s.max
	}
}

// store is a dense run of bucket counts: the count of bucket offset+k is
// at index k. Buckets outside [lo, hi] are zero and, when the store is not
// empty, the buckets lo and hi are not.
//
// A count takes one byte: most buckets of a batch's quantile grid hold
// fewer than 255 values, and a byte per bucket is half the memory of two.
// A bucket holding more is marked inOver and its count is kept in over, a
// list sorted by bucket: the buckets that many values fall into are few.
type store struct {
	counts []uint8    // the counts below inOver, and inOver for those in over
	over   []bigCount // the counts of 255 or more, by increasing bucket
	offset int
	lo, hi int
	total  uint64
}

// inOver marks a count of 255 or more, kept in store.over.
const inOver = 1<<8 - 1

// bigCount is the count of a bucket holding 255 values or more.
type bigCount struct {
	bucket int32 // indices fit 32 bits (see MinAlpha)
	count  uint32
}

// minStoreLen is the length of a store's first allocation.
const minStoreLen = 16

// size returns the number of buckets the counts array covers.
func (st *store) size() int { return len(st.counts) }

// get returns the count at index k of the array (bucket offset+k).
func (st *store) get(k int) uint64 {
	if c := st.counts[k]; c < inOver {
		return uint64(c)
	}
	return uint64(st.over[st.bigAt(st.offset+k)].count)
}

// bigAt returns the position in st.over of bucket j, or where it would go.
func (st *store) bigAt(j int) int {
	lo, hi := 0, len(st.over)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(st.over[m].bucket) < j {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// incr adds c to the count at index k of the array.
func (st *store) incr(k int, c uint64) {
	switch n := uint64(st.counts[k]) + c; {
	case n < inOver:
		st.counts[k] = uint8(n)
	case st.counts[k] < inOver:
		st.put(k, n)
	default:
		b := &st.over[st.bigAt(st.offset+k)]
		if uint64(b.count)+c > 1<<32-1 {
			panic("stats: more than 2^32-1 values in one bucket")
		}
		b.count += uint32(c)
	}
}

// put sets the count at index k of the array. It panics past 2^32 − 1
// values in one bucket, far beyond any batch.
func (st *store) put(k int, c uint64) {
	if c > 1<<32-1 {
		panic("stats: more than 2^32-1 values in one bucket")
	}
	wasBig := st.counts[k] == inOver
	if c < inOver {
		st.counts[k] = uint8(c)
		if wasBig {
			i := st.bigAt(st.offset + k)
			st.over = slices.Delete(st.over, i, i+1)
		}
		return
	}
	i := st.bigAt(st.offset + k)
	if !wasBig {
		st.counts[k] = inOver
		st.over = slices.Insert(st.over, i, bigCount{bucket: int32(st.offset + k)})
	}
	st.over[i].count = uint32(c)
}

// clone returns a copy of st with its own counts.
func (st *store) clone() store {
	c := *st
	c.counts = slices.Clone(st.counts)
	c.over = slices.Clone(st.over)
	return c
}

// add adds c > 0 to bucket i, collapsing the lowest buckets if the store
// would span more than maxB buckets.
func (st *store) add(i int, c uint64, maxB int) {
	switch {
	case st.total == 0:
		st.ensure(i, i, maxB, 1, 0)
		st.lo, st.hi = i, i
	case i > st.hi:
		if i-st.lo >= maxB {
			// Collapse [lo, floor-1] into bucket floor. (Differences of
			// indices are small; i-maxB+1 is computed only when it cannot
			// overflow.)
			floor := i - maxB + 1
			var moved uint64
			for k := st.lo; k <= min(st.hi, floor-1); k++ {
				moved += st.get(k - st.offset)
				st.put(k-st.offset, 0)
			}
			st.ensure(floor, i, maxB, floor, st.hi)
			st.lo = floor
			st.incr(floor-st.offset, moved)
		} else {
			st.ensure(st.lo, i, maxB, st.lo, st.hi)
		}
		st.hi = i
	case i < st.lo:
		if st.hi-i >= maxB {
			i = st.hi - maxB + 1 // collapse into the lowest bucket kept
		}
		st.ensure(i, st.hi, maxB, st.lo, st.hi)
		st.lo = i
	}
	st.incr(i-st.offset, c)
	st.total += c
}

// ensure makes the counts cover [lo, hi] (hi-lo < maxB). The buckets in
// [occLo, occHi] (an empty range if occLo > occHi) are kept; all others
// are zero.
func (st *store) ensure(lo, hi, maxB, occLo, occHi int) {
	n := st.size()
	if lo >= st.offset && hi < st.offset+n {
		return
	}
	// Grow to the span plus a quarter of spare room (a tail that keeps
	// extending moves the array once per eighth of its length, each side),
	// at most a quarter above maxB so that a store that keeps collapsing
	// moves only once every maxB/8 new buckets. Growing by the span rather
	// than by doubling keeps the array within a quarter of the buckets in
	// use: the grid's memory is that of its occupied ranges.
	span := hi - lo + 1
	if want := span + span/4; n < want {
		n = min(max(want, minStoreLen), maxB+maxB/4)
	}
	// Centre [lo, hi] so that the store can grow either way before it has
	// to move again.
	off := lo - (n-span)/2
	st.counts = relocate(st.counts, n, occLo-off, occLo-st.offset, occHi-occLo+1)
	st.offset = off
}

// relocate moves the m counts at old[from:] to index to of an array of n
// counts: old itself when it has length n (the rest cleared), else a new
// one.
func relocate(old []uint8, n, to, from, m int) []uint8 {
	counts := old
	if n > len(old) {
		counts = make([]uint8, n)
	}
	if m <= 0 {
		clear(counts)
		return counts
	}
	copy(counts[to:], old[from:from+m]) // copy handles the overlap in place
	if len(old) == n {
		clear(counts[:to])
		clear(counts[to+m:])
	}
	return counts
}

// merge adds the counts of o (whose limit is also maxB) to st, highest
// bucket first so that at most one collapse happens.
func (st *store) merge(o *store, maxB int) {
	if o.total == 0 {
		return
	}
	lo, hi, occLo, occHi := o.lo, o.hi, 1, 0 // the union's range and st's occupied one
	if st.total > 0 {
		lo, hi, occLo, occHi = min(lo, st.lo), max(hi, st.hi), st.lo, st.hi
	}
	if hi-lo < maxB {
		// Nothing collapses: make room for the union once and add the
		// counts bucket by bucket.
		st.ensure(lo, hi, maxB, occLo, occHi)
		for k := o.lo; k <= o.hi; k++ {
			if c := o.get(k - o.offset); c != 0 {
				st.incr(k-st.offset, c)
			}
		}
		st.lo, st.hi = lo, hi
		st.total += o.total
		return
	}
	for k := o.hi; k >= o.lo; k-- {
		if c := o.get(k - o.offset); c != 0 {
			st.add(k, c, maxB)
		}
	}
}

// find returns the bucket holding the value of the given rank, adding the
// counts it passes to *seen. It walks from the highest index down when desc
// is set (the negative store, whose highest index is its smallest value).
func (st *store) find(rank uint64, seen *uint64, desc bool) (int, bool) {
	if st.total == 0 || *seen+st.total <= rank {
		*seen += st.total
		return 0, false
	}
	for j := st.lo; j <= st.hi; j++ {
		k := j
		if desc {
			k = st.lo + st.hi - j
		}
		*seen += st.get(k - st.offset)
		if *seen > rank {
			return k, true
		}
	}
	return 0, false // unreachable: rank < seen + total
}

func (st *store) reset() {
	if st.total > 0 {
		clear(st.counts[st.lo-st.offset : st.hi-st.offset+1])
	}
	st.over = st.over[:0]
	st.total, st.lo, st.hi = 0, 0, 0
}
