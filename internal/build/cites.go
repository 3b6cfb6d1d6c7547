package build

import (
	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/internal/site"
)

// citeCache is what a Builder keeps of the search documents' citations
// (see generation.withCitations) from one build to the next.
type citeCache struct {
	schemes map[string]site.Scheme // by page URL: how each page's places were cited
	cites   map[string]cachedCites // by content file
}

// cachedCites are a page's search documents with their citations, and
// what they were made of besides the pinpoint schemes.
type cachedCites struct {
	base    []search.Document // the documents without citations
	anchors []site.Anchor     // the page's
	edges   []site.Edge       // the page's
	docs    []search.Document
}

// addCitations gives each page's documents their citations, reusing the
// last build's where they were made of the same documents, anchors and
// edges and neither the page's pinpoint scheme nor that of a page it
// cites changed: a key is made of a scheme and an anchor alone (see
// site.Site.PinpointKeys), and a pin also of the anchor's text.
// Recomputing every page's keys was most of an edit's rebuild at 10k
// pages.
func (c *cache) addCitations(g *generation, list []*parsed, docs [][]search.Document) {
	schemes := make(map[string]site.Scheme, len(g.site.Pages))
	for _, p := range g.site.Pages {
		schemes[p.URL] = g.site.SchemeOf(p)
	}
	changed := map[string]bool{} // pages whose scheme changed, came or went
	for url, sc := range schemes {
		if old, ok := c.schemes[url]; !ok || old != sc {
			changed[url] = true
		}
	}
	for url := range c.schemes {
		if _, ok := schemes[url]; !ok {
			changed[url] = true
		}
	}
	next := make(map[string]cachedCites, len(list))
	for i, pp := range list {
		p := pp.page
		if len(docs[i]) == 0 {
			continue // nothing to cite from
		}
		var edges []site.Edge
		if g.graph != nil {
			edges = g.graph.Out(p)
		}
		e, ok := c.cites[p.File]
		if !ok || changed[p.URL] || !sameSlice(e.base, docs[i]) || !sameSlice(e.anchors, p.Anchors) || !sameTargets(e.edges, edges, changed) {
			e = cachedCites{base: docs[i], anchors: p.Anchors, edges: edges, docs: g.withCitations(p, docs[i])}
		}
		next[p.File] = e
		docs[i] = e.docs
	}
	c.schemes, c.cites = schemes, next
}

// sameSlice reports whether a and b are the same slice: the same elements,
// not equal ones.
func sameSlice[E any](a, b []E) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// sameTargets reports whether edges a and b cite the same places from the
// same anchors, of pages whose scheme did not change.
func sameTargets(a, b []site.Edge, changed map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].To.URL != b[i].To.URL || a[i].ToAnchor != b[i].ToAnchor || a[i].FromAnchor != b[i].FromAnchor {
			return false
		}
		if len(changed) > 0 && changed[b[i].To.URL] {
			return false
		}
	}
	return true
}
