package reports

import (
	"math"
	"strconv"
	"strings"
)

// siSuffixes are the suffixes of Num for thousands, millions, billions and
// trillions.
var siSuffixes = []string{"", "k", "M", "B", "T"}

// Num writes x for a reader: three significant digits with a k/M/B/T
// suffix from a thousand up (1.23M, 450k), four significant digits below
// (0.9966, 12.34), "0" for zero and "n/a" for NaN.
func Num(x float64) string { return numDigits(x, 0) }

// interval writes [lo, hi] with Num, adding significant digits (up to
// six more) until the bounds differ when they do.
func interval(lo, hi float64) string {
	a, b := Num(lo), Num(hi)
	for extra := 1; a == b && lo != hi && extra <= 6; extra++ {
		a, b = numDigits(lo, extra), numDigits(hi, extra)
	}
	return "[" + a + ", " + b + "]"
}

// numDigits is Num with extra significant digits.
func numDigits(x float64, extra int) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "-∞"
	case x == 0:
		return "0"
	}
	a := math.Abs(x)
	if a < 1000 {
		s := strconv.FormatFloat(x, 'g', 4+extra, 64)
		if r, err := strconv.ParseFloat(s, 64); err == nil && math.Abs(r) < 1000 {
			return s
		}
	}
	k := 1
	v := x / 1e3
	for {
		s := strconv.FormatFloat(v, 'g', 3+extra, 64)
		r, _ := strconv.ParseFloat(s, 64)
		if math.Abs(r) < 1000 || k == len(siSuffixes)-1 {
			if strings.ContainsAny(s, "e") {
				s = strconv.FormatFloat(v, 'f', 0, 64)
			}
			return s + siSuffixes[k]
		}
		k++
		v /= 1e3
	}
}

// withUnit writes x with its unit; counts go bare.
func withUnit(x float64, unit string) string {
	s := Num(x)
	if unit == "" || unit == "count" || math.IsNaN(x) {
		return s
	}
	return s + " " + unit
}

// percent writes a probability as a percentage: one decimal from 1% up,
// two significant digits below.
func percent(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	x := 100 * p
	if x == 0 || math.Abs(x) >= 1 {
		return strconv.FormatFloat(x, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(x, 'g', 2, 64) + "%"
}

// percentOf writes a ratio as a whole percentage (one decimal below 10%).
func percentOf(r float64) string {
	x := 100 * r
	if x < 10 {
		return strconv.FormatFloat(x, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(x, 'f', 0, 64) + "%"
}

// group3 writes n with thousands separators: 12345 -> "12,345".
func group3(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// csvFloat writes a float for a CSV file: the shortest exact form, empty
// for NaN.
func csvFloat(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
