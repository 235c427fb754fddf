package scenario

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Override sets one scenario key by its dotted path, as a sweep or the
// --set flag does: "profiles.gold.haircut" = "0.12",
// "agents.borrowers[0].count" = "300", "pools.eth.liquidity" = "150".
type Override struct {
	Key   string
	Value string
}

// FlagArgs renders overrides as they are typed on the command line:
// " --set key=value" for each, quoted for a POSIX shell where the
// value needs it.
func FlagArgs(ovs []Override) string {
	var b strings.Builder
	for _, o := range ovs {
		b.WriteString(" --set " + ShellQuote(o.Key+"="+o.Value))
	}
	return b.String()
}

// ShellQuote quotes s for a POSIX shell when it needs it.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=+:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ParseOverride splits "key=value".
func ParseOverride(s string) (Override, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return Override{}, fmt.Errorf("%q: want key=value, for example profiles.gold.haircut=0.12", s)
	}
	return Override{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)}, nil
}

// apply sets each override on s. Keys must name leaf fields of the schema
// inside tables the file defines (a map entry such as profiles.gold must
// exist).
func (s *Scenario) apply(ovs []Override) Errors {
	var es Errors
	for _, o := range ovs {
		if err := setPath(reflect.ValueOf(s).Elem(), "", splitPath(o.Key), o.Value); err != nil {
			e := &Error{File: s.File, Key: o.Key, Msg: err.Error()}
			if oe, ok := err.(*overrideError); ok {
				e.Hint = oe.hint
			}
			es = append(es, e)
		}
	}
	return es
}

// splitPath splits "a.b[2].c" into ["a", "b", "[2]", "c"].
func splitPath(key string) []string {
	var out []string
	for _, part := range strings.Split(key, ".") {
		for {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				out = append(out, part)
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part, ']')
			if j < i {
				out = append(out, part)
				break
			}
			out = append(out, part[i:j+1])
			part = part[j+1:]
			if part == "" {
				break
			}
		}
	}
	return out
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// overrideError is an override that cannot be set, with a hint: the
// nearest known key for an unknown key, the form the key takes for a bad
// value.
type overrideError struct {
	msg, hint string
}

func (e *overrideError) Error() string { return e.msg }

// setPath sets the field at path under v; at is the dotted path of v.
func setPath(v reflect.Value, at string, path []string, value string) error {
	if len(path) == 0 {
		if err := setLeaf(v, value); err != nil {
			t := v.Type()
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			hint := takes(at, t, true)
			if k := t.Kind(); !reflect.PointerTo(t).Implements(textUnmarshaler) && (k == reflect.Struct || k == reflect.Map || k == reflect.Slice) {
				hint = "set one of its keys by its dotted path"
				if keys := knownKeys(strings.Split(stripIndex(at), ".")); len(keys) > 0 {
					sort.Strings(keys)
					hint += ": " + strings.Join(keys, ", ")
				}
			}
			return &overrideError{msg: err.Error(), hint: hint}
		}
		return nil
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return &overrideError{msg: "table not defined in the file", hint: "define [" + at + "] in the file to set its keys"}
		}
		v = v.Elem()
	}
	head := path[0]
	next := head
	if at != "" && !strings.HasPrefix(head, "[") {
		next = at + "." + head
	} else if at != "" {
		next = at + head
	}
	switch v.Kind() {
	case reflect.Struct:
		if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
			return &overrideError{msg: fmt.Sprintf("%q is a value, not a table", head), hint: takes(at, v.Type(), true)}
		}
		f, ok := fieldByTag(v.Type(), head)
		if !ok {
			return &overrideError{msg: fmt.Sprintf("unknown key %q", head), hint: suggest(next)}
		}
		return setPath(v.FieldByIndex(f.Index), next, path[1:], value)
	case reflect.Map:
		e := v.MapIndex(reflect.ValueOf(head))
		if !e.IsValid() {
			var names []string
			for _, k := range v.MapKeys() {
				names = append(names, k.String())
			}
			sort.Strings(names)
			hint := "define [" + next + "] in the file first"
			if len(names) > 0 {
				hint = fmt.Sprintf("the file defines %s: %s", at, strings.Join(names, ", "))
			}
			return &overrideError{msg: fmt.Sprintf("no %q here (it must be defined in the file)", head), hint: hint}
		}
		return setPath(e, next, path[1:], value)
	case reflect.Slice:
		if !strings.HasPrefix(head, "[") {
			idx, tail := "[0]", path // a key of the entries: show it under the first
			if _, err := strconv.Atoi(head); err == nil {
				idx, tail = "["+head+"]", path[1:] // a dotted index: bracket it
			}
			key := at + idx
			for _, p := range tail {
				if !strings.HasPrefix(p, "[") {
					key += "."
				}
				key += p
			}
			return &overrideError{msg: fmt.Sprintf("%q: index the array, for example [0]", head), hint: "for example --set " + key + "=..."}
		}
		i, err := strconv.Atoi(strings.Trim(head, "[]"))
		if err != nil || i < 0 || i >= v.Len() {
			return &overrideError{msg: fmt.Sprintf("index %s out of range (the file has %d)", head, v.Len()),
				hint: fmt.Sprintf("index %s from [0] to [%d]", at, v.Len()-1)}
		}
		return setPath(v.Index(i), next, path[1:], value)
	}
	return &overrideError{msg: fmt.Sprintf("%q: not a table", head), hint: takes(at, v.Type(), true)}
}

