package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds Parse scenario files mutated from the shipped ones and
// the test's minimal one. Whatever the input, Parse returns a scenario or
// Errors (never panics, never another error type for the file's own
// content), and every error it places on a line places it within the
// file, with that line as its source when it quotes one.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	paths, _ := filepath.Glob("../../configs/*.toml")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Data files (a book, price series) resolve against the
		// shipped configs' directory; a missing one is an Errors too.
		s, err := Parse(filepath.Join("../../configs", "fuzz.toml"), src)
		if err == nil {
			if s == nil {
				t.Fatal("no scenario and no error")
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) {
			t.Fatalf("%T error: %v", err, err)
		}
		lines := strings.Split(string(src), "\n")
		for _, e := range es {
			if e.Line < 0 || e.Line > len(lines) {
				t.Fatalf("error at line %d of %d: %v", e.Line, len(lines), e)
			}
			if e.Line > 0 && e.Source != "" && strings.TrimSpace(e.Source) != strings.TrimSpace(lines[e.Line-1]) {
				t.Fatalf("error at line %d quotes %q, the line is %q", e.Line, e.Source, lines[e.Line-1])
			}
		}
	})
}
