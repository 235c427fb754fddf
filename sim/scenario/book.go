package scenario

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Position is one borrower of a book: collateral in token units and debt in
// rwaUSD.
type Position struct {
	Collateral float64
	Debt       float64
}

// LoadBook reads a borrower book: a CSV with a header naming the columns
// collateral and debt (any order, other columns ignored). Errors name the
// file, line and column.
func (s *Scenario) LoadBook(path string) ([]Position, error) {
	f, err := os.Open(s.DataPath(path))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	hdr, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:1: %v", path, err)
	}
	ci, di := -1, -1
	for i, h := range hdr {
		switch strings.TrimSpace(strings.ToLower(h)) {
		case "collateral":
			ci = i
		case "debt":
			di = i
		}
	}
	if ci < 0 || di < 0 {
		return nil, fmt.Errorf("%s:1: need columns collateral and debt, got %v", path, hdr)
	}
	var out []Position
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		var p Position
		for _, c := range []struct {
			i    int
			name string
			dst  *float64
		}{{ci, "collateral", &p.Collateral}, {di, "debt", &p.Debt}} {
			if c.i >= len(rec) {
				return nil, fmt.Errorf("%s:%d: column %s missing", path, line, c.name)
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[c.i]), 64)
			if err != nil || !(v >= 0) || v > 1e30 {
				return nil, fmt.Errorf("%s:%d: column %s: %q is not a non-negative number", path, line, c.name, rec[c.i])
			}
			*c.dst = v
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no positions", path)
	}
	return out, nil
}
