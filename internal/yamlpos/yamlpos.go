// Package yamlpos decodes YAML strictly and remembers where each top-level
// key sits, so callers can point at the line and column of a bad value.
// It is the only importer of github.com/goccy/go-yaml.
package yamlpos

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Error is a decoding error with a 1-based position inside the YAML text.
type Error struct {
	Line, Col int
	Message   string
	Hint      string // what to do, for the syntax errors said in plain words
	Unknown   string // the field name, for an unknown field
}

func (e *Error) Error() string { return e.Message }

// Pos is where a field sits: the 1-based line and column of its key and
// of its value (the key's, when the value is empty). Columns count
// characters.
type Pos struct {
	Line, Col, ValueLine, ValueCol int
	// Items are the fields of each item of a sequence value, the item
	// itself under "" (its first field, or the item).
	Items []Keys
}

// Keys are the positions of a mapping's keys, in the order written. A
// slice, not a map: every page keeps its front matter's positions for the
// whole build, and a map of a few keys takes several times the memory.
type Keys []Field

// Field is a key and where it sits.
type Field struct {
	Key string
	Pos
}

// find returns key's position.
func (k Keys) find(key string) (Pos, bool) {
	for _, f := range k {
		if f.Key == key {
			return f.Pos, true
		}
	}
	return Pos{}, false
}

// set gives key the position p, in place of any it had.
func (k *Keys) set(key string, p Pos) {
	for i := range *k {
		if (*k)[i].Key == key {
			(*k)[i].Pos = p
			return
		}
	}
	*k = append(*k, Field{Key: key, Pos: p})
}

// At returns the position of key's value, where a problem with the value
// points; the first line when key is absent.
func (k Keys) At(key string) (line, col int) {
	if p, ok := k.find(key); ok {
		return p.ValueLine, p.ValueCol
	}
	return k.Key(key)
}

// Key returns the position of key itself, for a problem with the field
// rather than its value; the first line when key is absent.
func (k Keys) Key(key string) (line, col int) {
	if p, ok := k.find(key); ok {
		return p.Line, p.Col
	}
	line = 1 << 30
	for _, f := range k {
		line = min(line, f.Line)
	}
	if line == 1<<30 {
		line = 1
	}
	return line, 1
}

// Has reports whether key was present.
func (k Keys) Has(key string) bool { _, ok := k.find(key); return ok }

// Shift moves every position down by n lines, in place, and returns k.
func (k Keys) Shift(n int) Keys {
	for i := range k {
		p := &k[i].Pos
		p.Line += n
		p.ValueLine += n
		for _, item := range p.Items {
			item.Shift(n)
		}
	}
	return k
}

// Item returns the positions of the fields of item i of key's sequence;
// nil when there is no such item.
func (k Keys) Item(key string, i int) Keys {
	if p, ok := k.find(key); ok && i < len(p.Items) {
		return p.Items[i]
	}
	return nil
}

// Decode decodes data into v, rejecting unknown fields and duplicate keys.
// Empty input decodes to the zero value. Input over MaxSize or nested
// deeper than MaxDepth is refused before it is parsed.
func Decode(data []byte, v any) (_ Keys, err error) {
	// go-yaml panics on some inputs (found by fuzzing); a writer's typo must
	// be a problem, never a crash.
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Line: 1, Col: 1, Message: fmt.Sprintf("YAML that cannot be decoded (%v)", r)}
		}
	}()
	// go-yaml miscounts lines after a comment ended by "\r\n"; YAML reads
	// every line break as "\n" anyway, so give it only those.
	data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	if err := checkBudget(data); err != nil {
		return nil, err
	}
	if strings.TrimSpace(string(data)) == "" {
		return Keys{}, nil
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, plain(data, convert(err))
	}
	if err := refuseTags(file); err != nil {
		return nil, err
	}
	keys, err := topKeys(file)
	if err != nil {
		return nil, err
	}
	if err := decode(file, data, v); err != nil {
		e := convert(err)
		if e.Unknown != "" {
			firstUnknown(e, keys, v)
		}
		return nil, e
	}
	return keys, nil
}

// decode decodes the parsed data into v strictly. Front matter is one
// mapping, decoded from its syntax tree: yaml.Unmarshal would parse the
// text again, and parsing was a tenth of what a build allocates. Anything
// else goes through yaml.Unmarshal, which knows which document to decode
// and when it is empty.
func decode(file *ast.File, data []byte, v any) error {
	if len(file.Docs) == 1 {
		if m, ok := file.Docs[0].Body.(*ast.MappingNode); ok {
			return yaml.NodeToValue(m, v, yaml.Strict())
		}
	}
	return yaml.UnmarshalWithOptions(data, v, yaml.Strict())
}

