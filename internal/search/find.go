package search

import (
	"context"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Request is a search.
type Request struct {
	Query string // ParseQuery's syntax
	Kind  string // only pages of this kind, when set
	Limit int    // hits wanted; 10 when zero
}

// Result is what a search found. Its JSON is `kb search --json`'s and the
// preview server's /_kb/search answer.
type Result struct {
	Total uint64         `json:"total"`           // sections matched
	Hits  []Hit          `json:"hits"`            // best first, one per page
	Kinds map[string]int `json:"kinds,omitempty"` // sections matched by kind, before the Kind filter
}

// Hit is a page found, at its best-matching section.
type Hit struct {
	URL     string  `json:"url"`    // the page's site path, without the base path
	Title   string  `json:"title"`  // the section's title
	Kind    string  `json:"kind"`   //
	Anchor  string  `json:"anchor"` // the section's anchor: link to URL#anchor
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"` // HTML: escaped text, the query's words in <mark>
}

// hitsPerPage bounds how many sections are fetched per hit wanted, to
// group them by page.
const hitsPerPage = 10

// Search runs req against the index.
func (x *Index) Search(ctx context.Context, req Request) (Result, error) {
	clauses, err := ParseQuery(req.Query)
	if err != nil {
		return Result{}, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = 10
	}
	analyzer := x.bleve.Mapping().AnalyzerNamed(en.AnalyzerName)
	q := compile(clauses, req.Kind, analyzer)
	if q == nil {
		return Result{Hits: []Hit{}}, nil
	}
	sr := bleve.NewSearchRequestOptions(q, max(100, limit*hitsPerPage), 0, false)
	sr.SortBy([]string{"-_score", "_id"})
	sr.Fields = []string{fieldURL, fieldAnchor, fieldTitle, fieldKind, fieldBody, fieldSummary}
	sr.Highlight = bleve.NewHighlightWithStyle("html")
	sr.Highlight.Fields = []string{fieldBody, fieldSummary}
	sr.AddFacet("kind", bleve.NewFacetRequest(fieldKind, 50))
	res, err := x.bleve.SearchInContext(ctx, sr)
	if err != nil {
		return Result{}, err
	}
	out := Result{Total: res.Total, Hits: []Hit{}, Kinds: kindCounts(res)}
	if req.Kind != "" {
		// The facets show every kind, not just the one chosen.
		all := compile(clauses, "", analyzer)
		fr := bleve.NewSearchRequestOptions(all, 0, 0, false)
		fr.AddFacet("kind", bleve.NewFacetRequest(fieldKind, 50))
		fres, err := x.bleve.SearchInContext(ctx, fr)
		if err != nil {
			return Result{}, err
		}
		out.Kinds = kindCounts(fres)
	}
	seen := map[string]bool{}
	for _, h := range res.Hits {
		url := str(h.Fields[fieldURL])
		if seen[url] {
			continue
		}
		seen[url] = true
		out.Hits = append(out.Hits, Hit{URL: url, Anchor: str(h.Fields[fieldAnchor]), Title: str(h.Fields[fieldTitle]),
			Kind: str(h.Fields[fieldKind]), Score: h.Score, Snippet: snippet(h.Fragments, h.Fields)})
		if len(out.Hits) == limit {
			break
		}
	}
	return out, nil
}

func kindCounts(res *bleve.SearchResult) map[string]int {
	f := res.Facets["kind"]
	if f == nil || f.Terms == nil {
		return nil
	}
	out := map[string]int{}
	for _, t := range f.Terms.Terms() {
		out[t.Term] = t.Count
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// snippet is the highlighted fragment of the body, else of the summary,
// else the start of the body.
func snippet(frags map[string][]string, f map[string]any) string {
	for _, name := range []string{fieldBody, fieldSummary} {
		if fs := frags[name]; len(fs) > 0 && strings.Contains(fs[0], "<mark>") {
			return fs[0]
		}
	}
	text := str(f[fieldBody])
	if text == "" {
		text = str(f[fieldSummary])
	}
	return html.EscapeString(clip(text, 200))
}

// clip cuts s to at most n bytes at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// compile turns clauses into a Bleve query; nil when nothing can match.
// Every word becomes, per analyzed term, a disjunction of term queries over
// the text fields with their boosts: the static client scores exactly this
// shape (see export.go).
func compile(clauses []Clause, kind string, analyzer analysis.Analyzer) query.Query {
	var must, should, mustNot, filters []query.Query
	add := func(o Occur, q query.Query) {
		switch o {
		case Must:
			must = append(must, q)
		case MustNot:
			mustNot = append(mustNot, q)
		default:
			should = append(should, q)
		}
	}
	for _, c := range clauses {
		if isKeywordField(c.Field) {
			t := query.NewTermQuery(c.Text)
			t.SetField(c.Field)
			if c.Occur == MustNot {
				mustNot = append(mustNot, t)
			} else {
				filters = append(filters, t) // a filter ranks nothing
			}
			continue
		}
		terms := analyze(analyzer, c.Text)
		if len(terms) == 0 {
			continue // only stop words
		}
		if c.Phrase && len(terms) > 1 {
			add(c.Occur, overFields(c.Field, func(f string) query.FieldableQuery {
				return query.NewMatchPhraseQuery(c.Text)
			}))
			continue
		}
		for _, term := range terms {
			add(c.Occur, overFields(c.Field, func(string) query.FieldableQuery {
				return query.NewTermQuery(term)
			}))
		}
	}
	if kind != "" {
		t := query.NewTermQuery(kind)
		t.SetField(fieldKind)
		filters = append(filters, t)
	}
	if len(must) == 0 && len(should) == 0 && len(filters) == 0 {
		return nil
	}
	b := query.NewBooleanQuery(must, should, mustNot)
	if len(must) == 0 && len(should) == 0 {
		b.AddMust(query.NewMatchAllQuery())
	}
	switch len(filters) {
	case 0:
	case 1:
		b.AddFilter(filters[0])
	default:
		b.AddFilter(query.NewConjunctionQuery(filters))
	}
	return b
}

// overFields is a disjunction of q over the text fields (or just field),
// each with its boost.
func overFields(field string, q func(field string) query.FieldableQuery) query.Query {
	var ds []query.Query
	for _, f := range textFields() {
		if field != "" && f.name != field {
			continue
		}
		fq := q(f.name)
		fq.SetField(f.name)
		if b, ok := fq.(interface{ SetBoost(float64) }); ok {
			b.SetBoost(f.boost)
		}
		ds = append(ds, fq)
	}
	return query.NewDisjunctionQuery(ds)
}

// analyze returns the terms the index's analyzer makes of text.
func analyze(a analysis.Analyzer, text string) []string {
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}
