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

// Decimal is an exact decimal number, written in a scenario as a quoted
// string ("0.05", "1000000") or as a TOML number of at most 15 significant
// digits (UnmarshalTOML). The zero value is unset.
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

// ErrFloatDigits is returned for an unquoted number with more significant
// digits than a float64 keeps exactly.
var ErrFloatDigits = errors.New("more significant digits than a TOML float keeps exactly")

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

// UnmarshalTOML takes a decimal from a TOML file: a quoted decimal
// string, exact as written, or an integer or float (NumberText).
func (d *Decimal) UnmarshalTOML(v any) error {
	s, err := NumberText(v)
	if err != nil {
		return err
	}
	return d.UnmarshalText([]byte(s))
}

// NumberText returns the decimal text of a number the TOML decoder read:
// a string as it is; an integer in full; a float as the shortest decimal
// that reads back as the same float64. That is the number written for any
// float of at most 15 significant digits (0.0001, 1.1e-9, 6e8); a float
// whose shortest form needs more digits was written with more than a
// float64 keeps, and is refused with the hint to quote it. (Converting
// through a fixed six decimals would turn fee = 0.00000049 into 0
// without a word.) Anything else is an error naming its kind.
func NumberText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%v: %w", x, ErrNotDecimal)
		}
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if significantDigits(x) > 15 {
			return "", fmt.Errorf("%w (it reads as %s)", ErrFloatDigits, s)
		}
		return s, nil
	case bool:
		return "", fmt.Errorf("a boolean where a number is expected")
	case []any, []map[string]any:
		return "", fmt.Errorf("an array where a number is expected")
	case map[string]any:
		return "", fmt.Errorf("a table where a number is expected")
	case time.Time:
		return "", fmt.Errorf("a date-time where a number is expected")
	}
	return "", fmt.Errorf("a %T where a number is expected", v)
}

// significantDigits is the number of significant digits of the shortest
// decimal that reads back as x.
func significantDigits(x float64) int {
	m := strconv.FormatFloat(math.Abs(x), 'e', -1, 64) // "d.ddde±xx"
	m = m[:strings.IndexByte(m, 'e')]
	return len(m) - strings.Count(m, ".")
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

// UnmarshalTOML takes a duration from a TOML file: a string with a unit.
// A number is refused as written (2.5, not the decoder's "2.500000").
func (d *Duration) UnmarshalTOML(v any) error {
	if s, ok := v.(string); ok {
		return d.UnmarshalText([]byte(s))
	}
	s, err := NumberText(v)
	if err != nil {
		return errors.New(strings.Replace(err.Error(), "a number is expected", "a duration is expected", 1))
	}
	return fmt.Errorf("%s: %w", s, ErrDurationUnit)
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
