package market

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors carried by [FieldError] and [DataError]; match them with
// errors.Is.
var (
	// ErrRequired reports a missing value.
	ErrRequired = errors.New("is required")
	// ErrNotFinite reports a NaN or infinite value.
	ErrNotFinite = errors.New("must be finite")
	// ErrNotPositive reports a value that must be > 0.
	ErrNotPositive = errors.New("must be positive")
	// ErrNegative reports a value that must be >= 0.
	ErrNegative = errors.New("must not be negative")
	// ErrOutOfRange reports a value outside its documented interval.
	ErrOutOfRange = errors.New("out of range")
	// ErrNotStationary reports GARCH(1,1) parameters with alpha+beta >= 1.
	ErrNotStationary = errors.New("alpha+beta must be below 1 for a stationary GARCH(1,1)")
	// ErrShape reports a slice or matrix of the wrong size.
	ErrShape = errors.New("dimension mismatch")
	// ErrNotSymmetric reports a correlation matrix with c[i][j] != c[j][i].
	ErrNotSymmetric = errors.New("matrix is not symmetric")
	// ErrNotPSD reports a correlation matrix that is not positive
	// semi-definite.
	ErrNotPSD = errors.New("matrix is not positive semi-definite")
	// ErrWindow reports a shock window that is not
	// 0 <= start < end <= steps+1.
	ErrWindow = errors.New("window must satisfy 0 <= start < end <= steps+1")
	// ErrUnknownFeed reports a shock naming a feed the world does not have.
	ErrUnknownFeed = errors.New("names no feed of the world")
	// ErrDuplicate reports a name used twice.
	ErrDuplicate = errors.New("is used twice")
	// ErrTooShort reports a series too short for what was asked of it.
	ErrTooShort = errors.New("series too short")
	// ErrNoMeanReversion reports an AR(1) fit whose slope is not in (0, 1).
	ErrNoMeanReversion = errors.New("no mean reversion in the data (AR(1) slope not in (0,1))")
	// ErrSyntax reports a value that does not parse.
	ErrSyntax = errors.New("invalid syntax")
	// ErrOrder reports a time column that is neither increasing nor
	// decreasing.
	ErrOrder = errors.New("times are not strictly monotonic")
)

// FieldError is a configuration error: the parameter Field (a dotted path
// such as "assets[1].process.sigma") has Value, which fails Err.
type FieldError struct {
	Field string
	Value any
	Err   error
}

// Error returns "market: <field> = <value>: <err>".
func (e *FieldError) Error() string {
	if e.Value == nil {
		return fmt.Sprintf("market: %s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("market: %s = %v: %v", e.Field, e.Value, e.Err)
}

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// DataError is an error in a data file: File, Line (1-based, 0 if the file
// as a whole is at fault) and Column name the place, Err the problem.
type DataError struct {
	File   string
	Line   int
	Column string
	Err    error
}

// Error returns "market: <file>:<line>: column "<col>": <err>".
func (e *DataError) Error() string {
	var b strings.Builder
	b.WriteString("market: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %q", e.Column)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns Err.
func (e *DataError) Unwrap() error { return e.Err }

// fieldErr is a shorthand for &FieldError{...}.
func fieldErr(field string, value any, err error) *FieldError {
	return &FieldError{Field: field, Value: value, Err: err}
}

// prefixErrors prepends prefix+"." to the Field of every FieldError in err
// (which may be an errors.Join tree) and returns the joined result.
func prefixErrors(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var out []error
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range j.Unwrap() {
				walk(c)
			}
			return
		}
		if fe, ok := e.(*FieldError); ok {
			c := *fe
			c.Field = prefix + "." + fe.Field
			out = append(out, &c)
			return
		}
		out = append(out, fmt.Errorf("%s: %w", prefix, e))
	}
	walk(err)
	return errors.Join(out...)
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return x-x == 0 }

// checker accumulates FieldErrors for Validate methods.
type checker struct{ errs []error }

func (c *checker) add(field string, value any, err error) {
	c.errs = append(c.errs, fieldErr(field, value, err))
}

// finite requires x to be finite.
func (c *checker) finite(field string, x float64) bool {
	if !finite(x) {
		c.add(field, x, ErrNotFinite)
		return false
	}
	return true
}

// positive requires x > 0 and finite.
func (c *checker) positive(field string, x float64) {
	if c.finite(field, x) && x <= 0 {
		c.add(field, x, ErrNotPositive)
	}
}

// nonNegative requires x >= 0 and finite.
func (c *checker) nonNegative(field string, x float64) {
	if c.finite(field, x) && x < 0 {
		c.add(field, x, ErrNegative)
	}
}

func (c *checker) err() error { return errors.Join(c.errs...) }
