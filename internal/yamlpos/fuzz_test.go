package yamlpos

import (
	"bytes"
	"errors"
	"testing"
)

// countLines counts lines as YAML and editors do: "\r\n", "\n" and a lone
// "\r" each end one.
func countLines(data []byte) int {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
}

// fuzzTarget has the shapes front matter uses: scalars, lists and a free map.
type fuzzTarget struct {
	ID     string         `yaml:"id"`
	Title  string         `yaml:"title"`
	Draft  bool           `yaml:"draft"`
	Weight int            `yaml:"weight"`
	Tags   []string       `yaml:"tags"`
	Params map[string]any `yaml:"params"`
}

// FuzzDecode checks that Decode never panics and that every position it
// reports, for keys and errors alike, lies inside the text.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"id: a\ntitle: T\n",
		"title: [unclosed\n",
		"tags: [a, b]\nweight: x\n",
		"title: a\ntitle: b\n",
		"- a\n- b\n",
		"params: {a: {b: [1, 2]}}\n",
		"&a x: *a\n",
		"title: \"\\u00e9\"\nnope: 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v fuzzTarget
		keys, err := Decode(data, &v)
		lines := countLines(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode error %T is not *Error: %v", err, err)
			}
			if e.Line < 1 || e.Line > lines || e.Col < 1 {
				t.Fatalf("error at %d:%d, outside the %d-line text: %v", e.Line, e.Col, lines, e)
			}
			if e.Message == "" {
				t.Fatal("error without a message")
			}
			return
		}
		for _, p := range keys {
			if p.Line < 1 || p.Line > lines || p.Col < 1 {
				t.Fatalf("key %q at %d:%d, outside the %d-line text", p.Key, p.Line, p.Col, lines)
			}
		}
	})
}

// TestDecodeFuzzFindings keeps what fuzzing found: go-yaml counted a
// comment's "\r\n" as two lines, and panicked decoding a tagged list.
func TestDecodeFuzzFindings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc       string
		give       string
		line, col  int
		wantSubstr string
	}{
		{"LF comments", "# c\n# d\nnope: 2\n", 3, 1, `unknown field "nope"`},
		{"CRLF comments", "# c\r\n# d\r\nnope: 2\r\n", 3, 1, `unknown field "nope"`},
		{"CRLF comment before a list", "id: a\r\n# c\r\n- x\r\n", 3, 1, ""},
		{"lone CR breaks", "# c\r# d\rnope: 2\r", 3, 1, `unknown field "nope"`},
		{"CRLF unclosed flow", "# c\r\ntitle: [\r\n", 2, 8, ""},
		{"tagged list", "tags: !00000\n00", 1, 7, "YAML tag !00000 is not supported"},
		{"tagged scalar", "id: a\ntitle: !!str x\n", 2, 8, "YAML tag !!str"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var v fuzzTarget
			_, err := Decode([]byte(tt.give), &v)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode(%q) = %v, want a positioned error", tt.give, err)
			}
			if e.Line != tt.line || e.Col != tt.col {
				t.Errorf("Decode(%q) at %d:%d, want %d:%d (%s)", tt.give, e.Line, e.Col, tt.line, tt.col, e.Message)
			}
			if !bytes.Contains([]byte(e.Message), []byte(tt.wantSubstr)) {
				t.Errorf("Decode(%q) message %q, want it to contain %q", tt.give, e.Message, tt.wantSubstr)
			}
		})
	}
}
