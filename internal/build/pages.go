package build

import (
	"cmp"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/render"
	"github.com/kb-legal/kb/internal/site"
)

// pageData assembles what the theme needs to draw page p, and the URLs of
// the pages whose facts it used (its dependencies, for the Builder; see
// anchorDep).
func (g *generation) pageData(p *site.Page, content string) (*render.Page, []string) {
	deps := []string{p.URL}
	d := g.base(p.Title, p.URL)
	d.Layout = layoutOf(p)
	d.Kind, d.Cite, d.AsOf, d.Date, d.Summary = p.Kind, p.Cite, p.AsOf, p.Date, p.Summary
	d.Updated = g.updatedOf(p)
	d.Changes = g.pageChanges(p)
	if g.opts.Review {
		d.Review = g.reviewNotes(p)
		deps = appendURLs(deps, g.citedSources(p)) // their published dates
	}
	if p.URL == "/" {
		d.Recent = g.changeLinks(g.changes()[:min(5, len(g.changes()))])
	}
	d.Content = template.HTML(content)
	d.HasCode = strings.Contains(content, `<pre class="chroma"`)
	d.Draft = p.Draft
	d.TOC = g.tocOf(p)
	ancestors := g.site.Ancestors(p)
	d.Breadcrumbs = g.breadcrumbs(ancestors)
	deps = appendURLs(deps, ancestors)
	d.ForWriters = p.ForWriters()
	d.Tags = g.tagLinks(p)
	if p.IsSection {
		deps = appendURLs(deps, g.listChildren(p, d))
	}
	if o, ok := g.site.Official(p); ok {
		d.Official = &render.Official{Source: g.sourceOf(o.Source), URL: o.URL}
		deps = append(deps, o.Source.URL)
	}
	if p.IsSource() {
		d.Source = g.sourceOf(p)
	}
	d.CitedBy = g.citedBy(p)
	for _, e := range g.graph.In(p) {
		deps = append(deps, e.From.URL)
	}
	related := g.relatedTo(p)
	d.Related = g.links(related)
	deps = appendURLs(deps, related)
	d.RelatedHeading = relatedHeading(d.TOC)
	if p.Kind == "scenario" {
		var ruleDeps []string
		d.Scenario, ruleDeps = g.scenarioOf(p)
		deps = append(deps, ruleDeps...)
	}
	slices.Sort(deps)
	return d, slices.Compact(deps)
}

// layoutOf is the theme layout a page is drawn with, before a section's
// children may make it a sources index or a glossary.
func layoutOf(p *site.Page) string {
	switch {
	case p.URL == "/":
		return "home"
	case p.IsSection:
		return "section"
	}
	return "page"
}

// reviewNotes are the preview's reasons why page p is due for review.
func (g *generation) reviewNotes(p *site.Page) []string {
	var notes []string
	for _, prob := range g.review()[p.File] {
		notes = append(notes, strings.TrimPrefix(prob.Message, "review due: "))
	}
	return notes
}

// citedSources are the sources page p cites.
func (g *generation) citedSources(p *site.Page) []*site.Page {
	var sources []*site.Page
	for _, e := range g.graph.Out(p) {
		if e.To.IsSource() {
			sources = append(sources, e.To)
		}
	}
	return sources
}

// tocOf is page p's table of contents: its headings.
func (g *generation) tocOf(p *site.Page) []render.TOCEntry {
	pp := g.parsed[p]
	if pp == nil {
		return nil
	}
	var toc []render.TOCEntry
	for _, h := range pp.doc.TOC {
		toc = append(toc, render.TOCEntry{Level: h.Level, ID: h.ID, Text: h.Text})
	}
	return toc
}

// breadcrumbs links a page's ancestors, the home page first.
func (g *generation) breadcrumbs(ancestors []*site.Page) []render.Link {
	var crumbs []render.Link
	for _, a := range ancestors {
		crumbs = append(crumbs, render.Link{Title: a.Title, URL: g.href(a.URL)})
	}
	return crumbs
}

// tagLinks links page p's tag pages; a writers' page is on none.
func (g *generation) tagLinks(p *site.Page) []render.Link {
	if p.ForWriters() {
		return nil
	}
	var tags []render.Link
	for _, t := range p.Tags {
		tags = append(tags, render.Link{Title: t, URL: g.href("/tags/" + t + "/")})
	}
	return tags
}

