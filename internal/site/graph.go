package site

import (
	"cmp"
	"maps"
	"math/bits"
	"slices"
	"sync"
)

// Edge is one resolved reference: from a place in a page to a place in a page.
type Edge struct {
	From       *Page
	FromAnchor string // anchor of the section enclosing the reference ("" at the top)
	To         *Page
	ToAnchor   string // "" when the reference targets the page as a whole
	Context    string // the sentence around the reference, plain text
	Offset     int    // where the reference is in From's body; -1 for its front matter

	// Count is how many references the edge stands for: the graph keeps
	// one edge per pair of places, with the first one's context.
	Count int
}

// mentions is how many references e stands for: 1 before the graph
// merged it with repeats.
func (e Edge) mentions() int { return max(e.Count, 1) }

// mergeRepeats merges edges between the same places, which
// compareEdges sorted next to each other: one edge with the context of the
// first reference in the page and the count of them all.
func mergeRepeats(es []Edge) []Edge {
	out := es[:0]
	for _, e := range es {
		if n := len(out); n > 0 && compareEdges(out[n-1], e) == 0 {
			first := &out[n-1]
			count := first.mentions() + e.mentions()
			if e.Offset < first.Offset {
				*first = e
			}
			first.Count = count
			continue
		}
		e.Count = e.mentions()
		out = append(out, e)
	}
	clear(es[len(out):])
	return out
}

// Graph is the site's link graph.
type Graph struct {
	in  map[*Page][]Edge
	out map[*Page][]Edge
}

// NewGraph indexes edges both ways. Repeated edges (same places) are kept
// once, counted; order is deterministic whatever order edges come in.
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
	// The graph is kept for the whole build: its lists are made to size,
	// not grown by appending, which held up to twice the edges.
	g := &Graph{in: make(map[*Page][]Edge, len(byTo)), out: make(map[*Page][]Edge, len(byTo))}
	outs := map[*Page]int{}
	for _, to := range targets {
		es := byTo[to]
		slices.SortStableFunc(es, compareEdges)
		es = slices.DeleteFunc(mergeRepeats(es), func(e Edge) bool {
			return e.From == e.To // a page citing itself is navigation, not a citer
		})
		if len(es) == 0 {
			continue
		}
		g.in[to] = slices.Clone(es)
		for _, e := range es {
			outs[e.From]++
		}
	}
	for _, to := range targets {
		for _, e := range g.in[to] {
			out := g.out[e.From]
			if out == nil {
				out = make([]Edge, 0, outs[e.From])
			}
			g.out[e.From] = append(out, e)
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
	// Citers has one row per citing page, in SortPages order: its length
	// is the number of pages citing the place, wherever it is shown.
	Citers []Citer
}

// Citer is one page citing a place: how often, and where first.
type Citer struct {
	Page     *Page
	Mentions int  // references to the place in the page
	First    Edge // the reference that comes first in the page
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
		groups = append(groups, CiterGroup{Edges: es, Citers: citersOf(es)})
	}
	for _, a := range p.Anchors {
		if es := byAnchor[a.ID]; len(es) > 0 {
			groups = append(groups, CiterGroup{Anchor: a, Edges: es, Citers: citersOf(es)})
		}
	}
	return groups
}

