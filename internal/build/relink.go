package build

import (
	"context"
	"hash/maphash"
	"maps"
	"slices"
	"strings"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/markup"
	"github.com/kb-legal/kb/internal/site"
)

// A Builder links incrementally too. Resolving a reference reads, of the
// page it lands on, only its address, front matter and anchors: its facts.
// So a page is resolved again only when its page or body is new, or the
// facts of a page it refers to changed; its graph edges (and the previews
// they carry) are made again, in addition, when a target's facts changed
// once texts were refreshed, or a target is a new page object. What
// changes which page a reference finds — a page added, removed or moved,
// an id or cite key changed, the base path — links everything again.

// linkState is what linking made of the last good build.
type linkState struct {
	structure  uint64
	site       *site.Site
	facts      map[string]pageFacts   // by URL
	records    map[string]*linkRecord // by URL, of pages with a body
	dependents map[string][]string    // by URL: the pages referring to it
	graph      *site.Graph
}

// pageFacts identifies what a reference to a page reads of it.
type pageFacts struct {
	anchors []site.Anchor // the anchors summed, to know them unchanged
	sum     uint64
}

// linkRecord is what linking made of one page.
type linkRecord struct {
	page        *site.Page
	doc         *markup.Document
	textSum     uint64
	refTargets  []site.Target
	linkTargets []site.Target
	citeTargets []site.Target
	targets     []string // URLs of the pages it refers to, "applies" included
}

// relinked says which pages a build linked again: all of them, or those
// in pages and cited.
type relinked struct {
	all   bool                // every page was linked again
	pages map[*site.Page]bool // pages whose edges, and texts, were made again
	cited map[string]bool     // URLs of the pages whose citers changed
}

// body reports whether p's rendered body may differ from the last good
// build's: its references, links or the citer counts of its pins changed.
func (r *relinked) body(p *site.Page) bool {
	return r.all || r.pages[p] || r.cited[p.URL]
}

// edges reports whether p's edges may differ from the last good build's.
func (r *relinked) edges(p *site.Page) bool {
	return r.all || r.pages[p]
}

// link resolves references and makes the graph, for the pages an edit
// calls for.
func (c *cache) link(ctx context.Context, g *generation) (*site.Graph, diag.List, error) {
	list := g.parsedList()
	next := &linkState{structure: c.structureSum(g), site: g.site}
	if c.links == nil || c.links.structure != next.structure {
		g.relinked = &relinked{all: true}
		return c.linkAll(ctx, g, list, next)
	}
	rl := &relinking{cache: c, g: g, old: c.links, next: next}
	next.facts = maps.Clone(rl.old.facts)
	next.records = maps.Clone(rl.old.records)
	next.dependents = rl.old.dependents

	resolve, replaced := rl.toResolve(list)
	relist := sortedParsed(resolve)
	for _, pp := range relist {
		c.unsettled[pp.page.URL] = true
	}
	probs, err := g.resolvePages(ctx, relist)
	if err != nil || len(probs) > 0 {
		return nil, probs, err
	}
	if err := g.refreshPages(ctx, relist); err != nil {
		return nil, nil, err
	}

	redo := rl.toRedo(resolve, relist, replaced)
	for _, pp := range list {
		if !resolve[pp] {
			rl.reuse(pp, redo[pp])
		}
	}
	edgeList := sortedParsed(redo)
	for _, pp := range edgeList {
		c.unsettled[pp.page.URL] = true
	}
	edges, err := g.edgesOf(ctx, edgeList)
	if err != nil {
		return nil, nil, err
	}
	graph, cited := rl.record(edgeList, edges)
	c.nextLinks = next

	g.relinked = &relinked{pages: make(map[*site.Page]bool, len(edgeList)), cited: make(map[string]bool, len(cited))}
	for _, pp := range edgeList {
		g.relinked.pages[pp.page] = true
	}
	for _, p := range cited {
		g.relinked.cited[p.URL] = true
	}
	return graph, nil, nil
}

// relinking is one incremental link.
type relinking struct {
	*cache
	g         *generation
	old, next *linkState
}

