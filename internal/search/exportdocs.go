package search

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// BuildAndExport is the index (build) and the static export in one: each document is
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

// collectedField is the field collected as k.
func collectedField(field string) (k int, ok bool) {
	switch field {
	case fieldTitle:
		return collectTitle, true
	case fieldAll:
		return collectAll, true
	case fieldCites:
		return collectCites, true
	}
	return 0, false
}

// collector gathers, from the documents as they are analysed, the
// postings the static export scores: per field and term, the postings of
// the documents numbered in ID order, and per field and document its norm.
type collector struct {
	given   []Document // the documents given, not copied: at 50k pages a copy held 113 MB
	order   []int32    // by number: the index in given, in ID order, one per ID
	num     []int      // by index in given: the number, or -1 for one replaced by a later one
	norms   [collected][]float32
	workers []collectorWorker

	once  sync.Once
	ready chan struct{} // closed once the analysis is done (or failed)
	err   error
}

// collectorWorker is what one analysis worker collects, and its scratch.
type collectorWorker struct {
	lists   [collected]map[string]*packedList
	scratch [collected]termStats
}

func newCollector(docs []Document) *collector {
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(docs[a].ID, docs[b].ID) })
	c := &collector{given: docs, num: make([]int, len(docs)), ready: make(chan struct{})}
	for k, i := range order {
		// An index keeps the last document indexed under an ID.
		if k+1 < len(order) && docs[order[k+1]].ID == docs[i].ID {
			c.num[i] = -1
			continue
		}
		c.num[i] = len(c.order)
		c.order = append(c.order, int32(i))
	}
	for f := range collected {
		c.norms[f] = make([]float32, len(c.order))
	}
	c.workers = make([]collectorWorker, runtime.GOMAXPROCS(0))
	for w := range c.workers {
		for f := range collected {
			c.workers[w].lists[f] = map[string]*packedList{}
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
	w := &c.workers[worker]
	for f := range collected {
		w.scratch[f].reset()
	}
	doc.VisitFields(func(f index.Field) {
		switch name := f.Name(); name {
		case fieldTitle:
			w.scratch[collectTitle].add(f, -1)
			w.scratch[collectAll].add(f, 0)
		case fieldHeading, fieldCite, fieldSummary, fieldBody:
			w.scratch[collectAll].add(f, slices.Index(phraseFields(), name))
		case fieldCites:
			w.scratch[collectCites].add(f, -1)
		}
	})
	for f := range collected {
		if l := w.scratch[f].length; l > 0 {
			// As Bleve's segments store it: the field's length as float32
			// bits, read back as float32(1/√length).
			c.norms[f][n] = float32(1.0 / math.Sqrt(float64(l)))
			w.scratch[f].appendTo(int32(n), w.lists[f], f == collectAll)
		}
	}
}

// termStats are the analysed values of one field of a document (or, for
// _all, of the fields it is made of): their length, and per term its
// frequency and positions. It is reused from document to document.
type termStats struct {
	length int
	index  map[string]int // term → its stats
	stats  []termStat
}

type termStat struct {
	term string
	freq uint32
	pos  []int32
}

func (s *termStats) reset() {
	s.length = 0
	clear(s.index)
	s.stats = s.stats[:0]
}

// add adds an analysed field's tokens; field numbers their positions
// (see phraseFields), -1 for none kept.
func (s *termStats) add(f index.Field, field int) {
	s.length += f.AnalyzedLength()
	if s.index == nil {
		s.index = map[string]int{}
	}
	for term, tf := range f.AnalyzedTokenFrequencies() {
		i, ok := s.index[term]
		if !ok {
			i = len(s.stats)
			s.index[term] = i
			if i < cap(s.stats) {
				s.stats = s.stats[:i+1]
				s.stats[i].freq, s.stats[i].pos = 0, s.stats[i].pos[:0]
			} else {
				s.stats = append(s.stats, termStat{})
			}
			s.stats[i].term = term
		}
		st := &s.stats[i]
		st.freq += uint32(tf.Frequency())
		if field >= 0 {
			for _, l := range tf.Locations {
				st.pos = append(st.pos, int32(field*fieldSpan+l.Position))
			}
		}
	}
}

// appendTo appends document n's postings to lists, with positions when
// asked.
func (s *termStats) appendTo(n int32, lists map[string]*packedList, positions bool) {
	for i := range s.stats {
		st := &s.stats[i]
		l := lists[st.term]
		if l == nil {
			l = &packedList{}
			lists[st.term] = l
		}
		if positions {
			slices.Sort(st.pos)
		}
		l.add(n, st.freq, st.pos, positions)
	}
}

// packedList is a term's postings in one field as one worker collects
// them, a few bytes each: per posting, as varints, the document number's
// difference from the one before, the frequency and, for _all, the number
// of positions and their differences (sorted, from 0). A 10k-page site's
// 15 million postings take about 100 MB so, against 300 MB as columns of
// 4-byte numbers.
type packedList struct {
	data    []byte
	prevDoc int32
}

// add appends a posting, with its positions for a field that keeps them.
func (l *packedList) add(doc int32, freq uint32, pos []int32, positions bool) {
	l.data = binary.AppendVarint(l.data, int64(doc-l.prevDoc))
	l.prevDoc = doc
	l.data = binary.AppendUvarint(l.data, uint64(freq))
	if !positions {
		return
	}
	l.data = binary.AppendUvarint(l.data, uint64(len(pos)))
	at := int32(0)
	for _, p := range pos {
		l.data = binary.AppendUvarint(l.data, uint64(p-at))
		at = p
	}
}

// appendTo appends the postings to out, with positions when asked (and
// kept), and with the documents' norms.
func (l *packedList) appendTo(out *postingList, norms []float32, positions, withPositions bool) {
	data, doc := l.data, int32(0)
	next := func() uint64 {
		v, n := binary.Uvarint(data)
		data = data[n:]
		return v
	}
	for len(data) > 0 {
		d, n := binary.Varint(data)
		data = data[n:]
		doc += int32(d)
		out.docs = append(out.docs, doc)
		out.freqs = append(out.freqs, uint32(next()))
		out.norms = append(out.norms, float64(norms[doc]))
		if !positions {
			continue
		}
		at := int32(0)
		for range next() {
			at += int32(next())
			if withPositions {
				out.pos = append(out.pos, at)
			}
		}
		if withPositions {
			out.ends = append(out.ends, uint32(len(out.pos)))
		}
	}
}

// source is the export's source, once the analysis is done.
func (c *collector) source() *docSource { return &docSource{c: c} }

// docSource is an export's source made of documents in memory.
type docSource struct{ c *collector }

func (s *docSource) len() int { return len(s.c.order) }

// doc returns document n as an index stores it: its pinpoints go through
// their stored form, which changes only one with a tab before its text.
// The others are the document's own, not copies: the export keeps every
// pinpoint until its end.
func (s *docSource) doc(n int) (Document, error) {
	d := s.c.given[s.c.order[n]]
	if slices.ContainsFunc(d.Pins, changedInStore) {
		pins := make([]Pin, len(d.Pins))
		for i, p := range d.Pins {
			pins[i] = parsePin(strings.Join([]string{p.Key, p.Anchor, p.Label, p.Text}, "\t"))
		}
		d.Pins = pins
	}
	return d, nil
}

// changedInStore reports whether a pinpoint's stored form ("key\tanchor\tlabel\ttext",
// see parsePin) reads back as another.
func changedInStore(p Pin) bool {
	return strings.Contains(p.Key, "\t") || strings.Contains(p.Anchor, "\t") || strings.Contains(p.Label, "\t")
}

// postingSource returns the postings collected, once the analysis is done.
func (s *docSource) postingSource(ctx context.Context) (postingSource, error) {
	select {
	case <-s.c.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.c, s.c.err
}

func (c *collector) total() float64 { return float64(len(c.order)) }

func (c *collector) terms(field string) ([]string, error) {
	k, ok := collectedField(field)
	if !ok {
		return nil, fmt.Errorf("search: export of field %s from documents", field)
	}
	var terms []string
	for _, w := range c.workers {
		for t := range w.lists[k] {
			terms = append(terms, t)
		}
	}
	return terms, nil
}

func (c *collector) postings(_ context.Context, term, field string, withPositions bool, out *postingList) error {
	out.reset()
	k, ok := collectedField(field)
	if !ok {
		return fmt.Errorf("search: export of field %s from documents", field)
	}
	for _, w := range c.workers {
		if l := w.lists[k][term]; l != nil {
			l.appendTo(out, c.norms[k], k == collectAll, withPositions)
		}
	}
	return nil
}
