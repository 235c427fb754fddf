package market

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// Series is a time series read from a file: Times in Unix seconds (UTC),
// strictly increasing, and the matching Values.
type Series struct {
	Times  []int64
	Values []float64
}

// Len returns the number of points.
func (s Series) Len() int { return len(s.Times) }

// Between returns the points with from <= time < to, sharing memory with s.
func (s Series) Between(from, to int64) Series {
	lo, hi := 0, len(s.Times)
	for lo < hi && s.Times[lo] < from {
		lo++
	}
	for hi > lo && s.Times[hi-1] >= to {
		hi--
	}
	return Series{Times: s.Times[lo:hi], Values: s.Values[lo:hi]}
}

// LogReturns returns ln(v[i+1]/v[i]) for every pair of consecutive points
// exactly step seconds apart (every pair if step is 0), so a gap in the
// data drops one return instead of creating a longer one. It returns an
// error naming the first non-positive value.
func (s Series) LogReturns(step int64) ([]float64, error) {
	out := make([]float64, 0, len(s.Values))
	for i := 0; i+1 < len(s.Values); i++ {
		if step != 0 && s.Times[i+1]-s.Times[i] != step {
			continue
		}
		a, b := s.Values[i], s.Values[i+1]
		if !(a > 0) || !(b > 0) {
			j := i
			if a > 0 {
				j = i + 1
			}
			return nil, fieldErr(fmt.Sprintf("values[%d]", j), s.Values[j], fmt.Errorf("%w: log returns need positive prices", ErrNotPositive))
		}
		out = append(out, math.Log(b/a))
	}
	return out, nil
}

// LoadSeries reads the columns timeCol and valueCol of the CSV file at
// path; see [ReadSeries].
func LoadSeries(path, timeCol, valueCol string) (Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return Series{}, &DataError{File: path, Err: err}
	}
	defer f.Close()
	return ReadSeries(f, path, timeCol, valueCol)
}

// ReadSeries reads a CSV with a header row and returns the columns timeCol
// and valueCol, oldest first; name is used in errors. A time is a Unix
// timestamp in seconds, or in milliseconds if it is at least 1e11 (so a file
// that switches unit mid-way reads correctly), or a UTC date in one of the
// layouts "2006-01-02 15:04:05", "2006-01-02T15:04:05Z", "2006-01-02",
// "2006-01" or "2006". Rows may be newest first; the times must be strictly
// monotonic. Errors are [*DataError]s naming the file, line and column.
func ReadSeries(r io.Reader, name, timeCol, valueCol string) (Series, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return Series{}, csvError(name, err)
	}
	cols, err := findColumns(name, header, timeCol, valueCol)
	if err != nil {
		return Series{}, err
	}
	var s Series
	dir := 0 // +1 increasing, −1 decreasing
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Series{}, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		t, err := parseTime(rec[cols[0]])
		if err != nil {
			return Series{}, &DataError{File: name, Line: line, Column: timeCol, Err: err}
		}
		v, err := parseFloat(rec[cols[1]])
		if err != nil {
			return Series{}, &DataError{File: name, Line: line, Column: valueCol, Err: err}
		}
		if n := len(s.Times); n > 0 {
			d := 0
			switch {
			case t > s.Times[n-1]:
				d = 1
			case t < s.Times[n-1]:
				d = -1
			}
			if d == 0 || (dir != 0 && d != dir) {
				return Series{}, &DataError{File: name, Line: line, Column: timeCol, Err: fmt.Errorf("%w: %s after %s", ErrOrder,
					time.Unix(t, 0).UTC().Format(time.DateTime), time.Unix(s.Times[n-1], 0).UTC().Format(time.DateTime))}
			}
			dir = d
		}
		s.Times = append(s.Times, t)
		s.Values = append(s.Values, v)
	}
	if len(s.Times) == 0 {
		return Series{}, &DataError{File: name, Err: fmt.Errorf("%w: no data rows", ErrTooShort)}
	}
	if dir < 0 {
		for i, j := 0, len(s.Times)-1; i < j; i, j = i+1, j-1 {
			s.Times[i], s.Times[j] = s.Times[j], s.Times[i]
			s.Values[i], s.Values[j] = s.Values[j], s.Values[i]
		}
	}
	return s, nil
}

