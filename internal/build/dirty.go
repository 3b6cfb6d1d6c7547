package build

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"

	"github.com/kb-legal/kb/internal/markup"
	"github.com/kb-legal/kb/internal/site"
)

// A Builder does not assemble and render the data of every page on every
// build: it works out from what changed since the last good build which
// pages' data can differ, and reuses the others' output. A page's data is
// made of its own fields and body, and of facts about other pages (its
// sections, children, citers, related pages and the targets of its
// "applies"), which it records as its dependencies when it is rendered.
// Related pages also depend on the link graph and tags around a page, so
// a change of edges or tags makes the pages on both ends dirty.

// anchorDep marks a dependency on a page's anchors, not only on its front
// matter: "#/a/b/".
const anchorDep = "#"

// pageState is what the dirty check knows of one page (by URL) after a
// build.
type pageState struct {
	page      *site.Page
	front     uint64 // front matter, URL, section, kind of page
	anchors   uint64 // ids, labels and texts of its anchors
	out       uint64 // its outgoing edges and resolved "applies"
	targets   []string
	tags      []string
	section   string
	isSection bool
	doc       *markup.Document // the body as parsed; nil for generated pages
	textSum   uint64           // the state of doc's texts
	content   string           // the body as rendered
	deps      []string         // pages whose facts its data used
	updated   lastUpdated      // when its file last changed: its page and the sitemap show it
}

// plan is one build's decision of what to render again.
type plan struct {
	all       bool            // everything: no last good build, or site-wide data changed
	generated bool            // the generated pages (glossary, tags, matrix, …)
	dirty     map[string]bool // page URLs whose data may have changed
	global    uint64
	pages     map[string]*pageState
	fronts    map[*site.Page]uint64
	published map[string][]byte // sitemap, feed and the like
	dates     bool              // a page's last-updated date changed: the sitemap and feed did
}

// planFor compares the site about to be rendered with the last good build.
// It runs after linking, before writing.
func (c *cache) planFor(g *generation) {
	pl := &plan{dirty: map[string]bool{}, pages: make(map[string]*pageState, len(g.site.Pages)), fronts: make(map[*site.Page]uint64, len(g.site.Pages))}
	var ok bool
	pl.global, ok = c.globalSum(g)
	pl.all = !ok || c.last == nil || pl.global != c.global
	for _, p := range g.site.Pages {
		pl.pages[p.URL] = c.stateOf(g, pl, p)
	}
	c.next = pl
	if pl.all {
		pl.generated = true
		return
	}
	c.propagate(g, pl)
}

// globalSum hashes what every page is made of: the configuration, the
// site's data for the theme, and the theme; ok is false when it cannot.
func (c *cache) globalSum(g *generation) (sum uint64, ok bool) {
	var h maphash.Hash
	h.SetSeed(c.seed)
	cfg, err1 := json.Marshal(g.site.Config)
	rs, err2 := json.Marshal(g.renderSite)
	h.Write(cfg)
	h.WriteByte(0)
	h.Write(rs)
	h.Write(c.themeKey[:]) // pages link the theme's fingerprinted assets
	if g.opts.Review {
		h.WriteString(g.today()) // a new day can make pages due for review
	}
	return h.Sum64(), err1 == nil && err2 == nil
}

