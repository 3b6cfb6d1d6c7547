package build

import (
	"bufio"
	"cmp"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// publishFiles makes what static hosts and crawlers expect beside the
// pages: sitemap.xml, robots.txt pointing at it, and an Atom feed of pages
// by as_of (or date). URLs are absolute when base_url has a host. A
// .nojekyll file tells GitHub Pages, when it publishes from a branch, to
// serve the files as they are. Each comes as the function that writes it:
// a large site's feed and sitemap are tens of MB, written as they are made
// where the sink can take them so (see generation.publish).
func (g *generation) publishFiles(pages []string) map[string]func(io.Writer) error {
	return map[string]func(io.Writer) error{
		"sitemap.xml": func(out io.Writer) error { return sitemapXML(out, g.sitemap(pages)) },
		"robots.txt":  writeBytes(g.robots()),
		"atom.xml":    func(out io.Writer) error { return feedXML(out, g.feed()) },
		".nojekyll":   writeBytes([]byte("GitHub Pages: serve these files as they are, without Jekyll.\n")),
	}
}

// writeBytes writes data.
func writeBytes(data []byte) func(io.Writer) error {
	return func(out io.Writer) error {
		_, err := out.Write(data)
		return err
	}
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists every page file written, except the 404 page and
// writers' pages.
func (g *generation) sitemap(pages []string) []sitemapURL {
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
	return urls
}

// sitemapXML writes a sitemap to out.
func sitemapXML(out io.Writer, urls []sitemapURL) error {
	x := newXMLWriter(out)
	x.start("urlset", "xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")
	for _, u := range urls {
		x.start("url")
		x.elem("loc", u.Loc)
		if u.LastMod != "" {
			x.elem("lastmod", u.LastMod)
		}
		x.end("url")
	}
	x.end("urlset")
	return x.close()
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
func (g *generation) feed() atomFeed {
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
	return atomFeed{Title: g.site.Config.Title, ID: home,
		Links:   []atomLink{{Href: home}, {Href: g.site.Config.Absolute("/atom.xml"), Rel: "self"}},
		Updated: updated, Author: g.site.Config.Title, Entries: entries}
}

// atomFeed is an Atom feed's document.
type atomFeed struct {
	Title, ID string
	Links     []atomLink
	Updated   string
	Author    string
	Entries   []atomEntry
}

// feedXML writes an Atom feed to out.
func feedXML(out io.Writer, f atomFeed) error {
	x := newXMLWriter(out)
	x.start("feed", "xmlns", "http://www.w3.org/2005/Atom")
	x.elem("title", f.Title)
	x.elem("id", f.ID)
	for _, l := range f.Links {
		x.link(l)
	}
	x.elem("updated", f.Updated)
	x.start("author")
	x.elem("name", f.Author)
	x.end("author")
	for _, e := range f.Entries {
		x.start("entry")
		x.elem("title", e.Title)
		x.elem("id", e.ID)
		x.link(e.Link)
		x.elem("updated", e.Updated)
		if e.Summary != "" {
			x.elem("summary", e.Summary)
		}
		x.end("entry")
	}
	x.end("feed")
	return x.close()
}

// xmlWriter writes the sitemap and the feed as encoding/xml marshals them
// indented by two spaces, byte for byte (see TestXMLWriter), without its
// reflection: that was a third of an edit's rebuild at 10k pages, the
// feed listing every page.
type xmlWriter struct {
	b          *bufio.Writer // its error, the first, is the writer's
	depth      int
	indentedIn bool // the last element opened has nothing in it yet
	started    bool
}

// indent starts a line for a tag opening (delta 1) or closing (-1) an
// element, as encoding/xml's printer does: an element's end tag stays on
// the line of its start when nothing but text came between.
func (x *xmlWriter) indent(delta int) {
	if delta < 0 {
		x.depth--
		if x.indentedIn {
			x.indentedIn = false
			return
		}
	}
	if x.started {
		x.b.WriteByte('\n')
	} else {
		x.b.WriteString(xml.Header)
		x.started = true
	}
	for range x.depth {
		x.b.WriteString("  ")
	}
	if delta > 0 {
		x.depth++
		x.indentedIn = true
	}
}

// start opens element name with attributes, given as name, value pairs.
func (x *xmlWriter) start(name string, attrs ...string) {
	x.indent(1)
	x.b.WriteByte('<')
	x.b.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.b.WriteString(" " + attrs[i] + `="`)
		x.text(attrs[i+1])
		x.b.WriteByte('"')
	}
	x.b.WriteByte('>')
}

func (x *xmlWriter) end(name string) {
	x.indent(-1)
	x.b.WriteString("</" + name + ">")
}

// elem writes an element holding text.
func (x *xmlWriter) elem(name, text string) {
	x.start(name)
	x.text(text)
	x.end(name)
}

// link writes an Atom link, without rel when it has none.
func (x *xmlWriter) link(l atomLink) {
	if l.Rel == "" {
		x.start("link", "href", l.Href)
	} else {
		x.start("link", "href", l.Href, "rel", l.Rel)
	}
	x.end("link")
}

// text writes s escaped, as it is when it needs no escaping (most
// titles and summaries, whose bytes escaping copied).
func (x *xmlWriter) text(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= utf8.RuneSelf || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			_ = xml.EscapeText(x.b, []byte(s)) // an error stays in x.b
			return
		}
	}
	x.b.WriteString(s)
}

// newXMLWriter writes to out, buffered unless out is a bufio.Writer.
func newXMLWriter(out io.Writer) *xmlWriter { return &xmlWriter{b: bufio.NewWriter(out)} }

// close ends the document with a newline, and flushes it.
func (x *xmlWriter) close() error {
	x.b.WriteByte('\n')
	return x.b.Flush()
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