func setLeaf(v reflect.Value, value string) error {
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(value))
	}
	switch v.Kind() {
	case reflect.Float64:
		x, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", value)
		}
		v.SetFloat(x)
	case reflect.Int, reflect.Int64:
		x, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", value)
		}
		v.SetInt(x)
	case reflect.Uint8, reflect.Uint64:
		x, err := strconv.ParseUint(value, 10, 64)
		if err != nil || v.OverflowUint(x) {
			return fmt.Errorf("%q is not a non-negative integer in range", value)
		}
		v.SetUint(x)
	case reflect.Bool:
		x, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("%q is not true or false", value)
		}
		v.SetBool(x)
	case reflect.String:
		v.SetString(value)
	default:
		return fmt.Errorf("cannot set %s from the command line; set its keys", typeName(v.Type()))
	}
	return nil
}

// keyType is the schema type of a dotted key (array indices optional), or
// nil if the schema has no such key.
func keyType(key string) reflect.Type {
	return schemaType(strings.Split(stripIndex(key), "."))
}

func isInt(t reflect.Type) bool {
	return t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64
}

// typeName names the values a key of type t takes.
func typeName(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[Decimal]():
		return "a decimal number"
	case reflect.TypeFor[Duration]():
		return "a duration with a unit (s, m, h or d)"
	}
	switch k := t.Kind(); {
	case k == reflect.Pointer:
		return typeName(t.Elem())
	case k == reflect.Uint8:
		return "an integer from 0 to 255"
	case k >= reflect.Uint && k <= reflect.Uint64:
		return "a non-negative integer"
	case isInt(t):
		return "an integer"
	case k == reflect.Float64 || k == reflect.Float32:
		return "a number"
	case k == reflect.Bool:
		return "true or false"
	case k == reflect.String:
		return "a string"
	case k == reflect.Slice || k == reflect.Array:
		return "an array"
	case k == reflect.Struct || k == reflect.Map:
		return "a table"
	}
	return "a " + t.String()
}

// takes is a hint naming what key takes, with an example written in the
// file (flag false: `key = value`) or on the command line (flag true:
// --set key=value).
func takes(key string, t reflect.Type, flag bool) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var ex string
	quoted := false
	switch t {
	case reflect.TypeFor[Decimal]():
		ex, quoted = "0.05", true
	case reflect.TypeFor[Duration]():
		ex, quoted = "30d", true
	default:
		switch k := t.Kind(); {
		case k == reflect.Uint8:
			ex = "18"
		case isInt(t):
			ex = "1000"
		case k == reflect.Float64 || k == reflect.Float32:
			ex = "0.5"
		case k == reflect.Bool:
			ex = "true"
		case k == reflect.String:
			ex, quoted = "text", true
		case k == reflect.Slice || k == reflect.Array:
			ex = "[ ... ]"
		case k == reflect.Struct || k == reflect.Map:
			ex = "{ key = value, ... }"
		}
	}
	name := typeName(t)
	if flag {
		if ex == "" || strings.HasPrefix(ex, "[") || strings.HasPrefix(ex, "{") {
			return key + " takes " + name
		}
		return fmt.Sprintf("%s takes %s, for example --set %s=%s", key, name, key, ex)
	}
	last := key
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		last = key[i+1:]
	}
	if ex == "" {
		return last + " takes " + name
	}
	if quoted {
		name += " written as a quoted string"
		ex = strconv.Quote(ex)
	}
	return fmt.Sprintf("%s takes %s, for example %s = %s", last, name, last, ex)
}
