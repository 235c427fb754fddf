package reports

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// groupOrder is the order of the scenario file's sections; sections not
// listed follow in alphabetical order.
var groupOrder = []string{"system", "backstop", "profiles", "auction", "pegrail", "pegpool",
	"market", "oracles", "shocks", "agents"}

// generalGroup holds the top-level keys that are not sections.
const generalGroup = "general"

// Param is one scenario parameter: its dotted TOML key, its value as the
// resolved configuration holds it, and the comment written next to it in
// the scenario file (its calibration source), if any.
type Param struct {
	Key    string
	Value  string
	Source string
	Doc    string // what the key means, from the manifest's docs ("" in manifests before them)
}

// ParamGroup is the parameters of one section of the scenario file.
type ParamGroup struct {
	Name   string
	Params []Param
}

// Parameters flattens the resolved configuration of m into dotted keys
// (list elements as key[i]) grouped by section in the file's order, and
// joins each with its comment; a key without a comment inherits the
// comment of the nearest enclosing key that has one. A distribution
// (a table with a "dist" key) stays one parameter, written compactly.
func Parameters(m *Manifest) []ParamGroup {
	m.indexWritten()
	var general []Param
	sections := map[string][]Param{}
	for _, k := range sortedKeys(m.Config) {
		v := m.Config[k]
		if isSection(v) {
			sections[k] = flatten(m, k, v, nil)
		} else {
			general = append(general, flatten(m, k, v, nil)...)
		}
	}
	for _, ps := range append([][]Param{general}, mapValues(sections)...) {
		for i := range ps {
			ps[i].Doc = m.Docs[ps[i].Key]
		}
	}
	var out []ParamGroup
	if len(general) > 0 {
		out = append(out, ParamGroup{Name: generalGroup, Params: general})
	}
	for _, g := range sectionOrder(sections) {
		out = append(out, ParamGroup{Name: g, Params: sections[g]})
	}
	return out
}

// isSection reports whether a top-level value is a section of the file
// (a table or an array of tables) rather than a scalar setting.
func isSection(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return !isDist(v)
	case []any:
		return len(v) > 0 && isTable(v[0])
	}
	return false
}

