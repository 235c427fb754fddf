package scenario

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Load reads, decodes, completes with defaults and validates a scenario
// file. On failure the error is Errors: every problem found, each with file,
// line where known, key and hint.
func Load(path string, overrides ...Override) (*Scenario, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: err.Error(), Hint: "check the path; `tempest scenarios` lists the scenario library"}}
	}
	return Parse(path, src, overrides...)
}

// Parse is Load for a document already in memory; file names it in errors
// and anchors relative data paths. Overrides are applied after decoding and
// before defaults and validation, so they are checked like values written
// in the file.
func Parse(file string, src []byte, overrides ...Override) (*Scenario, error) {
	s := &Scenario{File: file}
	md, err := toml.Decode(string(src), s)
	if err != nil {
		return nil, Errors{syntaxError(file, src, err)}
	}
	s.Lines = scanKeys(string(src))
	// Unknown keys and negative unsigned values are reported with the
	// values' problems, all at once: the rest of the file decoded as if
	// those keys were absent.
	es := negativeUints(file, s, md)
	und := md.Undecoded()
	misspeltTable := false // an unknown key holding others: a whole table went unread
	for i, k := range und {
		key := undecodedPath(k, s)
		es = append(es, &Error{File: file, Line: s.line(key), Key: key,
			Msg: "unknown key", Hint: suggest(key)})
		for _, o := range und[i+1:] {
			if len(o) > len(k) && slices.Equal(o[:len(k)], k) {
				misspeltTable = true
			}
		}
	}
	if misspeltTable {
		// Every key of the table the file meant is missing, and the values
		// that refer to it fail: those errors would bury the one cause.
		return nil, es
	}
	if oes := s.apply(overrides); len(oes) > 0 {
		return nil, append(es, oes...)
	}
	set := map[string]bool{}
	for _, o := range overrides {
		set[stripIndex(o.Key)] = true
	}
	s.Overrides = overrides
	s.defaults(func(key ...string) bool { return md.IsDefined(key...) || set[strings.Join(key, ".")] })
	if len(es) > 0 {
		// A negative unsigned value decoded as a huge one: validating it
		// would add a second, misleading message for the same key.
		// A misspelt key (hairkut) leaves the key meant (haircut) unset,
		// when the file does not also write it: its "is required" would
		// repeat the unknown key's hint.
		bad := map[string]bool{}
		for _, e := range es {
			bad[e.Key] = true
			if best, ok := meant(e.Key); ok && e.Msg == "unknown key" && !written(s, e.Key, best) {
				if i := strings.LastIndexByte(e.Key, '.'); i >= 0 {
					bad[e.Key[:i+1]+best] = true
				} else {
					bad[best] = true
				}
			}
		}
		var ves Errors
		if !errors.As(s.Validate(), &ves) {
			return nil, es
		}
		for _, e := range ves {
			// A problem with no line in the file is one of a value the
			// tool derived (an auction's hole from the debt ceiling), most
			// likely from a key the unknown one left unset: it comes back,
			// if it is one, once the keys are fixed.
			if !bad[e.Key] && (e.Line > 0 || e.Set != "") {
				es = append(es, e)
			}
		}
		// In file order; problems without a line (from --set) last.
		sort.SliceStable(es, func(i, j int) bool {
			a, b := es[i].Line, es[j].Line
			return a != 0 && (b == 0 || a < b)
		})
		return nil, es
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// negativeUints reports the unsigned integer keys the file sets to a
// negative number: TOML integers are signed 64-bit, and the decoder stores
// a negative one in a uint64 as its two's complement (seed = -1 became
// 18446744073709551615), so a value above the largest TOML integer was
// written negative.
func negativeUints(file string, s *Scenario, md toml.MetaData) Errors {
	var es Errors
	check := func(v uint64, key ...string) {
		if v > math.MaxInt64 && md.IsDefined(key...) {
			k := strings.Join(key, ".")
			es = append(es, &Error{File: file, Line: s.line(k), Key: k, Msg: "must not be negative",
				Hint: takes(k, keyType(k), false)})
		}
	}
	check(s.Seed, "seed")
	if s.PegPool != nil {
		check(s.PegPool.A, "pegpool", "a")
	}
	check(s.Market.Gas.BlockLimit, "market", "gas", "block_limit")
	return es
}

// syntaxError turns a decoder error into an Error with the source line.
func syntaxError(file string, src []byte, err error) *Error {
	var perr toml.ParseError
	if errors.As(err, &perr) {
		e := &Error{File: file, Line: perr.Position.Line, Col: perr.Position.Col, Msg: perr.Message}
		e.Line = NewlineErrorLine(e.Line, e.Msg)
		if perr.LastKey != "" {
			e.Key = perr.LastKey
		}
		lines := strings.Split(string(src), "\n")
		if l := e.Line; l >= 1 && l <= len(lines) {
			e.Source = lines[l-1]
		}
		if h := strings.TrimSpace(e.Source); strings.HasPrefix(h, "[") && !strings.Contains(h, e.Key) {
			// A broken table header: the decoder's last key is the one
			// before it, of another table.
			e.Key = ""
		}
		if perr.Usage != "" {
			e.Hint = firstLine(perr.Usage)
		}
		switch {
		case strings.HasSuffix(e.Msg, " is expected") && strings.Contains(e.Msg, " where "):
			// A Decimal's or Duration's refusal of a value of another
			// kind ("a boolean where a number is expected").
			if t := keyType(e.Key); t != nil {
				e.Msg = e.Msg[:strings.Index(e.Msg, " where ")] + " where " + typeName(t) + " is expected"
				e.Hint = takes(e.Key, t, false)
			}
		case strings.HasPrefix(e.Msg, ErrFloatDigits.Error()):
			code, _ := splitComment(e.Source)
			if _, v, ok := strings.Cut(code, "="); ok && literalKind(e.Source) == "a float" {
				last := e.Key[strings.LastIndexByte(e.Key, '.')+1:]
				e.Hint = fmt.Sprintf("quote it to keep every digit as written: %s = %q", last, strings.TrimSpace(v))
			}
		}
		if strings.Contains(e.Msg, "out of range") || strings.Contains(e.Msg, "Decimal") {
			e.Hint = "write fixed-point values as quoted decimal strings, for example haircut = \"0.05\""
			if t := keyType(e.Key); t != nil && isInt(t) {
				e.Hint = takes(e.Key, t, false)
			}
		}
		return e
	}
	if m := decodeErr.FindStringSubmatch(err.Error()); m != nil {
		return typeError(file, src, m)
	}
	return &Error{File: file, Msg: err.Error()}
}

// NewlineErrorLine returns the line of a syntax error the decoder met at a
// line's end ("expected '.' or ']' to end table name, but got '\n'
// instead"): the decoder counts the newline and names the next line, with
// the column of the line that lacks the bracket or value. Other errors keep
// their line.
func NewlineErrorLine(line int, msg string) int {
	if line > 1 && strings.Contains(msg, `got '\n'`) {
		return line - 1
	}
	return line
}

// decodeErr matches the decoder's errors for a value of the wrong type,
// which are not a toml.ParseError:
// `toml: line 9 (last key "runs"): incompatible types: ...`.
var decodeErr = regexp.MustCompile(`(?s)^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)

// TypeMismatch reads a decoder error for a value of the wrong type (not a
// toml.ParseError): the line and key it names and, when it says, the kind
// of value written ("a string") and the kind the destination takes ("an
// integer", "an array").
func TypeMismatch(err error) (line int, key, got, want string, ok bool) {
	m := decodeErr.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, "", "", "", false
	}
	line, _ = strconv.Atoi(m[1])
	key = m[2]
	if k, err := strconv.Unquote(`"` + key + `"`); err == nil {
		key = k
	}
	if g := mismatchTypes.FindStringSubmatch(m[3]); g != nil {
		got, want = tomlKind(g[1]), destKind(g[2])
	}
	return line, key, got, want, true
}

// destKind names the values a destination of the decoder's kind k
// ("integer", "slice", "map") takes.
func destKind(k string) string {
	switch k {
	case "integer":
		return "an integer"
	case "slice", "array":
		return "an array"
	case "string":
		return "a string"
	case "map", "struct":
		return "a table"
	case "bool":
		return "true or false"
	}
	return "a " + k
}

// mismatchTypes matches the decoder's "incompatible types" message.
var mismatchTypes = regexp.MustCompile(`TOML value has type (\S+); destination has type (\S+)`)

// mismatch matches the two kinds of type mismatch the decoder reports.
var mismatch = regexp.MustCompile(`TOML value has type (\S+); destination has type|expected table but found (\S+)$`)

// typeError is the Error of a decoder type mismatch (m matched decodeErr):
// file:line, the key, the source line and a hint naming the type the key
// takes.
func typeError(file string, src []byte, m []string) *Error {
	line, _ := strconv.Atoi(m[1])
	key := m[2]
	if k, err := strconv.Unquote(`"` + key + `"`); err == nil {
		key = k
	}
	e := &Error{File: file, Line: line, Key: key, Msg: m[3]}
	g := mismatch.FindStringSubmatch(m[3])
	if line > 0 {
		lines := strings.Split(string(src), "\n")
		// The decoder names keys without array indices, and inside an
		// array of tables gives the line of the last table that writes the
		// key: take the first indexed path whose value is of the kind the
		// decoder rejected, or else the one written on its line.
		var cands []string
		keys := scanKeys(string(src))
		for cand := range keys {
			if stripIndex(cand) == key {
				cands = append(cands, cand)
			}
		}
		sort.Slice(cands, func(i, j int) bool { return keys[cands[i]].Line < keys[cands[j]].Line })
		found := false
		if g != nil && len(cands) > 1 {
			for _, cand := range cands {
				if l := keys[cand].Line; l <= len(lines) && writtenKind(lines[l-1], cand) == tomlKind(g[1]+g[2]) {
					e.Key, e.Line, found = cand, l, true
					break
				}
			}
		}
		if !found {
			for _, cand := range cands {
				if keys[cand].Line == line {
					e.Key = cand
				}
			}
		}
		if e.Line <= len(lines) {
			e.Source = lines[e.Line-1]
		}
	}
	t := keyType(key)
	if t == nil {
		return e
	}
	if g != nil {
		e.Msg = fmt.Sprintf("%s where %s is expected", tomlKind(g[1]+g[2]), typeName(t))
	}
	e.Hint = takes(e.Key, t, false)
	return e
}

// dateTime matches the start of a TOML date, time or date-time.
var dateTime = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2})`)

// writtenKind names the kind of the value of key written on line: the
// line's value, or, when the line writes an inline table, the value of the
// key's last part inside it ("size = { median = "3" }" writes a string
// for agents.borrowers[0].size.median).
func writtenKind(line, key string) string {
	kind := literalKind(line)
	if kind != "a table" {
		return kind
	}
	code, _ := splitComment(line)
	leaf := regexp.QuoteMeta(key[strings.LastIndexByte(key, '.')+1:])
	m := regexp.MustCompile(`[{,]\s*` + leaf + `\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|\[[^\]]*\]|\{[^}]*\}|[^,}]+)`).FindStringSubmatch(code)
	if m == nil {
		return kind
	}
	return literalKind("x = " + strings.TrimSpace(m[1]))
}

// literalKind names, as tomlKind does, the kind of the value written on a
// "key = value" line: "" when the line holds no such value.
func literalKind(line string) string {
	code, _ := splitComment(line)
	_, v, ok := strings.Cut(code, "=")
	if !ok {
		return ""
	}
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return ""
	case v[0] == '"' || v[0] == '\'':
		return "a string"
	case v == "true" || v == "false":
		return "a boolean"
	case v[0] == '{':
		return "a table"
	case v[0] == '[':
		return "an array"
	}
	if dateTime.MatchString(v) {
		return "a date-time"
	}
	n := strings.ReplaceAll(v, "_", "")
	if _, err := strconv.ParseInt(n, 0, 64); err == nil {
		return "an integer"
	}
	if _, err := strconv.ParseFloat(n, 64); err == nil || n == "inf" || n == "+inf" || n == "-inf" || strings.HasSuffix(n, "nan") {
		return "a float"
	}
	return ""
}

// tomlKind names the TOML kind of a value by the Go type the decoder gave
// it.
func tomlKind(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case goType == "int64":
		return "an integer"
	case goType == "float64":
		return "a float"
	case goType == "bool":
		return "a boolean"
	case strings.HasPrefix(goType, "map["):
		return "a table"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "time.") || strings.HasPrefix(goType, "toml."):
		return "a date-time"
	}
	return "a " + goType
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// undecodedPath renders an undecoded key with array indices where the key
// sits inside an array of tables, by matching the scanned key positions.
func undecodedPath(k toml.Key, s *Scenario) string {
	plain := k.String()
	if _, ok := s.Lines[plain]; ok {
		return plain
	}
	var best string
	for cand := range s.Lines {
		if stripIndex(cand) == plain && (best == "" || cand < best) {
			best = cand
		}
	}
	if best != "" {
		return best
	}
	return plain
}

