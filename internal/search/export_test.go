package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/document"
)

// Build and ExportDocuments are the index and the static export alone,
// which kb build makes together (BuildAndExport); the tests and
// benchmarks compare and measure them apart.

// Build creates a new index in dir holding docs and closes it (see build).
func Build(ctx context.Context, dir string, docs []Document) error {
	return build(ctx, dir, docs, nil)
}

// ExportDocuments writes the static index of docs with write, the same
// bytes as Export of an index built from docs: it analyses the documents
// itself, as Bleve does, instead of reading an index back.
func ExportDocuments(ctx context.Context, docs []Document, write func(name string, data []byte) error, opts ExportOptions) (ExportStats, error) {
	return exportCollected(ctx, newCollector(docs), write, opts)
}

// exportCollected is ExportDocuments with the collector c of its
// documents.
func exportCollected(ctx context.Context, c *collector, write func(name string, data []byte) error, opts ExportOptions) (ExportStats, error) {
	defer c.close()
	m := newMapping()
	docs := c.given
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	c.finish(analyseBatches(stop, m, docs, batchSize, c.visit, func([]*document.Document) {}))
	return export(ctx, m.AnalyzerNamed(analyzerName), c.source(), write, opts)
}
