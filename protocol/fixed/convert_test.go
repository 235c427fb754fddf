package fixed

// Tests of convert.go against math/big: big.Int for the decimal strings,
// big.Rat for the exact float conversions.

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/holiman/uint256"
)

var testDecimals = []uint{0, 1, 6, 8, 18, 27, 28, 45, 54, 55, 77}

func bPow10(d uint) *big.Int { return new(big.Int).Exp(bi(10), new(big.Int).SetUint64(uint64(d)), nil) }

// oParseDecimal is the parse oracle: the grammar digits[.digits], checked
// by hand, then big.Int arithmetic.
func oParseDecimal(s string, d uint) (*big.Int, error) {
	if d > MaxDecimals {
		return nil, ErrDecimals
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	digits := func(p string) bool {
		for _, c := range []byte(p) {
			if c < '0' || c > '9' {
				return false
			}
		}
		return len(p) > 0
	}
	if !digits(intPart) || (hasPoint && !digits(frac)) {
		return nil, ErrSyntax
	}
	if uint(len(frac)) > d {
		return nil, ErrPrecision
	}
	v, _ := new(big.Int).SetString(intPart+frac, 10)
	v.Mul(v, bPow10(d-uint(len(frac))))
	if !inU(v) {
		return nil, ErrOverflow
	}
	return v, nil
}

// oFormatDecimal builds the expected string from big.Int's decimal text.
func oFormatDecimal(x *big.Int, d uint) string {
	q, r := new(big.Int).QuoRem(x, bPow10(d), new(big.Int))
	s := q.String()
	if r.Sign() != 0 {
		f := r.String()
		f = strings.Repeat("0", int(d)-len(f)) + f
		s += "." + strings.TrimRight(f, "0")
	}
	return s
}

// oFromFloat rounds the exact rational f·10^d half up.
func oFromFloat(f float64, d uint) (*big.Int, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return nil, ErrInvalidFloat
	}
	if d > MaxDecimals {
		return nil, ErrDecimals
	}
	r := new(big.Rat).SetFloat64(f)
	r.Mul(r, new(big.Rat).SetInt(bPow10(d)))
	q, rem := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if rem.Lsh(rem, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, bi(1))
	}
	if !inU(q) {
		return nil, ErrOverflow
	}
	return q, nil
}

// oToFloat is the correctly rounded quotient, from big.Rat.
func oToFloat(x *big.Int, d uint) float64 {
	f, _ := new(big.Rat).SetFrac(x, bPow10(d)).Float64()
	return f
}

func checkParse(t *testing.T, s string, d uint) {
	t.Helper()
	want, werr := oParseDecimal(s, d)
	var z uint256.Int
	err := ParseDecimal(&z, s, d)
	checkResult(t, "ParseDecimal("+quote(s)+")@"+utoa(d), &z, err, want, werr)
	if err != nil {
		var de *DecimalError
		if !errors.As(err, &de) || de.Input != s || de.Decimals != d {
			t.Errorf("ParseDecimal(%q): error %#v is not a *DecimalError naming the input", s, err)
		}
	}
}

