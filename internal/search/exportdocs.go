package search

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// BuildAndExport is the index (build) and the static export in one: each document is
// analysed once, for both, and the export is written while Bleve writes
// and merges its segments.
//
// It takes docs over: it empties each document's text and pinpoints (see
// releaseText) once both have read it, which frees them while the rest
// are indexed (at 50k pages the text was 380 MB of the heap, the
// pinpoints ~170 MB); their IDs, URLs, anchors and kinds stay. Once all
// are read it holds docs no more, so that a caller that holds them no
// more either frees them (95 MB at 50k pages) for the export's end and
// Bleve's last merges.
func BuildAndExport(ctx context.Context, dir string, docs []Document, write func(name string, data []byte) error, opts ExportOptions) (ExportStats, error) {
	// The postings spill beside the index being built, not into the
	// system's temp dir, which may be missing, read-only or small (kb's
	// container image has none it can write). Named as the index's
	// staging dir, a dir left by a killed build goes with it.
	spill, err := os.MkdirTemp(filepath.Dir(dir), "."+strings.TrimPrefix(filepath.Base(dir), ".")+".postings-")
	if err != nil {
		return ExportStats{}, fmt.Errorf("creating index %s: %w", dir, err)
	}
	defer os.RemoveAll(spill)
	c := newCollector(docs)
	c.spillIn(spill)
	c.releaseText()
	defer c.close()
	var stats ExportStats
	var exportErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		stats, exportErr = export(ctx, newMapping().AnalyzerNamed(analyzerName), c.source(), write, opts)
	})
	err = build(ctx, dir, docs, c)
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
	given   []Document     // the documents given, not copied: at 50k pages a copy held 113 MB
	readers []atomic.Int32 // by index in given, when releasing their text: the readers done with it
	order   []int32        // by number: the index in given, in ID order, one per ID
	num     []int          // by index in given: the number, or -1 for one replaced by a later one
	done    atomic.Int32   // the readers done with every document (see readAll)
	norms   [collected][]float32
	workers []collectorWorker
	spillAt int    // a list this long moves to its worker's spill file
	buf     []byte // the export's scratch for reading blocks back

	once  sync.Once
	ready chan struct{} // closed once the analysis is done (or failed)
	err   error
}

// collectorWorker is what one analysis worker collects, and its scratch.
type collectorWorker struct {
	lists   [collected]map[string]*packedList
	scratch [collected]termStats
	spill   spillFile
}

// spillBytes is the length at which a list's postings move to its
// worker's spill file. The postings are held from the first document
// analysed to the end of the export, beside Bleve's segments: at 50k
// pages they took 276 MB of the heap. Spilled, a list keeps a block's
// worth in memory; the export reads each block back three times.
const spillBytes = 1 << 10

// spillFile is a temporary file of the blocks one worker's lists have
// moved out of memory, created when the first is.
type spillFile struct {
	dir string // where: "" for the system's temp dir
	f   *os.File
	w   *bufio.Writer
	off int64
	err error
}

// spilled is a block of a list's postings in its worker's spill file.
type spilled struct {
	off int64
	n   int32
}

// put moves l's postings to the file as a block. After an error l keeps
// them, and the error is the collector's (see finish).
func (s *spillFile) put(l *packedList) {
	if s.err != nil {
		return
	}
	if s.f == nil {
		if s.f, s.err = os.CreateTemp(s.dir, "kb-postings-*"); s.err != nil {
			return
		}
		s.w = bufio.NewWriterSize(s.f, 256<<10)
	}
	if _, s.err = s.w.Write(l.data); s.err != nil {
		return
	}
	l.blocks = append(l.blocks, spilled{s.off, int32(len(l.data))})
	s.off += int64(len(l.data))
	l.data = l.data[:0]
}

// flush writes out the blocks buffered, for reading back.
func (s *spillFile) flush() error {
	if s.err == nil && s.w != nil {
		s.err = s.w.Flush()
	}
	return s.err
}

// close removes the file.
func (s *spillFile) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}

