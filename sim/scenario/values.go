package scenario

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/protocol/fixed"
)

// Decimal is an exact decimal number written as a quoted string in a
// scenario ("0.05", "1000000"). The zero value is unset.
type Decimal struct {
	text string
	r    *big.Rat
}

// D returns the Decimal of s; it panics if s is not a decimal (for defaults
// written in code).
func D(s string) Decimal {
	var d Decimal
	if err := d.UnmarshalText([]byte(s)); err != nil {
		panic("scenario: " + err.Error())
	}
	return d
}

// ErrNotDecimal is returned for a value that is not a plain decimal number.
var ErrNotDecimal = errors.New("not a decimal number: digits with an optional sign and decimal point, such as 0.05 (no exponent, Inf or NaN)")

// UnmarshalText parses a plain decimal: optional sign, digits, optional
// fraction. Exponents, "Inf" and "NaN" are rejected.
func (d *Decimal) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	s = strings.ReplaceAll(s, "_", "")
	if s == "" || strings.ContainsAny(s, "eEiInN/") {
		return fmt.Errorf("%q: %w", string(b), ErrNotDecimal)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return fmt.Errorf("%q: %w", string(b), ErrNotDecimal)
	}
	d.text, d.r = s, r
	return nil
}

// MarshalText returns the decimal as written.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.text), nil }

// Set reports whether the decimal was given.
func (d Decimal) Set() bool { return d.r != nil }

// String returns the decimal as written.
func (d Decimal) String() string { return d.text }

// Rat returns the exact value (zero if unset).
func (d Decimal) Rat() *big.Rat {
	if d.r == nil {
		return new(big.Rat)
	}
	return d.r
}

// Float returns the nearest float64.
func (d Decimal) Float() float64 {
	f, _ := d.Rat().Float64()
	return f
}

// Cmp compares the decimal with the decimal s.
func (d Decimal) Cmp(s string) int { return d.Rat().Cmp(D(s).Rat()) }

// Uint sets z to the decimal scaled by 10^decimals. It fails if the value is
// negative, has more fractional digits than decimals, or does not fit.
func (d Decimal) Uint(z *uint256.Int, decimals uint) error {
	if d.Rat().Sign() < 0 {
		return errors.New("must not be negative")
	}
	s := d.text
	if s == "" {
		s = "0"
	}
	s = strings.TrimPrefix(s, "+")
	return fixed.ParseDecimal(z, s, decimals)
}

// Wad, Ray and Rad return the decimal in those units; they panic on a value
// validation has not accepted.
func (d Decimal) Wad() uint256.Int { return d.must(18) }
func (d Decimal) Ray() uint256.Int { return d.must(27) }
func (d Decimal) Rad() uint256.Int { return d.must(45) }

func (d Decimal) must(decimals uint) uint256.Int {
	var z uint256.Int
	if err := d.Uint(&z, decimals); err != nil {
		panic(fmt.Sprintf("scenario: decimal %q at %d decimals: %v", d.text, decimals, err))
	}
	return z
}

// Duration is a length of time written as a string with a unit: "90s",
// "10m", "4h", "30d", "1h30m". A number without a unit is an error.
type Duration struct {
	text string
	d    time.Duration
}

// Dur returns the Duration of s; it panics if s is not a duration.
func Dur(s string) Duration {
	var d Duration
	if err := d.UnmarshalText([]byte(s)); err != nil {
		panic("scenario: " + err.Error())
	}
	return d
}

// ErrDurationUnit is returned for a duration without a unit.
var ErrDurationUnit = errors.New("a duration needs a unit: s, m, h or d (for example \"10m\" or \"30d\")")

// UnmarshalText parses a duration; "d" is 24 hours.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return fmt.Errorf("empty duration: %w", ErrDurationUnit)
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return fmt.Errorf("%q: %w", s, ErrDurationUnit)
	}
	// Expand days into hours so time.ParseDuration can take the rest.
	var total time.Duration
	rest := s
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		days, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil || math.IsNaN(days) {
			return fmt.Errorf("%q: not a duration", s)
		}
		if days > float64(math.MaxInt64)/float64(24*time.Hour) {
			return fmt.Errorf("%q: longer than the longest duration, about 106,700 days (292 years)", s)
		}
		total = time.Duration(days * float64(24*time.Hour))
		rest = rest[i+1:]
	}
	if rest != "" && rest != s && strings.ContainsAny(rest[:1], "+-") {
		// "5d-3h" is not 117 hours: a sign belongs at the front only.
		return fmt.Errorf("%q: not a duration (a sign only at the front)", s)
	}
	if rest != "" {
		x, err := time.ParseDuration(rest)
		if err != nil {
			if strings.Contains(err.Error(), "missing unit") {
				return fmt.Errorf("%q: %w", s, ErrDurationUnit)
			}
			return fmt.Errorf("%q: not a duration", s)
		}
		if x > 0 && total > math.MaxInt64-x {
			return fmt.Errorf("%q: longer than the longest duration, about 106,700 days (292 years)", s)
		}
		total += x
	}
	if total < 0 || strings.HasPrefix(s, "-") {
		return fmt.Errorf("%q: a duration must not be negative", s)
	}
	d.text, d.d = s, total
	return nil
}

// MarshalText returns the duration as written.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.text), nil }

// Set reports whether the duration was given.
func (d Duration) Set() bool { return d.text != "" }

// D returns the duration.
func (d Duration) D() time.Duration { return d.d }

// Seconds returns the duration in whole seconds.
func (d Duration) Seconds() int64 { return int64(d.d / time.Second) }

// String returns the duration as written.
func (d Duration) String() string { return d.text }

type bigRat = big.Rat

// decimalsOf returns enough fractional digits to write a sum of a and b
// exactly.
func decimalsOf(a, b Decimal) int {
	n := 0
	for _, d := range []Decimal{a, b} {
		if i := strings.IndexByte(d.text, '.'); i >= 0 && len(d.text)-i-1 > n {
			n = len(d.text) - i - 1
		}
	}
	return n
}