func utoa(d uint) string { return big.NewInt(int64(d)).String() }

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		s    string
		d    uint
		want string // decimal value, or "" with err
		err  error
	}{
		{"1.05", 18, "1050000000000000000", nil},
		{"0", 0, "0", nil},
		{"0.0", 1, "0", nil},
		{"007.50", 2, "750", nil},
		{"1", 45, "1000000000000000000000000000000000000000000000", nil},
		{"0.000000000000000000000000000000000000000000001", 45, "1", nil},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639935", 0, Max.Dec(), nil},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639936", 0, "", ErrOverflow},
		{"115792089237316195423570985008687907853269984665640564039457584007913.129639935", 9, Max.Dec(), nil},
		{"115792089237316195423570985008687907853269984665640564039457584007913.129639936", 9, "", ErrOverflow},
		{"1157920892373161954235709850086879078532699846656405640394575840079131", 9, "", ErrOverflow},
		{"1", 77, pow10[77].Dec(), nil},
		{"2", 77, "", ErrOverflow},
		{"1", 78, "", ErrDecimals},
		{"1.0000000000000000001", 18, "", ErrPrecision},
		{"0.5", 0, "", ErrPrecision},
		{"", 18, "", ErrSyntax},
		{".5", 18, "", ErrSyntax},
		{"1.", 18, "", ErrSyntax},
		{".", 18, "", ErrSyntax},
		{"+1", 18, "", ErrSyntax},
		{"-1", 18, "", ErrSyntax},
		{"1e18", 0, "", ErrSyntax},
		{" 1", 18, "", ErrSyntax},
		{"1 ", 18, "", ErrSyntax},
		{"1_000", 18, "", ErrSyntax},
		{"1.2.3", 18, "", ErrSyntax},
		{"0x10", 18, "", ErrSyntax},
		{"１", 18, "", ErrSyntax}, // a full-width digit
	}
	for _, tt := range tests {
		var z uint256.Int
		err := ParseDecimal(&z, tt.s, tt.d)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParseDecimal(%q, %d): err = %v, want %v", tt.s, tt.d, err, tt.err)
			}
		} else if err != nil || z.Dec() != tt.want {
			t.Errorf("ParseDecimal(%q, %d) = %s, %v; want %s", tt.s, tt.d, z.Dec(), err, tt.want)
		}
		checkParse(t, tt.s, tt.d)
	}
	var z uint256.Int
	err := ParseDecimal(&z, "1.2.3", 18)
	if got, want := err.Error(), `fixed: parsing "1.2.3" at 18 decimals: fixed: invalid decimal syntax`; got != want {
		t.Errorf("error text %q, want %q", got, want)
	}
}

func TestFormatDecimal(t *testing.T) {
	tests := []struct {
		x    string
		d    uint
		want string
	}{
		{"0", 0, "0"},
		{"0", 18, "0"},
		{"1050000000000000000", 18, "1.05"},
		{"1000000000000000000", 18, "1"},
		{"1", 18, "0.000000000000000001"},
		{"10", 18, "0.00000000000000001"},
		{"123", 2, "1.23"},
		{"120", 2, "1.2"},
		{"100", 2, "1"},
		{"5", 1, "0.5"},
		{"1", 45, "0.000000000000000000000000000000000000000000001"},
		{Max.Dec(), 77, "1.15792089237316195423570985008687907853269984665640564039457584007913129639935"},
		{Max.Dec(), 0, Max.Dec()},
	}
	for _, tt := range tests {
		if got := FormatDecimal(u256(tt.x), tt.d); got != tt.want {
			t.Errorf("FormatDecimal(%s, %d) = %q, want %q", tt.x, tt.d, got, tt.want)
		}
	}
}

// TestDecimalRoundTrip: FormatDecimal agrees with the oracle and
// ParseDecimal reads it back, over the corpus and every test precision.
func TestDecimalRoundTrip(t *testing.T) {
	for _, x := range corpus {
		for _, d := range testDecimals {
			checkRoundTrip(t, x, d)
		}
	}
}

func checkRoundTrip(t *testing.T, x *uint256.Int, d uint) {
	t.Helper()
	xc := *x
	s := FormatDecimal(x, d)
	if *x != xc {
		t.Fatalf("FormatDecimal modified its input")
	}
	if want := oFormatDecimal(x.ToBig(), d); s != want {
		t.Fatalf("FormatDecimal(%s, %d) = %q, want %q", x.Dec(), d, s, want)
	}
	var z uint256.Int
	if err := ParseDecimal(&z, s, d); err != nil || z != *x {
		t.Fatalf("ParseDecimal(FormatDecimal(%s, %d) = %q) = %s, %v", x.Dec(), d, s, z.Dec(), err)
	}
	si := FormatDecimalInt(x, d)
	if err := ParseDecimalInt(&z, si, d); err != nil || z != *x {
		t.Fatalf("ParseDecimalInt(FormatDecimalInt(%s, %d) = %q) = %s, %v", x.Hex(), d, si, z.Hex(), err)
	}
}

