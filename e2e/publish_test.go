package e2e

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testPublishingFiles checks what hosts and crawlers read besides pages:
// sitemap.xml, robots.txt, atom.xml and the 404 page, fetched from the
// sub-path, well-formed and pointing at live URLs.
func testPublishingFiles(t *testing.T, s *published) {
	c := newLinkChecker(s)

	t.Run("sitemap", func(t *testing.T) {
		var sm struct {
			XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
			URLs    []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"url"`
		}
		decodeXML(t, get(t, s, "sitemap.xml", http.StatusOK), &sm)
		pages := 0
		for _, f := range s.htmlFiles() {
			if f != "404.html" && !isNoindex(filepath.Join(s.dir, f)) {
				pages++
			}
		}
		if len(sm.URLs) != pages {
			t.Errorf("sitemap lists %d URLs, the site has %d pages to index", len(sm.URLs), pages)
		}
		for _, u := range sm.URLs {
			if !strings.HasPrefix(u.Loc, s.baseURL) {
				t.Errorf("sitemap <loc>%s</loc> is not an absolute URL under %s", u.Loc, s.baseURL)
			}
			if err := c.check(s.baseURL, u.Loc); err != nil {
				t.Errorf("sitemap <loc>%s</loc>: %v", u.Loc, err)
			}
			// A W3C date (a file's day, an as_of) or date and time (a commit's).
			_, errDay := time.Parse(time.DateOnly, u.LastMod)
			_, errTime := time.Parse(time.RFC3339, u.LastMod)
			if u.LastMod != "" && errDay != nil && errTime != nil {
				t.Errorf("sitemap <lastmod>%s</lastmod> for %s is not a W3C date", u.LastMod, u.Loc)
			}
		}
	})

	t.Run("robots", func(t *testing.T) {
		robots := string(get(t, s, "robots.txt", http.StatusOK))
		want := "Sitemap: " + s.url("sitemap.xml")
		if !strings.Contains(robots, "\n"+want+"\n") {
			t.Errorf("robots.txt does not point to the sitemap (%q):\n%s", want, robots)
		}
		if !strings.HasPrefix(robots, "User-agent: *\n") {
			t.Errorf("robots.txt does not start with a User-agent line:\n%s", robots)
		}
	})

	t.Run("nojekyll", func(t *testing.T) {
		// GitHub Pages publishing from a branch would otherwise run Jekyll.
		get(t, s, ".nojekyll", http.StatusOK)
	})

	t.Run("atom", func(t *testing.T) {
		type link struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			Title   string   `xml:"title"`
			ID      string   `xml:"id"`
			Updated string   `xml:"updated"`
			Author  string   `xml:"author>name"`
			Links   []link   `xml:"link"`
			Entries []struct {
				Title   string `xml:"title"`
				ID      string `xml:"id"`
				Updated string `xml:"updated"`
				Link    link   `xml:"link"`
			} `xml:"entry"`
		}
		decodeXML(t, get(t, s, "atom.xml", http.StatusOK), &feed)
		if feed.Title == "" || feed.ID != s.baseURL || feed.Author == "" {
			t.Errorf("feed title %q, id %q, author %q: want all set, id %q", feed.Title, feed.ID, feed.Author, s.baseURL)
		}
		updated, err := time.Parse(time.RFC3339, feed.Updated)
		if err != nil {
			t.Errorf("feed <updated>: %v", err)
		}
		self := false
		for _, l := range feed.Links {
			self = self || (l.Rel == "self" && l.Href == s.url("atom.xml"))
		}
		if !self {
			t.Errorf("feed has no rel=self link to %s: %+v", s.url("atom.xml"), feed.Links)
		}
		if len(feed.Entries) < 10 {
			t.Fatalf("feed has %d entries; the shipped content has dated pages", len(feed.Entries))
		}
		prev := updated
		ids := map[string]bool{}
		changes := 0
		for _, e := range feed.Entries {
			if ids[e.ID] {
				t.Errorf("entry id %s is not unique", e.ID)
			}
			ids[e.ID] = true
			when, err := time.Parse(time.RFC3339, e.Updated)
			if err != nil {
				t.Errorf("entry %q <updated>: %v", e.Title, err)
			}
			if when.After(prev) {
				t.Errorf("entry %q (%s) is newer than the one before it or the feed: entries are not newest first", e.Title, e.Updated)
			}
			prev = when
			// A page's entry is identified by its address; a change note's
			// by its page's, day and text, and links to the section changed.
			page, _, _ := strings.Cut(e.Link.Href, "#")
			if note := strings.HasPrefix(e.ID, page+"#change-"); note {
				changes++
			} else if e.ID != e.Link.Href {
				t.Errorf("entry %q: id %q is neither its link %q nor a change note of its page", e.Title, e.ID, e.Link.Href)
			}
			if e.Title == "" || !strings.HasPrefix(e.Link.Href, s.baseURL) {
				t.Errorf("entry title %q, link %q: want a title and a link under %s", e.Title, e.Link.Href, s.baseURL)
			}
			if err := c.check(s.baseURL, e.Link.Href); err != nil {
				t.Errorf("entry %q: %v", e.Title, err)
			}
		}
		if changes == 0 {
			t.Error("the feed carries no change note; the shipped content has some")
		}
	})

	t.Run("404", func(t *testing.T) {
		body := string(get(t, s, "no/such/page/", http.StatusNotFound))
		if !strings.Contains(body, "Page not found") {
			t.Errorf("a missing page is not answered with 404.html:\n%s", body)
		}
		doc, err := parseHTML(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		// Hosts serve 404.html at any depth: its URLs must not be relative.
		for _, r := range doc.refs {
			if !strings.HasPrefix(r.value, basePath) && !strings.HasPrefix(r.value, s.baseURL) && !strings.HasPrefix(r.value, "#") {
				t.Errorf("404.html: <%s %s=%q> breaks when served at another depth", r.tag, r.attr, r.value)
			}
			if strings.HasPrefix(r.value, "#") {
				continue // the skip link: the page's own fragment
			}
			if err := c.check(s.url("no/such/page/"), r.value); err != nil {
				t.Errorf("404.html at a deep URL: <%s %s=%q>: %v", r.tag, r.attr, r.value, err)
			}
		}
	})
}

// get fetches a site path and checks the status.
func get(t *testing.T, s *published, sitePath string, status int) []byte {
	t.Helper()
	resp, err := http.Get(s.url(sitePath))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d", s.url(sitePath), resp.StatusCode, status)
	}
	return body
}

// decodeXML decodes strictly: the file must be well-formed and its root
// element must match v's (namespace included).
func decodeXML(t *testing.T, data []byte, v any) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(xml.Header)) {
		t.Errorf("no XML declaration: %.60q", data)
	}
	if err := xml.Unmarshal(data, v); err != nil {
		t.Fatalf("%v", err)
	}
	// Unmarshal ignores what v does not name; a full token pass catches
	// any malformed remainder.
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		if _, err := d.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("malformed XML: %v", err)
		}
	}
}

// testNoPreviewCode checks that nothing of the preview server — its
// /_kb/ endpoints, its live-reload EventSource — is in the output.
func testNoPreviewCode(t *testing.T, s *published) {
	for _, file := range s.files {
		data, err := os.ReadFile(filepath.Join(s.dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"/_kb/", "EventSource"} {
			if i := bytes.Index(data, []byte(bad)); i >= 0 {
				t.Errorf("%s contains preview-server code %q: …%s…", file, bad, data[max(0, i-40):min(len(data), i+40)])
			}
		}
	}
}
