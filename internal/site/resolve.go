package site

import (
	"fmt"
	"html"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"
)

// Target is where a reference lands: a page and, optionally, an anchor.
type Target struct {
	Page   *Page
	Anchor string
}

// ResolveError explains why a reference does not resolve, with a hint.
type ResolveError struct {
	Message string
	Hint    string
}

func (e *ResolveError) Error() string { return e.Message }

// Resolve finds the target of a reference as written inside [[…]], without
// its label: "id", "id#anchor", a cite key ("MiCA Art. 61") or a cite key
// with a pinpoint ("MiCA Art. 61(1)(b)" → anchor "p1-b", "MiCA Art. 61(1),
// second subparagraph" → "p1-sub2"; see Scheme.Pinpoint for the reverse),
// or a document's paragraph ("ESMA Guidelines on reverse solicitation,
// para. 12" → the guideline page with anchor para-12).
func (s *Site) Resolve(ref string) (Target, error) {
	ref = strings.TrimSpace(ref)
	key, anchor, hasAnchor := strings.Cut(ref, "#")
	key = strings.TrimSpace(key)
	if key == "" {
		return Target{}, &ResolveError{Message: "empty reference", Hint: "write [[page-id]] or [[MiCA Art. 61(2)]]"}
	}
	t, ok := s.lookup(key, hasAnchor)
	if !ok {
		if d, isDraft := s.drafts.lookup(key, hasAnchor); isDraft {
			return Target{}, draftError(d.Page)
		}
		return Target{}, &ResolveError{
			Message: fmt.Sprintf("unresolved reference %q", key),
			Hint:    s.suggestKey(key),
		}
	}
	if hasAnchor {
		t.Anchor = anchor
	}
	return t, s.checkAnchor(t)
}

// draftError is a reference to a page left out because it is a draft.
func draftError(d *Page) error {
	return &ResolveError{Message: fmt.Sprintf("cites draft page %q (not published)", d.ID),
		Hint: path.Join("content", d.File) + " has draft: true: publish it first by removing that line, or cite it later"}
}

func (s *Site) lookup(key string, hasAnchor bool) (Target, bool) {
	if s == nil {
		return Target{}, false
	}
	if p := s.byID[key]; p != nil {
		return Target{Page: p}, true
	}
	if p := s.byCite[key]; p != nil {
		return Target{Page: p}, true
	}
	if hasAnchor {
		return Target{}, false
	}
	// A cite key and a pinpoint: "MiCA Art. 61(1)(b)" tries "MiCA Art.
	// 61(1)" with "(b)", then "MiCA Art. 61" with "(1)(b)", anchor p1-b.
	for open := strings.LastIndexByte(key, '('); open > 0; open = strings.LastIndexByte(key[:open], '(') {
		p := s.byCite[strings.TrimSpace(key[:open])]
		if p == nil {
			continue
		}
		if anchor, ok := parseCiteSuffix(key[open:]); ok {
			return Target{Page: p, Anchor: anchor}, true
		}
	}
	if t, ok := s.lookupParagraph(key); ok {
		return t, true
	}
	return s.lookupCitation(key)
}

// lookupCitation resolves a reference written as a lawyer cites in
// running text ("Art. 61(1), second subparagraph", "Recital 75", "para
// 13") when it names exactly one pinpoint of the site.
func (s *Site) lookupCitation(ref string) (Target, bool) {
	cs := FindCitations(ref)
	if len(cs) != 1 || cs[0].Start != 0 || cs[0].End != len(ref) {
		return Target{}, false
	}
	return s.ResolveCitation(cs[0])
}

// lookupParagraph finds a numbered paragraph of a document, cited as
// Scheme.Pinpoint writes it ("ESMA Guidelines on reverse solicitation
// (ESMA35-1872330276-2030), para. 12", the reference in brackets
// optional), on the guideline page of that document that has it.
func (s *Site) lookupParagraph(key string) (Target, bool) {
	at := strings.LastIndex(key, ", para. ")
	if at < 0 {
		return Target{}, false
	}
	doc, label := strings.TrimSpace(key[:at]), strings.TrimSpace(key[at+len(", para. "):])
	number := label[:len(label)-len(strings.TrimLeft(label, "0123456789"))]
	anchor, ok := parseCiteSuffix("(" + number + ")" + label[len(number):])
	if number == "" || !ok {
		return Target{}, false
	}
	anchor = "para-" + strings.TrimPrefix(anchor, "p")
	for _, p := range s.Pages {
		src := s.OfficialSource(p)
		if p.Kind != "guideline" || src == nil {
			continue
		}
		sc := s.SchemeOf(p)
		if doc != sc.Document && doc != sc.Document+" ("+sc.Reference+")" && doc != src.Cite && doc != src.Title {
			continue
		}
		if _, ok := p.Anchor(anchor); ok {
			return Target{Page: p, Anchor: anchor}, true
		}
	}
	return Target{}, false
}

func (s *Site) checkAnchor(t Target) error {
	if t.Anchor == "" {
		return nil
	}
	if _, ok := t.Page.Anchor(t.Anchor); ok {
		return nil
	}
	ids := make([]string, len(t.Page.Anchors))
	for i, a := range t.Page.Anchors {
		ids[i] = a.ID
	}
	hint := "the page has no anchors; mark one with {#id} on a heading or at the start of a paragraph"
	if len(ids) > 0 {
		hint = "anchors on that page: " + strings.Join(firstN(ids, 8), ", ")
		if near := Nearest(t.Anchor, ids); near != "" {
			hint = fmt.Sprintf("did you mean #%s?", near)
		}
	}
	return &ResolveError{Message: fmt.Sprintf("%s has no anchor #%s", describe(t.Page), t.Anchor), Hint: hint}
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(slices.Clone(s[:n]), "…")
	}
	return s
}

