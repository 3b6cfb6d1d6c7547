package search

import (
	"context"
	"html"
	"runtime/debug"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/kb-legal/kb/internal/site"
)

// Request is a search.
type Request struct {
	Query string // ParseQuery's syntax
	Kind  string // only pages of this kind, when set
	Limit int    // pages wanted; 10 when zero
	From  int    // pages to skip, for the next page of results
}

// Result is what a search found. Its JSON is `kb search --json`'s and the
// preview server's /_kb/search answer.
type Result struct {
	Total    uint64         `json:"total"`              // sections matched
	Pages    int            `json:"pages"`              // pages matched: the hits there are to list
	Fallback bool           `json:"fallback,omitempty"` // no page has all the words: these have some
	Hits     []Hit          `json:"hits"`               // best first, one per page
	Kinds    map[string]int `json:"kinds,omitempty"`    // pages matched by kind, before the Kind filter
}

// FallbackNote is what to tell a reader when Result.Fallback is set.
const FallbackNote = "No page has all the words; showing pages with some of them."

// Hit is a page found, at its best-matching section, with its next best
// sections.
type Hit struct {
	URL      string    `json:"url"`    // the page's site path, without the base path
	Title    string    `json:"title"`  // the page's title, then " › " and the section's heading
	Kind     string    `json:"kind"`   //
	Anchor   string    `json:"anchor"` // the section's anchor: link to URL#anchor
	Score    float64   `json:"score"`
	Snippet  string    `json:"snippet"`            // HTML: escaped text, the query's words in <mark>
	Sections []Section `json:"sections,omitempty"` // the page's other matching sections, best first
	Best     bool      `json:"best,omitempty"`     // a pinpoint the query cites, put first

	section string // the anchor of the hit's section, when it differs from Anchor
}

// Section is another matching section of a hit's page.
type Section struct {
	Anchor  string `json:"anchor"`
	Heading string `json:"heading"`
}

// maxSections bounds the sections listed beneath a hit.
const maxSections = 3

// window is how many sections are read at a time to collect pages.
const window = 200

// Search runs req against the index. Plain words are all required; when
// no section has them all, it searches for any of them and says so.
//
// It stops with ctx's error once ctx is done (a client that went away).
func (x *Index) Search(ctx context.Context, req Request) (_ Result, err error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guardDamage(&err)
	if _, err := ParseQuery(req.Query); err != nil {
		return Result{}, err // too long, or malformed, before anything is read for it
	}
	rest, keys, err := x.citations(ctx, req.Query)
	if err != nil {
		return Result{}, err
	}
	clauses, err := ParseQuery(rest)
	if err != nil {
		return Result{}, err
	}
	out, err := x.search(ctx, req, clauses, keys, true)
	if err == nil && out.Total == 0 && hasPlain(clauses) {
		var anyRes Result
		anyRes, err = x.search(ctx, req, clauses, keys, false)
		if err == nil && anyRes.Total > 0 {
			anyRes.Fallback = true
			out = anyRes
		}
	}
	return out, err
}

func (x *Index) search(ctx context.Context, req Request, clauses []Clause, keys []string, all bool) (Result, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = 10
	}
	analyzer := x.bleve.Mapping().AnalyzerNamed(analyzerName)
	q := withPins(compile(clauses, req.Kind, analyzer, all, keys), keys, req.Kind)
	if q == nil {
		return Result{Hits: []Hit{}}, nil
	}
	docs, err := x.Count()
	if err != nil {
		return Result{}, err
	}
	pc := &pageHits{x: x, clauses: clauses, keys: keys, from: req.From, limit: limit, out: Result{Hits: []Hit{}}, byURL: map[string]int{}}
	// The pinpoints the query cites come first, as best bets.
	best, err := x.bestBets(ctx, keys, req.Kind)
	if err != nil {
		return Result{}, err
	}
	pc.addBest(best)
	if err := pc.collect(ctx, q, docs); err != nil {
		return Result{}, err
	}
	if req.Kind != "" {
		// The facets show every kind, not just the one chosen.
		fr := bleve.NewSearchRequestOptions(withPins(compile(clauses, "", analyzer, all, keys), keys, ""), 0, 0, false)
		fr.AddFacet("pages", bleve.NewFacetRequest(fieldPage, int(docs)))
		fres, err := x.bleve.SearchInContext(ctx, fr)
		if err != nil {
			return Result{}, err
		}
		_, pc.out.Kinds = pageCounts(fres)
	}
	return pc.out, nil
}

