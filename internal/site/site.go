package site

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/diag"
)

// Site is a loaded knowledge base: its pages indexed by id, cite key and URL.
type Site struct {
	Config Config
	Pages  []*Page // sorted by URL

	byID   map[string]*Page
	byCite map[string]*Page
	byURL  map[string]*Page
	byFile map[string]*Page

	drafts *Site            // the draft pages left out, so a reference to one says so; nil for none
	moved  map[string]*Page // old URL (moved_from) → the page now
}

// Redirect is an old address of a page that moved.
type Redirect struct {
	From string // the old URL, "/a/b/"
	To   *Page
}

// Redirects lists the old addresses of pages that moved, sorted.
func (s *Site) Redirects() []Redirect {
	out := make([]Redirect, 0, len(s.moved))
	for from, p := range s.moved {
		out = append(out, Redirect{From: from, To: p})
	}
	slices.SortFunc(out, func(a, b Redirect) int { return cmp.Compare(a.From, b.From) })
	return out
}

// Moved returns the page that was at url before it moved, or nil.
func (s *Site) Moved(url string) *Page { return s.moved[url] }

// Source is one content file: its path under content/, its bytes and its
// modification time (zero when unknown).
type Source struct {
	File string
	Data []byte
	Mod  time.Time
}

// ParsePage parses one content file into a page; drafts are returned too,
// callers decide whether to keep them.
func ParsePage(src Source) (*Page, diag.List) {
	doc, probs := Parse(path.Join("content", src.File), src.Data)
	if doc == nil {
		return nil, probs
	}
	p := &Page{
		FrontMatter: doc.Front,
		File:        src.File,
		URL:         URLFor(src.File),
		Body:        doc.Body,
		BodyLine:    doc.BodyLine,
		Pos:         doc.Pos,
	}
	p.IsSection = path.Base(src.File) == "_index.md"
	p.Section = sectionOf(p.URL)
	if p.ID == "" {
		p.ID = defaultID(src.File)
		if p.IsSource() {
			p.ID = strings.ToLower(strings.TrimSuffix(path.Base(src.File), ".md")) // cited as [@id]: short
		}
	}
	return p, probs
}

// New assembles a site from parsed pages: it adds a section page for every
// folder without an _index.md and checks that ids, cite keys and URLs are
// unique.
func New(cfg Config, pages []*Page) (*Site, diag.List) {
	n := len(pages)
	s := &Site{Config: cfg, byID: make(map[string]*Page, n), byCite: make(map[string]*Page, n),
		byURL: make(map[string]*Page, n), byFile: make(map[string]*Page, n)}
	var probs diag.List
	pages = slices.Clone(pages)
	slices.SortFunc(pages, func(a, b *Page) int { return cmp.Compare(a.File, b.File) })
	for _, p := range pages {
		if prev, dup := s.byURL[p.URL]; dup {
			probs = append(probs, pageProblem(p, "", fmt.Sprintf("%s and %s both make the page %s", prev.File, p.File, p.URL), "rename one of the files"))
			continue
		}
		s.byURL[p.URL] = p
	}
	// Every ancestor section of every page exists, generated if need be.
	for _, p := range pages {
		for sec := p.Section; sec != ""; sec = sectionOf(sec) {
			if _, ok := s.byURL[sec]; ok {
				continue
			}
			s.byURL[sec] = generatedSection(sec)
		}
	}
	if _, ok := s.byURL["/"]; !ok {
		s.byURL["/"] = generatedSection("/")
	}
	for _, p := range s.byURL {
		s.Pages = append(s.Pages, p)
	}
	slices.SortFunc(s.Pages, func(a, b *Page) int { return cmp.Compare(a.URL, b.URL) })
	for _, p := range s.Pages {
		if p.File != "" {
			s.byFile[p.File] = p
		}
		if prev, dup := s.byID[p.ID]; dup {
			// On both files: the writer may have edited either.
			probs = append(probs, pageProblem(p, "id", fmt.Sprintf("duplicate id %q, also used by %s", p.ID, describe(prev)), "ids must be unique; change one of them"))
			if prev.File != "" {
				probs = append(probs, pageProblem(prev, "id", fmt.Sprintf("duplicate id %q, also used by %s", p.ID, describe(p)), "ids must be unique; change one of them"))
			}
		} else {
			s.byID[p.ID] = p
		}
		if p.Cite == "" {
			continue
		}
		if prev, dup := s.byCite[p.Cite]; dup {
			probs = append(probs, pageProblem(p, "cite", fmt.Sprintf("ambiguous cite key %q, also used by %s", p.Cite, describe(prev)), "cite keys must be unique"),
				pageProblem(prev, "cite", fmt.Sprintf("ambiguous cite key %q, also used by %s", p.Cite, describe(p)), "cite keys must be unique"))
		} else {
			s.byCite[p.Cite] = p
		}
	}
	probs = append(probs, s.checkSources()...)
	probs = append(probs, s.checkMoves()...)
	probs = append(probs, s.checkTerms()...)
	probs = append(probs, s.checkScenarios()...)
	return s, probs.Sort()
}

