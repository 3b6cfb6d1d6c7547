package site

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// relatedNaive is the definition Relatedness.Related implements: score
// every other page, sort, take n.
func relatedNaive(g *Graph, tags map[string][]*Page, p *Page, n int) []*Page {
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
	var all []*Page
	for q := range score {
		if q != p && !q.IsSection {
			all = append(all, q)
		}
	}
	slices.SortFunc(all, func(a, b *Page) int { return cmp.Or(cmp.Compare(score[b], score[a]), cmp.Compare(a.URL, b.URL)) })
	return all[:min(n, len(all))]
}

func TestRelatedMatchesDefinition(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		var pages []*Page
		for i := range 5 + rng.IntN(60) {
			p := &Page{URL: fmt.Sprintf("/p/%03d/", rng.IntN(1000)*1000+i), IsSection: rng.IntN(8) == 0}
			for range rng.IntN(4) {
				p.Tags = append(p.Tags, fmt.Sprint("t", rng.IntN(5)))
			}
			pages = append(pages, p)
		}
		var edges []Edge
		for range rng.IntN(120) {
			edges = append(edges, Edge{From: pages[rng.IntN(len(pages))], To: pages[rng.IntN(len(pages))], ToAnchor: []string{"", "p1"}[rng.IntN(2)]})
		}
		tags := map[string][]*Page{}
		for _, p := range pages {
			for _, tg := range p.Tags {
				tags[tg] = append(tags[tg], p)
			}
		}
		g := NewGraph(edges)
		r := NewRelatedness(g, tags)
		for _, p := range pages {
			for _, n := range []int{0, 1, 6, 100} {
				got, want := r.Related(p, n), relatedNaive(g, tags, p, n)
				if len(got) != len(want) || !slices.Equal(got, want) {
					t.Fatalf("seed %d: Related(%s, %d) = %v, want %v", seed, p.URL, n, urls(got), urls(want))
				}
			}
		}
	}
}

// randomTagged makes pages with random tags and links for Related's
// tests: many pages on few tags, so that the pages with the same tags
// outnumber n; some with more tags than maxSubsetTags or a tag twice;
// sections; pages whose tags the tags map does not list (writers'
// pages). The tags map lists each page once per time it has the tag, as
// Site.Tags does.
func randomTagged(rng *rand.Rand, pages, tagKinds int) (*Graph, map[string][]*Page, []*Page) {
	var ps []*Page
	for i := range pages {
		// Random addresses, so that page order is not link order; unique, as
		// a site's are (pages are keyed by URL).
		p := &Page{URL: fmt.Sprintf("/p/%d/", rng.IntN(100000)*1000+i), IsSection: rng.IntN(10) == 0}
		k := rng.IntN(4)
		if rng.IntN(8) == 0 {
			k = maxSubsetTags + 1 + rng.IntN(3)
		}
		for range k {
			p.Tags = append(p.Tags, fmt.Sprint("t", rng.IntN(tagKinds)))
		}
		if rng.IntN(4) != 0 { // mostly distinct, as authors write them
			slices.Sort(p.Tags)
			p.Tags = slices.Compact(p.Tags)
		}
		ps = append(ps, p)
	}
	var edges []Edge
	for range rng.IntN(2 * pages) {
		edges = append(edges, Edge{From: ps[rng.IntN(len(ps))], To: ps[rng.IntN(len(ps))], ToAnchor: []string{"", "p1"}[rng.IntN(2)]})
	}
	tags := map[string][]*Page{}
	for _, p := range ps {
		if rng.IntN(12) == 0 {
			continue // a writers' page: on no tag page
		}
		for _, t := range p.Tags {
			tags[t] = append(tags[t], p)
		}
	}
	return NewGraph(edges), tags, ps
}

// FuzzRelated checks Related against its definition on random graphs;
// its seeds run with the tests.
func FuzzRelated(f *testing.F) {
	for seed := range uint64(12) {
		f.Add(seed, uint16(50+seed*40), uint8(1+seed%9), uint8(1+seed%7))
	}
	f.Fuzz(func(t *testing.T, seed uint64, pages uint16, tagKinds, n uint8) {
		rng := rand.New(rand.NewPCG(seed, 2))
		g, tags, ps := randomTagged(rng, 1+int(pages)%600, 1+int(tagKinds)%12)
		r := NewRelatedness(g, tags)
		for _, p := range ps {
			got, want := r.Related(p, int(n)%20), relatedNaive(g, tags, p, int(n)%20)
			if !slices.Equal(got, want) {
				t.Fatalf("Related(%s %v, %d) = %v, want %v", p.URL, p.Tags, int(n)%20, urls(got), urls(want))
			}
		}
	})
}

