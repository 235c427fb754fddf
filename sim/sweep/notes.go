package sweep

import (
	"fmt"
	"slices"

	"github.com/tempest-risk/tempest/sim/scenario"
)

// Notes returns what to say before a sweep or tune runs. First the base
// scenario's notes (keys the model does not read, values that read like a
// whole percentage where a fraction or a multiplier belongs: see
// scenario.PercentNote). Then the values of this file that read like one:
// in its fixed settings (set), among an axis's values (the ends of a range
// or of a Latin hypercube), in a tune's range, each at its line of this
// file. A note changes nothing: the sweep runs the values as written.
func (f *File) Notes() scenario.Errors {
	set := map[string]string{}
	for _, o := range f.fixed {
		set[o.Key] = o.Value
	}
	// The base's percentage notes of a key the file sets would hint at
	// --set: this file's own note replaces them.
	replaced := map[string]bool{}
	var fixed scenario.Errors
	for _, n := range f.base.PercentNotes() {
		v, ok := set[n.Key]
		if !ok {
			continue
		}
		replaced[n.Key+"\x00"+n.Msg] = true
		fixed = append(fixed, &scenario.Error{File: f.path, Line: f.lineOf("set"), Key: "set",
			Msg:  fmt.Sprintf("%q: %s", n.Key+"="+v, n.Msg),
			Hint: fmt.Sprintf("if %s is meant, set %q", n.Meaning, n.Key+"="+n.Meant)})
	}
	var out scenario.Errors
	for _, e := range f.base.Notes() {
		if !replaced[e.Key+"\x00"+e.Msg] {
			out = append(out, e)
		}
	}
	out = append(out, fixed...)
	for _, a := range f.Axes {
		out = append(out, f.valueNotes(a)...)
	}
	if p := f.Parameter; p != nil {
		// The ends of the tune's grid; an invalid range is Check's.
		if g, err := p.grid(); err == nil && len(g) > 0 {
			out = append(out, f.valueNotes(Axis{Key: p.Key, From: Number(g[0]), To: Number(g[len(g)-1])})...)
		}
	}
	if f.Outer != nil {
		out = append(out, f.valueNotes(*f.Outer)...)
	}
	return out
}

// valueNotes loads the base scenario at the values of axis a, each on its
// own, and returns one note for the axis: at the first value with a
// percentage note on a's key, with the count of the others. Without
// values (a Latin hypercube's axis, a tune's grid) its range is judged by
// its upper end, then its lower: every such note is of a value at or
// above a limit. Values the scenario refuses are left to Check.
func (f *File) valueNotes(a Axis) scenario.Errors {
	vals, what := []string(a.Values), "value"
	ranged := len(vals) == 0 // a Latin hypercube's bounds
	if ranged {
		vals, what = []string{string(a.To), string(a.From)}, "the range's end"
	}
	var first *scenario.PercentNote
	var firstVal string
	more := 0
	for _, v := range slices.Compact(vals) {
		if v == "" {
			continue
		}
		s, err := scenario.Load(f.Base, append(slices.Clone(f.fixed), scenario.Override{Key: a.Key, Value: v})...)
		if err != nil {
			continue
		}
		for _, n := range s.PercentNotes() {
			if n.Key != a.Key {
				continue
			}
			if first == nil {
				first, firstVal = &n, v
			} else {
				more++
			}
		}
		if ranged && first != nil {
			break // the other end is inside the range
		}
	}
	if first == nil {
		return nil
	}
	msg := fmt.Sprintf("%s %s: %s", what, firstVal, first.Msg)
	if more > 0 {
		msg += fmt.Sprintf(" (and %d more of its values)", more)
	}
	return scenario.Errors{{File: f.path, Line: f.axisLine(a.Key), Key: a.Key, Msg: msg,
		Hint: fmt.Sprintf("if %s is meant, the value is %s", first.Meaning, first.Meant)}}
}
