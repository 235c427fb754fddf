package fixed

// Benchmarks of the hot paths. Every one must report 0 allocs/op. Inputs are
// fixed values (no randomness), so runs compare cleanly under benchstat.

import (
	"testing"

	"github.com/holiman/uint256"
)

var (
	benchSink  uint256.Int
	benchFloat float64
	benchErr   error
)

func BenchmarkRMul(b *testing.B) {
	x, y := u256("1234567890123456789012345678"), u256("1000000001547125957863212449")
	b.ReportAllocs()
	for b.Loop() {
		benchErr = RMul(&benchSink, x, y)
	}
}

// BenchmarkRPow600 is a 10-minute drip at 5% APY.
func BenchmarkRPow600(b *testing.B) {
	x := u256("1000000001547125957863212449")
	b.ReportAllocs()
	for b.Loop() {
		benchErr = RPow(&benchSink, x, 600, &RAY)
	}
}

func BenchmarkRayMul(b *testing.B) {
	x, y := u256("1234567890123456789012345678"), u256("1000000001547125957863212449")
	b.ReportAllocs()
	for b.Loop() {
		benchErr = RayMul(&benchSink, x, y)
	}
}

func BenchmarkRayDiv(b *testing.B) {
	x, y := u256("1234567890123456789012345678"), u256("1000000001547125957863212449")
	b.ReportAllocs()
	for b.Loop() {
		benchErr = RayDiv(&benchSink, x, y)
	}
}

func BenchmarkRayMulInt(b *testing.B) {
	x, y := u256("-367500000000000000000000000"), u256("130000000000000000000")
	b.ReportAllocs()
	for b.Loop() {
		benchErr = RayMulInt(&benchSink, x, y)
	}
}

func BenchmarkCompoundedInterest(b *testing.B) {
	r := u256("50000000000000000000000000")
	b.ReportAllocs()
	for b.Loop() {
		benchErr = CompoundedInterest(&benchSink, r, 86400)
	}
}

func BenchmarkSMulDown(b *testing.B) {
	x, y := u256("-1234567890123456789"), u256("987654321987654321")
	b.ReportAllocs()
	for b.Loop() {
		benchErr = SMulDown(&benchSink, x, y)
	}
}

func BenchmarkExpWad(b *testing.B) {
	for _, c := range []struct{ name, x string }{{"neg", "-3000000000000000000"}, {"pos", "1000000000000000000"}} {
		x := u256(c.x)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchErr = ExpWad(&benchSink, x)
			}
		})
	}
}

func BenchmarkLnWad(b *testing.B) {
	x := u256("2718281828459045235")
	b.ReportAllocs()
	for b.Loop() {
		benchErr = LnWad(&benchSink, x)
	}
}

func BenchmarkFromFloat(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchErr = FromFloat(&benchSink, 1234.5678, 18)
	}
}

func BenchmarkToFloat(b *testing.B) {
	x := u256("1234567800000000000000")
	b.ReportAllocs()
	for b.Loop() {
		benchFloat = ToFloat(x, 18)
	}
}

// BenchmarkToFloatRad converts a rad (45 decimals), the unit of debt.
func BenchmarkToFloatRad(b *testing.B) {
	x := u256("1234567800000000000000123456789012345678901234567890")
	b.ReportAllocs()
	for b.Loop() {
		benchFloat = ToFloat(x, 45)
	}
}

func BenchmarkParseDecimal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchErr = ParseDecimal(&benchSink, "1234567.891011121314151617", 27)
	}
}
