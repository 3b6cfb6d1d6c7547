package search

import (
	"context"
	"math"
	"slices"
	"strconv"

	index "github.com/blevesearch/bleve_index_api"
)

// postingList is a term's postings in one field, column by column, as a
// scorer reads them (scratch reused from term to term).
type postingList struct {
	docs  []int32   // document numbers, in ID order
	freqs []uint32  // the term's frequency in each document's field
	norms []float64 // the field's norm in each document; filled for scoring only
	ends  []uint32  // with positions: posting i's are pos[ends[i-1]:ends[i]]
	pos   []int32   // sorted per posting (see positionsOf)
}

func (l *postingList) reset() {
	l.docs, l.freqs, l.norms, l.ends, l.pos = l.docs[:0], l.freqs[:0], l.norms[:0], l.ends[:0], l.pos[:0]
}

// positions are posting i's positions, when the list has them.
func (l *postingList) positions(i int) []int32 {
	if len(l.ends) <= i {
		return nil
	}
	start := uint32(0)
	if i > 0 {
		start = l.ends[i-1]
	}
	return l.pos[start:l.ends[i]]
}

// postingSource is where an export reads the postings it scores.
type postingSource interface {
	// total is the number of documents an idf counts.
	total() float64
	// terms lists the terms of a field.
	terms(field string) ([]string, error)
	// postings sets l to term's postings in field, with norms, and with
	// positions when withPositions (for _all only), in any document order.
	postings(ctx context.Context, term, field string, withPositions bool, l *postingList) error
}

// indexSource reads the postings from an index, one term at a time.
func (s *indexSource) total() float64 { return s.docCount }

func (s *indexSource) terms(field string) ([]string, error) { return fieldTerms(s.r, field) }

func (s *indexSource) postings(ctx context.Context, term, field string, withPositions bool, l *postingList) error {
	l.reset()
	vectors := withPositions && field == fieldAll
	tfr, err := s.r.TermFieldReader(ctx, []byte(term), field, true, true, vectors)
	if err != nil {
		return err
	}
	defer tfr.Close()
	var tfd index.TermFieldDoc
	for {
		next, err := tfr.Next(tfd.Reset())
		if err != nil || next == nil {
			return err
		}
		n, ok := s.num[string(next.ID)]
		if !ok {
			continue // a deleted document
		}
		l.docs = append(l.docs, int32(n))
		l.freqs = append(l.freqs, uint32(next.Freq))
		l.norms = append(l.norms, next.Norm)
		if vectors {
			l.pos = append(l.pos, positionsOf(next.Vectors)...)
			l.ends = append(l.ends, uint32(len(l.pos)))
		}
	}
}

// scorer scores terms as a disjunction of term queries on fields, with
// their boosts, as Bleve does, keeping each term's maxPostings
// highest-impact documents (all when 0). Its scratch is reused from term
// to term.
type scorer struct {
	src         postingSource
	fields      []textField
	maxPostings int

	accs    []acc   // per document
	at      []int32 // per document: 1 + its index in list, for positions
	touched []int32
	list    postingList
	ps      []scored
}

type acc struct {
	sum     float64
	matched int
}

type scored struct {
	doc    int32
	impact int
}

func newScorer(src postingSource, docs int, fields []textField, maxPostings int) *scorer {
	return &scorer{src: src, fields: fields, maxPostings: maxPostings, accs: make([]acc, docs), at: make([]int32, docs)}
}

// terms lists the terms of the scorer's fields, sorted.
func (s *scorer) terms() ([]string, error) {
	var terms []string
	for _, f := range s.fields {
		ts, err := s.src.terms(f.name)
		if err != nil {
			return nil, err
		}
		terms = append(terms, ts...)
	}
	slices.Sort(terms)
	return slices.Compact(terms), nil
}

// score returns term's postings as JSON, [Δdoc, impact, …] in document
// order, or nil when no live document has the term. An impact is the
// score Bleve gives the term's disjunction over the fields for that
// document, less the query norm (see encodeImpact).
func (s *scorer) score(ctx context.Context, term string) ([]byte, error) {
	s.touched = s.touched[:0]
	for _, f := range s.fields {
		if err := s.src.postings(ctx, term, f.name, false, &s.list); err != nil {
			return nil, err
		}
		l := &s.list
		if len(l.docs) == 0 {
			continue // not in this field, or only in deleted documents
		}
		// Bleve's idf counts the term's postings; counting the live ones
		// makes an updated index export what a fresh one does.
		idf := 1 + math.Log(s.src.total()/float64(len(l.docs)+1))
		for i, doc := range l.docs {
			a := &s.accs[doc]
			if a.matched == 0 {
				s.touched = append(s.touched, doc)
			}
			a.sum += math.Sqrt(float64(l.freqs[i])) * l.norms[i] * idf * idf * f.boost
			a.matched++
		}
	}
	if len(s.touched) == 0 {
		return nil, nil
	}
	return s.encode(), nil
}

