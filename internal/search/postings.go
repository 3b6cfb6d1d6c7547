package search

import (
	"context"
	"math"
	"slices"

	index "github.com/blevesearch/bleve_index_api"
)

// hit is a term's posting in one field of one document: the document's
// number (in ID order), the term's frequency there, the field's norm, and,
// when positions are wanted, the term's positions (see positionsOf).
type hit struct {
	doc  int
	freq uint64
	norm float64
	pos  []int
}

// hitsFunc appends to hits the postings of term in fields[field], in any
// order of documents.
type hitsFunc func(term string, field int, hits []hit) ([]hit, error)

// fieldImpacts reads the postings of every term of fields in an index and
// returns them scored (see scoreTerms). num numbers the live documents by
// internal ID. It goes term by term over the union of the fields'
// dictionaries, so that only one term's postings are held at a time beside
// the result. With withPositions, it also returns each term's positions in
// _all.
func fieldImpacts(ctx context.Context, r index.IndexReader, num map[string]int, fields []textField, maxPostings int, withPositions bool) (map[string][]int, map[string][]int, error) {
	total, err := r.DocCount()
	if err != nil {
		return nil, nil, err
	}
	var terms []string
	for _, f := range fields {
		ts, err := fieldTerms(r, f.name)
		if err != nil {
			return nil, nil, err
		}
		terms = append(terms, ts...)
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	var tfd index.TermFieldDoc
	hitsOf := func(term string, field int, hits []hit) ([]hit, error) {
		vectors := withPositions && fields[field].name == fieldAll
		tfr, err := r.TermFieldReader(ctx, []byte(term), fields[field].name, true, true, vectors)
		if err != nil {
			return nil, err
		}
		defer tfr.Close()
		for {
			next, err := tfr.Next(tfd.Reset())
			if err != nil {
				return nil, err
			}
			if next == nil {
				return hits, nil
			}
			if n, ok := num[string(next.ID)]; ok {
				h := hit{doc: n, freq: next.Freq, norm: next.Norm}
				if vectors {
					h.pos = positionsOf(next.Vectors)
				}
				hits = append(hits, h)
			}
		}
	}
	return scoreTerms(ctx, terms, float64(total), len(num), fields, maxPostings, withPositions, hitsOf)
}

// scoreTerms returns, per term of terms, [Δdoc, impact, …] for its
// maxPostings highest-impact docs (all when maxPostings is 0), in doc
// order, scored as a disjunction of term queries on the fields with their
// boosts over an index of total documents (docs of them numbered). With
// withPositions, it also returns each term's positions in _all, per
// posting in order.
func scoreTerms(ctx context.Context, terms []string, total float64, docs int, fields []textField, maxPostings int, withPositions bool, hitsOf hitsFunc) (map[string][]int, map[string][]int, error) {
	type acc struct {
		sum     float64
		matched int
	}
	type posting struct{ doc, impact int }
	// Scratch, reused from term to term: a dense accumulator per doc and
	// the docs it touched.
	accs := make([]acc, docs)
	var touched []int
	var hits []hit
	var ps []posting
	out := make(map[string][]int, len(terms))
	var positions map[string][]int
	posOf := map[int][]int{} // doc → the term's positions in _all
	if withPositions {
		positions = make(map[string][]int, len(terms))
	}
	for _, term := range terms {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		touched = touched[:0]
		clear(posOf)
		for i, f := range fields {
			var err error
			hits, err = hitsOf(term, i, hits[:0])
			if err != nil {
				return nil, nil, err
			}
			if len(hits) == 0 {
				continue // not in this field, or only in deleted documents
			}
			// Bleve's idf counts the term's postings; counting the live ones
			// makes an updated index export what a fresh one does.
			idf := 1 + math.Log(total/float64(len(hits)+1))
			for _, h := range hits {
				a := &accs[h.doc]
				if a.matched == 0 {
					touched = append(touched, h.doc)
				}
				a.sum += math.Sqrt(float64(h.freq)) * h.norm * idf * idf * f.boost
				a.matched++
				if withPositions && f.name == fieldAll {
					posOf[h.doc] = h.pos
				}
			}
		}
		if len(touched) == 0 {
			continue
		}
		ps = ps[:0]
		for _, n := range touched {
			a := accs[n]
			imp := a.sum * float64(a.matched) / float64(len(fields))
			ps = append(ps, posting{n, encodeImpact(imp)})
			accs[n] = acc{}
		}
		if maxPostings > 0 && len(ps) > maxPostings {
			slices.SortFunc(ps, func(a, b posting) int {
				if a.impact != b.impact {
					return b.impact - a.impact
				}
				return a.doc - b.doc
			})
			ps = ps[:maxPostings]
		}
		slices.SortFunc(ps, func(a, b posting) int { return a.doc - b.doc })
		enc := make([]int, 0, 2*len(ps))
		prev := 0
		for _, p := range ps {
			enc = append(enc, p.doc-prev, p.impact)
			prev = p.doc
		}
		out[term] = enc
		if withPositions {
			var pe []int
			for _, p := range ps {
				pos := posOf[p.doc]
				pe = append(pe, len(pos))
				at := 0
				for _, v := range pos {
					pe = append(pe, v-at)
					at = v
				}
			}
			positions[term] = pe
		}
	}
	return out, positions, nil
}

// impactStep is the relative precision of a stored impact: impacts are
// stored on a log scale, so that a small one keeps as many significant
// digits as a large one, and two sections Bleve ranks 0.1 % apart stay
// apart in the static client.
const impactStep = 1e-4

// encodeImpact stores an impact as an integer: ln(1 + impact × Scale) in
// steps of impactStep. The client decodes it with decodeImpact's formula.
func encodeImpact(imp float64) int {
	return max(1, int(math.Round(math.Log1p(imp*Scale)/impactStep)))
}

// fieldSpan separates the fields in a position: field i's token p is at
// i*fieldSpan + p. A phrase matches within one field, as Bleve's does.
const fieldSpan = 1 << 24

// positionsOf are a term's positions in a document's _all field, sorted,
// each in its original field's span (see phraseFields).
func positionsOf(vs []*index.TermFieldVector) []int {
	out := make([]int, 0, len(vs))
	for _, v := range vs {
		i := slices.Index(phraseFields(), v.Field)
		out = append(out, i*fieldSpan+int(v.Pos))
	}
	slices.Sort(out)
	return out
}

// phraseFields are the text fields, in the order their positions are
// numbered (a field name not among them counts as -1's span, matching
// nothing else).
func phraseFields() []string {
	return []string{fieldTitle, fieldHeading, fieldCite, fieldSummary, fieldBody}
}

// fieldTerms lists the terms of a field's dictionary.
func fieldTerms(r index.IndexReader, field string) ([]string, error) {
	dict, err := r.FieldDict(field)
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var out []string
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		out = append(out, e.Term)
	}
}