// BenchmarkRelated ranks one page's related pages on sites like the
// synthetic corpus (40 tags, one to four a page, each on about 6 % of the
// pages; five links a page): the time per page should not grow with the
// site.
func BenchmarkRelated(b *testing.B) {
	for _, size := range []int{10_000, 50_000} {
		b.Run(fmt.Sprint("pages=", size), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			ps := make([]*Page, size)
			tags := map[string][]*Page{}
			for i := range ps {
				ps[i] = &Page{URL: fmt.Sprintf("/p/%06d/", i)}
				for range 1 + rng.IntN(4) {
					if t := fmt.Sprint("t", rng.IntN(40)); !slices.Contains(ps[i].Tags, t) {
						ps[i].Tags = append(ps[i].Tags, t)
						tags[t] = append(tags[t], ps[i])
					}
				}
			}
			edges := make([]Edge, 0, 5*size)
			for range 5 * size {
				edges = append(edges, Edge{From: ps[rng.IntN(size)], To: ps[rng.IntN(size)]})
			}
			r := NewRelatedness(NewGraph(edges), tags)
			i := 0
			for b.Loop() {
				r.Related(ps[i%size], 6)
				i++
			}
		})
	}
}

func TestCitersCountsDistinctPages(t *testing.T) {
	t.Parallel()
	a, b, c := &Page{URL: "/a/"}, &Page{URL: "/b/"}, &Page{URL: "/c/"}
	g := NewGraph([]Edge{
		{From: b, To: a, ToAnchor: "p1", FromAnchor: "x"},
		{From: c, To: a, ToAnchor: "p1"},
		{From: b, To: a, ToAnchor: "p1", FromAnchor: "y"},
		{From: b, To: a, ToAnchor: "p2"},
		{From: a, To: a, ToAnchor: "p1"},
	})
	for _, tc := range []struct {
		desc   string
		anchor string
		want   int
	}{
		{desc: "two pages, one citing twice", anchor: "p1", want: 2},
		{desc: "one page", anchor: "p2", want: 1},
		{desc: "none", anchor: "p3", want: 0},
	} {
		if got := g.Citers(a, tc.anchor); got != tc.want {
			t.Errorf("%s: Citers(a, %q) = %d, want %d", tc.desc, tc.anchor, got, tc.want)
		}
	}
}