// at returns the parsed page at url, if it has a body.
func (rl *relinking) at(url string) *parsed {
	if p := rl.g.site.ByURL(url); p != nil {
		return rl.g.parsed[p]
	}
	return nil
}

// mark adds the pages referring to url to set.
func (rl *relinking) mark(set map[*parsed]bool, url string) {
	for _, d := range rl.old.dependents[url] {
		if pp := rl.at(d); pp != nil {
			set[pp] = true
		}
	}
}

// toResolve returns the pages to resolve again: those new or with a new
// body, those a failed or cancelled build left half linked, and those
// referring to a page whose facts changed. It also returns the URLs of
// the pages that are new objects.
func (rl *relinking) toResolve(list []*parsed) (resolve map[*parsed]bool, replaced []string) {
	resolve = map[*parsed]bool{}
	for u := range rl.unsettled {
		if pp := rl.at(u); pp != nil {
			resolve[pp] = true
		}
	}
	for _, pp := range list {
		if r := rl.old.records[pp.page.URL]; r == nil || r.page != pp.page || r.doc != pp.doc {
			resolve[pp] = true
		}
	}
	for _, p := range rl.g.site.Pages {
		isNew := rl.old.site.ByURL(p.URL) != p
		if isNew {
			replaced = append(replaced, p.URL)
		}
		if f, ok := rl.old.facts[p.URL]; !ok || isNew || !slices.Equal(f.anchors, p.Anchors) {
			nf := rl.factsOf(p)
			rl.next.facts[p.URL] = nf
			if !ok || nf.sum != f.sum {
				rl.mark(resolve, p.URL)
			}
		}
	}
	return resolve, replaced
}

// toRedo returns the pages whose edges are made again: those resolved,
// and those referring to a page whose facts changed with its texts, or
// that is a new object.
func (rl *relinking) toRedo(resolve map[*parsed]bool, relist []*parsed, replaced []string) map[*parsed]bool {
	redo := maps.Clone(resolve)
	for _, pp := range relist {
		nf := rl.factsOf(pp.page)
		rl.next.facts[pp.page.URL] = nf
		if nf.sum != rl.old.facts[pp.page.URL].sum {
			rl.mark(redo, pp.page.URL)
		}
	}
	for _, u := range replaced {
		rl.mark(redo, u)
	}
	return redo
}

// reuse gives a page not resolved again its last good resolution, its
// targets pointed at this build's pages when its edges are made again.
func (rl *relinking) reuse(pp *parsed, redo bool) {
	r := rl.old.records[pp.page.URL]
	pp.textSum = r.textSum
	if redo {
		pp.refTargets, pp.linkTargets = retarget(rl.g.site, r.refTargets), retarget(rl.g.site, r.linkTargets)
		pp.citeTargets = retarget(rl.g.site, r.citeTargets)
	} else {
		pp.refTargets, pp.linkTargets, pp.citeTargets = r.refTargets, r.linkTargets, r.citeTargets
	}
}

// record keeps the links of the pages whose edges were made again, and
// returns the graph updated with those edges and the pages whose citers
// changed.
func (rl *relinking) record(list []*parsed, edges [][]site.Edge) (*site.Graph, []*site.Page) {
	var from []*site.Page
	targetsChanged := false
	for _, pp := range list {
		u := pp.page.URL
		rec := newRecord(rl.g, pp)
		if o := rl.old.records[u]; o != nil {
			from = append(from, o.page)
			targetsChanged = targetsChanged || !slices.Equal(o.targets, rec.targets)
		} else {
			targetsChanged = true
		}
		rl.next.records[u] = rec
	}
	if targetsChanged {
		rl.next.dependents = dependentsOf(rl.next.records)
	}
	graph, cited := rl.old.graph.Update(from, slices.Concat(edges...))
	rl.next.graph = graph
	return graph, cited
}

// linkAll links every page, and records it all for the next build.
func (c *cache) linkAll(ctx context.Context, g *generation, list []*parsed, next *linkState) (*site.Graph, diag.List, error) {
	for _, pp := range list {
		c.unsettled[pp.page.URL] = true
	}
	edges, probs, err := g.linkList(ctx, list)
	if err != nil || len(probs) > 0 {
		return nil, probs, err
	}
	next.facts = make(map[string]pageFacts, len(g.site.Pages))
	for _, p := range g.site.Pages {
		next.facts[p.URL] = c.factsOf(p)
	}
	next.records = make(map[string]*linkRecord, len(list))
	for _, pp := range list {
		next.records[pp.page.URL] = newRecord(g, pp)
	}
	next.dependents = dependentsOf(next.records)
	next.graph = site.NewGraph(slices.Concat(edges...))
	c.nextLinks = next
	return next.graph, nil, nil
}

