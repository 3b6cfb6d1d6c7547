package search

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// ExportDocuments writes the static index of docs with write, the same
// bytes as Export of an index built from docs: it analyses the documents
// itself, as Bleve does, instead of reading an index back.
func ExportDocuments(ctx context.Context, docs []Document, write func(name string, data []byte) error, opts ExportOptions) (ExportStats, error) {
	m := newMapping()
	c := newCollector(docs)
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	batches, analysed := analysedBatches(stop, m, docs, batchSize, c.visit)
	for range batches {
	}
	c.finish(analysed())
	return export(ctx, m.AnalyzerNamed(analyzerName), c.source(), write, opts)
}

// BuildAndExport is Build and ExportDocuments in one: each document is
// analysed once, for both, and the export is written while Bleve writes
// and merges its segments.
func BuildAndExport(ctx context.Context, dir string, docs []Document, write func(name string, data []byte) error, opts ExportOptions) (ExportStats, error) {
	c := newCollector(docs)
	var stats ExportStats
	var exportErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		stats, exportErr = export(ctx, newMapping().AnalyzerNamed(analyzerName), c.source(), write, opts)
	})
	err := build(ctx, dir, docs, c)
	c.finish(err) // if the analysis did not finish it
	wg.Wait()
	if err != nil {
		return stats, err
	}
	return stats, exportErr
}

// The fields the export scores, as collected from analysed documents.
const (
	collectTitle = iota
	collectAll
	collectCites
	collected
)

// collector gathers, from the documents as they are analysed, the
// postings the static export scores: per field and term, the hits of the
// documents numbered in ID order.
type collector struct {
	docs    []Document // in ID order, one per ID
	num     []int      // by index in the documents given: number in docs, or -1 for one replaced by a later one
	workers [][collected]map[string][]hit

	once  sync.Once
	ready chan struct{} // closed once the analysis is done (or failed)
	err   error
}

func newCollector(docs []Document) *collector {
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(docs[a].ID, docs[b].ID) })
	c := &collector{num: make([]int, len(docs)), ready: make(chan struct{})}
	for k, i := range order {
		// An index keeps the last document indexed under an ID.
		if k+1 < len(order) && docs[order[k+1]].ID == docs[i].ID {
			c.num[i] = -1
			continue
		}
		c.num[i] = len(c.docs)
		c.docs = append(c.docs, docs[i])
	}
	c.workers = make([][collected]map[string][]hit, runtime.GOMAXPROCS(0))
	for w := range c.workers {
		for f := range collected {
			c.workers[w][f] = map[string][]hit{}
		}
	}
	return c
}

// finish marks the analysis done, with its error.
func (c *collector) finish(err error) {
	c.once.Do(func() {
		c.err = err
		close(c.ready)
	})
}

// visit collects the postings of the analysed document i (a visitFunc).
func (c *collector) visit(worker, i int, doc *document.Document) {
	n := c.num[i]
	if n < 0 {
		return
	}
	var title, all, cites termStats
	doc.VisitFields(func(f index.Field) {
		switch name := f.Name(); name {
		case fieldTitle:
			title.add(f, -1)
			all.add(f, 0)
		case fieldHeading, fieldCite, fieldSummary, fieldBody:
			all.add(f, slices.Index(phraseFields(), name))
		case fieldCites:
			cites.add(f, -1)
		}
	})
	out := &c.workers[worker]
	title.hits(n, out[collectTitle], false)
	all.hits(n, out[collectAll], true)
	cites.hits(n, out[collectCites], false)
}

// termStats are the analysed values of one field of a document (or, for
// _all, of the fields it is made of): their length, and per term its
// frequency and positions.
type termStats struct {
	length int
	terms  map[string]*termStat
}

type termStat struct {
	freq uint64
	pos  []int
}

// add adds an analysed field's tokens; field numbers their positions
// (see phraseFields), -1 for none kept.
func (s *termStats) add(f index.Field, field int) {
	s.length += f.AnalyzedLength()
	for term, tf := range f.AnalyzedTokenFrequencies() {
		if s.terms == nil {
			s.terms = map[string]*termStat{}
		}
		st := s.terms[term]
		if st == nil {
			st = &termStat{}
			s.terms[term] = st
		}
		st.freq += uint64(tf.Frequency())
		if field >= 0 {
			for _, l := range tf.Locations {
				st.pos = append(st.pos, field*fieldSpan+l.Position)
			}
		}
	}
}

// hits appends document n's postings to out.
func (s *termStats) hits(n int, out map[string][]hit, positions bool) {
	if s.length == 0 {
		return
	}
	// As Bleve's segments store it: the field's length as float32 bits,
	// read back as float32(1/√length).
	norm := float64(float32(1.0 / math.Sqrt(float64(s.length))))
	for term, st := range s.terms {
		h := hit{doc: n, freq: st.freq, norm: norm}
		if positions {
			slices.Sort(st.pos)
			h.pos = st.pos
		}
		out[term] = append(out[term], h)
	}
}

// source is the export's source, once the analysis is done.
func (c *collector) source() *docSource { return &docSource{c: c} }

// docSource is an export's source made of documents in memory.
type docSource struct{ c *collector }

func (s *docSource) len() int { return len(s.c.docs) }

// doc returns document n as an index stores it: its pinpoints go through
// their stored form.
func (s *docSource) doc(n int) (Document, error) {
	d := s.c.docs[n]
	if len(d.Pins) > 0 {
		pins := make([]Pin, len(d.Pins))
		for i, p := range d.Pins {
			pins[i] = parsePin(strings.Join([]string{p.Key, p.Anchor, p.Label, p.Text}, "\t"))
		}
		d.Pins = pins
	}
	return d, nil
}

// impacts scores the postings collected (see scoreTerms), once the
// analysis is done.
func (s *docSource) impacts(ctx context.Context, fields []textField, maxPostings int, withPositions bool) (map[string][]int, map[string][]int, error) {
	select {
	case <-s.c.ready:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	if s.c.err != nil {
		return nil, nil, s.c.err
	}
	postings := make([]map[string][]hit, len(fields))
	var terms []string
	for i, f := range fields {
		var k int
		switch f.name {
		case fieldTitle:
			k = collectTitle
		case fieldAll:
			k = collectAll
		case fieldCites:
			k = collectCites
		default:
			return nil, nil, fmt.Errorf("search: export of field %s from documents", f.name)
		}
		postings[i] = map[string][]hit{}
		for _, w := range s.c.workers {
			for t, hs := range w[k] {
				postings[i][t] = append(postings[i][t], hs...)
			}
		}
		for t := range postings[i] {
			terms = append(terms, t)
		}
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	hitsOf := func(term string, field int, hits []hit) ([]hit, error) {
		return append(hits, postings[field][term]...), nil
	}
	return scoreTerms(ctx, terms, float64(len(s.c.docs)), len(s.c.docs), fields, maxPostings, withPositions, hitsOf)
}