// checkMoves indexes the old addresses of moved pages: one must not be
// the address of a page, nor claimed by two pages.
func (s *Site) checkMoves() diag.List {
	var probs diag.List
	s.moved = map[string]*Page{}
	for _, p := range s.Pages {
		for _, old := range p.MovedFrom {
			if now := s.byURL[old]; now != nil {
				probs = append(probs, pageProblem(p, "moved_from", fmt.Sprintf("moved_from %s is the address of %s", old, describe(now)),
					"a page still lives there; remove the old address, or move that page too"))
				continue
			}
			if prev := s.moved[old]; prev != nil {
				if prev != p {
					msg := "moved_from %s is also claimed by %s"
					hint := "an old address redirects to one page; keep it on one of them"
					probs = append(probs, pageProblem(p, "moved_from", fmt.Sprintf(msg, old, describe(prev)), hint),
						pageProblem(prev, "moved_from", fmt.Sprintf(msg, old, describe(p)), hint))
				}
				continue
			}
			s.moved[old] = p
		}
	}
	return probs
}

// checkTerms reports a word defined by two term pages (as term: or among
// aliases:, ignoring case): every automatic link would silently go to one
// of them. The problem names both files and is reported on both.
func (s *Site) checkTerms() diag.List {
	var probs diag.List
	type def struct {
		page   *Page
		key    string // "term" or "aliases"
		phrase string // as that page spells it
	}
	defined := map[string]def{}
	for _, p := range s.OfKind("term") {
		phrases := append([]string{p.Term}, p.Aliases...)
		for i, phrase := range phrases {
			key := "term"
			if i > 0 {
				key = "aliases"
			}
			norm := strings.ToLower(strings.TrimSpace(phrase))
			if norm == "" {
				continue
			}
			prev, dup := defined[norm]
			if !dup {
				defined[norm] = def{p, key, phrase}
				continue
			}
			if prev.page == p {
				probs = append(probs, pageProblem(p, key, fmt.Sprintf("%q is defined twice on this page", phrase), "list each name once"))
				continue
			}
			probs = append(probs,
				pageProblem(p, key, fmt.Sprintf("term %q is also defined by %s", phrase, path.Join("content", prev.page.File)),
					"a word can link to one definition only; remove it from one page or make it an alias of the other"),
				pageProblem(prev.page, prev.key, fmt.Sprintf("term %q is also defined by %s", prev.phrase, path.Join("content", p.File)),
					"a word can link to one definition only; remove it from one page or make it an alias of the other"))
		}
	}
	return probs
}