// TestCitedByRows checks the rows of "Cited by": one per citing page,
// with how often it cites the place and its first reference, in page
// order; and that their number is the count shown beside the place.
func TestCitedByRows(t *testing.T) {
	t.Parallel()
	target := &Page{URL: "/provisions/art-61/", Anchors: []Anchor{{ID: "p1"}, {ID: "p2"}}}
	guide := &Page{URL: "/esma/guide/", FrontMatter: FrontMatter{Title: "Guide", Weight: 10}}
	beta := &Page{URL: "/scenarios/beta/", FrontMatter: FrontMatter{Title: "Beta"}}
	alpha := &Page{URL: "/scenarios/alpha/", FrontMatter: FrontMatter{Title: "Alpha"}}
	g := NewGraph([]Edge{
		{From: beta, FromAnchor: "facts", To: target, ToAnchor: "p1", Offset: 300, Context: "later in beta"},
		{From: beta, FromAnchor: "facts", To: target, ToAnchor: "p1", Offset: 200, Context: "earlier in beta, same section"},
		{From: beta, FromAnchor: "analysis", To: target, ToAnchor: "p1", Offset: 900, Context: "another section of beta"},
		{From: beta, To: target, ToAnchor: "p1", Offset: -1, Context: "the question of beta"},
		{From: alpha, FromAnchor: "x", To: target, ToAnchor: "p1", Offset: 50, Context: "alpha"},
		{From: guide, FromAnchor: "y", To: target, ToAnchor: "p1", Offset: 70, Context: "guide"},
		{From: guide, FromAnchor: "y", To: target, ToAnchor: "p2", Offset: 80, Context: "guide on p2"},
	})
	groups := g.CitedBy(target)
	if len(groups) != 2 || groups[0].Anchor.ID != "p1" || groups[1].Anchor.ID != "p2" {
		t.Fatalf("CitedBy groups = %+v, want p1 and p2", groups)
	}
	type row struct {
		url      string
		mentions int
		context  string
	}
	var got []row
	for _, c := range groups[0].Citers {
		got = append(got, row{c.Page.URL, c.Mentions, c.First.Context})
	}
	want := []row{ // weight, then title
		{"/scenarios/alpha/", 1, "alpha"},
		{"/scenarios/beta/", 4, "the question of beta"},
		{"/esma/guide/", 1, "guide"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows of p1 = %v, want %v", got, want)
	}
	for _, grp := range groups {
		if n := g.Citers(target, grp.Anchor.ID); n != len(grp.Citers) {
			t.Errorf("Citers(%s) = %d, but the list has %d rows", grp.Anchor.ID, n, len(grp.Citers))
		}
	}
}

func urls(pages []*Page) []string {
	var out []string
	for _, p := range pages {
		out = append(out, p.URL)
	}
	return out
}

// TestGraphUpdateEqualsNewGraph checks Update against its definition:
// NewGraph of the edges kept and the new ones, on random graphs, with
// repeated edges, self-edges and pages replaced by new pointers.
func TestGraphUpdateEqualsNewGraph(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	anchors := []string{"", "p1", "p2"}
	for round := range 300 {
		pages := make([]*Page, 2+rng.IntN(8))
		for i := range pages {
			pages[i] = &Page{URL: fmt.Sprintf("/p%d/", i)}
		}
		edge := func(from, to *Page) Edge {
			return Edge{From: from, FromAnchor: anchors[rng.IntN(3)], To: to, ToAnchor: anchors[rng.IntN(3)], Context: fmt.Sprint(rng.IntN(3)), Offset: rng.IntN(40) - 1}
		}
		var before []Edge
		for range rng.IntN(30) {
			before = append(before, edge(pages[rng.IntN(len(pages))], pages[rng.IntN(len(pages))]))
		}
		g := NewGraph(before)
		// Replace some pages by new pointers; every page linked with one
		// must then be among those whose edges are redone.
		now := slices.Clone(pages)
		redo := map[*Page]bool{}
		for i, p := range pages {
			if rng.IntN(4) == 0 {
				now[i] = &Page{URL: p.URL}
				redo[p] = true
				for _, e := range before {
					if e.To == p {
						redo[e.From] = true
					}
				}
			}
			if rng.IntN(3) == 0 {
				redo[p] = true
			}
		}
		newOf := map[*Page]*Page{}
		for i, p := range pages {
			newOf[p] = now[i]
		}
		var from []*Page
		var kept, fresh []Edge
		for _, e := range before {
			if !redo[e.From] {
				kept = append(kept, e)
			}
		}
		for _, p := range pages {
			if !redo[p] {
				continue
			}
			from = append(from, p)
			for range rng.IntN(6) {
				fresh = append(fresh, edge(newOf[p], now[rng.IntN(len(now))]))
			}
		}
		got, changed := g.Update(from, slices.Clone(fresh))
		want := NewGraph(append(kept, fresh...))
		for _, p := range append(slices.Clone(pages), now...) {
			if !slices.Equal(got.In(p), want.In(p)) || !slices.Equal(got.Out(p), want.Out(p)) {
				t.Fatalf("round %d: %s: Update gives in %v out %v; NewGraph gives in %v out %v", round, p.URL, got.In(p), got.Out(p), want.In(p), want.Out(p))
			}
			if !slices.Equal(g.In(p), NewGraph(before).In(p)) {
				t.Fatalf("round %d: Update changed the graph it was called on", round)
			}
		}
		for _, p := range now {
			if !slices.Equal(want.In(p), NewGraph(before).In(p)) && !slices.Contains(changed, p) {
				t.Fatalf("round %d: %s's in-edges changed but it is not reported", round, p.URL)
			}
		}
	}
}
