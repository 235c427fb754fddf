package scenario

import (
	"reflect"
	"strings"
)

// knownKeys returns the keys the schema accepts under a path of table names
// (map keys and array indices already stripped or free-form), by walking the
// struct types' toml tags.
func knownKeys(path []string) []string {
	t := schemaType(path)
	if t == nil {
		return nil
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

// schemaType returns the Go type the schema holds at a path of table and
// key names (map keys free-form, array indices stripped), or nil if the
// schema has no such path.
func schemaType(path []string) reflect.Type {
	t := reflect.TypeFor[Scenario]()
	for _, p := range path {
		switch t = deref(t); t.Kind() {
		case reflect.Map:
			t = t.Elem() // p is a free-form name
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
	return t
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