// refuseTags refuses YAML tags ("!!binary", "!x"): front matter is plain
// values.
func refuseTags(file *ast.File) error {
	for _, doc := range file.Docs {
		if tags := ast.Filter(ast.TagType, doc); len(tags) > 0 {
			tk := tags[0].GetToken()
			return &Error{Line: tk.Position.Line, Col: tk.Position.Column,
				Message: fmt.Sprintf("YAML tag %s is not supported; quote the value if it starts with !", tk.Value)}
		}
	}
	return nil
}

// topKeys returns the positions of the first document's keys, which
// must be a mapping (or nothing).
func topKeys(file *ast.File) (Keys, error) {
	keys := Keys{}
	if len(file.Docs) == 0 || file.Docs[0].Body == nil {
		return keys, nil
	}
	body := file.Docs[0].Body
	m, ok := body.(*ast.MappingNode)
	if !ok {
		if _, null := body.(*ast.NullNode); null {
			return keys, nil
		}
		tk := body.GetToken()
		return nil, &Error{Line: tk.Position.Line, Col: tk.Position.Column, Message: "expected key: value fields"}
	}
	keys = make(Keys, 0, len(m.Values))
	for _, kv := range m.Values {
		keys.set(kv.Key.String(), keyPos(kv))
	}
	return slices.Clip(keys), nil
}

// keyPos is where a key and its value are; a sequence's items' keys too.
func keyPos(kv *ast.MappingValueNode) Pos {
	tk := kv.Key.GetToken()
	p := Pos{Line: tk.Position.Line, Col: tk.Position.Column, ValueLine: tk.Position.Line, ValueCol: tk.Position.Column}
	if seq, ok := kv.Value.(*ast.SequenceNode); ok {
		p.Items = itemKeys(seq)
	}
	if v := kv.Value; v != nil {
		if m, ok := v.(*ast.MappingNode); ok && len(m.Values) > 0 {
			v = m.Values[0].Key // a mapping's token is its first ":"
		}
		if _, null := v.(*ast.NullNode); !null {
			if vt := v.GetToken(); vt != nil && vt.Position != nil {
				p.ValueLine, p.ValueCol = vt.Position.Line, vt.Position.Column
			}
		}
	}
	return p
}

// itemKeys returns where the fields of each item of a sequence sit, the
// item itself under "".
func itemKeys(seq *ast.SequenceNode) []Keys {
	var items []Keys
	for _, item := range seq.Values {
		k := Keys{}
		var pairs []*ast.MappingValueNode
		switch m := item.(type) {
		case *ast.MappingNode:
			pairs = m.Values
		case *ast.MappingValueNode:
			pairs = []*ast.MappingValueNode{m}
		}
		for _, kv := range pairs {
			tk := kv.Key.GetToken()
			p := Pos{Line: tk.Position.Line, Col: tk.Position.Column, ValueLine: tk.Position.Line, ValueCol: tk.Position.Column}
			if v := kv.Value; v != nil {
				if _, null := v.(*ast.NullNode); !null {
					if vt := v.GetToken(); vt != nil && vt.Position != nil {
						p.ValueLine, p.ValueCol = vt.Position.Line, vt.Position.Column
					}
				}
			}
			k.set(kv.Key.String(), p)
			if !k.Has("") {
				k.set("", Pos{Line: p.Line, Col: p.Col, ValueLine: p.Line, ValueCol: p.Col})
			}
		}
		if !k.Has("") {
			if tk := item.GetToken(); tk != nil && tk.Position != nil {
				k.set("", Pos{Line: tk.Position.Line, Col: tk.Position.Column, ValueLine: tk.Position.Line, ValueCol: tk.Position.Column})
			}
		}
		items = append(items, slices.Clip(k))
	}
	return items
}

// firstUnknown makes an unknown top-level field the first one written:
// go-yaml reports whichever its map iteration meets first, and the same
// file must always give the same problem.
func firstUnknown(e *Error, keys Keys, v any) {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if !keys.Has(e.Unknown) || t == nil || t.Kind() != reflect.Struct {
		return // a nested field: go-yaml's answer stands
	}
	known := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		known[name] = true
	}
	var unknown []string
	for _, f := range keys {
		if !known[f.Key] {
			unknown = append(unknown, f.Key)
		}
	}
	if len(unknown) == 0 {
		return
	}
	first := slices.MinFunc(unknown, func(a, b string) int {
		pa, _ := keys.find(a)
		pb, _ := keys.find(b)
		return cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Col, pb.Col))
	})
	e.Unknown, e.Message = first, "unknown field "+`"`+first+`"`
	e.Line, e.Col = keys.Key(first)
}

// convert turns go-yaml's error into an *Error with a position.
func convert(err error) *Error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &Error{Line: 1, Col: 1, Message: err.Error()}
	}
	e := &Error{Line: 1, Col: 1, Message: strings.TrimSpace(ye.GetMessage())}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	var uf *yaml.UnknownFieldError
	if errors.As(err, &uf) {
		if tk := uf.GetToken(); tk != nil {
			e.Unknown = tk.Value
			e.Message = "unknown field " + `"` + tk.Value + `"`
		}
	}
	return e
}