// nextIndex is the index of the next c in s after i, or -1.
func nextIndex(s string, i int, c byte) int {
	if j := strings.IndexByte(s[i+1:], c); j >= 0 {
		return i + 1 + j
	}
	return -1
}

func (s *Site) suggestKey(key string) string {
	// A page that moved had, without an explicit id, the id of its old path.
	for _, r := range s.Redirects() {
		if oldFileID(r.From) == key {
			return fmt.Sprintf("did you mean %q? %s moved from %s", r.To.ID, describe(r.To), r.From)
		}
	}
	options := append(s.IDs(), s.CiteKeys()...)
	base := strings.TrimSpace(key)
	// The cite key without its pinpoint: cut at the first bracket that
	// starts one.
	for open := strings.IndexByte(base, '('); open > 0; open = nextIndex(base, open, '(') {
		if _, ok := parseCiteSuffix(base[open:]); ok {
			base = strings.TrimSpace(base[:open])
			break
		}
	}
	if near := Nearest(base, options); near != "" {
		return fmt.Sprintf("did you mean %q?", near)
	}
	return "no page has that id or cite key"
}

// LinkKind is what a plain Markdown link leads to.
type LinkKind uint8

const (
	LinkPage     LinkKind = iota // a page of the site, or a place on one
	LinkExternal                 // another site, or an address with a scheme (mailto:, data:image/…)
	LinkFile                     // a file published as it is: a site path with an extension
)

// ResolveLink resolves the destination of a plain Markdown link written on
// page from. Only links to pages are checked and get a Target: external
// links are never checked, but for schemes that run code or embed a
// document, which the page would drop; whether a linked file exists is not
// this package's to know.
func (s *Site) ResolveLink(from *Page, dest string) (Target, LinkKind, error) {
	dest = html.UnescapeString(dest) // Markdown decodes "&#106;" and the like in addresses
	u, perr := url.Parse(dest)
	if perr != nil {
		return Target{}, LinkPage, &ResolveError{Message: fmt.Sprintf("malformed link %q", dest), Hint: perr.Error()}
	}
	if unsafeScheme(u) {
		return Target{}, LinkPage, &ResolveError{Message: fmt.Sprintf("link to a %s: address", strings.ToLower(u.Scheme)),
			Hint: "such links are removed from the page; link to a page, a file or an https address"}
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(dest, "//") {
		return Target{}, LinkExternal, nil
	}
	p := u.Path
	var target *Page
	switch {
	case p == "":
		target = from
	case strings.HasSuffix(p, ".md"):
		file := p
		if !strings.HasPrefix(p, "/") {
			file = path.Join(path.Dir(from.File), p)
		}
		file = strings.TrimPrefix(strings.TrimPrefix(path.Clean(file), "/"), "content/")
		target = s.byFile[file]
		if d := s.drafts.ByFile(file); target == nil && d != nil {
			return Target{}, LinkPage, draftError(d)
		}
		if target == nil {
			return Target{}, LinkPage, &ResolveError{Message: fmt.Sprintf("link to missing file %q", p), Hint: s.suggestFile(file)}
		}
	default:
		if !strings.HasPrefix(p, "/") {
			p = path.Join(from.URL, p)
		}
		p = path.Clean(p)
		if path.Ext(p) != "" {
			// A static file, not a page: its existence is not ours to check here.
			return Target{}, LinkFile, nil
		}
		if p != "/" {
			p += "/"
		}
		target = s.byURL[p]
		if target == nil {
			target = s.moved[p] // an old address: link the page where it is now
		}
		if target == nil {
			return Target{}, LinkPage, &ResolveError{Message: fmt.Sprintf("link to missing page %q", u.Path), Hint: s.suggestURL(p)}
		}
	}
	t := Target{Page: target, Anchor: u.Fragment}
	return t, LinkPage, s.checkAnchor(t)
}

// oldFileID is the id a page at url had when its id came from its file.
func oldFileID(url string) string {
	return defaultID(strings.TrimSuffix(strings.TrimPrefix(url, "/"), "/") + ".md")
}

func (s *Site) suggestFile(file string) string {
	if p := s.moved[URLFor(file)]; p != nil {
		return fmt.Sprintf("did you mean content/%s? It moved from %s", p.File, URLFor(file))
	}
	if near := nearestKey(file, s.byFile); near != "" {
		return fmt.Sprintf("did you mean content/%s?", near)
	}
	return "paths are relative to the linking file"
}

func (s *Site) suggestURL(u string) string {
	if near := nearestKey(u, s.byURL); near != "" {
		return fmt.Sprintf("did you mean %s?", near)
	}
	return "site paths look like /section/page/"
}

// nearestKey is Nearest over a map's keys, taken in sorted order so that
// ties break the same way every run.
func nearestKey(s string, m map[string]*Page) string {
	return Nearest(s, slices.Sorted(maps.Keys(m)))
}

// unsafeScheme reports the schemes the Markdown renderer drops from links:
// those that run code, local files, and data other than images.
func unsafeScheme(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "javascript", "vbscript", "file":
		return true
	case "data":
		for _, image := range []string{"image/png", "image/gif", "image/jpeg", "image/webp"} {
			if strings.HasPrefix(strings.ToLower(u.Opaque), image) {
				return false
			}
		}
		return true
	}
	return false
}
