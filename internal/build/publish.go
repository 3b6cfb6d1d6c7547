package build

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
)

// publishFiles makes what static hosts and crawlers expect beside the
// pages: sitemap.xml, robots.txt pointing at it, and an Atom feed of pages
// by as_of (or date). URLs are absolute when base_url has a host. A
// .nojekyll file tells GitHub Pages, when it publishes from a branch, to
// serve the files as they are.
func (g *generation) publishFiles(pages []string) map[string][]byte {
	return map[string][]byte{
		"sitemap.xml": g.sitemap(pages),
		"robots.txt":  g.robots(),
		"atom.xml":    g.feed(),
		".nojekyll":   []byte("GitHub Pages: serve these files as they are, without Jekyll.\n"),
	}
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists every page file written, except the 404 page and
// writers' pages.
func (g *generation) sitemap(pages []string) []byte {
	var urls []sitemapURL
	for _, name := range pages {
		if !strings.HasSuffix(name, "index.html") {
			continue
		}
		url := "/" + strings.TrimSuffix(name, "index.html")
		u := sitemapURL{Loc: g.site.Config.Absolute(url)}
		if p := g.site.ByURL(url); p != nil {
			if p.ForWriters() {
				continue
			}
			u.LastMod = g.lastMod(p)
		}
		urls = append(urls, u)
	}
	return marshalXML(struct {
		XMLName xml.Name     `xml:"urlset"`
		NS      string       `xml:"xmlns,attr"`
		URLs    []sitemapURL `xml:"url"`
	}{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: urls})
}

// robots names the sitemap only when base_url is an absolute URL: the
// Sitemap line must be one, and a path such as "/sitemap.xml" is invalid.
func (g *generation) robots() []byte {
	robots := "User-agent: *\nAllow: /\n"
	if sitemap := g.site.Config.Absolute("/sitemap.xml"); strings.HasPrefix(sitemap, "https://") || strings.HasPrefix(sitemap, "http://") {
		robots += "\nSitemap: " + sitemap + "\n"
	}
	return []byte(robots)
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Link    atomLink `xml:"link"`
	Updated string   `xml:"updated"`
	Summary string   `xml:"summary,omitempty"`
}

// feed is an Atom feed of readers' content pages, last updated first
// (see lastMod). Dates come from git or the content, never the clock, so
// the feed of a commit is always the same.
func (g *generation) feed() []byte {
	var entries []atomEntry
	for _, p := range g.site.Pages {
		if p.File == "" || p.IsSection || p.ForWriters() {
			continue
		}
		if day := g.lastMod(p); day != "" {
			if len(day) == len(time.DateOnly) {
				day += "T00:00:00Z"
			}
			abs := g.site.Config.Absolute(p.URL)
			entries = append(entries, atomEntry{Title: p.Title, ID: abs, Link: atomLink{Href: abs}, Updated: day, Summary: p.Summary})
		}
	}
	entries = append(entries, g.changeEntries()...)
	slices.SortStableFunc(entries, func(a, b atomEntry) int {
		return cmp.Or(cmp.Compare(b.Updated, a.Updated), cmp.Compare(a.ID, b.ID))
	})
	updated := "1970-01-01T00:00:00Z"
	if len(entries) > 0 {
		updated = entries[0].Updated
	}
	home := g.site.Config.Absolute("/")
	return marshalXML(struct {
		XMLName xml.Name    `xml:"feed"`
		NS      string      `xml:"xmlns,attr"`
		Title   string      `xml:"title"`
		ID      string      `xml:"id"`
		Links   []atomLink  `xml:"link"`
		Updated string      `xml:"updated"`
		Author  string      `xml:"author>name"`
		Entries []atomEntry `xml:"entry"`
	}{NS: "http://www.w3.org/2005/Atom", Title: g.site.Config.Title, ID: home,
		Links:   []atomLink{{Href: home}, {Href: g.site.Config.Absolute("/atom.xml"), Rel: "self"}},
		Updated: updated, Author: g.site.Config.Title, Entries: entries})
}

func marshalXML(v any) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic(err) // only fixed struct types are encoded here
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// redirects returns a page at each old address of a moved page (its
// moved_from:), sending the reader on to where it is now: a meta refresh
// and a canonical link, as static hosting allows. They are listed nowhere
// else: not in the sitemap, the feed, search or any list.
func (g *generation) redirects() map[string][]byte {
	out := map[string][]byte{}
	for _, r := range g.site.Redirects() {
		href := g.href(r.To.URL)
		canonical := g.site.Config.Absolute(r.To.URL)
		var b strings.Builder
		fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", html.EscapeString(g.site.Config.Language))
		fmt.Fprintf(&b, "<title>Moved: %s</title>\n", html.EscapeString(r.To.Title))
		fmt.Fprintf(&b, "<link rel=\"canonical\" href=\"%s\">\n", html.EscapeString(canonical))
		b.WriteString("<meta name=\"robots\" content=\"noindex\">\n")
		if icon := g.faviconPath(); icon != "" { // else browsers ask for /favicon.ico
			fmt.Fprintf(&b, "<link rel=\"icon\" href=\"%s\" type=\"image/svg+xml\">\n", html.EscapeString(g.href("/"+icon)))
		}
		fmt.Fprintf(&b, "<meta http-equiv=\"refresh\" content=\"0; url=%s\">\n", html.EscapeString(href))
		fmt.Fprintf(&b, "</head>\n<body>\n<p>This page has moved to <a href=\"%s\">%s</a>.</p>\n</body>\n</html>\n", html.EscapeString(href), html.EscapeString(r.To.Title))
		out[outputPath(r.From)] = []byte(b.String())
	}
	return out
}

// faviconPath is the published path of the theme's icon, "" for none.
func (g *generation) faviconPath() string {
	if g.theme == nil {
		return ""
	}
	return g.theme.AssetPath("favicon.svg")
}