func stripIndex(k string) string {
	var b strings.Builder
	skip := false
	for _, c := range k {
		switch {
		case c == '[':
			skip = true
		case c == ']':
			skip = false
		case !skip:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// suggest names the nearest known key at the same place in the schema.
func suggest(key string) string {
	parts := strings.Split(stripIndex(key), ".")
	cands := knownKeys(parts[:len(parts)-1])
	if len(cands) == 0 {
		return "remove the key or check the spelling against the scenario library in configs/"
	}
	if best, ok := meant(key); ok {
		return fmt.Sprintf("did you mean %q?", best)
	}
	sort.Strings(cands)
	return "known keys here: " + strings.Join(cands, ", ")
}

// written reports whether the file writes best, the key an unknown key at
// key was probably meant to be, beside it.
func written(s *Scenario, key, best string) bool {
	k := best
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		k = key[:i+1] + best
	}
	_, ok := s.Lines[k]
	return ok
}

// meant returns the known key at the same place in the schema nearest to
// the unknown key's last part, when it is within 3 edits.
func meant(key string) (string, bool) {
	parts := strings.Split(stripIndex(key), ".")
	return Nearest(parts[len(parts)-1], knownKeys(parts[:len(parts)-1]), 3)
}

// Nearest returns the candidate closest to word in edit distance (the
// first of equals), and whether it is within maxDist edits.
func Nearest(word string, cands []string, maxDist int) (string, bool) {
	best, bestD := "", maxDist+1
	for _, c := range cands {
		if d := editDistance(word, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD <= maxDist
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Dir is the directory relative data paths are resolved against.
func (s *Scenario) Dir() string { return filepath.Dir(s.File) }

// DataFiles lists the data files the scenario reads, as written in it
// (relative to the scenario unless absolute), sorted and once each: the
// borrower books and the series of replayed and bootstrapped assets.
func (s *Scenario) DataFiles() []string {
	var out []string
	for _, b := range s.Agents.Borrowers {
		if b.Book != "" {
			out = append(out, b.Book)
		}
	}
	for _, name := range s.AssetNames() {
		if a := s.Market.Assets[name]; a.File != "" && (a.Process == "replay" || a.Process == "bootstrap") {
			out = append(out, a.File)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// DataPath resolves a data file path written in the scenario.
func (s *Scenario) DataPath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.Dir(), p)
}
