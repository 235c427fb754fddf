package scenario

import (
	"reflect"
	"strings"
)

// knownKeys returns the keys the schema accepts under a path of table names
// (map keys and array indices already stripped or free-form), by walking the
// struct types' toml tags.
func knownKeys(path []string) []string {
	t := reflect.TypeOf(Scenario{})
	for _, p := range path {
		t = deref(t)
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem() // p is a free-form name
			continue
		case reflect.Struct:
			f, ok := fieldByTag(t, p)
			if !ok {
				return nil
			}
			t = f.Type
		default:
			return nil
		}
	}
	t = deref(t)
	if t.Kind() == reflect.Map {
		return nil // free-form names
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if tag := tomlName(t.Field(i)); tag != "" {
			keys = append(keys, tag)
		}
	}
	return keys
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t
}

func tomlName(f reflect.StructField) string {
	tag := f.Tag.Get("toml")
	if tag == "" || tag == "-" {
		return ""
	}
	return strings.Split(tag, ",")[0]
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if tomlName(t.Field(i)) == name {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}
