package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchValues returns 4096 values of both signs over several decades.
func benchValues() []float64 {
	r := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 4096)
	for i := range xs {
		xs[i] = math.Exp(2*r.NormFloat64()) * float64(r.IntN(2)*2-1)
	}
	return xs
}

func BenchmarkSumAdd(b *testing.B) {
	xs := benchValues()
	var s Sum
	for _, x := range xs {
		s.Add(x)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s.Add(xs[i&4095])
	}
}

// BenchmarkSketchAdd adds values in the range the sketch already covers.
func BenchmarkSketchAdd(b *testing.B) {
	xs := benchValues()
	s := sketchOf(testAlpha, testMaxB, xs)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s.Add(xs[i&4095])
	}
}

// BenchmarkTableAdd adds to a 20-metric × 365-bucket table whose cells
// already cover the values' range.
func BenchmarkTableAdd(b *testing.B) {
	xs := benchValues()
	metrics := make([]string, 20)
	for i := range metrics {
		metrics[i] = string(rune('a' + i))
	}
	tb := NewTable(metrics, 365, testAlpha, testMaxB)
	for m := range 20 {
		for k := range 365 {
			for _, x := range xs[:64] {
				tb.Add(m, k, x)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		tb.Add(i%20, i/20%365, xs[i&63])
	}
}

func BenchmarkSketchMerge(b *testing.B) {
	xs := benchValues()
	o := sketchOf(testAlpha, testMaxB, xs)
	s := NewSketch(testAlpha, testMaxB)
	b.ReportAllocs()
	for b.Loop() {
		s.Merge(o)
	}
}

func BenchmarkSketchQuantile(b *testing.B) {
	s := sketchOf(testAlpha, testMaxB, benchValues())
	b.ReportAllocs()
	for b.Loop() {
		s.Quantile(0.99)
	}
}

func BenchmarkSketchMean(b *testing.B) {
	s := sketchOf(testAlpha, testMaxB, benchValues())
	b.ReportAllocs()
	for b.Loop() {
		s.Mean()
	}
}

func BenchmarkSketchMarshal(b *testing.B) {
	s := sketchOf(testAlpha, testMaxB, benchValues())
	b.ReportAllocs()
	for b.Loop() {
		s.MarshalBinary()
	}
}
