package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

// testLinks crawls every built HTML page and checks every URL it names —
// links, fragments, stylesheets, scripts, forms, feeds — plus every site
// URL inside the JSON files (the search shards), as served from /kb/.
func testLinks(t *testing.T, s *published) {
	c := newLinkChecker(s)
	pages := s.htmlFiles()
	if len(pages) < 50 {
		t.Fatalf("only %d HTML pages built; the shipped content has more", len(pages))
	}
	checked := 0
	for _, file := range pages {
		doc := parseFile(t, filepath.Join(s.dir, file))
		from := s.origin + pagePath(file)
		for _, ref := range doc.refs {
			checked++
			if err := c.check(from, ref.value); err != nil {
				t.Errorf("%s: <%s %s=%q>: %v", file, ref.tag, ref.attr, ref.value, err)
			}
		}
		want := s.origin + pagePath(file)
		if file == "404.html" {
			want = "" // served at any address: no canonical URL
		}
		if isRedirect(filepath.Join(s.dir, file)) { // an old address: canonical is where it went
			if !strings.HasPrefix(doc.canonical, s.baseURL) {
				t.Errorf("%s: redirect's canonical link %q is not a page of the site", file, doc.canonical)
			}
			continue
		}
		if doc.canonical != want {
			t.Errorf("%s: canonical link %q, want %q", file, doc.canonical, want)
		}
		if doc.ogURL != want {
			t.Errorf("%s: og:url %q, want %q", file, doc.ogURL, want)
		}
	}
	for _, file := range s.files {
		if !strings.HasSuffix(file, ".json") && !strings.HasSuffix(file, ".kbz") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(file, ".kbz") { // the search's gzip-compressed document chunks
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		for _, u := range siteURLsIn(v, s) {
			checked++
			if err := c.check(s.origin+pagePath(file), u); err != nil {
				t.Errorf("%s: %q: %v", file, u, err)
			}
		}
	}
	t.Logf("%d URLs checked in %d pages", checked, len(pages))
}

// siteURLsIn returns the strings in a decoded JSON value that are URLs of
// the site (absolute, or paths under the sub-path).
func siteURLsIn(v any, s *published) []string {
	var out []string
	switch v := v.(type) {
	case string:
		if strings.HasPrefix(v, s.baseURL) || strings.HasPrefix(v, basePath) {
			out = append(out, v)
		}
	case []any:
		for _, e := range v {
			out = append(out, siteURLsIn(e, s)...)
		}
	case map[string]any:
		for _, e := range v {
			out = append(out, siteURLsIn(e, s)...)
		}
	}
	return out
}

// linkChecker fetches the site's URLs once each and remembers their ids.
type linkChecker struct {
	s     *published
	mu    sync.Mutex
	cache map[string]*fetched // by path
}

type fetched struct {
	status int
	isHTML bool
	ids    map[string]bool
	err    error
}

func newLinkChecker(s *published) *linkChecker {
	return &linkChecker{s: s, cache: map[string]*fetched{}}
}

// check reports why ref, found on the page at from, is broken, or nil.
// URLs of other hosts are not checked.
func (c *linkChecker) check(from, ref string) error {
	base, err := url.Parse(from)
	if err != nil {
		return err
	}
	u, err := base.Parse(strings.TrimSpace(ref))
	if err != nil {
		return fmt.Errorf("malformed URL: %v", err)
	}
	switch u.Scheme {
	case "http", "https":
	case "mailto", "tel", "data":
		return nil
	default:
		return fmt.Errorf("unexpected scheme %q", u.Scheme)
	}
	if u.Host != base.Host {
		return nil
	}
	if !strings.HasPrefix(u.Path, basePath) {
		return fmt.Errorf("resolves to %s, outside the sub-path %s", u.Path, basePath)
	}
	f := c.fetch(u.Path)
	switch {
	case f.err != nil:
		return f.err
	case f.status != http.StatusOK:
		return fmt.Errorf("%s: %d %s", u.Path, f.status, http.StatusText(f.status))
	case u.Fragment == "":
		return nil
	case !f.isHTML:
		return fmt.Errorf("fragment #%s on %s, which is not a page", u.Fragment, u.Path)
	case !f.ids[u.Fragment]:
		return fmt.Errorf("%s has no element with id %q", u.Path, u.Fragment)
	}
	return nil
}

func (c *linkChecker) fetch(p string) *fetched {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.cache[p]; ok {
		return f
	}
	f := &fetched{}
	c.cache[p] = f
	resp, err := http.Get(c.s.origin + p)
	if err != nil {
		f.err = err
		return f
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.err = err
		return f
	}
	f.status = resp.StatusCode
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		f.isHTML = true
		doc, err := parseHTML(bytes.NewReader(body))
		if err != nil {
			f.err = err
			return f
		}
		f.ids = doc.ids
	}
	return f
}

// ref is a URL an element names.
type ref struct{ tag, attr, value string }

// htmlDoc is what the crawl needs of a page.
type htmlDoc struct {
	refs      []ref
	ids       map[string]bool
	canonical string
	ogURL     string
}

func parseFile(t *testing.T, name string) *htmlDoc {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := parseHTML(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// urlAttrs returns the attributes of an element that hold a URL.
func urlAttrs(tag string) []string {
	switch tag {
	case "a", "area", "link", "base":
		return []string{"href"}
	case "script", "img", "iframe", "source", "audio", "track", "embed":
		return []string{"src"}
	case "video":
		return []string{"src", "poster"}
	case "object":
		return []string{"data"}
	case "form":
		return []string{"action"}
	case "button", "input":
		return []string{"formaction"}
	case "blockquote", "q", "del", "ins":
		return []string{"cite"}
	}
	return nil
}

func parseHTML(r io.Reader) (*htmlDoc, error) {
	doc := &htmlDoc{ids: map[string]bool{}}
	z := html.NewTokenizer(r)
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return doc, nil
			}
			return nil, z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Key] = a.Val
			}
			if id, ok := attrs["id"]; ok {
				doc.ids[id] = true
			}
			if name, ok := attrs["name"]; ok && tok.Data == "a" {
				doc.ids[name] = true
			}
			for _, attr := range urlAttrs(tok.Data) {
				if v, ok := attrs[attr]; ok {
					doc.refs = append(doc.refs, ref{tok.Data, attr, v})
				}
			}
			if v, ok := attrs["srcset"]; ok {
				for _, cand := range strings.Split(v, ",") {
					if fields := strings.Fields(cand); len(fields) > 0 {
						doc.refs = append(doc.refs, ref{tok.Data, "srcset", fields[0]})
					}
				}
			}
			switch {
			case tok.Data == "link" && attrs["rel"] == "canonical":
				doc.canonical = attrs["href"]
			case tok.Data == "meta" && attrs["property"] == "og:url":
				doc.ogURL = attrs["content"]
			case tok.Data == "meta" && strings.HasPrefix(attrs["property"], "og:image"):
				doc.refs = append(doc.refs, ref{tok.Data, attrs["property"], attrs["content"]})
			}
		}
	}
}

// isRedirect reports whether a built file is the page kb writes at an old
// address (moved_from): it refreshes to the page now there.
func isRedirect(file string) bool {
	data, err := os.ReadFile(file)
	return err == nil && bytes.Contains(data, []byte(`<meta http-equiv="refresh"`))
}

// isNoindex reports whether a built page asks search engines not to index
// it: redirects and writers' pages, which the sitemap leaves out.
func isNoindex(file string) bool {
	data, err := os.ReadFile(file)
	return err == nil && bytes.Contains(data, []byte(`<meta name="robots" content="noindex">`))
}
