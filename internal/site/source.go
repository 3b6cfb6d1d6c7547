package site

import (
	"cmp"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/diag"
)

// Sources are pages of kind: source: the documents the site relies on,
// official (the regulation, ESMA's guidelines) or secondary (a law firm's
// note). A source's id is what [@id, pinpoint] cites; its page lists every
// page that cites it.

// Reliabilities a source may declare, most authoritative first.
var reliabilities = []string{"primary", "secondary"}

// Reliabilities lists the reliability levels in the order a sources index
// shows them: primary sources first.
func Reliabilities() []string { return slices.Clone(reliabilities) }

// sourceFields are the front matter keys only sources may carry.
var sourceFields = []string{"publisher", "author", "published", "url", "reliability", "reference"}

// Official is the front matter "official:" of a provision or guideline
// page: the source publishing its official wording, and optionally the
// address of the page's own part of it.
type Official struct {
	Source string `yaml:"source"`
	URL    string `yaml:"url"`
}

// IsSource reports whether p is a source.
func (p *Page) IsSource() bool { return p.Kind == "source" && !p.IsSection }

// validateSource checks the fields of a source, and that other pages carry
// none of them.
func (d *Document) validateSource(file string) diag.List {
	var probs diag.List
	f := &d.Front
	bad := func(key, msg, hint string) {
		line, col := d.Pos.At(key)
		probs = append(probs, diag.Problem{File: file, Line: line, Col: col, Message: msg, Hint: hint})
	}
	if d.Pos.Has("official") {
		probs = append(probs, d.validateOfficial(file)...)
	}
	if f.Kind != "source" {
		for _, key := range sourceFields {
			if d.Pos.Has(key) {
				line, col := d.Pos.Key(key)
				probs = append(probs, diag.Problem{File: file, Line: line, Col: col, Message: key + ": is only for kind: source", Hint: "remove it or set kind: source"})
			}
		}
		return probs
	}
	if d.Pos.Has("official") {
		bad("official", "official: is not for a source", "name the official source on the provision or guideline page")
	}
	f.Publisher = strings.TrimSpace(f.Publisher)
	if f.Publisher == "" {
		bad(orKey(d.Pos, "publisher", "kind"), "a source needs publisher:", `add publisher: "European Securities and Markets Authority" (the author or publisher)`)
	}
	switch {
	case f.Published == "":
		bad(orKey(d.Pos, "published", "kind"), "a source needs published:", "add the date of the document, e.g. published: 2025-02-26")
	default:
		if _, err := time.Parse(time.DateOnly, f.Published); err != nil {
			bad("published", fmt.Sprintf("published %q is not a valid date", f.Published), "write dates as YYYY-MM-DD, e.g. 2025-02-26")
		}
	}
	if f.Address == "" {
		bad(orKey(d.Pos, "url", "kind"), "a source needs url:", `add the document's address, e.g. url: "https://eur-lex.europa.eu/eli/reg/2023/1114/oj"`)
	} else if msg := checkAddress("url", f.Address); msg != "" {
		bad("url", msg, "write an absolute http(s) address, e.g. https://www.esma.europa.eu/…")
	}
	switch {
	case f.Reliability == "":
		bad(orKey(d.Pos, "reliability", "kind"), "a source needs reliability:", "use one of "+strings.Join(reliabilities, ", "))
	case !slices.Contains(reliabilities, f.Reliability):
		bad("reliability", fmt.Sprintf("reliability %q is not one of %s", f.Reliability, strings.Join(reliabilities, ", ")), suggest(f.Reliability, reliabilities))
	case f.Reliability == "primary" && strings.TrimSpace(f.Reference) == "":
		bad(orKey(d.Pos, "reference", "reliability"), "a primary source needs reference:", "add its official reference, e.g. reference: \"CELEX 32023R1114\" or \"ESMA35-1872330276-2030\"")
	}
	return probs
}