// encode turns the accumulated scores into postings, clearing them.
func (s *scorer) encode() []byte {
	// The documents in order: a pass over all of them when they are
	// many, a sort of the few otherwise (as postings they came field by
	// field and worker by worker; a sort of the scored postings took 5.5 s
	// of the export's 31 s of CPU at 50k pages).
	if len(s.touched) > len(s.accs)/8 {
		s.touched = s.touched[:0]
		for n := range s.accs {
			if s.accs[n].matched > 0 {
				s.touched = append(s.touched, int32(n))
			}
		}
	} else {
		slices.Sort(s.touched)
	}
	s.ps = s.ps[:0]
	for _, n := range s.touched {
		a := s.accs[n]
		imp := a.sum * float64(a.matched) / float64(len(s.fields))
		s.ps = append(s.ps, scored{n, encodeImpact(imp)})
		s.accs[n] = acc{}
	}
	if s.maxPostings > 0 && len(s.ps) > s.maxPostings {
		slices.SortFunc(s.ps, func(a, b scored) int {
			if a.impact != b.impact {
				return b.impact - a.impact
			}
			return int(a.doc - b.doc)
		})
		s.ps = s.ps[:s.maxPostings]
		slices.SortFunc(s.ps, func(a, b scored) int { return int(a.doc - b.doc) })
	}
	enc := make([]byte, 0, 10*len(s.ps))
	enc = append(enc, '[')
	prev := int32(0)
	for i, p := range s.ps {
		if i > 0 {
			enc = append(enc, ',')
		}
		enc = strconv.AppendInt(enc, int64(p.doc-prev), 10)
		enc = append(enc, ',')
		enc = strconv.AppendInt(enc, int64(p.impact), 10)
		prev = p.doc
	}
	return append(enc, ']')
}

// appendPositions appends term's positions in _all in the documents of
// its postings (score's JSON) to out, as JSON: [count, Δpos, …] per
// posting, in the order of the postings, each run's first position from 0.
//
// When out grows past a piece, flush takes it and returns it emptied.
func (s *scorer) appendPositions(ctx context.Context, out []byte, term string, postings []byte, flush func([]byte) []byte) ([]byte, error) {
	l := &s.list
	if err := s.src.postings(ctx, term, fieldAll, true, l); err != nil {
		return nil, err
	}
	for i, doc := range l.docs {
		s.at[doc] = int32(i + 1)
	}
	out = append(out, '[')
	first := true
	doc := 0
	eachPosting(postings, func(delta int) {
		doc += delta
		var pos []int32
		if i := s.at[doc]; i > 0 {
			pos = l.positions(int(i - 1))
		}
		out = appendRun(out, pos, first)
		first = false
		if len(out) >= pieceBytes {
			out = flush(out)
		}
	})
	for _, doc := range l.docs {
		s.at[doc] = 0
	}
	return append(out, ']'), nil
}

// appendRun appends a posting's positions, as a count and deltas.
func appendRun(out []byte, pos []int32, first bool) []byte {
	if !first {
		out = append(out, ',')
	}
	out = strconv.AppendInt(out, int64(len(pos)), 10)
	at := int32(0)
	for _, v := range pos {
		out = append(out, ',')
		out = strconv.AppendInt(out, int64(v-at), 10)
		at = v
	}
	return out
}

// eachPosting calls fn with the Δdoc of each posting of score's JSON.
func eachPosting(postings []byte, fn func(delta int)) {
	n, field := 0, 0
	for _, c := range postings[1:] {
		switch {
		case '0' <= c && c <= '9':
			n = 10*n + int(c-'0')
		default: // ',' or the closing ']'
			if field%2 == 0 {
				fn(n)
			}
			n, field = 0, field+1
		}
	}
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
func positionsOf(vs []*index.TermFieldVector) []int32 {
	out := make([]int32, 0, len(vs))
	for _, v := range vs {
		i := slices.Index(phraseFields(), v.Field)
		out = append(out, int32(i*fieldSpan+int(v.Pos)))
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
