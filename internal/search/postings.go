package search

import (
	"context"
	"math"
	"slices"

	index "github.com/blevesearch/bleve_index_api"
)

// impacts reads the postings of every term of the text fields and returns,
// per term, [Δdoc, impact, …] for its maxPostings highest-impact docs, in
// doc order. num numbers the live documents by internal ID. It goes term
// by term over the union of the fields' dictionaries, so that only one
// term's postings are held at a time beside the result.
func impacts(ctx context.Context, r index.IndexReader, num map[string]int, maxPostings int) (map[string][]int, error) {
	total, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	fields := textFields()
	var terms []string
	for _, f := range fields {
		ts, err := fieldTerms(r, f.name)
		if err != nil {
			return nil, err
		}
		terms = append(terms, ts...)
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)

	type acc struct {
		sum     float64
		matched int
	}
	type hit struct {
		doc  int
		freq uint64
		norm float64
	}
	type posting struct{ doc, impact int }
	// Scratch, reused from term to term: a dense accumulator per doc and
	// the docs it touched.
	accs := make([]acc, len(num))
	var touched []int
	var hits []hit
	var ps []posting
	var tfd index.TermFieldDoc
	out := make(map[string][]int, len(terms))
	for _, term := range terms {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		touched = touched[:0]
		for _, f := range fields {
			tfr, err := r.TermFieldReader(ctx, []byte(term), f.name, true, true, false)
			if err != nil {
				return nil, err
			}
			hits = hits[:0]
			for {
				next, err := tfr.Next(tfd.Reset())
				if err != nil {
					tfr.Close()
					return nil, err
				}
				if next == nil {
					break
				}
				if n, ok := num[string(next.ID)]; ok {
					hits = append(hits, hit{n, next.Freq, next.Norm})
				}
			}
			tfr.Close()
			if len(hits) == 0 {
				continue // not in this field, or only in deleted documents
			}
			// Bleve's idf counts the term's postings; counting the live ones
			// makes an updated index export what a fresh one does.
			idf := 1 + math.Log(float64(total)/float64(len(hits)+1))
			for _, h := range hits {
				a := &accs[h.doc]
				if a.matched == 0 {
					touched = append(touched, h.doc)
				}
				a.sum += math.Sqrt(float64(h.freq)) * h.norm * idf * idf * f.boost
				a.matched++
			}
		}
		if len(touched) == 0 {
			continue
		}
		ps = ps[:0]
		for _, n := range touched {
			a := accs[n]
			imp := a.sum * float64(a.matched) / float64(len(fields))
			ps = append(ps, posting{n, max(1, int(math.Round(imp*Scale)))})
			accs[n] = acc{}
		}
		if len(ps) > maxPostings {
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
	}
	return out, nil
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
