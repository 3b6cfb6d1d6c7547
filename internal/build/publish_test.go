package build

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestRobotsAndDescriptions checks what crawlers read: robots.txt names the
// sitemap only by an absolute URL, and a page without a summary (search,
// 404, tags) carries the site's description.
func TestRobotsAndDescriptions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		desc        string
		give        string // a txtar site
		wantSitemap string // "" for no Sitemap line
	}{
		{desc: "absolute base_url", give: "testdata/site.txtar", wantSitemap: "Sitemap: https://kb.example/sub/sitemap.xml\n"},
		{desc: "path base_url", give: "testdata/sources.txtar", wantSitemap: ""},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			fsys := archiveFS(t, tt.give)
			// A fresh slice: the file's data shares the archive's bytes.
			fsys["kb.yaml"].Data = []byte(string(fsys["kb.yaml"].Data) + "description: \"The site's own description.\"\n")
			res, sink := generateMem(t, fsys, Options{})
			if len(res.Problems) > 0 {
				t.Fatal(res.Problems)
			}
			robots := string(sink.Files["robots.txt"])
			if !strings.HasPrefix(robots, "User-agent: *\n") {
				t.Errorf("robots.txt does not start with a User-agent line:\n%s", robots)
			}
			if got := strings.Contains(robots, "Sitemap:"); got != (tt.wantSitemap != "") || !strings.Contains(robots, tt.wantSitemap) {
				t.Errorf("robots.txt:\n%s\nwant sitemap line %q", robots, tt.wantSitemap)
			}
			for _, page := range []string{"search/index.html", "404.html", "tags/index.html"} {
				if html := string(sink.Files[page]); !strings.Contains(html, `<meta name="description" content="The site&#39;s own description.">`) {
					t.Errorf("%s has no meta description from kb.yaml", page)
				}
			}
		})
	}
}

// TestXMLWriter: the sitemap and the feed are written by hand as
// encoding/xml marshals them, byte for byte, whatever their text holds.
func TestXMLWriter(t *testing.T) {
	t.Parallel()
	marshal := func(v any) []byte {
		var b bytes.Buffer
		b.WriteString(xml.Header)
		enc := xml.NewEncoder(&b)
		enc.Indent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		b.WriteByte('\n')
		return b.Bytes()
	}
	texts := []string{"", "plain", `<a href="x">&amp; 'q'</a>`, "line\nbreak\ttab\r", "\xff\xfe invalid", "\ufffd", "ctrl \x01\x1f", "del \x7f", "Art. 61 — «quoted» ☃"}
	for i := range texts {
		text := texts[i]
		other := texts[(i+1)%len(texts)]
		var urls []sitemapURL
		var entries []atomEntry
		for j := range i % 3 {
			urls = append(urls, sitemapURL{Loc: text + fmt.Sprint(j), LastMod: []string{"", other}[j%2]})
			entries = append(entries, atomEntry{Title: text, ID: other, Link: atomLink{Href: text, Rel: []string{"", other}[j%2]},
				Updated: other, Summary: []string{"", text}[j%2]})
		}
		if got, want := written(t, func(out io.Writer) error { return sitemapXML(out, urls) }), marshal(struct {
			XMLName xml.Name     `xml:"urlset"`
			NS      string       `xml:"xmlns,attr"`
			URLs    []sitemapURL `xml:"url"`
		}{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: urls}); !bytes.Equal(got, want) {
			t.Errorf("sitemap %d:\n got %q\nwant %q", i, got, want)
		}
		f := atomFeed{Title: text, ID: other, Links: []atomLink{{Href: text}, {Href: other, Rel: "self"}}, Updated: text, Author: other, Entries: entries}
		if got, want := written(t, func(out io.Writer) error { return feedXML(out, f) }), marshal(struct {
			XMLName xml.Name    `xml:"feed"`
			NS      string      `xml:"xmlns,attr"`
			Title   string      `xml:"title"`
			ID      string      `xml:"id"`
			Links   []atomLink  `xml:"link"`
			Updated string      `xml:"updated"`
			Author  string      `xml:"author>name"`
			Entries []atomEntry `xml:"entry"`
		}{NS: "http://www.w3.org/2005/Atom", Title: f.Title, ID: f.ID, Links: f.Links, Updated: f.Updated, Author: f.Author, Entries: entries}); !bytes.Equal(got, want) {
			t.Errorf("feed %d:\n got %q\nwant %q", i, got, want)
		}
	}
}

// written is what write writes.
func written(t *testing.T, write func(io.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
