package search

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteText(t *testing.T) {
	t.Parallel()
	hit := Hit{URL: "/mica/art-61/", Title: "Article 61 › Scope", Kind: "provision", Anchor: "p2",
		Snippet: "the <mark>client&#39;s</mark>\n own initiative", Sections: []Section{{Anchor: "p3", Heading: "Paragraph 3"}, {Heading: "Intro\x1b[31m"}}}
	tests := []struct {
		desc  string
		give  Result
		query string
		from  int
		want  string
	}{
		{
			desc: "no hits", give: Result{}, query: "foo\x1b", want: "no results for \"foo\\x1b\"\n",
		},
		{
			desc: "one hit with sections, numbered after from", give: Result{Total: 3, Pages: 1, Hits: []Hit{hit}}, from: 10,
			want: "11. Article 61 › Scope [provision]\n   /mica/art-61/#p2\n   the [client's] own initiative\n" +
				"   also: Paragraph 3 (/mica/art-61/#p3)\n   also: Intro\ufffd[31m (/mica/art-61/)\n1 page, 3 sections matched\n",
		},
		{
			desc: "fallback, plural pages, one section", give: Result{Total: 1, Pages: 2, Fallback: true, Hits: []Hit{{URL: "/a/", Title: "A", Kind: "term"}}},
			want: FallbackNote + "\n1. A [term]\n   /a/\n   \n2 pages, 1 section matched\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			tt.give.WriteText(&b, tt.query, tt.from)
			if got := b.String(); got != tt.want {
				t.Errorf("WriteText:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	r := Result{Total: 1, Pages: 1, Hits: []Hit{{URL: "/a/", Snippet: "<mark>a</mark> & b"}}, Kinds: map[string]int{"term": 1}}
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if strings.Contains(got, "kinds") || !strings.Contains(got, `"snippet": "<mark>a</mark> & b"`) || !strings.Contains(got, "\n  \"total\": 1,") {
		t.Errorf("WriteJSON = %s, want indented JSON without kinds or HTML escapes", got)
	}
	if r.Kinds == nil {
		t.Error("WriteJSON cleared the caller's Kinds")
	}
}

func TestPlainSnippet(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, give, want string }{
		{"marks become brackets", "a <mark>b</mark> c", "a [b] c"},
		{"entities decoded", "&lt;tag&gt; &amp; &#39;q&#39;", "<tag> & 'q'"},
		{"lines and runs of space joined", "one\n  two\t three ", "one two three"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := plainSnippet(tt.give); got != tt.want {
				t.Errorf("plainSnippet(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestNewerContent(t *testing.T) {
	t.Parallel()
	built := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		desc  string
		files map[string]time.Time // under the site; index/ is the index
		want  string
	}{
		{desc: "no index", files: map[string]time.Time{"content/a.md": built}},
		{desc: "all older", files: map[string]time.Time{"index/store": built, "kb.yaml": built.Add(-time.Hour), "content/a.md": built.Add(-time.Minute)}},
		{desc: "a page newer", files: map[string]time.Time{"index/store": built, "content/x/a.md": built.Add(time.Second)}, want: "content/x/a.md"},
		{desc: "kb.yaml newer, found first", files: map[string]time.Time{"index/store": built, "kb.yaml": built.Add(time.Hour), "content/a.md": built.Add(time.Hour)}, want: "kb.yaml"},
		{desc: "the index's newest file counts", files: map[string]time.Time{"index/a": built.Add(-time.Hour), "index/sub/b": built.Add(time.Hour), "content/a.md": built}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, mod := range tt.files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(p, mod, mod); err != nil {
					t.Fatal(err)
				}
			}
			got, ok := NewerContent(dir, filepath.Join(dir, "index"))
			want := ""
			if tt.want != "" {
				want = filepath.Join(dir, filepath.FromSlash(tt.want))
			}
			if got != want || ok != (tt.want != "") {
				t.Errorf("NewerContent = %q, %v; want %q", got, ok, want)
			}
		})
	}
}
