package sim

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/holiman/uint256"

	"github.com/tempest-risk/tempest/agents"
)

// Tracer receives one run's events step by step (tempest replay).
type Tracer interface {
	Block(r *Run)                  // after the market, oracles and protocol tick
	Tx(r *Run, rc *agents.Receipt) // after each transaction
}

// CSVTracer writes a replay trace: one "block" row per block with the
// market and protocol state, one "tx" row per transaction with its outcome.
type CSVTracer struct {
	w   *csv.Writer
	hdr bool
}

// NewCSVTracer returns a tracer writing to w. Call Flush at the end.
func NewCSVTracer(w io.Writer) *CSVTracer { return &CSVTracer{w: csv.NewWriter(w)} }

// Flush flushes the CSV writer and returns its error.
func (t *CSVTracer) Flush() error {
	t.w.Flush()
	return t.w.Error()
}

func f(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }

// Block implements Tracer.
func (t *CSVTracer) Block(r *Run) {
	if !t.hdr {
		t.hdr = true
		hdr := []string{"kind", "step", "time", "agent", "tx", "detail", "result", "peg", "supply", "deficit", "reserve", "gas_gwei"}
		for _, a := range r.C.Assets {
			hdr = append(hdr, "price_"+a)
		}
		for _, p := range r.C.profiles {
			hdr = append(hdr, "oracle_"+p.name)
		}
		t.w.Write(hdr)
	}
	v := &r.View
	var x uint256.Int
	row := []string{"block", strconv.Itoa(r.Step), strconv.FormatInt(v.Now, 10), "", "", "", "",
		f(v.Peg), f(wad(r.Sys.L.Supply(r.Sys.Stable))), f(rad(r.Sys.Deficit(&x))), f(rad(r.Sys.Surplus(&x))), f(v.GasPrice)}
	for _, p := range v.Prices {
		row = append(row, f(p))
	}
	for k := range r.C.profiles {
		if r.lastHas[k] {
			row = append(row, f(r.lastVal[k]))
		} else {
			row = append(row, "")
		}
	}
	t.w.Write(row)
}

// Tx implements Tracer.
func (t *CSVTracer) Tx(r *Run, rc *agents.Receipt) {
	tx := &rc.Tx
	result := "ok in=" + rc.In.Dec() + " out=" + rc.Out.Dec()
	if rc.Err != nil {
		result = "revert " + rc.Err.Error()
	}
	t.w.Write([]string{"tx", strconv.Itoa(r.Step), strconv.FormatInt(r.View.Now, 10),
		r.Sys.L.Label(tx.From), tx.Kind.String(), txDetail(tx), result})
}

// txDetail lists the fields tx's kind uses, as name=value; amounts are the
// protocol's integers (token units, wad, ray or rad, as the kind's comment
// in package agents says).
func txDetail(tx *agents.Tx) string {
	var b []byte
	add := func(f agents.Field, name string, v func([]byte) []byte) {
		if tx.Kind.Uses(f) {
			if len(b) > 0 {
				b = append(b, ' ')
			}
			b = v(append(b, name+"="...))
		}
	}
	add(agents.FieldAccount, "account", func(b []byte) []byte { return strconv.AppendInt(b, int64(tx.Account), 10) })
	add(agents.FieldProfile, "profile", func(b []byte) []byte { return strconv.AppendInt(b, int64(tx.Profile), 10) })
	add(agents.FieldRail, "rail", func(b []byte) []byte { return strconv.AppendInt(b, int64(tx.Rail), 10) })
	add(agents.FieldPool, "pool", func(b []byte) []byte { return strconv.AppendInt(b, int64(tx.Pool), 10) })
	add(agents.FieldToken, "token", func(b []byte) []byte { return strconv.AppendInt(b, int64(tx.Token), 10) })
	add(agents.FieldID, "id", func(b []byte) []byte { return strconv.AppendInt(b, tx.ID, 10) })
	add(agents.FieldDir, "i", func(b []byte) []byte { return strconv.AppendInt(b, int64(tx.I), 10) })
	if tx.Kind == agents.PoolSwap {
		add(agents.FieldDir, "j", func(b []byte) []byte { return strconv.AppendInt(b, int64(tx.J), 10) })
	}
	add(agents.FieldAmt, "amt", func(b []byte) []byte { return append(b, tx.Amt.Dec()...) })
	add(agents.FieldMax, "max", func(b []byte) []byte { return append(b, tx.Max.Dec()...) })
	return string(b)
}
