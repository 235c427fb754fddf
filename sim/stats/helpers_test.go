package stats

import (
	"bytes"
	"encoding"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// ratSum returns the exact sum of the finite values xs.
func ratSum(xs []float64) *big.Rat {
	sum := new(big.Rat)
	var r big.Rat
	for _, x := range xs {
		sum.Add(sum, r.SetFloat64(x))
	}
	return sum
}

// oracleSum returns the exact sum of xs correctly rounded, computed with
// math/big independently of Sum.
func oracleSum(xs []float64) float64 {
	v, _ := ratSum(xs).Float64()
	return v
}

// oracleMean returns the exact mean of xs correctly rounded.
func oracleMean(xs []float64) float64 {
	m := ratSum(xs)
	m.Quo(m, new(big.Rat).SetInt64(int64(len(xs))))
	v, _ := m.Float64()
	return v
}

// lowerQuantile returns the element of rank floor(q·(n−1)) of sorted, the
// rank convention of Sketch.Quantile.
func lowerQuantile(sorted []float64, q float64) float64 {
	return sorted[int(math.Floor(q*float64(len(sorted)-1)))]
}

// sameFloat reports whether a and b are the same float64 bit for bit, or
// both NaN.
func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

func mustMarshal(t testing.TB, m encoding.BinaryMarshaler) []byte {
	t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shuffled returns a shuffled copy of xs.
func shuffled(r *rand.Rand, xs []float64) []float64 {
	ys := slices.Clone(xs)
	r.Shuffle(len(ys), func(i, j int) { ys[i], ys[j] = ys[j], ys[i] })
	return ys
}

// split cuts xs into k >= 1 contiguous, possibly empty, parts at random.
func split(r *rand.Rand, xs []float64, k int) [][]float64 {
	cuts := make([]int, k-1)
	for i := range cuts {
		cuts[i] = r.IntN(len(xs) + 1)
	}
	slices.Sort(cuts)
	parts := make([][]float64, 0, k)
	prev := 0
	for _, c := range cuts {
		parts = append(parts, xs[prev:c])
		prev = c
	}
	return append(parts, xs[prev:])
}

// mergeTree merges parts in a random binary tree: it repeatedly merges one
// random element into another until one is left, which it returns.
func mergeTree[T any](r *rand.Rand, parts []T, merge func(dst, src T)) T {
	for len(parts) > 1 {
		i := r.IntN(len(parts))
		j := r.IntN(len(parts) - 1)
		if j >= i {
			j++
		}
		merge(parts[i], parts[j])
		parts = slices.Delete(parts, j, j+1)
	}
	return parts[0]
}

// sketchOf returns a sketch of xs added in order.
func sketchOf(alpha float64, maxB int, xs []float64) *Sketch {
	s := NewSketch(alpha, maxB)
	for _, x := range xs {
		s.Add(x)
	}
	return s
}

// treeSketch builds a sketch of xs from 1 to 8 shards merged in a random
// tree; when viaBytes is set every shard goes through MarshalBinary and
// UnmarshalBinary before being merged, as shards written to disk do.
func treeSketch(t testing.TB, r *rand.Rand, alpha float64, maxB int, xs []float64, viaBytes bool) *Sketch {
	t.Helper()
	var shards []*Sketch
	for _, p := range split(r, xs, 1+r.IntN(8)) {
		s := sketchOf(alpha, maxB, p)
		if viaBytes {
			var u Sketch
			if err := u.UnmarshalBinary(mustMarshal(t, s)); err != nil {
				t.Fatal(err)
			}
			s = &u
		}
		shards = append(shards, s)
	}
	return mergeTree(r, shards, (*Sketch).Merge)
}

// dataset is a named sample for the accuracy and determinism tests.
type dataset struct {
	name string
	xs   []float64
}

// datasets returns the test samples, n values each, drawn from a fixed seed.
func datasets(n int) []dataset {
	r := rand.New(rand.NewPCG(1, 1))
	gen := func(f func() float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = f()
		}
		return xs
	}
	return []dataset{
		{"lognormal", gen(func() float64 { return math.Exp(1 + 2*r.NormFloat64()) })},
		{"uniform", gen(func() float64 { return 1e6 * r.Float64() })},
		{"exponential", gen(func() float64 { return 3 * r.ExpFloat64() })},
		// Many exact zeros (30%), negative values over several decades
		// (30%) and positive ones.
		{"mixture", gen(func() float64 {
			switch u := r.Float64(); {
			case u < 0.3:
				return 0
			case u < 0.6:
				return -math.Exp(4 * r.NormFloat64())
			default:
				return 50 + 10*r.NormFloat64()
			}
		})},
	}
}

// testQuantiles are the quantiles written to quantiles.csv.
var testQuantiles = []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}

func equalBytes(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s: encodings differ (%d and %d bytes)", what, len(got), len(want))
	}
}

// reversed returns a reversed copy of xs.
func reversed(xs []float64) []float64 {
	ys := slices.Clone(xs)
	slices.Reverse(ys)
	return ys
}