func isTable(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// sectionOrder returns the keys of sections in groupOrder, then the rest
// sorted.
func sectionOrder[T any](sections map[string]T) []string {
	var out []string
	for _, g := range groupOrder {
		if _, ok := sections[g]; ok {
			out = append(out, g)
		}
	}
	for _, k := range sortedKeys(sections) {
		if !slices.Contains(groupOrder, k) {
			out = append(out, k)
		}
	}
	return out
}

func mapValues[T any](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func flatten(m *Manifest, key string, v any, out []Param) []Param {
	switch v := v.(type) {
	case map[string]any:
		if isDist(v) {
			return append(out, Param{Key: key, Value: distString(v), Source: source(m, key)})
		}
		for _, k := range sortedKeys(v) {
			out = flatten(m, key+"."+k, v[k], out)
		}
		return out
	case []any:
		if len(v) == 0 {
			return append(out, Param{Key: key, Value: "(none)", Source: source(m, key)})
		}
		if !isTable(v[0]) {
			return append(out, Param{Key: key, Value: valueString(v), Source: source(m, key)})
		}
		for i, e := range v {
			out = flatten(m, fmt.Sprintf("%s[%d]", key, i), e, out)
		}
		return out
	}
	if why, ok := m.Unread[key]; ok {
		if m.written == nil || !m.written[key] {
			return out // a default the model does not read says nothing
		}
		src := why
		if c := source(m, key); c != "" {
			src += "; " + c
		}
		return append(out, Param{Key: key, Value: valueString(v), Source: src})
	}
	src := source(m, key)
	if c, ok := m.Cautions[key]; ok {
		src = strings.TrimSuffix("check: "+c+"; "+src, "; ")
	}
	return append(out, Param{Key: key, Value: valueString(v), Source: src})
}

// indexWritten makes the set of m.Written, once.
func (m *Manifest) indexWritten() {
	if m.written == nil && len(m.Written) > 0 {
		m.written = make(map[string]bool, len(m.Written))
		for _, k := range m.Written {
			m.written[k] = true
		}
	}
}

// defaultSource is the source of a key the scenario file does not set.
const defaultSource = "default (not set in the file)"

// source is the comment of key or of its nearest enclosing key, or
// defaultSource for a key the file does not set (when the manifest says
// which it sets). The top-level name's comment is the file's header, not a
// source, and is not inherited.
func source(m *Manifest, key string) string {
	if m.written != nil && !m.written[key] {
		return defaultSource
	}
	c := ""
	for k := key; k != ""; k = parentKey(k) {
		if cc, ok := m.Comments[k]; ok {
			c = cc
			break
		}
	}
	if m.overridden(key) {
		// The file's comment describes the file's value, not this one.
		if c == "" {
			return overrideSource
		}
		return overrideSource + "; the file's comment, for its own value: " + c
	}
	return c
}

// overrideSource is the source of a value a --set override gave.
const overrideSource = "set on the command line (--set)"

// overridden reports whether a --set of the batch's command sets key or a
// key inside it (a distribution's value, a table's field).
func (m *Manifest) overridden(key string) bool {
	if m.sets == nil {
		m.sets = map[string]bool{}
		w := shellWords(m.Command)
		for k := 0; k < len(w); k++ {
			arg, inline := "", false
			if name, v, ok := strings.Cut(w[k], "="); ok && name == "--set" {
				arg, inline = v, true
			} else if w[k] == "--set" && k+1 < len(w) {
				arg = w[k+1]
				k++
			}
			if arg == "" && !inline {
				continue
			}
			set, _, _ := strings.Cut(strings.NewReplacer("'", "", `"`, "").Replace(arg), "=")
			m.sets[set] = true
		}
	}
	for set := range m.sets {
		if set == key || strings.HasPrefix(set, key+".") || strings.HasPrefix(set, key+"[") {
			return true
		}
	}
	return false
}

// parentKey strips the last component of a dotted key: "a.b[2].c" ->
// "a.b[2]" -> "a.b" -> "a" -> "".
func parentKey(k string) string {
	if strings.HasSuffix(k, "]") {
		if i := strings.LastIndexByte(k, '['); i >= 0 {
			return k[:i]
		}
	}
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[:i]
	}
	return ""
}

// valueString writes a configuration value as the manifest holds it.
func valueString(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		if v == "" {
			return "(empty)"
		}
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = valueString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(v) {
			parts = append(parts, k+" = "+valueString(v[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// isDist reports whether a table is a random-quantity specification: a
// table with a string "dist".
func isDist(v map[string]any) bool {
	_, ok := v["dist"].(string)
	return ok
}

// distFields are the fields that define each known distribution; min and
// max are added where set, as clamps. Unknown kinds list every field that
// is set.
var distFields = map[string][]string{
	"const":     {"value"},
	"uniform":   {"min", "max"},
	"lognormal": {"median", "sigma"},
	"normal":    {"mean", "sigma"},
}

// distString writes a distribution compactly: "300000" for a constant,
// "lognormal(median 300000, sigma 1)" otherwise.
func distString(v map[string]any) string {
	kind := v["dist"].(string)
	fields, known := distFields[kind]
	if kind == "const" {
		return valueString(v["value"])
	}
	var parts []string
	used := map[string]bool{"dist": true}
	for _, f := range fields {
		parts = append(parts, f+" "+valueString(v[f]))
		used[f] = true
	}
	for _, k := range sortedKeys(v) {
		if used[k] || isZero(v[k]) {
			continue
		}
		if known && k != "min" && k != "max" {
			continue
		}
		parts = append(parts, k+" "+valueString(v[k]))
	}
	return kind + "(" + strings.Join(parts, ", ") + ")"
}

// isZero reports whether a configuration value is unset: zero, empty,
// false or null.
func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case json.Number:
		f, err := v.Float64()
		return err == nil && f == 0
	case float64:
		return v == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// Shock is one entry of the scenario's shocks, for the shock table.
type Shock struct {
	Kind, Asset, Start, Duration string
	// Settings lists the other fields that are set, as "key value".
	Settings []string
	// Sources lists the comments of the shock's fields, as "key: comment".
	Sources []string
}

// Shocks returns the scenario's shocks in file order.
func Shocks(m *Manifest) []Shock {
	list, _ := m.Config["shocks"].([]any)
	var out []Shock
	for i, e := range list {
		t, ok := e.(map[string]any)
		if !ok {
			continue
		}
		key := fmt.Sprintf("shocks[%d]", i)
		s := Shock{Kind: str(t["kind"]), Asset: str(t["asset"]), Start: str(t["start"]), Duration: str(t["duration"])}
		for _, k := range sortedKeys(t) {
			if c, ok := m.Comments[key+"."+k]; ok {
				s.Sources = append(s.Sources, k+": "+c)
			}
			switch k {
			case "kind", "asset", "start", "duration":
				continue
			}
			if !isZero(t[k]) {
				s.Settings = append(s.Settings, k+" "+valueString(t[k]))
			}
		}
		if c, ok := m.Comments[key]; ok {
			s.Sources = append([]string{c}, s.Sources...)
		}
		out = append(out, s)
	}
	return out
}

func str(v any) string {
	if v == nil {
		return ""
	}
	s := valueString(v)
	if s == "(empty)" {
		return ""
	}
	return s
}

// Population is one agent population of the scenario (one key under
// agents): a list of groups (borrowers by profile) or a single group.
type Population struct {
	Name    string
	Columns []string   // group headings: "borrowers[0] (tbill)"; one "Value" column for a single group
	Rows    [][]string // setting, one value per column, source
	Docs    []string   // what each row's setting means, from the manifest's docs
}

// Populations returns the agent populations of m, by name.
func Populations(m *Manifest) []Population {
	agents, _ := m.Config["agents"].(map[string]any)
	var out []Population
	for _, name := range sortedKeys(agents) {
		key := "agents." + name
		var groups []map[string]any
		var cols, keys []string
		switch v := agents[name].(type) {
		case []any:
			for i, e := range v {
				t, ok := e.(map[string]any)
				if !ok {
					continue
				}
				groups = append(groups, t)
				col := fmt.Sprintf("%s[%d]", name, i)
				if p := str(t["profile"]); p != "" {
					col += " (" + p + ")"
				}
				cols = append(cols, col)
				keys = append(keys, fmt.Sprintf("%s[%d]", key, i))
			}
		case map[string]any:
			groups, cols, keys = []map[string]any{v}, []string{"Value"}, []string{key}
		default:
			continue
		}
		pop := Population{Name: name, Columns: cols}
		m.indexWritten()
		for _, f := range settingOrder(groups) {
			row := []string{f}
			var srcs []string
			shown := false
			for gi, g := range groups {
				k := keys[gi] + "." + f
				val, ok := g[f]
				why, unread := m.Unread[k]
				written := m.written != nil && m.written[k]
				cell := "–" // not in the group, or a default the model does not read
				if ok && (!unread || written) {
					if t, isT := val.(map[string]any); isT && isDist(t) {
						cell = distString(t)
					} else {
						cell = valueString(val)
					}
					shown = true
				}
				row = append(row, cell)
				c := source(m, k)
				if c == source(m, keys[gi]) {
					c = "" // inherited from the group: said once, not per setting
				}
				if unread {
					if !written {
						continue
					}
					c = strings.TrimSuffix(why+"; "+c, "; ")
				}
				if c != "" {
					if len(groups) > 1 {
						c = fmt.Sprintf("[%d] %s", gi, c)
					}
					srcs = append(srcs, c)
				}
			}
			if !shown {
				continue // no group reads or sets it
			}
			row = append(row, strings.Join(srcs, "; "))
			pop.Rows = append(pop.Rows, row)
			pop.Docs = append(pop.Docs, m.Docs[keys[0]+"."+f])
		}
		out = append(out, pop)
	}
	return out
}

// settingOrder is the union of the groups' keys: profile and count first,
// then alphabetical.
func settingOrder(groups []map[string]any) []string {
	seen := map[string]bool{}
	for _, g := range groups {
		for k := range g {
			seen[k] = true
		}
	}
	var out []string
	for _, k := range []string{"profile", "count"} {
		if seen[k] {
			out = append(out, k)
			delete(seen, k)
		}
	}
	return append(out, sortedKeys(seen)...)
}
