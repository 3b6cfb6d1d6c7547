// Package site models a knowledge base: its configuration, its pages and
// their front matter, how references resolve, and the link graph between
// pages. It knows nothing of HTML; rendering is the render package's job.
package site

import (
	"path"
	"strings"

	"github.com/kb-legal/kb/internal/yamlpos"
)

// Page is one page of the site: a content file, or a section page generated
// for a folder that has no _index.md.
type Page struct {
	FrontMatter

	File      string // slash path under content/, e.g. "provisions/art-61.md"; "" if generated
	URL       string // site path, e.g. "/provisions/art-61/"; sections and home end in "/"
	Section   string // URL of the section listing this page; "" for the home page
	IsSection bool   // an _index.md or a generated section page
	Layout    string // for pages made by the build (glossary, tags, …): their layout; "" otherwise

	Body     []byte       // Markdown after the front matter
	BodyLine int          // line of the file where Body starts
	Pos      yamlpos.Keys // positions of front matter keys

	// Anchors are the page's linkable places, in document order. The build
	// fills them in after parsing the body.
	Anchors []Anchor
}

// Anchor is a place inside a page that references can target: a heading or
// a marked paragraph.
type Anchor struct {
	ID    string // the fragment, e.g. "p1-b"
	Label string // the heading text; "" for a marked paragraph
	Text  string // plain text of the paragraph or section start, for previews
	Line  int    // line in the content file
}

// Anchor returns the anchor with the given id.
func (p *Page) Anchor(id string) (Anchor, bool) {
	for _, a := range p.Anchors {
		if a.ID == id {
			return a, true
		}
	}
	return Anchor{}, false
}

// Generated returns a page the build makes from the site rather than from a
// file (a glossary, a tag page), so that references to it resolve.
func Generated(id, title, url, layout string) *Page {
	return &Page{FrontMatter: FrontMatter{ID: id, Title: title, Kind: "page"}, URL: url, Section: sectionOf(url), Layout: layout}
}

// URLFor maps a content file to its site path: "a/b.md" → "/a/b/",
// "a/_index.md" → "/a/", "_index.md" → "/".
func URLFor(file string) string {
	dir, name := path.Split(strings.TrimSuffix(file, ".md"))
	if name == "_index" {
		if dir == "" {
			return "/"
		}
		return "/" + dir
	}
	return "/" + dir + name + "/"
}

// sectionOf returns the URL of the section that lists the page at url.
func sectionOf(url string) string {
	if url == "/" {
		return ""
	}
	parent := path.Dir(strings.TrimSuffix(url, "/"))
	if parent == "/" {
		return "/"
	}
	return parent + "/"
}

// defaultID derives a page's id from its file path: "a/b.md" → "a-b".
// DefaultID is the id of a page whose front matter gives none, from its
// file under content/: "scenarios/sponsorship.md" → "scenarios-sponsorship".
func DefaultID(file string) string { return defaultID(file) }

func defaultID(file string) string {
	p := strings.TrimSuffix(file, ".md")
	p = strings.TrimSuffix(strings.TrimSuffix(p, "_index"), "/")
	if p == "" {
		return "home"
	}
	return strings.ToLower(strings.ReplaceAll(p, "/", "-"))
}
