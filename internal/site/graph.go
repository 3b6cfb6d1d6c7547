package site

import (
	"cmp"
	"slices"
)

// Edge is one resolved reference: from a place in a page to a place in a page.
type Edge struct {
	From       *Page
	FromAnchor string // anchor of the section enclosing the reference ("" at the top)
	To         *Page
	ToAnchor   string // "" when the reference targets the page as a whole
	Context    string // the sentence around the reference, plain text
}

// Graph is the site's link graph.
type Graph struct {
	in  map[*Page][]Edge
	out map[*Page][]Edge
}

// NewGraph indexes edges both ways. Repeated edges (same places) are kept
// once; order is deterministic whatever order edges come in.
func NewGraph(edges []Edge) *Graph {
	// Edges are sorted by target page, then within each target: the same
	// order as one sort of them all, without comparing URLs across targets
	// again and again.
	byTo := make(map[*Page][]Edge, len(edges)/2)
	for _, e := range edges {
		byTo[e.To] = append(byTo[e.To], e)
	}
	targets := make([]*Page, 0, len(byTo))
	for p := range byTo {
		targets = append(targets, p)
	}
	slices.SortFunc(targets, func(a, b *Page) int { return cmp.Compare(a.URL, b.URL) })
	g := &Graph{in: make(map[*Page][]Edge, len(byTo)), out: make(map[*Page][]Edge, len(byTo))}
	for _, to := range targets {
		es := byTo[to]
		slices.SortStableFunc(es, compareEdges)
		es = slices.CompactFunc(es, func(a, b Edge) bool { return compareEdges(a, b) == 0 })
		for _, e := range es {
			if e.From == e.To {
				continue // a page citing itself is navigation, not a citer
			}
			g.in[e.To] = append(g.in[e.To], e)
			g.out[e.From] = append(g.out[e.From], e)
		}
	}
	return g
}

func compareEdges(a, b Edge) int {
	return cmp.Or(
		cmp.Compare(a.To.URL, b.To.URL),
		cmp.Compare(a.ToAnchor, b.ToAnchor),
		cmp.Compare(a.From.URL, b.From.URL),
		cmp.Compare(a.FromAnchor, b.FromAnchor),
	)
}

// CiterGroup is the set of references to one place in a page.
type CiterGroup struct {
	Anchor Anchor // zero for references to the page as a whole
	Edges  []Edge
}

// CitedBy groups the references into p by cited anchor, in the order the
// anchors appear on the page (the page as a whole first).
func (g *Graph) CitedBy(p *Page) []CiterGroup {
	byAnchor := map[string][]Edge{}
	for _, e := range g.in[p] {
		byAnchor[e.ToAnchor] = append(byAnchor[e.ToAnchor], e)
	}
	var groups []CiterGroup
	if es := byAnchor[""]; len(es) > 0 {
		groups = append(groups, CiterGroup{Edges: es})
	}
	for _, a := range p.Anchors {
		if es := byAnchor[a.ID]; len(es) > 0 {
			groups = append(groups, CiterGroup{Anchor: a, Edges: es})
		}
	}
	return groups
}

// Citers counts the distinct pages citing anchor on p.
func (g *Graph) Citers(p *Page, anchor string) int {
	// The edges into p are sorted by anchor, then citing page.
	n := 0
	var last *Page
	for _, e := range g.in[p] {
		if e.ToAnchor == anchor && e.From != last {
			n++
			last = e.From
		}
	}
	return n
}

// In returns the edges into p, in the graph's order.
func (g *Graph) In(p *Page) []Edge { return g.in[p] }

// Out returns the edges out of p, in the graph's order.
func (g *Graph) Out(p *Page) []Edge { return g.out[p] }

// Cites returns the pages p references, deduplicated, in URL order.
func (g *Graph) Cites(p *Page) []*Page {
	var out []*Page
	for _, e := range g.out[p] {
		if !slices.Contains(out, e.To) {
			out = append(out, e.To)
		}
	}
	slices.SortFunc(out, func(a, b *Page) int { return cmp.Compare(a.URL, b.URL) })
	return out
}

// Related ranks other pages by shared tags (tags as from Site.Tags) and
// links in either direction, and returns the best n.
func (g *Graph) Related(tags map[string][]*Page, p *Page, n int) []*Page {
	score := map[*Page]int{}
	for _, e := range g.out[p] {
		score[e.To] += 2
	}
	for _, e := range g.in[p] {
		score[e.From] += 2
	}
	for _, t := range p.Tags {
		for _, q := range tags[t] {
			score[q]++
		}
	}
	delete(score, p)
	if n <= 0 {
		return nil
	}
	better := func(a, b *Page) int {
		return cmp.Or(cmp.Compare(score[b], score[a]), cmp.Compare(a.URL, b.URL))
	}
	// Keep the best n as we go rather than sorting every candidate: a tag
	// shared by most of a large site makes candidates many and n is small.
	out := make([]*Page, 0, n+1)
	for q := range score {
		if q.IsSection || len(out) == n && better(q, out[n-1]) > 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(out, q, better)
		out = slices.Insert(out, i, q)
		if len(out) > n {
			out = out[:n]
		}
	}
	return out
}