// stateOf is what the dirty check knows of page p in this build: the last
// good build's state when nothing it is made of changed.
func (c *cache) stateOf(g *generation, pl *plan, p *site.Page) *pageState {
	st := &pageState{page: p, front: c.frontSum(pl, p), tags: p.Tags, section: p.Section, isSection: p.IsSection, updated: g.updated[p.File]}
	if pp := g.parsed[p]; pp != nil {
		st.doc, st.textSum = pp.doc, pp.textSum
	}
	old, had := c.states[p.URL]
	if had && old.page == p && old.doc == st.doc && old.textSum == st.textSum && old.updated == st.updated && !g.relinked.edges(p) {
		*st = *old // nothing it is made of changed
		return st
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	if had && st.doc != nil && old.doc == st.doc && old.textSum == st.textSum {
		st.anchors = old.anchors // anchors come from the document's texts
	} else {
		writeAnchors(&h, p.Anchors)
		st.anchors = h.Sum64()
	}
	st.out, st.targets = c.outSum(g, p)
	return st
}

// outSum hashes what a cited page shows of p, and what p's "applies"
// resolve to; targets are the pages p cites. Per place, the references
// count in the order they come in p (the first one gives the row its
// sentence), with how many each stands for; not where they are, which
// every edit above them moves.
func (c *cache) outSum(g *generation, p *site.Page) (sum uint64, targets []string) {
	var h maphash.Hash
	h.SetSeed(c.seed)
	out := slices.Clone(g.graph.Out(p))
	slices.SortStableFunc(out, func(a, b site.Edge) int {
		return cmp.Or(strings.Compare(a.To.URL, b.To.URL), strings.Compare(a.ToAnchor, b.ToAnchor), cmp.Compare(a.Offset, b.Offset))
	})
	for _, e := range out {
		for _, f := range [...]string{e.To.URL, e.ToAnchor, e.FromAnchor, e.Context, strconv.Itoa(e.Count)} {
			h.WriteString(f)
			h.WriteByte(0)
		}
		if !slices.Contains(targets, e.To.URL) {
			targets = append(targets, e.To.URL)
		}
	}
	for _, a := range p.Applies {
		if t, label, err := g.linker.resolveApplies(a); err == nil {
			for _, f := range [...]string{"applies", t.Page.URL, t.Anchor, label} {
				h.WriteString(f)
				h.WriteByte(0)
			}
		}
	}
	return h.Sum64(), targets
}

// propagate marks dirty the pages whose data a change can reach: the
// changed pages, their sections, the pages they cite or cited, their
// tagmates, and the pages that depend on a page whose front matter or
// anchors changed, or that came or went.
func (c *cache) propagate(g *generation, pl *plan) {
	changed := c.changedPages(g, pl)
	if len(changed) == 0 {
		return
	}
	for u, old := range c.states {
		for _, d := range old.deps {
			if front, ok := changed[strings.TrimPrefix(d, anchorDep)]; ok && (front || d[0] == anchorDep[0]) {
				pl.dirty[u] = true
				break
			}
		}
	}
}

// changedPages compares each page's state with the last good build's,
// marking dirty what the change reaches directly. It returns the pages
// whose front matter changed, or that came or went (true), or whose
// anchors only changed (false).
func (c *cache) changedPages(g *generation, pl *plan) map[string]bool {
	changed := map[string]bool{}
	for u, st := range pl.pages {
		old, ok := c.states[u]
		if !ok {
			changed[u] = true
			pl.mark(u)
			pl.cameOrWent(g, st)
			continue
		}
		if st.front != old.front || st.anchors != old.anchors {
			changed[u] = st.front != old.front
		}
		pl.compare(g, u, st, old)
	}
	for u, old := range c.states {
		if _, ok := pl.pages[u]; !ok {
			changed[u] = true
			pl.cameOrWent(g, old)
		}
	}
	return changed
}

// cameOrWent marks dirty what a page that came, or went, reaches: its
// section, the pages it links to and those sharing a tag with it; the
// generated pages list it.
func (pl *plan) cameOrWent(g *generation, st *pageState) {
	pl.generated = true
	pl.mark(st.section)
	pl.mark(st.targets...)
	pl.markTagmates(g, st.tags)
}

// compare marks dirty what the change of page u since the last good build
// (old) reaches directly: the page itself when its data changed, its
// section and tag mates when it moved or was retagged, the pages it links
// to, then and now, when its edges changed.
func (pl *plan) compare(g *generation, u string, st, old *pageState) {
	if st.front != old.front || st.anchors != old.anchors {
		pl.mark(u)
		if len(st.page.Changes) > 0 {
			pl.generated = true // What's new names the sections its notes changed
		}
	}
	if st.updated != old.updated {
		pl.mark(u)
		pl.dates = true
	}
	if st.anchors != old.anchors {
		pl.generated = true // the matrix names the places scenarios apply
	}
	if st.front != old.front {
		pl.generated = true
		if !slices.Equal(st.tags, old.tags) || st.section != old.section || st.isSection != old.isSection {
			pl.mark(st.section, old.section)
			pl.markTagmates(g, st.tags)
			pl.markTagmates(g, old.tags)
		}
	}
	if st.out != old.out {
		pl.mark(u)
		pl.mark(st.targets...)
		pl.mark(old.targets...)
	}
}

// mark makes the pages at urls dirty.
func (pl *plan) mark(urls ...string) {
	for _, u := range urls {
		pl.dirty[u] = true
	}
}

// markTagmates makes dirty the pages with one of tags: their related
// pages may change.
func (pl *plan) markTagmates(g *generation, tags []string) {
	for _, t := range tags {
		for _, q := range g.tags[t] {
			pl.dirty[q.URL] = true
		}
	}
}

// frontSum hashes what a page is apart from its body and anchors. Pages
// reused from the last build (same file bytes) keep their sum.
func (c *cache) frontSum(pl *plan, p *site.Page) uint64 {
	if sum, ok := c.fronts[p]; ok {
		pl.fronts[p] = sum
		return sum
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	fmt.Fprintf(&h, "%#v\x00%s\x00%s\x00%s\x00%t\x00%s", p.FrontMatter, p.File, p.URL, p.Section, p.IsSection, p.Layout)
	sum := h.Sum64()
	pl.fronts[p] = sum
	return sum
}

// body returns page p's rendered body from the last good build when
// nothing it is made of changed: the same page and document, and nothing
// that linking writes into the document.
func (pl *plan) body(c *cache, linked *relinked, p *site.Page, pp *parsed) (string, bool) {
	if linked.body(p) {
		return "", false
	}
	old, ok := c.states[p.URL]
	if !ok || old.page != p || old.doc != pp.doc || old.textSum != pp.textSum {
		return "", false
	}
	return old.content, true
}

// reuse returns the last good output of page p when its data cannot have
// changed, given its rendered body.
func (pl *plan) reuse(c *cache, p *site.Page, name, content string) ([]byte, bool) {
	st := pl.pages[p.URL]
	st.content = content
	if pl.all {
		return nil, false
	}
	if p.Layout != "" {
		if pl.generated {
			return nil, false
		}
	} else if pl.dirty[p.URL] || p.URL == "/" && pl.generated { // the home page lists the latest change notes
		return nil, false
	}
	old, ok := c.states[p.URL]
	if !ok || old.doc != st.doc || old.content != content {
		return nil, false
	}
	data, ok := c.last[name]
	if ok {
		st.deps = old.deps
	}
	return data, ok
}

// rendered records the pages page p's data was made from.
func (pl *plan) rendered(p *site.Page, deps []string) {
	pl.pages[p.URL].deps = deps
}

// reuseFile returns the last good output of a generated file that depends
// on site-wide data only (the 404 page).
func (pl *plan) reuseFile(c *cache, name string) ([]byte, bool) {
	if pl.all {
		return nil, false
	}
	data, ok := c.last[name]
	return data, ok
}

// reusePublished returns the last good sitemap, feed and the like when no
// page came, went or changed its front matter.
func (pl *plan) reusePublished(c *cache) (map[string][]byte, bool) {
	if pl.all || pl.generated || pl.dates || c.published == nil {
		return nil, false
	}
	pl.published = c.published
	return c.published, true
}

// keepPublished records the files publishFiles made for this build.
func (pl *plan) keepPublished(files map[string][]byte) {
	pl.published = files
}

// commit makes a successful build's state the one the next build compares
// with.
func (c *cache) commit(files map[string][]byte) {
	c.last = files
	if pl := c.next; pl != nil {
		c.global, c.states, c.fronts, c.published = pl.global, pl.pages, pl.fronts, pl.published
	}
	c.next = nil
	if c.nextLinks != nil {
		c.links, c.nextLinks = c.nextLinks, nil
		clear(c.unsettled)
	}
}