// citersOf folds the edges into one place into one row per citing page.
func citersOf(es []Edge) []Citer {
	var out []Citer
	row := map[*Page]int{}
	for _, e := range es {
		i, ok := row[e.From]
		if !ok {
			row[e.From] = len(out)
			out = append(out, Citer{Page: e.From, First: e})
			i = len(out) - 1
		}
		c := &out[i]
		c.Mentions += e.mentions()
		if e.Offset < c.First.Offset {
			c.First = e
		}
	}
	slices.SortFunc(out, func(a, b Citer) int { return comparePages(a.Page, b.Page) })
	return out
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

// Cites returns the pages p references, each once, in the graph's order.
func (g *Graph) Cites(p *Page) []*Page {
	var out []*Page
	for _, e := range g.out[p] {
		if !slices.Contains(out, e.To) {
			out = append(out, e.To)
		}
	}
	return out
}

// Relatedness ranks pages by how related they are to each other: by shared
// tags and links in either direction. It is made once per build, after the
// graph, and is safe for concurrent use.
//
// Scoring every page that shares a tag with p, as the definition does, is
// quadratic: on a large site a tag is on thousands of pages. Related looks
// only at the pages that can make the top n, and this is why they are
// enough. Pages are indexed in URL order (a lower index is a lower URL),
// and each page is listed under every subset of its tags (sup). Let q be a
// page of p's top n that is not linked with p, and S the tags it shares
// with p. Every page listed under S shares at least S with p, so scores at
// least as much as q; those listed before q also have a lower URL, so they
// rank above q. Fewer than n pages rank above q, so q is among the first n
// listed under S, leaving out p and the pages linked with p (which are
// scored on their own). Related therefore scores the pages linked with p
// and the first n under each subset of p's tags: 2^k lists for k tags. It
// passes over a subset when the nth best so far scores more than a page
// sharing those tags alone would: a page sharing more is listed under
// more, and the nth best only gets better.
// The argument needs the subsets to be few, and the pages listed to have
// each tag once (p may have one twice: it counts twice for every page): a
// page with a tag twice or more than maxSubsetTags tags is listed under
// its tags one by one (wide) and scored whenever it shares one with p,
// and a p with more tags scores every page of its tags, as the definition
// does.
type Relatedness struct {
	graph   *Graph
	pages   []*Page // by URL
	section []bool  // by index: whether the page is a section
	index   map[*Page]int32
	tagID   map[string]int32
	tags    [][]int32          // each page's tags as the tags map has them, by id
	byTag   [][]int32          // each tag's pages, by index
	wide    [][]int32          // each tag's pages listed under no subset, by index
	sup     map[tagSet][]int32 // the pages with each set of tags (and maybe more), by index
	scratch sync.Pool          // *relatedScratch
}

// maxSubsetTags bounds the tags of a page listed under each subset of
// them (2^k - 1 lists) and of one whose related pages are found through
// those lists: six tags are 63 lists.
const maxSubsetTags = 6

// tagSet is a set of at most maxSubsetTags tag ids, ascending, padded
// with -1.
type tagSet [maxSubsetTags]int32

type relatedScratch struct {
	score   []int32 // by page index; zero between uses
	state   []uint8 // by page index: 0 untouched, stateLinked or stateCandidate
	touched []int32
	weight  []int32 // by tag id: how often p has the tag; zero between uses
}

const (
	stateLinked = 1 + iota
	stateCandidate
)

// NewRelatedness prepares ranking for the pages of tags (as from Site.Tags)
// and the graph.
func NewRelatedness(g *Graph, tags map[string][]*Page) *Relatedness {
	seen := map[*Page]bool{}
	for _, ps := range tags {
		for _, p := range ps {
			seen[p] = true
		}
	}
	for p, es := range g.out {
		seen[p] = true
		for _, e := range es {
			seen[e.To] = true
		}
	}
	r := &Relatedness{graph: g, pages: slices.Collect(maps.Keys(seen)), index: make(map[*Page]int32, len(seen)),
		tagID: make(map[string]int32, len(tags)), sup: map[tagSet][]int32{}}
	slices.SortFunc(r.pages, func(a, b *Page) int { return cmp.Compare(a.URL, b.URL) })
	r.section = make([]bool, len(r.pages))
	for i, p := range r.pages {
		r.index[p] = int32(i)
		r.section[i] = p.IsSection
	}
	r.tags = make([][]int32, len(r.pages))
	names := slices.Sorted(maps.Keys(tags))
	r.byTag = make([][]int32, len(names))
	r.wide = make([][]int32, len(names))
	for id, t := range names {
		r.tagID[t] = int32(id)
		for _, p := range tags[t] {
			i := r.index[p]
			r.tags[i] = append(r.tags[i], int32(id))
			r.byTag[id] = append(r.byTag[id], i)
		}
	}
	for i, ts := range r.tags { // by index: each list comes out in URL order
		switch {
		case len(ts) == 0 || r.pages[i].IsSection:
		case len(ts) > maxSubsetTags || hasRepeats(ts):
			for _, t := range ts {
				r.wide[t] = append(r.wide[t], int32(i))
			}
		default:
			for set := range subsets(ts) {
				r.sup[set] = append(r.sup[set], int32(i))
			}
		}
	}
	return r
}

// hasRepeats reports whether sorted ids repeat one.
func hasRepeats(ids []int32) bool {
	for j := 1; j < len(ids); j++ {
		if ids[j] == ids[j-1] {
			return true
		}
	}
	return false
}

// subsets yields the non-empty subsets of ids (distinct, ascending, at
// most maxSubsetTags of them), the largest first.
func subsets(ids []int32) func(yield func(tagSet) bool) {
	return func(yield func(tagSet) bool) {
		for size := len(ids); size > 0; size-- {
			for mask := 1; mask < 1<<len(ids); mask++ {
				if bits.OnesCount(uint(mask)) != size {
					continue
				}
				var set tagSet
				k := 0
				for j := range set {
					set[j] = -1
				}
				for j, id := range ids {
					if mask&(1<<j) != 0 {
						set[k] = id
						k++
					}
				}
				if !yield(set) {
					return
				}
			}
		}
	}
}

// Related returns the n pages most related to p: each link between them
// counts 2 and each shared tag 1; ties go to the lower URL. Sections are
// never related pages.
func (r *Relatedness) Related(p *Page, n int) []*Page {
	if n <= 0 {
		return nil
	}
	sc, _ := r.scratch.Get().(*relatedScratch)
	if sc == nil {
		sc = &relatedScratch{score: make([]int32, len(r.pages)), state: make([]uint8, len(r.pages)), weight: make([]int32, len(r.byTag))}
	}
	touch := func(i int32, state uint8) {
		sc.state[i] = state
		sc.touched = append(sc.touched, i)
	}
	for _, e := range r.graph.out[p] {
		if i := r.index[e.To]; sc.state[i] == 0 {
			touch(i, stateLinked)
		}
		sc.score[r.index[e.To]] += 2
	}
	for _, e := range r.graph.in[p] {
		if i := r.index[e.From]; sc.state[i] == 0 {
			touch(i, stateLinked)
		}
		sc.score[r.index[e.From]] += 2
	}
	var own []int32 // p's tags that pages have, by id, once each
	for _, t := range p.Tags {
		if id, ok := r.tagID[t]; ok {
			if sc.weight[id]++; sc.weight[id] == 1 {
				own = append(own, id)
			}
		}
	}
	slices.Sort(own)
	tagScore := func(i int32) int32 {
		s := int32(0)
		for _, t := range r.tags[i] {
			s += sc.weight[t]
		}
		return s
	}
	for _, i := range sc.touched {
		sc.score[i] += tagScore(i)
	}
	lists := r.wide
	if len(own) > maxSubsetTags {
		lists = r.byTag // too many subsets: score every page of p's tags
	}
	for _, t := range own {
		for _, i := range lists[t] {
			if sc.state[i] == 0 {
				touch(i, stateCandidate)
			}
			if sc.state[i] == stateCandidate {
				sc.score[i] += sc.weight[t]
			}
		}
	}
	// The best n so far, kept as candidates come rather than sorted at
	// the end.
	self, hasSelf := r.index[p]
	better := func(a, b int32) int { return cmp.Or(cmp.Compare(sc.score[b], sc.score[a]), cmp.Compare(a, b)) }
	best := make([]int32, 0, n+1)
	offer := func(i int32) {
		if hasSelf && i == self || r.section[i] || len(best) == n && better(i, best[n-1]) > 0 {
			return
		}
		at, _ := slices.BinarySearchFunc(best, i, better)
		best = slices.Insert(best, at, i)
		if len(best) > n {
			best = best[:n]
		}
	}
	for _, i := range sc.touched {
		offer(i)
	}
	if len(own) <= maxSubsetTags {
		for set := range subsets(own) {
			shared := int32(0) // the score of a page sharing these tags alone
			for _, t := range set {
				if t >= 0 {
					shared += sc.weight[t]
				}
			}
			if len(best) == n && sc.score[best[n-1]] > shared {
				continue // a page that shares more is listed under more tags too
			}
			taken := 0
			for _, i := range r.sup[set] {
				if hasSelf && i == self || sc.state[i] == stateLinked {
					continue
				}
				if sc.state[i] == 0 {
					touch(i, stateCandidate)
					sc.score[i] = tagScore(i)
					offer(i)
				}
				if taken++; taken == n {
					break
				}
			}
		}
	}
	out := make([]*Page, len(best))
	for j, i := range best {
		out[j] = r.pages[i]
	}
	for _, i := range sc.touched {
		sc.score[i], sc.state[i] = 0, 0
	}
	for _, t := range own {
		sc.weight[t] = 0
	}
	sc.touched = sc.touched[:0]
	r.scratch.Put(sc)
	return out
}

// Update returns the graph with the out-edges of some pages replaced,
// equal to NewGraph of the edges that remain and the new ones, and the
// pages whose in-edges changed. from lists the pages whose edges go, as
// g knows them; edges are their new out-edges, in any order, and may name
// a page by a new pointer (an edited file makes a new page), provided
// every page with an edge to or from such a page is in from. g is left as
// it was: the lists that do not change are shared.
func (g *Graph) Update(from []*Page, edges []Edge) (*Graph, []*Page) {
	ng := &Graph{in: maps.Clone(g.in), out: maps.Clone(g.out)}
	gone := make(map[*Page]bool, len(from))
	touched := map[*Page]bool{}
	for _, p := range from {
		gone[p] = true
		for _, e := range g.out[p] {
			touched[e.To] = true
		}
		delete(ng.out, p)
	}
	bySource := map[*Page][]Edge{}
	for _, e := range edges {
		bySource[e.From] = append(bySource[e.From], e)
	}
	added := map[*Page][]Edge{}
	for p, es := range bySource {
		// Repeated edges come from one page: merge them, as NewGraph does.
		slices.SortStableFunc(es, compareEdges)
		es = mergeRepeats(es)
		es = slices.DeleteFunc(es, func(e Edge) bool { return e.From == e.To })
		if len(es) > 0 {
			ng.out[p] = es
		}
		for _, e := range es {
			added[e.To] = append(added[e.To], e)
			touched[e.To] = true
		}
	}
	changed := make([]*Page, 0, len(touched))
	for t := range touched {
		var in []Edge
		for _, e := range g.in[t] {
			if !gone[e.From] {
				in = append(in, e)
			}
		}
		in = append(in, added[t]...)
		slices.SortFunc(in, compareEdges)
		if len(in) == 0 {
			delete(ng.in, t)
		} else {
			ng.in[t] = in
		}
		changed = append(changed, t)
	}
	return ng, changed
}
