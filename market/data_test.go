package market

import (
	"errors"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadSeriesErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, csv string
		line      int
		column    string
		err       error
		msg       string
	}{
		{"missing column", "Date,Close\n2020-01-01,1\n", 1, "Price", ErrRequired, ""},
		{"garbled number", "Date,Price\n2020-01-01,1\n2020-01-02,abc\n", 3, "Price", ErrSyntax,
			`market: f.csv:3: column "Price": invalid syntax: number "abc"`},
		{"NaN", "Date,Price\n2020-01-01,NaN\n", 2, "Price", ErrSyntax, ""},
		{"bad time", "Date,Price\n2020-13-01,1\n", 2, "Date", ErrSyntax, ""},
		{"not monotonic", "Date,Price\n2020-01-01,1\n2020-01-03,1\n2020-01-02,1\n", 4, "Date", ErrOrder, ""},
		{"duplicate time", "Date,Price\n2020-01-01,1\n2020-01-01,1\n", 3, "Date", ErrOrder, ""},
		{"empty", "", 0, "", ErrTooShort, ""},
		{"header only", "Date,Price\n", 0, "", ErrTooShort, ""},
	} {
		_, err := ReadSeries(strings.NewReader(c.csv), "f.csv", "Date", "Price")
		var de *DataError
		if !errors.As(err, &de) || de.File != "f.csv" || de.Line != c.line || de.Column != c.column || !errors.Is(err, c.err) {
			t.Errorf("%s: error %v, want f.csv line %d column %q wrapping %v", c.name, err, c.line, c.column, c.err)
			continue
		}
		if c.msg != "" && err.Error() != c.msg {
			t.Errorf("%s: message %q, want %q", c.name, err.Error(), c.msg)
		}
	}
	// A row with a missing field is reported at its line.
	_, err := ReadSeries(strings.NewReader("Date,Price\n2020-01-01,1\n2020-01-02\n"), "f.csv", "Date", "Price")
	var de *DataError
	if !errors.As(err, &de) || de.Line != 3 {
		t.Errorf("short row: %v, want line 3", err)
	}
	_, err = LoadSeries(filepath.Join(t.TempDir(), "missing.csv"), "Date", "Price")
	if !errors.As(err, &de) || !strings.HasSuffix(de.File, "missing.csv") || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	_, err = LoadQuotes(filepath.Join(t.TempDir(), "missing.csv"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing quotes file: %v", err)
	}
	_, err = ReadQuotes(strings.NewReader("src,dst,in_amount,out_amount,price,price_impact,timestamp\na,b,1,x,1,0,1700000000\n"), "q.csv")
	if !errors.As(err, &de) || de.Line != 2 || de.Column != "out_amount" {
		t.Errorf("garbled quote: %v", err)
	}
}

func TestReadSeriesOrderAndReturns(t *testing.T) {
	t.Parallel()
	// Newest first, with a gap (2020-01-03 missing) and mixed timestamp
	// units: read oldest first, in seconds.
	csv := "ts,Price\n1578096000000,104\n1577923200,102\n1577836800,100\n"
	s, err := ReadSeries(strings.NewReader(csv), "f.csv", "ts", "Price")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 || s.Times[0] != 1577836800 || s.Times[2] != 1578096000 || s.Values[0] != 100 {
		t.Fatalf("series %+v", s)
	}
	r, err := s.LogReturns(86400)
	if err != nil || len(r) != 1 || math.Abs(r[0]-math.Log(1.02)) > 1e-15 {
		t.Errorf("daily returns %v, %v: want one return across the gap-free pair", r, err)
	}
	if r, _ := s.LogReturns(0); len(r) != 2 {
		t.Errorf("all returns: %v", r)
	}
	if b := s.Between(1577923200, 1578096000); b.Len() != 1 || b.Values[0] != 102 {
		t.Errorf("Between = %+v", b)
	}
	if _, err := (Series{Times: []int64{0, 1}, Values: []float64{1, 0}}).LogReturns(0); err == nil {
		t.Error("LogReturns accepted a zero price")
	}
	if _, err := LogReturns([]float64{1, -1}); err == nil {
		t.Error("LogReturns accepted a negative price")
	}
}

func TestETHFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(dataDir, "reflexer_ETH_1H_2016-05_2020-04.csv")
	byDate, err := LoadSeries(path, "Date", "Close")
	if err != nil {
		t.Fatal(err)
	}
	// The Unix Timestamp column switches from seconds to milliseconds on
	// 2018-06-27 11:00; normalised, it agrees with Date everywhere.
	byUnix, err := LoadSeries(path, "Unix Timestamp", "Close")
	if err != nil {
		t.Fatal(err)
	}
	if byDate.Len() != 34497 || byUnix.Len() != byDate.Len() {
		t.Fatalf("rows: %d by date, %d by timestamp, want 34497", byDate.Len(), byUnix.Len())
	}
	for i := range byDate.Times {
		if byDate.Times[i] != byUnix.Times[i] {
			t.Fatalf("row %d: Date %d, Unix Timestamp %d", i, byDate.Times[i], byUnix.Times[i])
		}
	}
	first := time.Unix(byDate.Times[0], 0).UTC()
	if first != time.Date(2016, 5, 9, 13, 0, 0, 0, time.UTC) {
		t.Errorf("oldest row %v", first)
	}
	// The oldest row is the one with Open = 0 that the calibration drops.
	open, err := LoadSeries(path, "Date", "Open")
	if err != nil {
		t.Fatal(err)
	}
	if open.Values[0] != 0 || open.Values[1] == 0 {
		t.Errorf("Open of the two oldest rows: %v %v", open.Values[0], open.Values[1])
	}
	gaps := 0
	for i := 1; i < byDate.Len(); i++ {
		switch d := byDate.Times[i] - byDate.Times[i-1]; d {
		case 3600:
		case 7200:
			gaps++
		default:
			t.Errorf("row %d: step of %d s", i, d)
		}
	}
	if gaps != 3 {
		t.Errorf("%d missing hours, want 3", gaps)
	}
}

func TestQuotesFile(t *testing.T) {
	t.Parallel()
	q, err := LoadQuotes(filepath.Join(dataDir, "xenophon_1inch_quotes_20231120.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 19278 {
		t.Errorf("%d quotes, want 19278", len(q))
	}
	lo, hi := time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2023, 11, 21, 0, 0, 0, 0, time.UTC).Unix()
	// The price column is Out/In in whole tokens: checking it against the
	// raw amounts confirms the decimals (WETH 18, USDC 6, WBTC 8).
	checked := 0
	for _, x := range q {
		if x.Time < lo || x.Time >= hi {
			t.Fatalf("quote at %d outside 2023-11-20", x.Time)
		}
		var dIn, dOut int
		switch {
		case x.Src == tokWETH.Address && x.Dst == tokUSDC.Address:
			dIn, dOut = 18, 6
		case x.Src == tokWBTC.Address && x.Dst == tokUSDT.Address:
			dIn, dOut = 8, 6
		default:
			continue
		}
		px := (x.Out / math.Pow10(dOut)) / (x.In / math.Pow10(dIn))
		if math.Abs(px/x.Price-1) > 1e-9 {
			t.Errorf("quote %+v: amounts give price %v", x, px)
		}
		checked++
	}
	if checked != 680 {
		t.Errorf("checked %d WETH→USDC and WBTC→USDT quotes, want 680", checked)
	}
	s, im := ImpactSample(q, tokWETH, []Token{tokUSDC}, 0)
	if len(s) != 340 || len(im) != 340 {
		t.Errorf("WETH→USDC sample has %d points, want 340", len(s))
	}
	for i := range s {
		if s[i] < 400 || s[i] > 2e8 {
			t.Errorf("WETH sale of $%v outside the file's $500–$150M range", s[i])
		}
	}
}

func TestReplayBlackThursday(t *testing.T) {
	t.Parallel()
	eth, err := LoadSeries(filepath.Join(dataDir, "reflexer_ETH_1H_2016-05_2020-04.csv"), "Date", "Close")
	if err != nil {
		t.Fatal(err)
	}
	start := 0
	for eth.Times[start] < time.Date(2020, 3, 12, 0, 0, 0, 0, time.UTC).Unix() {
		start++
	}
	// Three days of 10-minute steps replaying the hourly closes from
	// 2020-03-12 00:00 UTC (no gap in that window).
	w := mustWorld(t, Config{
		Steps:  3 * 144,
		Dt:     Years(600),
		Assets: []Feed{{Name: "ETH", Process: Replay{Prices: eth.Values, Interval: Years(3600), Start: start}, Initial: eth.Values[start]}},
	})
	w.Generate(newRand())
	low := math.Inf(1)
	for i := 0; i <= w.Steps(); i++ {
		if i%6 == 0 {
			checkClose(t, "replayed close", w.Price(0, i), eth.Values[start+i/6], 1e-9)
		}
		low = math.Min(low, w.Price(0, i))
	}
	// The hourly closes bottom out near $110 on 2020-03-13.
	if low > 120 || low < 80 {
		t.Errorf("replayed low %v", low)
	}
}
