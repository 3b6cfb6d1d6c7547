package search

import (
	"context"
	"html"
	"runtime/debug"
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
	Title   string  `json:"title"`  // the page's title, then " › " and the section's heading
	Kind    string  `json:"kind"`   //
	Anchor  string  `json:"anchor"` // the section's anchor: link to URL#anchor
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"` // HTML: escaped text, the query's words in <mark>
}

// hitsPerPage bounds how many sections are fetched per hit wanted, to
// group them by page.
const hitsPerPage = 10

// Search runs req against the index.
//
// It stops with ctx's error once ctx is done (a client that went away).
func (x *Index) Search(ctx context.Context, req Request) (_ Result, err error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guardDamage(&err)
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
	sr.Fields = []string{fieldURL, fieldAnchor, fieldTitle, fieldHeading, fieldKind, fieldBody, fieldSummary}
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
		out.Hits = append(out.Hits, Hit{URL: url, Anchor: str(h.Fields[fieldAnchor]), Title: displayTitle(str(h.Fields[fieldTitle]), str(h.Fields[fieldHeading])),
			Kind: str(h.Fields[fieldKind]), Score: h.Score, Snippet: x.snippet(h.Fields, clauses)})
		if len(out.Hits) == limit {
			break
		}
	}
	return out, nil
}

// displayTitle is how a hit is titled: the page, then the section.
func displayTitle(title, heading string) string {
	if heading == "" {
		return title
	}
	return title + " › " + heading
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

// snippet is the section's text around the first of the query's words,
// escaped, with each word that analyzes to a query term in <mark>. The
// static client draws the same.
func (x *Index) snippet(f map[string]any, clauses []Clause) string {
	text := str(f[fieldBody])
	if text == "" {
		text = str(f[fieldSummary])
	}
	a := x.bleve.Mapping().AnalyzerNamed(en.AnalyzerName)
	terms := map[string]bool{}
	for _, c := range clauses {
		if c.Occur != MustNot && !isKeywordField(c.Field) {
			for _, t := range analyze(a, c.Text) {
				terms[t] = true
			}
		}
	}
	var marks [][2]int
	for _, tok := range a.(*analysis.DefaultAnalyzer).Tokenizer.Tokenize([]byte(text)) {
		if ts := a.Analyze(tok.Term); len(ts) == 1 && terms[string(ts[0].Term)] {
			marks = append(marks, [2]int{tok.Start, tok.End})
		}
	}
	return markWindow(text, marks, snippetWidth)
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

// snippetWidth is about how many characters of text a snippet shows.
const snippetWidth = 180

// markWindow cuts about width runes of text starting a little before the
// first mark, at spaces, and wraps the marks in it (byte ranges, in order)
// in <mark>.
func markWindow(text string, marks [][2]int, width int) string {
	first := -1
	if len(marks) > 0 {
		first = marks[0][0]
	}
	start := 0
	if first > 0 {
		start = max(0, first-runeBytes(text[:first], width/3, true))
		if sp := strings.IndexByte(text[start:], ' '); sp >= 0 && start+sp < first && start > 0 {
			start += sp + 1
		}
	}
	end := start + runeBytes(text[start:], width, false)
	if end < len(text) {
		if sp := strings.LastIndexByte(text[start:end], ' '); sp > 0 {
			end = start + sp
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	at := start
	for _, m := range marks {
		if m[0] < at || m[1] > end {
			continue
		}
		b.WriteString(html.EscapeString(text[at:m[0]]))
		b.WriteString("<mark>" + html.EscapeString(text[m[0]:m[1]]) + "</mark>")
		at = m[1]
	}
	b.WriteString(html.EscapeString(text[at:end]))
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// runeBytes is the byte length of n runes at the start (or, with fromEnd,
// the end) of s, or of all of s.
func runeBytes(s string, n int, fromEnd bool) int {
	if fromEnd {
		i := len(s)
		for ; n > 0 && i > 0; n-- {
			_, size := utf8.DecodeLastRuneInString(s[:i])
			i -= size
		}
		return len(s) - i
	}
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
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
			add(c.Occur, overFields(c.Field, func() query.FieldableQuery {
				return query.NewMatchPhraseQuery(c.Text)
			}))
			continue
		}
		for _, term := range terms {
			add(c.Occur, overFields(c.Field, func() query.FieldableQuery {
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

// overFields is a disjunction of q over the text fields, each with its
// boost, or q in just the field a clause names.
func overFields(field string, q func() query.FieldableQuery) query.Query {
	fields := textFields()
	if b, ok := fieldBoost(field); ok {
		fields = []textField{{field, b}}
	}
	var ds []query.Query
	for _, f := range fields {
		fq := q()
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