// pageHits collects the pages a search finds, one hit a page at its best
// section, from the page numbered from, at most limit of them.
type pageHits struct {
	x           *Index
	clauses     []Clause
	keys        []string
	from, limit int
	best        bool // the query cites pinpoints, which are first
	out         Result
	byURL       map[string]int // page URL → its index among the pages found
}

// addBest adds the best bets, the pinpoints the query cites.
func (pc *pageHits) addBest(best []Hit) {
	pc.best = len(best) > 0
	for _, h := range best {
		if _, seen := pc.byURL[h.URL]; seen {
			continue
		}
		pc.byURL[h.URL] = len(pc.byURL)
		if len(pc.byURL) > pc.from && len(pc.out.Hits) < pc.limit {
			pc.out.Hits = append(pc.out.Hits, h)
		}
	}
}

// collect reads the matching sections, best first, a window at a time,
// until it has the pages wanted; the first window also counts the pages
// matched.
func (pc *pageHits) collect(ctx context.Context, q query.Query, docs uint64) error {
	for from := 0; ; from += window {
		sr := bleve.NewSearchRequestOptions(q, window, from, false)
		sr.SortBy([]string{"-_score", "_id"})
		sr.Fields = []string{fieldURL, fieldAnchor, fieldTitle, fieldHeading, fieldKind, fieldBody, fieldSummary, fieldPin}
		if from == 0 {
			sr.AddFacet("pages", bleve.NewFacetRequest(fieldPage, int(docs)))
		}
		res, err := pc.x.bleve.SearchInContext(ctx, sr)
		if err != nil {
			return err
		}
		if from == 0 {
			pc.out.Total = res.Total
			pc.out.Pages, pc.out.Kinds = pageCounts(res)
		}
		for _, h := range res.Hits {
			pc.add(h.Fields, h.Score)
		}
		if len(res.Hits) < window || len(pc.byURL) > pc.from+pc.limit {
			return nil
		}
	}
}

// add adds a matching section: a new page's hit, or one more section
// beneath its page's, when the page is among those wanted.
func (pc *pageHits) add(f map[string]any, score float64) {
	url := str(f[fieldURL])
	n, seen := pc.byURL[url]
	if !seen {
		n = len(pc.byURL)
		pc.byURL[url] = n
	}
	if n < pc.from || n >= pc.from+pc.limit {
		return
	}
	if !seen && !(pc.best && pinned(f, pc.keys)) {
		pc.out.Hits = append(pc.out.Hits, Hit{URL: url, Anchor: str(f[fieldAnchor]), Title: displayTitle(str(f[fieldTitle]), str(f[fieldHeading])),
			Kind: str(f[fieldKind]), Score: score, Snippet: pc.x.snippet(f, pc.clauses)})
		return
	}
	hit := &pc.out.Hits[n-pc.from]
	if a := str(f[fieldAnchor]); len(hit.Sections) < maxSections && a != hit.Anchor && !(hit.Best && a == hit.section) {
		hit.Sections = append(hit.Sections, Section{Anchor: a, Heading: sectionHeading(f)})
	}
}

// sectionHeading names a section beneath its page's hit: its heading, or
// "Introduction" for the text before the first heading.
func sectionHeading(f map[string]any) string {
	if h := str(f[fieldHeading]); h != "" {
		return h
	}
	return "Introduction"
}

// displayTitle is how a hit is titled: the page, then the section.
func displayTitle(title, heading string) string {
	if heading == "" {
		return title
	}
	return title + " › " + heading
}

