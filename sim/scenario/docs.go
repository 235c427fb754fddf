package scenario

import (
	_ "embed"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// typesSource is the file that declares the scenario's types: the comment
// on each field is what the key means, and Doc reads it from here, so the
// schema's documentation has one source.
//
//go:embed types.go
var typesSource string

// fieldDocs maps "Type.key" (a struct type of types.go and a field's TOML
// name) to the field's comment: the one after it on its line, else the one
// above it, joined into one line.
var fieldDocs = sync.OnceValue(func() map[string]string {
	f, err := parser.ParseFile(token.NewFileSet(), "types.go", typesSource, parser.ParseComments)
	if err != nil {
		panic("scenario: parsing the embedded types.go: " + err.Error())
	}
	docs := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range g.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, fld := range st.Fields.List {
				if fld.Tag == nil {
					continue
				}
				tag, err := strconv.Unquote(fld.Tag.Value)
				if err != nil {
					continue
				}
				name := tomlName(reflect.StructField{Tag: reflect.StructTag(tag)})
				text := ""
				if fld.Comment != nil {
					text = fld.Comment.Text()
				} else if fld.Doc != nil {
					text = fld.Doc.Text()
				}
				if name != "" && text != "" {
					docs[ts.Name.Name+"."+name] = strings.Join(strings.Fields(text), " ")
				}
			}
		}
	}
	return docs
})

// Doc returns what the key means, from the comment on its field in the
// schema (types.go): "priority fee [gwei]" for agents.keepers.priority.
// Map keys (profile and asset names) and list indices may be anything;
// a key the schema does not have, or whose field has no comment, gives "".
func Doc(key string) string {
	path := strings.Split(stripIndex(key), ".")
	t := schemaType(path[:len(path)-1])
	if t == nil {
		return ""
	}
	if t = deref(t); t.Kind() != reflect.Struct {
		return ""
	}
	return fieldDocs()[t.Name()+"."+path[len(path)-1]]
}

// Unit returns the unit of the key's values as its doc gives it in
// brackets ("rwaUSD" for backstop.reserve), or "" when the doc names none.
func Unit(key string) string {
	d := Doc(key)
	i := strings.IndexByte(d, '[')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(d[i:], ']')
	if j < 0 {
		return ""
	}
	return d[i+1 : i+j]
}

// Docs returns Doc for every key of the resolved scenario (Resolved) that
// has one, tables and list elements included, keyed as the manifest's
// readers flatten it: dotted, with list elements as key[i].
func (s *Scenario) Docs() map[string]string {
	out := map[string]string{}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		if key != "" {
			if d := Doc(key); d != "" {
				out[key] = d
			}
		}
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if key == "" {
					walk(k, e)
				} else {
					walk(key+"."+k, e)
				}
			}
		case []any:
			for i, e := range v {
				if _, ok := e.(map[string]any); ok {
					walk(key+"["+strconv.Itoa(i)+"]", e)
				}
			}
		}
	}
	walk("", s.Resolved())
	return out
}
