package build

import (
	"bytes"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestNoBrokenInternalLinks builds the test site and the shipped knowledge
// base, parses every HTML page, and checks that every internal link, asset
// and fragment points at something that was written.
func TestNoBrokenInternalLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, base string }{{"testdata site", "/"}, {"shipped content", "/kb/"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var res *Result
			var sink *MemSink
			if tc.name == "testdata site" {
				res, sink = generateMem(t, archiveFS(t, "testdata/site.txtar"), Options{BaseURL: "/"})
			} else {
				res, sink = generateMem(t, os.DirFS("../.."), Options{BaseURL: tc.base})
			}
			if len(res.Problems) > 0 {
				t.Fatal(res.Problems)
			}
			checkLinks(t, sink.Files, tc.base)
		})
	}
}

func checkLinks(t *testing.T, files map[string][]byte, base string) {
	t.Helper()
	ids := map[string]map[string]bool{} // file → element ids
	type link struct{ from, target string }
	var links []link
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ids[name] = map[string]bool{}
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			for _, a := range n.Attr {
				switch {
				case a.Key == "id":
					if ids[name][a.Val] {
						t.Errorf("%s: duplicate id %q", name, a.Val)
					}
					ids[name][a.Val] = true
				case (a.Key == "href" || a.Key == "src") && n.Data != "form":
					links = append(links, link{name, a.Val})
				}
			}
		}
	}
	fragments, pages := 0, 0
	for _, l := range links {
		u, err := url.Parse(l.target)
		if err != nil {
			t.Errorf("%s: malformed link %q", l.from, l.target)
			continue
		}
		if u.Scheme != "" || u.Host != "" {
			continue
		}
		file := l.from
		if u.Path != "" {
			if !strings.HasPrefix(u.Path, base) {
				t.Errorf("%s: link %q is outside the base path %s", l.from, l.target, base)
				continue
			}
			file = strings.TrimPrefix(u.Path, base)
			if file == "" || strings.HasSuffix(file, "/") {
				file += "index.html"
			}
			if _, ok := files[file]; !ok {
				t.Errorf("%s: broken link %q", l.from, l.target)
				continue
			}
			pages++
		}
		if u.Fragment != "" && path.Ext(file) == ".html" {
			fragments++
			if !ids[file][u.Fragment] {
				t.Errorf("%s: link %q: no id %q in %s", l.from, l.target, u.Fragment, file)
			}
		}
	}
	if pages == 0 || fragments == 0 {
		t.Errorf("checked %d page links and %d fragments: the check saw nothing", pages, fragments)
	}
}
