package scenario

import (
	"strings"
)

// scanKeys maps every key written in a TOML document to its line and the
// comment next to it (the trailing comment on the key's line, or else the
// comment lines just above it). Paths use the names validation reports:
// tables joined with dots, arrays of tables indexed ("shocks[1].size"), and
// the keys of an inline table under their parent ("agents.keepers.capital.median").
//
// It is a light scanner, not a parser: Load only uses it after the decoder
// has accepted the document, so it can assume well-formed TOML.
func scanKeys(src string) map[string]KeyPos {
	out := map[string]KeyPos{}
	arrays := map[string]int{} // array-of-tables path → count so far
	var table string
	var above []string // comment lines just above the current line
	depth := 0         // bracket depth of a multi-line value
	for i, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		if depth > 0 {
			code, _ := splitComment(line)
			depth += bracketDelta(code)
			continue
		}
		if line == "" {
			above = above[:0]
			continue
		}
		if strings.HasPrefix(line, "#") {
			above = append(above, strings.TrimSpace(strings.TrimPrefix(line, "#")))
			continue
		}
		code, comment := splitComment(line)
		code = strings.TrimSpace(code)
		switch {
		case strings.HasPrefix(code, "[["):
			name := cleanKey(strings.TrimSuffix(strings.TrimPrefix(code, "[["), "]]"))
			n := arrays[name]
			arrays[name] = n + 1
			table = name + "[" + itoa(n) + "]"
			out[table] = KeyPos{Line: i + 1, Comment: pick(comment, above)}
		case strings.HasPrefix(code, "["):
			table = resolve(cleanKey(strings.TrimSuffix(strings.TrimPrefix(code, "["), "]")), arrays)
			out[table] = KeyPos{Line: i + 1, Comment: pick(comment, above)}
		default:
			eq := strings.IndexByte(code, '=')
			if eq < 0 {
				break
			}
			key := join(table, cleanKey(code[:eq]))
			out[key] = KeyPos{Line: i + 1, Comment: pick(comment, above)}
			value := strings.TrimSpace(code[eq+1:])
			if strings.HasPrefix(value, "{") {
				inline(out, key, value, i+1, comment)
			}
			depth = bracketDelta(value)
		}
		above = above[:0]
	}
	return out
}

// inline records the keys of an inline table value.
func inline(out map[string]KeyPos, parent, value string, line int, comment string) {
	body := strings.TrimSuffix(strings.TrimPrefix(value, "{"), "}")
	for _, part := range splitTop(body) {
		eq := strings.IndexByte(part, '=')
		if eq < 0 {
			continue
		}
		k := join(parent, cleanKey(part[:eq]))
		out[k] = KeyPos{Line: line, Comment: comment}
		if v := strings.TrimSpace(part[eq+1:]); strings.HasPrefix(v, "{") {
			inline(out, k, v, line, comment)
		}
	}
}

// splitTop splits on commas outside brackets and quotes.
func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	inStr := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr != 0:
			if c == inStr {
				inStr = 0
			}
		case c == '"' || c == '\'':
			inStr = c
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// splitComment splits a line at a # outside quotes.
func splitComment(line string) (code, comment string) {
	inStr := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inStr != 0:
			if c == '\\' && inStr == '"' {
				i++
			} else if c == inStr {
				inStr = 0
			}
		case c == '"' || c == '\'':
			inStr = c
		case c == '#':
			return line[:i], strings.TrimSpace(line[i+1:])
		}
	}
	return line, ""
}

// bracketDelta counts [ and { minus ] and } outside quotes.
func bracketDelta(s string) int {
	d := 0
	inStr := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr != 0:
			if c == inStr {
				inStr = 0
			}
		case c == '"' || c == '\'':
			inStr = c
		case c == '[' || c == '{':
			d++
		case c == ']' || c == '}':
			d--
		}
	}
	return d
}

// cleanKey removes spaces and quotes from a (possibly dotted) key.
func cleanKey(k string) string {
	parts := strings.Split(strings.TrimSpace(k), ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// resolve rewrites a table name whose prefix is an array of tables to the
// latest element ("agents.borrowers.size" → "agents.borrowers[2].size").
func resolve(name string, arrays map[string]int) string {
	best := ""
	for a := range arrays {
		if (name == a || strings.HasPrefix(name, a+".")) && len(a) > len(best) {
			best = a
		}
	}
	if best == "" {
		return name
	}
	return best + "[" + itoa(arrays[best]-1) + "]" + name[len(best):]
}

func join(table, key string) string {
	if table == "" {
		return key
	}
	return table + "." + key
}

func pick(trailing string, above []string) string {
	if trailing != "" {
		return trailing
	}
	return strings.Join(above, " ")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
