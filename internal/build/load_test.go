package build

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestReadSourcesChanged checks that a Builder's second read takes anew
// exactly the files its edited names: every one when all changed.
func TestReadSourcesChanged(t *testing.T) {
	t.Parallel()
	then := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	before := fstest.MapFS{
		"content/a.md":     {Data: []byte("a, first"), ModTime: then},
		"content/sub/b.md": {Data: []byte("b, first"), ModTime: then},
	}
	// Every file is edited and one added, so that a read that looks at
	// only some of them shows the first bytes of the others.
	after := fstest.MapFS{
		"content/a.md":     {Data: []byte("a, second"), ModTime: then.Add(time.Hour)},
		"content/sub/b.md": {Data: []byte("b, second"), ModTime: then.Add(time.Hour)},
		"content/c.md":     {Data: []byte("c, new"), ModTime: then.Add(time.Hour)},
	}
	tests := []struct {
		desc string
		give edited
		want map[string]string
	}{
		{desc: "all changed", give: allChanged(),
			want: map[string]string{"a.md": "a, second", "sub/b.md": "b, second", "c.md": "c, new"}},
		{desc: "the site folder", give: pathsChanged([]string{"."}),
			want: map[string]string{"a.md": "a, second", "sub/b.md": "b, second", "c.md": "c, new"}},
		{desc: "the content folder", give: pathsChanged([]string{"content/"}),
			want: map[string]string{"a.md": "a, second", "sub/b.md": "b, second", "c.md": "c, new"}},
		{desc: "one file", give: pathsChanged([]string{"content/a.md"}),
			want: map[string]string{"a.md": "a, second", "sub/b.md": "b, first"}},
		{desc: "a subfolder and a new file", give: pathsChanged([]string{"content/sub", "content/c.md"}),
			want: map[string]string{"a.md": "a, first", "sub/b.md": "b, second", "c.md": "c, new"}},
		{desc: "a file outside content", give: pathsChanged([]string{"kb.yaml"}),
			want: map[string]string{"a.md": "a, first", "sub/b.md": "b, first"}},
		{desc: "nothing", give: pathsChanged(nil),
			want: map[string]string{"a.md": "a, first", "sub/b.md": "b, first"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			c := newCache()
			c.changed = allChanged()
			if _, probs := c.readSources(before); len(probs) > 0 {
				t.Fatal(probs)
			}
			c.changed = tc.give
			srcs, probs := c.readSources(after)
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			got := map[string]string{}
			for _, src := range srcs {
				got[src.File] = string(src.Data)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("read %v, want %v", got, tc.want)
			}
			if !slices.IsSortedFunc(srcs, func(a, b source) int { return strings.Compare(a.File, b.File) }) {
				t.Errorf("sources not sorted: %v", srcs)
			}
		})
	}
}