func TestSignedDecimal(t *testing.T) {
	tests := []struct {
		s   string
		d   uint
		hex string
		err error
	}{
		{"-1.5", 1, "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1", nil},
		{"-0", 18, "0x0", nil},
		{"57896044618658097711785492504343953926634992332820282019728792003956564819967", 0, "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", nil},
		{"57896044618658097711785492504343953926634992332820282019728792003956564819968", 0, "", ErrOverflow},
		{"-57896044618658097711785492504343953926634992332820282019728792003956564819968", 0, "0x8000000000000000000000000000000000000000000000000000000000000000", nil},
		{"-57896044618658097711785492504343953926634992332820282019728792003956564819969", 0, "", ErrOverflow},
		{"--1", 0, "", ErrSyntax},
		{"+1", 0, "", ErrSyntax},
		{"-", 0, "", ErrSyntax},
	}
	for _, tt := range tests {
		var z uint256.Int
		err := ParseDecimalInt(&z, tt.s, tt.d)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParseDecimalInt(%q): err = %v, want %v", tt.s, err, tt.err)
			}
			continue
		}
		if err != nil || z.Hex() != tt.hex {
			t.Errorf("ParseDecimalInt(%q) = %s, %v; want %s", tt.s, z.Hex(), err, tt.hex)
		}
	}
	if got := FormatDecimalInt(u256("-1500000000000000000"), 18); got != "-1.5" {
		t.Errorf("FormatDecimalInt(-1.5e18) = %q", got)
	}
	if got := FormatDecimalInt(&MinInt256, 0); got != "-57896044618658097711785492504343953926634992332820282019728792003956564819968" {
		t.Errorf("FormatDecimalInt(min) = %q", got)
	}
}

func checkFromFloat(t *testing.T, f float64, d uint) {
	t.Helper()
	want, werr := oFromFloat(f, d)
	var z uint256.Int
	err := FromFloat(&z, f, d)
	checkResult(t, "FromFloat("+strconv.FormatFloat(f, 'g', -1, 64)+")@"+utoa(d), &z, err, want, werr)
}

// floatCorpus mixes decimal fractions that binary floats cannot hold,
// exact halves (ties), powers of two near the overflow edge, subnormals and
// the invalid values.
var floatCorpus = []float64{
	0, math.Copysign(0, -1), 1, 0.5, 1.5, 2.5, 0.1, 0.2, 0.3, 1.05, 0.05, 1e-9, 1e-18, 5e-19, 1.5e-18, 2.5e-18,
	123456.789, 1e18, 1e27, 1e45, 1e77, 1.157920892373161e77, 1.1579208923731621e77, 1.157920892373162e77,
	math.Ldexp(1, 255), math.Ldexp(1, 256), math.Ldexp(1-1.0/(1<<53), 256), math.MaxFloat64,
	math.SmallestNonzeroFloat64, math.Ldexp(1, -1022), math.Ldexp(1, -60), math.Ldexp(3, -62),
	math.Nextafter(0.5, 0), math.Nextafter(0.5, 1), math.Nextafter(2.5, 3),
	math.NaN(), math.Inf(1), math.Inf(-1), -1, -1e-300,
}

func TestFromFloat(t *testing.T) {
	tests := []struct {
		f    float64
		d    uint
		want string
		err  error
	}{
		{1.05, 18, "1050000000000000044", nil}, // 1.05 is 1.0500000000000000444… in binary
		{1, 18, "1000000000000000000", nil},
		{0.5, 0, "1", nil}, // ties round up
		{2.5, 0, "3", nil},
		{0.25, 1, "3", nil},
		{1e-19, 18, "0", nil},
		{math.Copysign(0, -1), 18, "0", nil},
		{math.Ldexp(1, 255), 0, pow2(255).Dec(), nil},
		{math.Ldexp(1, 256), 0, "", ErrOverflow},
		{math.NaN(), 18, "", ErrInvalidFloat},
		{math.Inf(1), 18, "", ErrInvalidFloat},
		{-1, 18, "", ErrInvalidFloat},
		{1, 78, "", ErrDecimals},
	}
	for _, tt := range tests {
		var z uint256.Int
		err := FromFloat(&z, tt.f, tt.d)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("FromFloat(%v, %d): err = %v, want %v", tt.f, tt.d, err, tt.err)
			}
			continue
		}
		if err != nil || z.Dec() != tt.want {
			t.Errorf("FromFloat(%v, %d) = %s, %v; want %s", tt.f, tt.d, z.Dec(), err, tt.want)
		}
	}
	for _, f := range floatCorpus {
		for _, d := range testDecimals {
			checkFromFloat(t, f, d)
		}
	}
}

