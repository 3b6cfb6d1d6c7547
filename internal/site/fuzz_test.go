package site

import (
	"bytes"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/kb-legal/kb/internal/diag"
)

// fileLines counts the lines of a file as an editor does: "\r\n", "\n" and
// a lone "\r" each end one.
func fileLines(src []byte) int {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	return bytes.Count(src, []byte("\n")) + bytes.Count(src, []byte("\r")) + 1
}

// checkPositions fails when a problem does not name file or points outside
// the text.
func checkPositions(t *testing.T, file string, src []byte, probs diag.List) {
	t.Helper()
	lines := fileLines(src)
	for _, p := range probs {
		if p.File != file {
			t.Errorf("problem names %q, want %q: %s", p.File, file, p)
		}
		if p.Line < 1 || p.Line > lines || p.Col < 1 {
			t.Errorf("problem at %d:%d, outside the %d-line file: %s", p.Line, p.Col, lines, p)
		}
		if strings.TrimSpace(p.Message) == "" {
			t.Errorf("problem without a message at %d:%d", p.Line, p.Col)
		}
	}
}

var frontMatterSeeds = []string{
	"---\nid: a\ntitle: A\nkind: provision\ncite: \"MiCA Art. 61\"\nas_of: 2025-02-26\ntags: [x, y]\n---\nBody\n",
	"\ufeff---\r\ntitle: BOM and CRLF\r\n---\r\nbody\r\n",
	"---\ntitle: unclosed\n",
	"no front matter\n",
	"---\n---\n",
	"---\ntitle: T\nkind: scenario\nfacts: f\nquestion: q\noutcome: maybe\nrisk: none\n---\n",
	"---\ntitle: T\nas_of: 2025-02-30\nnope: 1\n---\n",
	"---\ntitle: [a\n---\n",
	"---\ntitle: T\nkind: term\n---\n",
	"---   \ntitle: T\n---\t\n",
}

// FuzzSplit checks that Split never panics, and that what it returns is
// the file: YAML and body are in the source, and bodyLine is the line the
// body starts on.
func FuzzSplit(f *testing.F) {
	for _, s := range frontMatterSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		yml, body, yamlLine, bodyLine, err := Split(src)
		if err != nil {
			if yml != nil || body != nil {
				t.Fatalf("Split failed (%v) but returned text", err)
			}
			return
		}
		if yamlLine != 2 {
			t.Fatalf("yamlLine = %d, want 2", yamlLine)
		}
		if !bytes.Contains(src, yml) {
			t.Fatalf("YAML %q is not part of the source", yml)
		}
		if len(body) > 0 {
			if !bytes.HasSuffix(src, body) {
				t.Fatalf("body %q is not the end of the source", body)
			}
			before := src[:len(src)-len(body)]
			if got := bytes.Count(before, []byte("\n")) + 1; got != bodyLine {
				t.Fatalf("bodyLine = %d, but the body starts on line %d", bodyLine, got)
			}
		}
		if got := bytes.Count(yml, []byte("\n")) + 3; len(body) > 0 && got != bodyLine {
			t.Fatalf("YAML of %d lines, then bodyLine %d", got-3, bodyLine)
		}
	})
}

// FuzzParse checks that Parse never panics and positions every problem in
// the file; a document it returns has its keys inside the file too.
func FuzzParse(f *testing.F) {
	for _, s := range frontMatterSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "content/a.md"
		doc, probs := Parse(file, src)
		checkPositions(t, file, src, probs)
		if doc == nil {
			if len(probs) == 0 {
				t.Fatal("no document and no problem")
			}
			return
		}
		lines := fileLines(src)
		for _, p := range doc.Pos {
			if p.Line < 2 || p.Line > lines {
				t.Errorf("key %q at line %d, outside the front matter of a %d-line file", p.Key, p.Line, lines)
			}
		}
		if len(probs) == 0 && doc.Front.Title == "" {
			t.Error("a page without a title passed validation")
		}
	})
}