// pageCounts counts the pages a search matched, in all and by kind, from
// its "pages" facet over fieldPage.
func pageCounts(res *bleve.SearchResult) (pages int, kinds map[string]int) {
	f := res.Facets["pages"]
	if f == nil || f.Terms == nil {
		return 0, nil
	}
	for _, t := range f.Terms.Terms() {
		if kinds == nil {
			kinds = map[string]int{}
		}
		kind, _, _ := strings.Cut(t.Term, "\t")
		kinds[kind]++
		pages++
	}
	return pages, kinds
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
	a := x.bleve.Mapping().AnalyzerNamed(analyzerName)
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
// shape (see export.go). With all, plain words are required, but for words
// joined by OR, of which one is; otherwise plain words only rank.
//
// keys are the pinpoints the query cites: the sections citing them rank
// higher, or, when the query has no words, are what it finds.
func compile(clauses []Clause, kind string, analyzer analysis.Analyzer, all bool, keys []string) query.Query {
	var b boolean
	for _, c := range clauses {
		b.add(c, analyzer, all)
	}
	b.endGroup()
	b.cite(keys)
	if kind != "" {
		t := query.NewTermQuery(kind)
		t.SetField(fieldKind)
		b.filters = append(b.filters, t)
	}
	return b.query()
}

// boolean is a Boolean query being compiled.
type boolean struct {
	must, should, mustNot, filters []query.Query
	group                          []query.Query // the plain clauses joined by OR so far
}

// add compiles clause c: a keyword field's is a filter (or an exclusion),
// which ranks nothing; the others' analysed units are required, excluded,
// ranking only, or, with all, required in their OR group.
func (b *boolean) add(c Clause, analyzer analysis.Analyzer, all bool) {
	if isKeywordField(c.Field) {
		t := query.NewTermQuery(c.Text)
		t.SetField(c.Field)
		if c.Occur == MustNot {
			b.mustNot = append(b.mustNot, t)
		} else {
			b.filters = append(b.filters, t) // a filter ranks nothing
		}
		return
	}
	units := clauseUnits(c, analyzer)
	if len(units) == 0 {
		return // only stop words
	}
	switch {
	case c.Occur == Must:
		b.must = append(b.must, units...)
	case c.Occur == MustNot:
		b.mustNot = append(b.mustNot, units...)
	case !all:
		b.should = append(b.should, units...)
	default:
		if !c.Or {
			b.endGroup()
		}
		if len(units) == 1 {
			b.group = append(b.group, units[0])
		} else {
			b.group = append(b.group, query.NewConjunctionQuery(units))
		}
	}
}

// endGroup requires one of the group of plain clauses joined by OR so
// far, and starts a new group.
func (b *boolean) endGroup() {
	switch {
	case len(b.group) == 1:
		b.must = append(b.must, b.group[0])
	case len(b.group) > 1:
		b.must = append(b.must, query.NewDisjunctionQuery(b.group))
	}
	b.group = nil
}

// cite ranks the sections citing one of keys higher; without words to
// match, they are what the query finds.
func (b *boolean) cite(keys []string) {
	if len(keys) == 0 {
		return
	}
	var cites []query.Query
	for _, k := range keys {
		t := query.NewTermQuery(k)
		t.SetField(fieldCites)
		cites = append(cites, t)
	}
	if len(b.must) == 0 && len(b.should) == 0 {
		b.must = append(b.must, query.NewDisjunctionQuery(cites))
	} else {
		b.should = append(b.should, cites...)
	}
}

// query is the compiled query; nil when nothing can match. Filters
// alone match every section they let through.
func (b *boolean) query() query.Query {
	if len(b.must) == 0 && len(b.should) == 0 && len(b.filters) == 0 {
		return nil
	}
	q := query.NewBooleanQuery(b.must, b.should, b.mustNot)
	if len(b.must) == 0 && len(b.should) == 0 {
		q.AddMust(query.NewMatchAllQuery())
	}
	switch len(b.filters) {
	case 0:
	case 1:
		q.AddFilter(b.filters[0])
	default:
		q.AddFilter(query.NewConjunctionQuery(b.filters))
	}
	return q
}

// clauseUnits are the scored parts of a word or phrase clause: a phrase
// over the text fields, or one disjunction over them per analyzed term.
func clauseUnits(c Clause, analyzer analysis.Analyzer) []query.Query {
	terms := analyze(analyzer, c.Text)
	if len(terms) == 0 {
		return nil
	}
	var out []query.Query
	for _, term := range terms {
		out = append(out, overFields(c.Field, func() query.FieldableQuery {
			return query.NewTermQuery(term)
		}))
	}
	if c.Phrase && len(terms) > 1 {
		// A phrase scores as its words do, and matches only where they
		// stand side by side, in order, within one field: the static
		// client checks the same with the positions it is given.
		field := c.Field
		if field == "" {
			field = fieldAll
		}
		phrase := query.NewMatchPhraseQuery(c.Text)
		phrase.SetField(field)
		b := query.NewBooleanQuery(out, nil, nil)
		b.AddFilter(phrase)
		return []query.Query{b}
	}
	return out
}

// hasPlain reports whether the query has plain words, which all-words
// mode requires and any-word mode only ranks.
func hasPlain(clauses []Clause) bool {
	for _, c := range clauses {
		if c.Occur == Should && !isKeywordField(c.Field) {
			return true
		}
	}
	return false
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

// citations finds the citations in a query that name pinpoints of the
// index (with the instrument the query names, else without one), and
// returns the query without them and their keys.
func (x *Index) citations(ctx context.Context, q string) (rest string, keys []string, err error) {
	b := []byte(q)
	for _, c := range site.FindCitations(q) {
		for i, k := range citationKeys(c) {
			n, err := x.termCount(ctx, fieldPin, k)
			if err != nil {
				return "", nil, err
			}
			if n == 0 {
				continue
			}
			start := c.BareStart
			if c.Instrument != "" && i%2 == 0 {
				start = c.Start
			}
			for j := start; j < c.End; j++ {
				b[j] = ' ' // blanked, so that columns in errors stay true
			}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
			break
		}
	}
	return string(b), keys, nil
}

// citationKeys are the keys a citation may name a pinpoint by, closest
// first: with its instrument, if any, and without, then the same for the
// pinpoints enclosing it ("61(1)(b)" falls back to "61(1)", then "61").
func citationKeys(c site.Citation) []string {
	var out []string
	for {
		if c.Instrument != "" {
			out = append(out, c.Key(true))
		}
		out = append(out, c.Key(false))
		switch {
		case c.Sub > 0:
			c.Sub = 0
		case len(c.Groups) > 0:
			c.Groups = c.Groups[:len(c.Groups)-1]
		default:
			return out
		}
	}
}

// termCount is how many documents hold term in a keyword field.
func (x *Index) termCount(ctx context.Context, field, term string) (uint64, error) {
	t := query.NewTermQuery(term)
	t.SetField(field)
	res, err := x.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(t, 0, 0, false))
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// pinQuery finds the sections holding the pinpoints of keys, of kind when
// set; nil without keys.
func pinQuery(keys []string, kind string) query.Query {
	if len(keys) == 0 {
		return nil
	}
	var pins []query.Query
	for _, k := range keys {
		t := query.NewTermQuery(k)
		t.SetField(fieldPin)
		pins = append(pins, t)
	}
	var q query.Query = query.NewDisjunctionQuery(pins)
	if kind != "" {
		t := query.NewTermQuery(kind)
		t.SetField(fieldKind)
		q = query.NewConjunctionQuery([]query.Query{q, t})
	}
	return q
}

// withPins adds the sections holding the cited pinpoints to what q finds.
func withPins(q query.Query, keys []string, kind string) query.Query {
	pins := pinQuery(keys, kind)
	switch {
	case pins == nil:
		return q
	case q == nil:
		return pins
	}
	return query.NewDisjunctionQuery([]query.Query{q, pins})
}

// bestBets are the hits at the pinpoints keys name, in key order, then in
// section ID order: each links to the pinpoint's own anchor.
func (x *Index) bestBets(ctx context.Context, keys []string, kind string) ([]Hit, error) {
	var out []Hit
	for _, k := range keys {
		sr := bleve.NewSearchRequestOptions(pinQuery([]string{k}, kind), 10, 0, false)
		sr.SortBy([]string{"_id"})
		sr.Fields = []string{fieldURL, fieldAnchor, fieldTitle, fieldHeading, fieldKind, fieldBody, fieldSummary, fieldPinAt}
		res, err := x.bleve.SearchInContext(ctx, sr)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			pin := pinOf(h.Fields[fieldPinAt], k)
			title := displayTitle(str(h.Fields[fieldTitle]), str(h.Fields[fieldHeading]))
			if pin.Label != "" {
				title = displayTitle(str(h.Fields[fieldTitle]), pin.Label)
			}
			text := pin.Text
			if text == "" {
				text = sectionText(h.Fields)
			}
			out = append(out, Hit{URL: str(h.Fields[fieldURL]), Anchor: pin.Anchor, Title: title, Kind: str(h.Fields[fieldKind]),
				Score: h.Score, Snippet: markWindow(text, nil, snippetWidth), Best: true, section: str(h.Fields[fieldAnchor])})
		}
	}
	return out, nil
}

// pinOf finds the pin of key among a section's stored pins.
func pinOf(v any, key string) Pin {
	var all []string
	switch v := v.(type) {
	case string:
		all = []string{v}
	case []any:
		for _, e := range v {
			all = append(all, str(e))
		}
	}
	for _, p := range all {
		if pin := parsePin(p); pin.Key == key {
			return pin
		}
	}
	return Pin{Key: key}
}

// parsePin reads a stored pin, "key\tanchor\tlabel\ttext".
func parsePin(v string) Pin {
	f := strings.SplitN(v, "\t", 4)
	f = append(f, "", "", "", "")
	return Pin{Key: f[0], Anchor: f[1], Label: f[2], Text: f[3]}
}

// pinned reports whether a section holds a pinpoint of keys.
func pinned(f map[string]any, keys []string) bool {
	switch v := f[fieldPin].(type) {
	case string:
		return slices.Contains(keys, v)
	case []any:
		for _, e := range v {
			if slices.Contains(keys, str(e)) {
				return true
			}
		}
	}
	return false
}

// sectionText is a section's text for its snippet.
func sectionText(f map[string]any) string {
	if text := str(f[fieldBody]); text != "" {
		return text
	}
	return str(f[fieldSummary])
}
