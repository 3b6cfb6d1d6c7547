package yamlpos

import (
	"strings"
	"testing"
)

func TestDepthScan(t *testing.T) {
	t.Parallel()
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		desc, give string
		wantOK     bool
		wantLine   int
		wantCol    int
	}{
		{desc: "flat fields", give: "title: A\nkind: provision\ntags: [a, b]\n", wantOK: true},
		{desc: "flow at the limit", give: "x: " + deep(MaxDepth-1) + "\n", wantOK: true},
		{desc: "flow over the limit", give: "title: Deep\nparams: {x: " + deep(50000) + "}\n", wantLine: 2, wantCol: 75},
		{desc: "block sequences on one line", give: "x:\n" + strings.Repeat("- ", 100) + "a\n", wantLine: 2, wantCol: 127},
		{desc: "block indentation", give: func() string {
			var b strings.Builder
			for i := range 100 {
				b.WriteString(strings.Repeat(" ", i) + "k:\n")
			}
			return b.String()
		}(), wantLine: MaxDepth + 1, wantCol: MaxDepth + 1},
		{desc: "brackets in a plain scalar", give: "title: see [1] and [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n", wantOK: true},
		{desc: "brackets in quoted strings", give: "title: \"" + strings.Repeat("[", 100) + "\"\nsummary: '" + strings.Repeat("{", 100) + " it''s'\n", wantOK: true},
		{desc: "brackets in a quoted string in a list", give: "tags: [\"" + strings.Repeat("[", 100) + "\", 'b']\n", wantOK: true},
		{desc: "brackets in a comment", give: "title: A # " + strings.Repeat("[", 100) + "\n", wantOK: true},
		{desc: "brackets in a block scalar", give: "summary: |\n  " + strings.Repeat("[", 100) + "\n  more\ntitle: A\n", wantOK: true},
		{desc: "an apostrophe in a plain scalar", give: "title: It's [" + deep(100) + "\n", wantOK: true},
		{desc: "a deep mapping in flow", give: "x: " + strings.Repeat("{a: ", 80) + "1" + strings.Repeat("}", 80) + "\n", wantLine: 1, wantCol: 4 * MaxDepth},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			line, col, ok := depthScan([]byte(tt.give), MaxDepth)
			if ok != tt.wantOK || !ok && (line != tt.wantLine || col != tt.wantCol) {
				t.Errorf("depthScan = %d:%d %v, want %d:%d %v", line, col, ok, tt.wantLine, tt.wantCol, tt.wantOK)
			}
		})
	}
}

// FuzzDepthScan checks that the scan never panics and never passes YAML
// that go-yaml then reads as deeper than the limit allows.
func FuzzDepthScan(f *testing.F) {
	for _, s := range []string{"a: [1, [2, [3]]]\n", "- - - a\n", "a: |\n  [[[\nb: {c: \"[\"}\n", "a: 'it''s'\n", "? [a]\n: b\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, _, ok := depthScan([]byte(s), 8); !ok {
			return
		}
		var v any
		if _, err := Decode([]byte(s), &v); err != nil {
			return
		}
		if d := depthOf(v); d > 8+4 {
			t.Fatalf("depthScan passed %q, which decodes %d levels deep", s, d)
		}
	})
}

// depthOf is the nesting of a decoded value.
func depthOf(v any) int {
	d := 0
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			d = max(d, depthOf(e))
		}
		return d + 1
	case map[string]any:
		for _, e := range v {
			d = max(d, depthOf(e))
		}
		return d + 1
	}
	return 0
}