// listChildren fills in what section p lists of its pages — a sources
// index, a glossary or a list of pages — and returns the pages listed.
func (g *generation) listChildren(p *site.Page, d *render.Page) []*site.Page {
	children := g.site.Children(p)
	if !p.ForWriters() {
		children = site.ForReaders(children)
	}
	if groups := g.sourceGroups(children); groups != nil {
		d.Layout, d.Groups = "sources", groups
		return children
	}
	if isGlossary(children) {
		d.Layout, d.Groups = "glossary", g.glossaryGroups(children)
		return children
	}
	// A section lists each of its pages once: those its own text links to
	// are not listed again below it.
	linked := g.graph.Cites(p)
	for _, c := range children {
		if slices.Contains(linked, c) {
			d.ChildrenLinked++
		} else {
			d.Children = append(d.Children, g.link(c))
		}
	}
	return children
}

// relatedHeading is the heading of "Related pages", unless the author
// has a section of that name.
func relatedHeading(toc []render.TOCEntry) string {
	for _, h := range toc {
		if strings.EqualFold(h.Text, "Related pages") {
			return "More related pages"
		}
	}
	return "Related pages"
}

// scenarioOf is what a scenario page shows of its structured fields, and
// the dependencies of the rules it applies: their anchors' texts are
// their previews.
func (g *generation) scenarioOf(p *site.Page) (*render.Scenario, []string) {
	v := g.site.Config.Vocabulary.Matrix()
	s := &render.Scenario{Facts: p.Facts, Question: p.Question, Outcome: p.Outcome, Risk: p.Risk, Trigger: site.Label(v.Triggers, p.Trigger),
		OutcomeLabel: site.Label(v.Outcomes, p.Outcome), RiskLabel: site.Label(v.Risks, p.Risk)}
	var deps []string
	for _, a := range p.Applies {
		if t, label, err := g.linker.resolveApplies(a); err == nil {
			r := g.linker.describe(t)
			deps = append(deps, anchorDep+t.Page.URL)
			s.Applies = append(s.Applies, render.Link{Title: r.Title, URL: r.URL, Kind: r.TargetKind, Summary: r.Preview, Cite: cmp.Or(label, r.Cite, r.Title)})
		}
	}
	return s, deps
}

// relatedTo is what "Related pages" lists under p: the six pages most
// related to it that the page does not already show — neither linked from
// its text nor among its citers — and, on a readers' page, no writers' page.
func (g *generation) relatedTo(p *site.Page) []*site.Page {
	shown := g.graph.Cites(p)
	for _, e := range g.graph.In(p) {
		shown = append(shown, e.From)
	}
	var out []*site.Page
	for _, r := range g.related().Related(p, 6+len(shown)) {
		if len(out) < 6 && !slices.Contains(shown, r) && (p.ForWriters() || !r.ForWriters()) {
			out = append(out, r)
		}
	}
	return out
}

func appendURLs(urls []string, pages []*site.Page) []string {
	for _, p := range pages {
		urls = append(urls, p.URL)
	}
	return urls
}

// base is the data every page shares.
func (g *generation) base(title, url string) *render.Page {
	d := &render.Page{Site: g.renderSite, Title: title, URL: g.href(url)}
	if strings.Contains(g.site.Config.BaseURL, "://") {
		d.Canonical = g.site.Config.Absolute(url)
	}
	return d
}

// address is the address a reader copies for a site path: absolute when
// the site's base URL is, base-prefixed otherwise.
func (g *generation) address(url string) string {
	if strings.Contains(g.site.Config.BaseURL, "://") {
		return g.site.Config.Absolute(url)
	}
	return g.href(url)
}

// href prefixes a site path with the base path.
func (g *generation) href(url string) string {
	return g.basePath + strings.TrimPrefix(url, "/")
}

func (g *generation) links(pages []*site.Page) []render.Link {
	out := make([]render.Link, 0, len(pages))
	for _, p := range pages {
		out = append(out, g.link(p))
	}
	return out
}

func (g *generation) link(p *site.Page) render.Link {
	l := render.Link{Title: p.Title, URL: g.href(p.URL), Kind: p.Kind, Summary: p.Summary, Cite: p.Cite, AsOf: p.AsOf, Risk: p.Risk}
	if p.Risk != "" {
		l.RiskLabel = site.Label(g.site.Config.Vocabulary.Matrix().Risks, p.Risk)
	}
	if p.IsSource() {
		l.Source = g.sourceOf(p)
	}
	return l
}

// sourceOf is what the theme shows of a source.
func (g *generation) sourceOf(p *site.Page) *render.Source {
	return &render.Source{Title: p.Title, Publisher: p.Publisher, Author: p.Author, Published: p.Published, URL: p.Address,
		Reliability: p.Reliability, Reference: p.Reference, Page: g.href(p.URL)}
}

