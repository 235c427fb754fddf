package scenario

import (
	"encoding"
	"reflect"
)

// Resolved returns the scenario after defaults as plain data keyed by the
// file's key names (maps, slices, strings, numbers, booleans), for the
// manifest and the report's assumptions. Decimals and durations appear as
// written.
func (s *Scenario) Resolved() map[string]any {
	return plain(reflect.ValueOf(s).Elem()).(map[string]any)
}

func plain(v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if m, ok := v.Interface().(encoding.TextMarshaler); ok && v.Kind() == reflect.Struct {
		b, _ := m.MarshalText()
		return string(b)
	}
	switch v.Kind() {
	case reflect.Struct:
		out := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			name := tomlName(t.Field(i))
			if name == "" {
				continue
			}
			if x := plain(v.Field(i)); x != nil {
				out[name] = x
			}
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[k.String()] = plain(v.MapIndex(k))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plain(v.Index(i))
		}
		return out
	}
	return v.Interface()
}