func TestFromFloatInt(t *testing.T) {
	var z uint256.Int
	if err := FromFloatInt(&z, -2.5, 0); err != nil || FormatDecimalInt(&z, 0) != "-3" {
		t.Errorf("FromFloatInt(-2.5) = %s, %v; want -3 (ties away from zero)", FormatDecimalInt(&z, 0), err)
	}
	if err := FromFloatInt(&z, -1.05, 18); err != nil || FormatDecimalInt(&z, 18) != "-1.050000000000000044" {
		t.Errorf("FromFloatInt(-1.05) = %s, %v", FormatDecimalInt(&z, 18), err)
	}
	if err := FromFloatInt(&z, -math.Ldexp(1, 255), 0); err != nil || z != MinInt256 {
		t.Errorf("FromFloatInt(-2^255) = %s, %v", z.Hex(), err)
	}
	if err := FromFloatInt(&z, math.Ldexp(1, 255), 0); !errors.Is(err, ErrOverflow) {
		t.Errorf("FromFloatInt(2^255): err = %v, want ErrOverflow", err)
	}
	if err := FromFloatInt(&z, math.NaN(), 0); !errors.Is(err, ErrInvalidFloat) {
		t.Errorf("FromFloatInt(NaN): err = %v", err)
	}
}

func checkToFloat(t *testing.T, x *uint256.Int, d uint) {
	t.Helper()
	want := oToFloat(x.ToBig(), d)
	xc := *x
	if got := ToFloat(x, d); got != want {
		t.Errorf("ToFloat(%s, %d) = %v, want %v", x.Dec(), d, got, want)
	}
	if *x != xc {
		t.Fatalf("ToFloat modified its input")
	}
	if !IsNeg(x) {
		if got := ToFloatInt(x, d); got != want {
			t.Errorf("ToFloatInt(%s, %d) = %v, want %v", x.Dec(), d, got, want)
		}
	} else {
		var a uint256.Int
		a.Abs(x)
		if got, want := ToFloatInt(x, d), -oToFloat(a.ToBig(), d); got != want {
			t.Errorf("ToFloatInt(%s, %d) = %v, want %v", x.Hex(), d, got, want)
		}
	}
}

func TestToFloat(t *testing.T) {
	tests := []struct {
		x    string
		d    uint
		want float64
	}{
		{"1050000000000000000", 18, 1.05},
		{"0", 18, 0},
		{"1", 18, 1e-18},
		{"1", 77, 1e-77},
		{"1000000000000000000000000000", 27, 1},
		// 2^53 + 1 is a tie between 2^53 and 2^53 + 2: ties to even.
		{"9007199254740993", 0, 9007199254740992},
		{"9007199254740995", 0, 9007199254740996},
		// (2^63+2^10)·5^45 / 10^45 is a tie that rounds to even, down; a
		// remainder in either of rad's two word divisions (by 5^27, then by
		// 5^18) puts it above the tie, so it rounds up.
		{"262144000000000029103830456733703613281250000000000", 45, 0x1p+18},
		{"262144000000000029103830456733703613281250000000001", 45, 0x1.0000000000001p+18},
		{"262144000000000029103830456733711063861846923828125", 45, 0x1.0000000000001p+18},
	}
	for _, tt := range tests {
		if got := ToFloat(u256(tt.x), tt.d); got != tt.want {
			t.Errorf("ToFloat(%s, %d) = %v, want %v", tt.x, tt.d, got, tt.want)
		}
	}
	for _, x := range corpus {
		for _, d := range testDecimals {
			checkToFloat(t, x, d)
		}
	}
	if got := ToFloatInt(u256("-1500000000000000000"), 18); got != -1.5 {
		t.Errorf("ToFloatInt(-1.5e18) = %v", got)
	}
}

// TestFloatRoundTrip: for floats that are within uint256 range, converting
// to an 18- or 27-decimal integer and back lands within half a unit of the
// last place (the integer rounding), i.e. equal for values ≥ 2^53 units.
func TestFloatRoundTrip(t *testing.T) {
	for _, f := range []float64{1, 1.05, 123456.789, 1e9, 3.14159} {
		for _, d := range []uint{18, 27} {
			var z uint256.Int
			if err := FromFloat(&z, f, d); err != nil {
				t.Fatal(err)
			}
			if got := ToFloat(&z, d); got != f {
				t.Errorf("ToFloat(FromFloat(%v, %d)) = %v", f, d, got)
			}
		}
	}
}

func TestPow10(t *testing.T) {
	var z uint256.Int
	for n := uint(0); n <= MaxDecimals; n++ {
		if Pow10(&z, n).ToBig().Cmp(bPow10(n)) != 0 {
			t.Fatalf("Pow10(%d) = %s", n, z.Dec())
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Pow10(78) did not panic")
		}
	}()
	Pow10(&z, 78)
}