// newRecord keeps what linking made of page pp.
func newRecord(g *generation, pp *parsed) *linkRecord {
	r := &linkRecord{page: pp.page, doc: pp.doc, textSum: pp.textSum, refTargets: pp.refTargets, linkTargets: pp.linkTargets, citeTargets: pp.citeTargets}
	add := func(t site.Target) {
		if t.Page != nil && !slices.Contains(r.targets, t.Page.URL) {
			r.targets = append(r.targets, t.Page.URL)
		}
	}
	for _, t := range pp.refTargets {
		add(t)
	}
	for _, t := range pp.linkTargets {
		add(t)
	}
	for _, t := range pp.citeTargets {
		add(t)
	}
	for _, a := range pp.page.Applies {
		if t, _, err := g.linker.resolveApplies(a); err == nil {
			add(t)
		}
	}
	if src := g.site.OfficialSource(pp.page); src != nil {
		add(site.Target{Page: src})
	}
	slices.Sort(r.targets)
	return r
}

// dependentsOf indexes records by the pages they refer to.
func dependentsOf(records map[string]*linkRecord) map[string][]string {
	out := map[string][]string{}
	for u, r := range records {
		for _, t := range r.targets {
			out[t] = append(out[t], u)
		}
	}
	return out
}

// retarget points targets at the site's page objects of the same URLs.
func retarget(s *site.Site, targets []site.Target) []site.Target {
	out := make([]site.Target, len(targets))
	for i, t := range targets {
		out[i] = t
		if t.Page != nil {
			out[i].Page = s.ByURL(t.Page.URL)
		}
	}
	return out
}

// factsOf sums what resolving a reference to p reads of it.
func (c *cache) factsOf(p *site.Page) pageFacts {
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, s := range [...]string{p.URL, p.Title, p.Kind, p.Summary, p.Cite,
		p.Publisher, p.Author, p.Published, p.Address, p.Reliability, p.Reference} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	writeAnchors(&h, p.Anchors)
	return pageFacts{anchors: p.Anchors, sum: h.Sum64()}
}

// writeAnchors hashes what a page's anchors show of it.
func writeAnchors(h *maphash.Hash, anchors []site.Anchor) {
	for _, a := range anchors {
		h.WriteString(a.ID)
		h.WriteByte(0)
		h.WriteString(a.Label)
		h.WriteByte(0)
		h.WriteString(a.Text)
		h.WriteByte(1)
	}
}

// structureSum sums what decides which page a reference finds: every
// page's address, file, id and cite key, the base path, and which
// guideline page has which paragraph of which document.
func (c *cache) structureSum(g *generation) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(g.basePath)
	for _, p := range g.site.Pages {
		for _, s := range [...]string{p.URL, p.File, p.ID, p.Cite} {
			h.WriteByte(0)
			h.WriteString(s)
		}
		// A document's paragraph ("…, para. 12") is found on whichever
		// guideline page of that document has it.
		if src := g.site.OfficialSource(p); src != nil && p.Kind == "guideline" {
			for _, s := range [...]string{src.Cite, src.Title, src.Reference} {
				h.WriteByte(1)
				h.WriteString(s)
			}
			for _, a := range p.Anchors {
				if strings.HasPrefix(a.ID, "para-") {
					h.WriteByte(2)
					h.WriteString(a.ID)
				}
			}
		}
	}
	return h.Sum64()
}

// sortedParsed lists a set of pages in URL order.
func sortedParsed(set map[*parsed]bool) []*parsed {
	list := make([]*parsed, 0, len(set))
	for pp := range set {
		list = append(list, pp)
	}
	slices.SortFunc(list, func(a, b *parsed) int { return strings.Compare(a.page.URL, b.page.URL) })
	return list
}