// SetDrafts records the draft pages a build leaves out: a reference to one
// is then "cites draft page …", not an unresolved reference.
func (s *Site) SetDrafts(drafts []*Page) {
	d := &Site{byID: map[string]*Page{}, byCite: map[string]*Page{}, byFile: map[string]*Page{}}
	for _, p := range drafts {
		d.byID[p.ID] = p
		d.byFile[p.File] = p
		if p.Cite != "" {
			d.byCite[p.Cite] = p
		}
	}
	s.drafts = d
}

func describe(p *Page) string {
	if p.File == "" {
		return "the generated page " + p.URL
	}
	return p.File
}

func pageProblem(p *Page, key, msg, hint string) diag.Problem {
	line, col := 1, 1
	if key != "" {
		line, col = p.Pos.At(key)
	}
	return diag.Problem{File: path.Join("content", p.File), Line: line, Col: col, Message: msg, Hint: hint}
}

func generatedSection(url string) *Page {
	title := "Home"
	if url != "/" {
		name := path.Base(strings.TrimSuffix(url, "/"))
		title = strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "-", " ")
	}
	return &Page{
		FrontMatter: FrontMatter{ID: defaultID(strings.TrimPrefix(url, "/") + "_index.md"), Title: title, Kind: "page"},
		URL:         url,
		Section:     sectionOf(url),
		IsSection:   true,
	}
}

// ByID returns the page with the given id.
func (s *Site) ByID(id string) *Page { return s.byID[id] }

// ByURL returns the page at a site path such as "/a/b/".
func (s *Site) ByURL(url string) *Page { return s.byURL[url] }

// ByFile returns the page made from a content file ("a/b.md").
func (s *Site) ByFile(file string) *Page {
	if s == nil {
		return nil
	}
	return s.byFile[file]
}

// Children lists the pages a section lists: its pages and sub-sections,
// ordered by weight, then title, then URL.
func (s *Site) Children(section *Page) []*Page {
	var out []*Page
	for _, p := range s.Pages {
		if p.Section == section.URL && p != section && p.Layout == "" {
			out = append(out, p)
		}
	}
	SortPages(out)
	return out
}

// SortPages orders pages by weight, then title, then URL. URLs are
// unique, so the order is total and needs no stable sort.
func SortPages(pages []*Page) { slices.SortFunc(pages, comparePages) }

func comparePages(a, b *Page) int {
	return cmp.Or(cmp.Compare(a.Weight, b.Weight), cmp.Compare(a.Title, b.Title), cmp.Compare(a.URL, b.URL))
}

// Ancestors returns the sections above p, from the home page down.
func (s *Site) Ancestors(p *Page) []*Page {
	var out []*Page
	for sec := p.Section; sec != ""; sec = sectionOf(sec) {
		if a := s.byURL[sec]; a != nil {
			out = append(out, a)
		}
	}
	slices.Reverse(out)
	return out
}

// OfKind returns the pages of one kind, sorted by weight, title and URL.
func (s *Site) OfKind(kind string) []*Page {
	var out []*Page
	for _, p := range s.Pages {
		if p.Kind == kind && !p.IsSection {
			out = append(out, p)
		}
	}
	SortPages(out)
	return out
}

// ForReaders returns the pages that are not for writers, in order.
func ForReaders(pages []*Page) []*Page {
	return slices.DeleteFunc(slices.Clone(pages), func(p *Page) bool { return p.ForWriters() })
}

// Tags maps each tag to its pages, sorted. Writers' pages are on no tag
// page.
func (s *Site) Tags() map[string][]*Page {
	tags := map[string][]*Page{}
	for _, p := range s.Pages {
		if p.ForWriters() {
			continue
		}
		for _, t := range p.Tags {
			tags[t] = append(tags[t], p)
		}
	}
	for _, ps := range tags {
		SortPages(ps)
	}
	return tags
}

// IDs returns every page id, sorted, for suggestions.
func (s *Site) IDs() []string {
	ids := make([]string, 0, len(s.byID))
	for id := range s.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// CiteKeys returns every cite key, sorted.
func (s *Site) CiteKeys() []string {
	keys := make([]string, 0, len(s.byCite))
	for k := range s.byCite {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
