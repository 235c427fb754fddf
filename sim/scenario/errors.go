package scenario

import (
	"fmt"
	"strings"
)

// Error is one problem with a scenario file: where it is, which key, what is
// wrong and, when we can tell, how to fix it.
type Error struct {
	File   string
	Line   int    // 0 when unknown
	Col    int    // 0 when unknown
	Key    string // dotted path, "" for a syntax error
	Msg    string
	Hint   string
	Source string // the offending source line, for syntax errors
	// Set is the override "key=value" that gave the value at fault, when
	// one did: the message then says so (a sweep that applies overrides of
	// its own clears it and names its file's line instead).
	Set string
}

// Error formats file:line[:col]: key: message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Set != "" {
		b.WriteString(" (set with --set " + e.Set + ")")
	}
	return b.String()
}

// Errors is every problem found in a scenario, in file order.
type Errors []*Error

// Error joins the problems, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as errors.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// problems collects validation errors with their file positions.
type problems struct {
	s    *Scenario
	errs Errors
}

func (p *problems) add(key, hint, format string, args ...any) {
	e := &Error{File: p.s.File, Key: key, Msg: fmt.Sprintf(format, args...), Hint: hint}
	e.Line = p.s.line(key)
	for _, o := range p.s.Overrides {
		if o.Key == key { // the last of repeated overrides is the one applied
			e.Line = 0
			e.Set = o.Key + "=" + o.Value
		}
	}
	p.errs = append(p.errs, e)
}

// line returns the line of key, or of its nearest written ancestor.
func (s *Scenario) line(key string) int {
	for k := key; k != ""; {
		if pos, ok := s.Lines[k]; ok {
			return pos.Line
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}