// csvError turns an encoding/csv error into a DataError.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &DataError{File: name, Line: pe.Line, Err: pe.Err}
	}
	if err == io.EOF {
		return &DataError{File: name, Err: fmt.Errorf("%w: empty file", ErrTooShort)}
	}
	return &DataError{File: name, Err: err}
}

// findColumns returns the indexes of the named columns in header.
func findColumns(name string, header []string, want ...string) ([]int, error) {
	idx := make([]int, len(want))
	for k, w := range want {
		idx[k] = -1
		for i, h := range header {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
			if h == w {
				idx[k] = i
				break
			}
		}
		if idx[k] < 0 {
			return nil, &DataError{File: name, Line: 1, Column: w, Err: fmt.Errorf("%w: no such column in header %q", ErrRequired, header)}
		}
	}
	return idx, nil
}

// parseFloat parses a finite float.
func parseFloat(s string) (float64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !finite(v) {
		return 0, fmt.Errorf("%w: number %q", ErrSyntax, s)
	}
	return v, nil
}

var timeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05Z", "2006-01-02", "2006-01", "2006"}

// parseTime parses a Unix timestamp (seconds, or milliseconds if >= 1e11) or
// a UTC date.
func parseTime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) > 4 {
		if n >= 1e11 {
			if n%1000 != 0 {
				return 0, fmt.Errorf("%w: millisecond timestamp %q is not a whole second", ErrSyntax, s)
			}
			n /= 1000
		}
		return n, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Unix(), nil
		}
	}
	return 0, fmt.Errorf("%w: time %q", ErrSyntax, s)
}

// Quote is one aggregator quote: selling In raw units of token Src for Out
// raw units of token Dst (raw = integer units, divide by 10^decimals),
// Price the decimal-adjusted Out per In, Impact the quote's price impact as
// a fraction (relative to the best quote of its batch), Time in Unix
// seconds. Addresses are lower case.
type Quote struct {
	Src, Dst string
	In, Out  float64
	Price    float64
	Impact   float64
	Time     int64
}

// Token is an ERC-20 token: its address (any case) and decimals.
type Token struct {
	Address  string
	Decimals int
}

// LoadQuotes reads the quote file at path; see [ReadQuotes].
func LoadQuotes(path string) ([]Quote, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &DataError{File: path, Err: err}
	}
	defer f.Close()
	return ReadQuotes(f, path)
}

// ReadQuotes reads aggregator quotes from a CSV with the header columns
// src, dst, in_amount, out_amount, price, price_impact and timestamp (Unix
// seconds); name is used in errors.
func ReadQuotes(r io.Reader, name string) ([]Quote, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	names := []string{"src", "dst", "in_amount", "out_amount", "price", "price_impact", "timestamp"}
	cols, err := findColumns(name, header, names...)
	if err != nil {
		return nil, err
	}
	var out []Quote
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		var nums [4]float64
		for k := range nums {
			v, err := parseFloat(rec[cols[2+k]])
			if err != nil {
				return nil, &DataError{File: name, Line: line, Column: names[2+k], Err: err}
			}
			nums[k] = v
		}
		t, err := parseTime(rec[cols[6]])
		if err != nil {
			return nil, &DataError{File: name, Line: line, Column: "timestamp", Err: err}
		}
		out = append(out, Quote{
			Src: strings.ToLower(strings.TrimSpace(rec[cols[0]])), Dst: strings.ToLower(strings.TrimSpace(rec[cols[1]])),
			In: nums[0], Out: nums[1], Price: nums[2], Impact: nums[3], Time: t,
		})
	}
	return out, nil
}

// ImpactSample extracts (USD size, price impact) pairs for selling src into
// any of the USD stablecoins dsts, keeping sizes of at least minUSD. The
// size is the quote's USD notional at the batch's best price,
// (Out/10^dst.Decimals)/(1 − Impact), valuing each stablecoin at $1.
func ImpactSample(quotes []Quote, src Token, dsts []Token, minUSD float64) (sizes, impacts []float64) {
	sa := strings.ToLower(src.Address)
	for _, q := range quotes {
		if q.Src != sa || q.Impact >= 1 {
			continue
		}
		for _, d := range dsts {
			if q.Dst != strings.ToLower(d.Address) {
				continue
			}
			usd := q.Out / math.Pow10(d.Decimals) / (1 - q.Impact)
			if usd >= minUSD {
				sizes = append(sizes, usd)
				impacts = append(impacts, q.Impact)
			}
		}
	}
	return sizes, impacts
}