// FuzzParseConfig checks that ParseConfig never panics, positions its
// problems in kb.yaml and, when it accepts a file, gives a usable base URL.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"title: KB\nbase_url: https://org.example/kb\nlanguage: en\nraw_html: false\nnotice: Not legal advice.\n",
		"base_url: kb\n",
		"base_url: \"javascript:alert(1)\"\n",
		"base_url: /a/?q=1\n",
		"titel: typo\n",
		"params: {a: 1}\ntheme: own\n",
		"raw_html: maybe\n",
		"- a list\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, probs := ParseConfig(data)
		checkPositions(t, ConfigFile, data, probs)
		if len(probs) > 0 {
			return
		}
		if !strings.HasSuffix(cfg.BaseURL, "/") {
			t.Errorf("accepted base_url %q does not end in a slash", cfg.BaseURL)
		}
		if lower := strings.ToLower(cfg.BaseURL); !strings.HasPrefix(lower, "/") &&
			!strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
			t.Errorf("accepted base_url %q is neither a path nor an http(s) URL", cfg.BaseURL)
		}
		if bp := cfg.BasePath(); !strings.HasPrefix(bp, "/") || !strings.HasSuffix(bp, "/") {
			t.Errorf("BasePath() = %q for base_url %q", bp, cfg.BaseURL)
		}
	})
}

// TestParseConfigBaseURL keeps the base URLs fuzzing found accepted but
// unusable ("http:0" has no host; "/kb/?" kept its "?").
func TestParseConfigBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want string // "" when the value must be rejected
	}{
		{"absolute", "https://org.example/kb", "https://org.example/kb/"},
		{"path", "/kb", "/kb/"},
		{"opaque", "http:0", ""},
		{"scheme without host", "https:///kb/", ""},
		{"empty query", "/0/?", ""},
		{"query", "/kb/?a=1", ""},
		{"script", "javascript:alert(1)", ""},
		{"relative", "kb/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			cfg, probs := ParseConfig([]byte("base_url: " + `"` + tt.give + `"` + "\n"))
			if tt.want == "" {
				if len(probs) != 1 || probs[0].Line != 1 || probs[0].Col != 11 || !strings.Contains(probs[0].Message, "invalid base_url") {
					t.Errorf("base_url %q: problems %v, want one invalid base_url at 1:11 (the value)", tt.give, probs)
				}
				return
			}
			if len(probs) > 0 || cfg.BaseURL != tt.want {
				t.Errorf("base_url %q = %q, %v; want %q", tt.give, cfg.BaseURL, probs, tt.want)
			}
		})
	}
}

// FuzzResolveLink checks that any link address resolves without panicking,
// to a page when it leads to one, and that refusals say why.
func FuzzResolveLink(f *testing.F) {
	for _, s := range []string{"../provisions/art-61.md#p2", "/provisions/art-61/", "#p1", "https://example.org/a?b=1&amp;c",
		"&#106;avascript:alert(1)", "JAVASCRIPT:x", "data:image/png;base64,AA", "data:text/html,x", "//host/p", "%zz", "&#x2F;provisions/art-3/", ""} {
		f.Add(s)
	}
	s := testSite(f)
	from := s.ByID("scenario-sponsorship")
	f.Fuzz(func(t *testing.T, dest string) {
		target, kind, err := s.ResolveLink(from, dest)
		switch {
		case err != nil:
			if err.Error() == "" {
				t.Fatalf("ResolveLink(%q): an error without a message", dest)
			}
		case kind == LinkPage && target.Page == nil:
			t.Fatalf("ResolveLink(%q): a page, but none given", dest)
		case kind != LinkPage && target.Page != nil:
			t.Fatalf("ResolveLink(%q): kind %d, but page %s", dest, kind, target.Page.URL)
		}
		if err == nil && unsafeScheme(mustParse(html.UnescapeString(dest))) {
			t.Fatalf("ResolveLink(%q) accepts an address the page would drop", dest)
		}
	})
}

// mustParse parses a URL, or returns an empty one.
func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{}
	}
	return u
}
