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

// estimateInterval writes an estimate and its interval [lo, hi] with the
// same number of significant digits as far as their sizes allow: Num's,
// plus as many as the bounds need to differ and an estimate strictly inside
// them needs to differ from both (1.00253 in [1.00250, 1.00256] is not
// written 1.003 in [1.002, 1.003]), but none below the second significant
// digit of the interval's half-width, which the interval does not support
// (9.886 in [0, 25.3] is written 10 in [0, 25]); the three then get the
// same decimals (alignDecimals).
func estimateInterval(est, lo, hi float64) (string, string) {
	inside := lo < est && est < hi
	same := func(extra int) bool {
		l, h := numDigits(lo, extra), numDigits(hi, extra)
		if l == h {
			return true
		}
		e := numDigits(est, extra)
		return inside && (e == l || e == h)
	}
	extra := 0
	for extra < 6 && lo != hi && same(extra) {
		extra++
	}
	half := (hi - lo) / 2
	f := func(x float64) string {
		if !(half > 0) || !finite(x, half) || x == 0 {
			return numDigits(x, extra)
		}
		base := 4
		if math.Abs(x) >= 1000 {
			base = 3
		}
		sig := int(math.Floor(math.Log10(math.Abs(x)))) - int(math.Floor(math.Log10(half))) + 2
		return numDigits(x, min(extra, max(sig, 1)-base))
	}
	out := alignDecimals([3]float64{est, lo, hi}, [3]string{f(est), f(lo), f(hi)}, half, 0)
	return out[0], "[" + out[1] + ", " + out[2] + "]"
}

// alignDecimals gives an estimate and its bounds, written as in ss, the
// same number of decimals when they share a suffix: the most any of them
// has, but none below the second significant digit of the half-width
// half. The digits added are the values' own, not padding: 1.3 beside 1.62
// and 1.95 becomes 1.30, and 0.99996 written 1 beside 0.9999 becomes
// 1.0000. A number with more decimals than that is rounded to them (0.004
// beside 0.5 and 1.2 becomes 0.00); but when the estimate would read as
// zero and is not (0.3 in [0, 25]), the three are left as they are. None is cut below minDecimals.
func alignDecimals(xs [3]float64, ss [3]string, half float64, minDecimals int) [3]string {
	suffix, scale := "", 1.0
	decimals := [3]int{}
	most := 0
	for i, s := range ss {
		num, suf := s, ""
		if n := len(s); n > 0 && strings.ContainsAny(s[n-1:], "kMBT") {
			num, suf = s[:n-1], s[n-1:]
		}
		if _, err := strconv.ParseFloat(num, 64); err != nil || !finite(xs[i]) || strings.Contains(num, "e") {
			return ss // n/a, ∞, 9.93e-06
		}
		if i > 0 && suf != suffix {
			return ss // 990 beside 1.01k
		}
		suffix = suf
		if _, d, ok := strings.Cut(num, "."); ok {
			decimals[i] = len(d)
		}
		most = max(most, decimals[i])
	}
	for k, sfx := range siSuffixes {
		if sfx == suffix {
			scale = math.Pow(1000, float64(k))
		}
	}
	if h := half / scale; h > 0 && finite(h) {
		most = min(most, max(minDecimals, 1-int(math.Floor(math.Log10(h)))))
	}
	out := ss
	for i := range ss {
		if decimals[i] == most {
			continue
		}
		s := strconv.FormatFloat(xs[i]/scale, 'f', most, 64)
		if r, _ := strconv.ParseFloat(s, 64); r == 0 {
			if i == 0 && xs[i] != 0 && decimals[i] > most {
				return ss // an estimate of 0.3 in [0, 25] is not written 0
			}
			s = strings.TrimPrefix(s, "-")
		}
		out[i] = s + suffix
	}
	return out
}

// numDigits is Num with extra significant digits (fewer when extra is
// negative, down to one).
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
		s := strconv.FormatFloat(x, 'g', max(4+extra, 1), 64)
		if r, err := strconv.ParseFloat(s, 64); err == nil && math.Abs(r) < 1000 {
			if strings.Contains(s, "e+") { // 9.9 to one digit: 1e+01
				s = strconv.FormatFloat(r, 'f', 0, 64)
			}
			return s
		}
	}
	k := 1
	v := x / 1e3
	for {
		s := strconv.FormatFloat(v, 'g', max(3+extra, 1), 64)
		r, _ := strconv.ParseFloat(s, 64)
		if math.Abs(r) < 1000 || k == len(siSuffixes)-1 {
			if strings.ContainsAny(s, "e") {
				s = strconv.FormatFloat(r, 'f', 0, 64)
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