// sourceGroups groups a section's pages by reliability, primary first,
// when they are all sources: the sources index. It is nil otherwise.
func (g *generation) sourceGroups(children []*site.Page) []render.Group {
	var groups []render.Group
	for _, rel := range site.Reliabilities() {
		grp := render.Group{Title: label(rel) + " sources", ID: rel}
		for _, c := range children {
			if !c.IsSource() {
				return nil
			}
			if c.Reliability == rel {
				grp.Links = append(grp.Links, g.link(c))
			}
		}
		if len(grp.Links) > 0 {
			groups = append(groups, grp)
		}
	}
	return groups
}

// label capitalises a lower-case word: "primary" → "Primary".
func label(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// citerKinds orders the rows of "Cited by": what the regulator says, then
// where the rule is applied, then the rest.
var citerKinds = []struct{ kind, title string }{
	{"guideline", "Guidelines"},
	{"scenario", "Scenarios"},
	{"commentary", "Commentary"},
	{"provision", "Provisions"},
	{"term", "Defined terms"},
	{"", "Other pages"},
}

// citersShown is how many citers of a place "Cited by" lists before a
// "show more": Article 61's busiest paragraph has dozens.
const citersShown = 5

// citedBy lists p's citers by the place they cite, and within it by kind:
// one row per citing page, with how often it cites the place and where
// it does so first.
func (g *generation) citedBy(p *site.Page) []render.CitedGroup {
	var out []render.CitedGroup
	scheme := g.site.SchemeOf(p)
	for _, grp := range g.graph.CitedBy(p) {
		cg := render.CitedGroup{ID: "kb-citedby", Anchor: grp.Anchor.ID, Count: len(grp.Citers)}
		if grp.Anchor.ID != "" {
			cg.ID = "kb-citedby-" + grp.Anchor.ID
			cg.Label = cmp.Or(scheme.Pinpoint(grp.Anchor.ID).Short, grp.Anchor.Label, "#"+grp.Anchor.ID)
		}
		rows := make([][]render.Citer, len(citerKinds))
		for _, c := range grp.Citers {
			url := c.Page.URL
			if c.First.FromAnchor != "" {
				url += "#" + c.First.FromAnchor
			}
			k := slices.IndexFunc(citerKinds, func(k struct{ kind, title string }) bool { return k.kind == c.Page.Kind })
			if k < 0 {
				k = len(citerKinds) - 1
			}
			rows[k] = append(rows[k], render.Citer{Title: c.Page.Title, URL: g.href(url), Kind: c.Page.Kind, Context: c.First.Context, Mentions: c.Mentions})
		}
		shown := 0 // the first citersShown rows are listed, the rest on demand
		for k, rs := range rows {
			if len(rs) == 0 {
				continue
			}
			n := min(len(rs), max(citersShown-shown, 0))
			if cg.Count <= citersShown+1 { // "1 more" would hide as much as it shows
				n = len(rs)
			}
			if n > 0 {
				cg.Kinds = append(cg.Kinds, render.CiterKind{Title: citerKinds[k].title, Citers: rs[:n]})
			}
			if n < len(rs) {
				cg.More = append(cg.More, render.CiterKind{Title: citerKinds[k].title, Citers: rs[n:]})
				cg.MoreCount += len(rs) - n
			}
			shown += n
		}
		out = append(out, cg)
	}
	return out
}

// generatedPage is the data of page p when the build makes it from the
// site rather than from a file — the glossary, the tag index and tag
// pages, the scenario matrix, What's new and search (see withGenerated) —
// and nil otherwise. Each is made as it is written: all of them at once
// were ~60 MB at 50k pages, held until the last was written.
func (g *generation) generatedPage(p *site.Page) *render.Page {
	switch p.Layout {
	case "glossary":
		gl := g.base("Glossary", "/glossary/")
		gl.Layout, gl.Summary = "glossary", "Every defined term of the knowledge base, with a short definition."
		gl.Groups = g.glossaryGroups(site.ForReaders(g.site.OfKind("term")))
		return gl
	case "tags":
		ti := g.base("Tags", "/tags/")
		ti.Layout = "tags"
		for _, tag := range slices.Sorted(maps.Keys(g.tags)) {
			ti.Groups = append(ti.Groups, render.Group{Title: tag, ID: tag, Links: []render.Link{{URL: g.href("/tags/" + tag + "/"), Count: len(g.tags[tag])}}})
		}
		return ti
	case "tag":
		tag := strings.TrimSuffix(strings.TrimPrefix(p.URL, "/tags/"), "/")
		pages, ok := g.tags[tag]
		if !ok {
			return nil
		}
		tp := g.base("Tag: "+tag, p.URL)
		tp.Layout, tp.Summary, tp.Children = "tag", tag, g.links(pages)
		tp.Breadcrumbs = []render.Link{{Title: "Home", URL: g.href("/")}, {Title: "Tags", URL: g.href("/tags/")}}
		return tp
	case "matrix":
		m := g.base("Scenario matrix", "/matrix/")
		m.Layout, m.Summary = "matrix", "The worked scenarios against the rules they apply, with their outcome and risk."
		m.Matrix = g.matrix()
		return m
	case "whatsnew":
		wn := g.base("What's new", "/whats-new/")
		wn.Layout, wn.Summary = "whatsnew", "Every change note of the knowledge base, newest first, linked to the section that changed."
		wn.Changes = g.changeLinks(g.changes())
		return wn
	case "search":
		s := g.base("Search", "/search/")
		s.Layout, s.Search = "search", true
		return s
	}
	return nil
}

// notFound is the data of the 404 page.
func (g *generation) notFound() *render.Page {
	nf := g.base("Page not found", "/404.html")
	nf.Layout, nf.Canonical = "404", ""
	return nf
}

// isGlossary reports whether a section's pages are all defined terms: the
// section is then the site's glossary, listing them A to Z with their
// definitions.
func isGlossary(children []*site.Page) bool {
	for _, c := range children {
		if c.Kind != "term" {
			return false
		}
	}
	return len(children) > 0
}

// glossaryGroups lists terms A to Z, a group per initial letter.
func (g *generation) glossaryGroups(terms []*site.Page) []render.Group {
	terms = slices.Clone(terms)
	slices.SortFunc(terms, func(a, b *site.Page) int { return cmp.Compare(strings.ToLower(termOf(a)), strings.ToLower(termOf(b))) })
	var groups []render.Group
	for _, t := range terms {
		letter := strings.ToUpper(string([]rune(termOf(t))[:1]))
		if !unicode.IsLetter([]rune(letter)[0]) {
			letter = "#"
		}
		if n := len(groups); n == 0 || groups[n-1].Title != letter {
			groups = append(groups, render.Group{Title: letter, ID: "letter-" + strings.ToLower(letter)})
		}
		l := g.link(t)
		l.Title = termOf(t)
		groups[len(groups)-1].Links = append(groups[len(groups)-1].Links, l)
	}
	return groups
}

func termOf(p *site.Page) string { return cmp.Or(p.Term, p.Title) }

// navigation resolves the site's menu and about page for the theme. Menu
// entries are page ids, cite keys or site paths; a bad one is a problem in
// kb.yaml.
func (g *generation) navigation() ([]render.Link, *render.Link, diag.List) {
	cfg := g.site.Config
	var menu []render.Link
	var probs diag.List
	entries := cfg.Menu
	if len(entries) == 0 {
		if home := g.site.ByURL("/"); home != nil {
			for _, p := range site.ForReaders(g.site.Children(home)) {
				if p.IsSection {
					entries = append(entries, p.URL)
				}
			}
		}
		entries = append(entries, "/matrix/", "/glossary/")
	}
	for _, e := range entries {
		p := cmp.Or(g.site.ByURL(e), g.site.Moved(e)) // an old address names the page now there
		if p == nil {
			t, err := g.site.Resolve(e)
			if err != nil {
				if len(cfg.Menu) > 0 {
					probs = append(probs, diag.Problem{File: site.ConfigFile, Line: 1, Col: 1, Message: "menu: " + err.Error(), Hint: hintOf(err)})
				}
				continue
			}
			p = t.Page
		}
		if p.URL == "/matrix/" && len(g.site.OfKind("scenario")) == 0 || p.URL == "/glossary/" && len(g.site.OfKind("term")) == 0 {
			continue // nothing to show yet
		}
		if slices.ContainsFunc(menu, func(l render.Link) bool { return l.URL == g.href(p.URL) }) {
			continue // the glossary section named twice, as itself and by /glossary/
		}
		menu = append(menu, render.Link{Title: p.Title, URL: g.href(p.URL)})
	}
	var about *render.Link
	if p := g.site.ByID(cmp.Or(cfg.About, "about")); p != nil {
		l := g.link(p)
		about = &l
	} else if cfg.About != "" {
		probs = append(probs, diag.Problem{File: site.ConfigFile, Line: 1, Col: 1, Message: fmt.Sprintf("about: no page has id %q", cfg.About)})
	}
	return menu, about, probs
}
