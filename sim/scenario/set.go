package scenario

import (
	"encoding"
	"fmt"
	"reflect"
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
// " --set key=value" for each.
func FlagArgs(ovs []Override) string {
	var b strings.Builder
	for _, o := range ovs {
		b.WriteString(" --set " + o.Key + "=" + o.Value)
	}
	return b.String()
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
		if err := setPath(reflect.ValueOf(s).Elem(), splitPath(o.Key), o.Value); err != nil {
			es = append(es, &Error{File: s.File, Key: o.Key, Msg: err.Error(), Hint: suggest(o.Key)})
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

func setPath(v reflect.Value, path []string, value string) error {
	if len(path) == 0 {
		return setLeaf(v, value)
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return fmt.Errorf("table not defined in the file")
		}
		v = v.Elem()
	}
	head := path[0]
	switch v.Kind() {
	case reflect.Struct:
		if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
			return fmt.Errorf("%q is a value, not a table", head)
		}
		f, ok := fieldByTag(v.Type(), head)
		if !ok {
			return fmt.Errorf("unknown key %q", head)
		}
		return setPath(v.FieldByIndex(f.Index), path[1:], value)
	case reflect.Map:
		e := v.MapIndex(reflect.ValueOf(head))
		if !e.IsValid() {
			return fmt.Errorf("no %q here (it must be defined in the file)", head)
		}
		return setPath(e, path[1:], value)
	case reflect.Slice:
		if !strings.HasPrefix(head, "[") {
			return fmt.Errorf("%q: index the array, for example [0]", head)
		}
		i, err := strconv.Atoi(strings.Trim(head, "[]"))
		if err != nil || i < 0 || i >= v.Len() {
			return fmt.Errorf("index %s out of range (the file has %d)", head, v.Len())
		}
		return setPath(v.Index(i), path[1:], value)
	}
	return fmt.Errorf("%q: not a table", head)
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
		return fmt.Errorf("cannot set a %s from the command line; set its fields", v.Kind())
	}
	return nil
}