func newCollector(docs []Document) *collector {
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(docs[a].ID, docs[b].ID) })
	c := &collector{given: docs, num: make([]int, len(docs)), spillAt: spillBytes, ready: make(chan struct{})}
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

// finish marks the analysis done, with its error (or a spill file's).
// The analysis workers must have stopped.
func (c *collector) finish(err error) {
	c.once.Do(func() {
		for w := range c.workers {
			if e := c.workers[w].spill.flush(); err == nil && e != nil {
				err = fmt.Errorf("search: spilling postings: %w", e)
			}
		}
		c.err = err
		if err == nil {
			c.readAll() // every document is analysed
		}
		close(c.ready)
	})
}

// spillIn makes the workers' spill files in dir.
func (c *collector) spillIn(dir string) {
	for w := range c.workers {
		c.workers[w].spill.dir = dir
	}
}

// releaseText makes the collector empty each given document's text and
// pinpoints once its two readers are done with it: the analysis (visit)
// and the export, which reads it once, in ID order, through docSource.doc.
func (c *collector) releaseText() { c.readers = make([]atomic.Int32, len(c.given)) }

// read marks given document i read by one of its readers, and empties
// its text and pinpoints after the last (a document replaced by a later
// one under its ID has one, the analysis). The reader before has copied
// what it needs.
func (c *collector) read(i int) {
	if c.readers == nil {
		return
	}
	last := int32(2)
	if c.num[i] < 0 {
		last = 1
	}
	if c.readers[i].Add(1) == last {
		d := &c.given[i]
		d.Title, d.Heading, d.Cite, d.AsOf, d.Summary, d.Body, d.Official = "", "", "", "", "", "", ""
		d.Tags, d.Cites, d.Pins = nil, nil, nil
	}
}

// readAll marks one of the two readers (see releaseText) done with every
// document: after both, the collector lets the documents go.
func (c *collector) readAll() {
	if c.readers != nil && c.done.Add(1) == 2 {
		c.given, c.readers, c.num = nil, nil, nil
	}
}

// close removes the spill files, once the export is done.
func (c *collector) close() {
	for w := range c.workers {
		c.workers[w].spill.close()
	}
}

// visit collects the postings of the analysed document i (a visitFunc).
func (c *collector) visit(worker, i int, doc *document.Document) {
	defer c.read(i)
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
			w.scratch[f].appendTo(int32(n), w.lists[f], f == collectAll, &w.spill, c.spillAt)
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
// asked, moving a list of spillAt bytes or more to spill.
func (s *termStats) appendTo(n int32, lists map[string]*packedList, positions bool, spill *spillFile, spillAt int) {
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
		if len(l.data) >= spillAt {
			spill.put(l)
		}
	}
}

// packedList is a term's postings in one field as one worker collects
// them, a few bytes each: per posting, as varints, the document number's
// difference from the one before and the frequency; for _all, the
// frequency shifted left by one, its low bit set when the number of
// positions differs from it (then that number follows), and the positions
// (sorted) as fieldDeltas. A 10k-page site's 15 million postings take
// about 100 MB so, against 300 MB as columns of 4-byte numbers.
type packedList struct {
	blocks  []spilled // the earlier postings, moved to a spill file
	data    []byte    // the later ones
	prevDoc int32
}

// add appends a posting, with its positions for a field that keeps them.
func (l *packedList) add(doc int32, freq uint32, pos []int32, positions bool) {
	l.data = binary.AppendVarint(l.data, int64(doc-l.prevDoc))
	l.prevDoc = doc
	if !positions {
		l.data = binary.AppendUvarint(l.data, uint64(freq))
		return
	}
	if int(freq) == len(pos) {
		l.data = binary.AppendUvarint(l.data, uint64(freq)<<1)
	} else {
		l.data = binary.AppendUvarint(l.data, uint64(freq)<<1|1)
		l.data = binary.AppendUvarint(l.data, uint64(len(pos)))
	}
	var at fieldDelta
	for _, p := range pos {
		l.data = at.append(l.data, p)
	}
}