// validateOfficial checks the official: field of a page.
func (d *Document) validateOfficial(file string) diag.List {
	var probs diag.List
	o := d.Front.Official
	bad := func(msg, hint string) {
		line, col := d.Pos.At("official")
		probs = append(probs, diag.Problem{File: file, Line: line, Col: col, Message: msg, Hint: hint})
	}
	if d.Front.Kind != "provision" && d.Front.Kind != "guideline" && d.Front.Kind != "source" {
		bad("official: is only for provision and guideline pages", "cite sources in the text with [@id, pinpoint] instead")
	}
	if strings.TrimSpace(o.Source) == "" {
		bad("official: needs source:", "name a source by its id, e.g. official: {source: mica}")
	}
	if o.URL != "" {
		if msg := checkAddress("official url", o.URL); msg != "" {
			bad(msg, "write an absolute http(s) address, or leave url out to use the source's")
		}
	}
	return probs
}

// checkAddress returns what is wrong with an outbound address, or "".
func checkAddress(field, addr string) string {
	u, err := url.Parse(addr)
	switch {
	case err != nil || strings.ContainsAny(addr, " \t\n"):
		return fmt.Sprintf("%s %q is not a valid address", field, addr)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%s %q is not an http(s) address", field, addr)
	case u.Host == "":
		return fmt.Sprintf("%s %q has no host", field, addr)
	}
	return ""
}

// checkSources checks what needs the whole site: official: names an
// existing source.
func (s *Site) checkSources() diag.List {
	var probs diag.List
	for _, p := range s.Pages {
		if p.Official.Source == "" {
			continue
		}
		if _, err := s.Source(p.Official.Source); err != nil {
			probs = append(probs, pageProblem(p, "official", "official: "+err.Error(), hintOf(err)))
		}
	}
	return probs
}

func hintOf(err error) string {
	if re, ok := err.(*ResolveError); ok {
		return re.Hint
	}
	return ""
}

// Sources returns the site's sources, by reliability (primary first), then
// title and URL.
func (s *Site) Sources() []*Page {
	var out []*Page
	for _, p := range s.Pages {
		if p.IsSource() {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *Page) int {
		return cmp.Or(cmp.Compare(slices.Index(reliabilities, a.Reliability), slices.Index(reliabilities, b.Reliability)),
			cmp.Compare(a.Title, b.Title), cmp.Compare(a.URL, b.URL))
	})
	return out
}

// Source finds the source with the given id, or explains, with the closest
// source id, why there is none.
func (s *Site) Source(id string) (*Page, error) {
	id = strings.TrimSpace(id)
	if p := s.byID[id]; p != nil && p.IsSource() {
		return p, nil
	}
	var ids []string
	for _, p := range s.Sources() {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	msg := fmt.Sprintf("unknown source %q", id)
	hint := "no source has that id; add content/sources/" + path.Base(id) + ".md with kind: source"
	if p := s.byID[id]; p != nil {
		msg = fmt.Sprintf("%q is a page, not a source", id)
		hint = "cite a page with [[" + id + "]]; sources: " + strings.Join(firstN(ids, 8), ", ")
	}
	if len(ids) == 0 {
		hint = "the site has no sources yet; add content/sources/<id>.md with kind: source"
	}
	if near := Nearest(id, ids); near != "" {
		hint = fmt.Sprintf("did you mean %q?", near)
	}
	return nil, &ResolveError{Message: msg, Hint: hint}
}

// OfficialText is where the official wording of a page is published.
type OfficialText struct {
	Source *Page  // the source (kind: source): title, publisher, reference
	URL    string // the page's official.url, or else the source's url
}

// Official returns where p's official wording is published, from its
// official: field; ok is false for a page without one (or naming no
// source, which New reports).
func (s *Site) Official(p *Page) (OfficialText, bool) {
	if p.Official.Source == "" {
		return OfficialText{}, false
	}
	src, err := s.Source(p.Official.Source)
	if err != nil {
		return OfficialText{}, false
	}
	return OfficialText{Source: src, URL: cmp.Or(p.Official.URL, src.Address)}, true
}

// OfficialSource returns the source that publishes p's official wording,
// or nil: its Reference ("ESMA35-1872330276-2030") and Cite or Title name
// the document in a pinpoint citation.
func (s *Site) OfficialSource(p *Page) *Page {
	o, _ := s.Official(p)
	return o.Source
}
