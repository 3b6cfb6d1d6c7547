package search

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Bleve's offline builder analyses each document's text on the goroutine
// that writes the segments, one document after another: about half of a
// build's indexing time on one core. Build analyses the documents itself,
// a batch at a time on every core, ahead of the builder, and hands it
// documents whose fields are analysed already.

// analysedField is a field whose analysis is done: the builder's call to
// Analyze keeps it.
type analysedField struct{ document.Field }

func (analysedField) Analyze() {}

// analysedMapping is the index's mapping, which, for the builder, takes a
// document analysed beforehand as it is.
type analysedMapping struct{ *mapping.IndexMappingImpl }

func (m analysedMapping) MapDocument(doc *document.Document, data any) error {
	if pre, ok := data.(*document.Document); ok && pre.ID() == doc.ID() {
		*doc = *pre
		return nil
	}
	return m.IndexMappingImpl.MapDocument(doc, data)
}

// MarshalJSON is the mapping's own, as the index stores it.
func (m analysedMapping) MarshalJSON() ([]byte, error) { return json.Marshal(m.IndexMappingImpl) }

// analyser analyses documents for one goroutine: the index's mapping,
// with the legal analyzer stemming through a cache of its own.
type analyser struct {
	mapping       *mapping.IndexMappingImpl
	legal, cached analysis.Analyzer
	scratch       termScratch
	parts         []document.Field
	text          []byte // a copy of the text being analysed (see analyseText)
}

func newAnalyser(m *mapping.IndexMappingImpl) *analyser {
	legal := m.AnalyzerNamed(analyzerName)
	return &analyser{mapping: m, legal: legal, cached: withStemCache(legal)}
}

// analyse maps d with the mapping and analyses its indexed fields, composing the
// _all field of them as the builder would.
//
// The composed field goes first among the document's fields and the
// document keeps no composite: the builder then composes nothing again
// (on its one goroutine), and the segment, which visits composites before
// fields, sees the same fields in the same order.
func (a *analyser) analyse(d Document) (*document.Document, error) {
	doc := document.NewDocument(d.ID)
	if err := a.mapping.MapDocument(doc, fields(d)); err != nil {
		return nil, err
	}
	for i, f := range doc.Fields {
		if !f.Options().IsIndexed() {
			continue
		}
		if t, ok := f.(*document.TextField); ok && t.Analyzer() == a.legal {
			doc.Fields[i] = a.analyseText(t)
			continue
		}
		f.Analyze()
		doc.Fields[i] = analysedField{f}
	}
	composed := make([]document.Field, 0, len(doc.CompositeFields)+len(doc.Fields))
	for _, c := range doc.CompositeFields {
		composed = append(composed, a.compose(c, doc.Fields))
	}
	doc.Fields, doc.CompositeFields = append(composed, doc.Fields...), nil
	return doc, nil
}

// visitFunc is given each document analysed, with its index in the
// documents, by the worker (numbered from 0 to GOMAXPROCS) that analysed
// it: a worker's calls come one after another.
type visitFunc func(worker, i int, doc *document.Document)

// analyseBatches analyses docs in batches of n, each on every core, and
// gives emit each batch in order, which it may hold (until the one it has
// taken before is indexed) as long as it likes: the next batch is analysed
// once it returns, so that besides the batches being indexed only one is
// held analysed (at 50k pages a batch held is 60 MB). It stops at the
// first error, which it returns, or when ctx is done. visit, when not nil,
// is given each document analysed.
func analyseBatches(ctx context.Context, m *mapping.IndexMappingImpl, docs []Document, n int, visit visitFunc, emit func([]*document.Document)) error {
	workers := runtime.GOMAXPROCS(0)
	analysers := make([]*analyser, workers)
	for w := range analysers {
		analysers[w] = newAnalyser(m)
	}
	for start := 0; start < len(docs) && ctx.Err() == nil; start += n {
		chunk := docs[start:min(len(docs), start+n)]
		batch := make([]*document.Document, len(chunk))
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(chunk); i += workers {
					if batch[i], errs[w] = analysers[w].analyse(chunk[i]); errs[w] != nil {
						return
					}
					if visit != nil {
						visit(w, start+i, batch[i])
					}
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		emit(batch)
	}
	return nil
}

var _ index.Field = analysedField{}