// fieldDelta encodes sorted positions (field × fieldSpan + position, see
// phraseFields) in a byte or two each: a position in the field of the one
// before as the difference, shifted left by one; one in another field as
// the fields' difference, shifted left by one with the low bit set, and
// the position in its field. (Plain differences took four bytes for the
// first position of every posting in the body.)
type fieldDelta struct{ field, pos int32 }

func (d *fieldDelta) append(b []byte, p int32) []byte {
	f, q := p/fieldSpan, p%fieldSpan
	if f == d.field {
		b = binary.AppendUvarint(b, uint64(q-d.pos)<<1)
	} else {
		b = binary.AppendUvarint(b, uint64(f-d.field)<<1|1)
		b = binary.AppendUvarint(b, uint64(q))
	}
	d.field, d.pos = f, q
	return b
}

// next decodes the position after d's from data, returning it and the
// bytes left.
func (d *fieldDelta) next(data []byte) (int32, []byte) {
	v, n := binary.Uvarint(data)
	data = data[n:]
	if v&1 == 0 {
		d.pos += int32(v >> 1)
	} else {
		d.field += int32(v >> 1)
		q, n := binary.Uvarint(data)
		data = data[n:]
		d.pos = int32(q)
	}
	return d.field*fieldSpan + d.pos, data
}

// appendPostings appends the postings of data, a whole number of them, to out,
// with positions when asked (and kept), and with the documents' norms. doc
// is the document number before data's first, and it returns its last.
func appendPostings(data []byte, doc int32, out *postingList, norms []float32, positions, withPositions bool) int32 {
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
		out.norms = append(out.norms, float64(norms[doc]))
		if !positions {
			out.freqs = append(out.freqs, uint32(next()))
			continue
		}
		f := next()
		out.freqs = append(out.freqs, uint32(f>>1))
		count := f >> 1
		if f&1 != 0 {
			count = next()
		}
		var at fieldDelta
		for range count {
			var p int32
			p, data = at.next(data)
			if withPositions {
				out.pos = append(out.pos, p)
			}
		}
		if withPositions {
			out.ends = append(out.ends, uint32(len(out.pos)))
		}
	}
	return doc
}

// source is the export's source, once the analysis is done.
func (c *collector) source() *docSource { return &docSource{c: c} }

// docSource is an export's source made of documents in memory.
type docSource struct{ c *collector }

func (s *docSource) len() int { return len(s.c.order) }

// spillDir is where the collector spills its postings.
func (s *docSource) spillDir() (string, bool) { return s.c.workers[0].spill.dir, true }

// doc returns document n as an index stores it: its pinpoints go through
// their stored form, which changes only one with a tab before its text.
// The others are the document's own, not copies. Its text and pinpoints
// may be released after the first call (see releaseText).
func (s *docSource) doc(n int) (Document, error) {
	i := int(s.c.order[n])
	d := s.c.given[i]
	s.c.read(i)
	if n == len(s.c.order)-1 {
		s.c.readAll()
	}
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

// postings reads the spilled blocks into the collector's scratch: it is
// called by the export alone, one term at a time.
func (c *collector) postings(_ context.Context, term, field string, withPositions bool, out *postingList) error {
	out.reset()
	k, ok := collectedField(field)
	if !ok {
		return fmt.Errorf("search: export of field %s from documents", field)
	}
	for _, w := range c.workers {
		l := w.lists[k][term]
		if l == nil {
			continue
		}
		doc := int32(0)
		for _, b := range l.blocks {
			c.buf = slices.Grow(c.buf[:0], int(b.n))[:b.n]
			if _, err := w.spill.f.ReadAt(c.buf, b.off); err != nil {
				return fmt.Errorf("search: reading spilled postings: %w", err)
			}
			doc = appendPostings(c.buf, doc, out, c.norms[k], k == collectAll, withPositions)
		}
		appendPostings(l.data, doc, out, c.norms[k], k == collectAll, withPositions)
	}
	return nil
}
