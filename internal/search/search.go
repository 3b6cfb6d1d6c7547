// Package search is kb's full-text search: a Bleve index of every page
// section, queried by `kb search` and the preview server, and exported as a
// compact static index for the published site's JavaScript client.
//
// It is the only package that imports Bleve. It takes Documents (one per
// section of a page), never pages' internals.
//
// The life of an index:
//
//	Build(ctx, dir, docs)          // kb build: a new on-disk index, in batches
//	idx, err := Open(dir)          // kb search: read-only
//	idx, err := NewMemory(ctx, docs) // kb serve: in memory, updatable
//	idx.Update(ctx, pageURLs, docs)  // kb serve: re-index only changed pages
//	res, err := idx.Search(ctx, Request{Query: "close links", Kind: "term"})
//	Export(ctx, idx, write)        // kb build: the static index under public/search/
//
// The preview server serves /_kb/search?q=&kind= by calling Search on the
// index it keeps up to date with Update, and encodes the Result as JSON: its
// shape is the one `kb search --json` prints.
//
// Queries use a subset of Bleve's query-string syntax (see ParseQuery):
// words, "phrases", +must, -must-not and field:value. Search compiles them
// to Bleve term queries itself, rather than handing them to Bleve's query
// string parser, so that the static client, which implements the same
// grammar and the same tf-idf formula over the exported postings, ranks
// pages as Bleve does (the search parity contract).
package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Document is one section of a page: what is indexed and what a hit shows.
type Document struct {
	ID      string // URL plus "#anchor" when the section has one; unique
	URL     string // site path without the base path, e.g. "/scenarios/webinar/"
	Anchor  string // the section's anchor, "" for a page's lead
	Title   string // the page's title
	Heading string // the section's heading, "" for a page's lead
	Kind    string
	Tags    []string
	Cite    string
	AsOf    string
	Summary string
	Body    string
	// Official is the part of Body quoted as official wording (the law's
	// or the guidelines' own words, > [!TEXT] blocks), "" for none.
	Official string
	Pins     []Pin    // the pinpoints in the section: a query citing one puts it first
	Cites    []string // the pinpoint keys the section cites: it follows them in results
}

// Pin is a pinpoint in a section: its canonical citation (site's
// Citation.Key, e.g. "art 61(1) sub2") and its anchor ("" for the page),
// with what a best bet shows of it.
type Pin struct {
	Key    string
	Anchor string
	Label  string // how it is cited, e.g. "MiCA Art. 61(1), second subparagraph"; "" to use the heading
	Text   string // the start of its text
}

// Index is an open Bleve index of Documents.
type Index struct {
	bleve    bleve.Index
	readOnly bool
}

// batchSize is how many documents Bleve converts to a segment at once:
// large enough that a build makes few segments, small enough to bound
// memory (a batch is analysed, then converted, whole; a larger one costs
// more in garbage collection than it saves). Each worker holds a batch
// analysed and its segment being made: at 1000 documents they were a
// quarter of a 10k build's highest live heap, with no less CPU.
const batchSize = 500

// build creates a new index in dir holding docs and closes it (see
// buildSegments).
func build(ctx context.Context, dir string, docs []Document, c *collector) error {
	return buildSegments(ctx, dir, docs, c, batchSize, maxSegments)
}

// buildSegments creates a new index in dir holding docs, in batches of
// size documents and at most segments segments (at most maxSegments),
// and closes it. Each segment is written by a Bleve offline builder of
// its own, which converts each of its batches to a segment and, at Close,
// merges them into one (see segmentOf and mergeMost). A segment of one batch is not
// merged at all (merging cost 40 % as much again as converting), and
// the index reads as one whatever its segments (see joinParts): a search
// scores with the statistics of all segments and sorts ties by ID, so
// they change no result.
//
// The builders work on every core, each batch converted while the next
// is analysed, in a temporary folder beside dir, removed on the way out.
// A cancelled or failed build closes no more builders (closing merges
// and writes the index, and panics when it holds no segment) and leaves
// dir removed. No documents make an empty index. c, when not nil, also
// collects the postings of every document as it is analysed, and is
// finished once they all are.
func buildSegments(ctx context.Context, dir string, docs []Document, c *collector, size, segments int) (err error) {
	if len(docs) == 0 {
		return buildEmpty(dir)
	}
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("creating index %s: it exists", dir)
	}
	batches := (len(docs) + size - 1) / size
	segments = max(1, min(segments, batches))
	if segments > maxSegments {
		return fmt.Errorf("creating index %s: %d segments, more than %d", dir, segments, maxSegments)
	}
	work, err := os.MkdirTemp(filepath.Dir(dir), "."+strings.TrimPrefix(filepath.Base(dir), ".")+".build-*")
	if err != nil {
		return fmt.Errorf("creating index %s: %w", dir, err)
	}
	defer os.RemoveAll(work)
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	m := newMapping()
	builders := make([]bleve.Builder, segments)
	dirs := make([]string, segments)
	for k := range dirs {
		dirs[k] = dir
		if k > 0 {
			dirs[k] = filepath.Join(work, fmt.Sprint("part", k))
		}
	}
	workers := min(runtime.GOMAXPROCS(0), segments)
	mine := make([]int, segments)
	for i := range batches {
		mine[segmentOf(i, batches, segments, workers)]++
	}
	// newBuilder makes segment k's builder, which merges all its
	// batches at once.
	newBuilder := func(k int) (bleve.Builder, error) {
		return bleve.NewBuilder(dirs[k], analysedMapping{m}, map[string]any{
			"batchSize": size, "mergeMax": max(2, mine[k]), "buildPathPrefix": work,
		})
	}
	stop, cancel := context.WithCancel(context.Background())
	var visit visitFunc
	if c != nil {
		visit = c.visit
	}
	defer cancel()

	// Worker w takes the segments k with k%workers == w, one batch
	// after another, so a builder is used on one goroutine, and closes
	// (merges and writes) each as soon as it has its batches, beside the
	// next one's, waiting for one close before it starts another.
	type batch struct {
		k    int
		docs []*document.Document
	}
	in := make([]chan batch, workers)
	errs := make([]error, workers)
	// A batch is analysed once a worker is free for it (it holds a slot
	// until its batch is converted): at most one analysed batch per
	// worker is held. A batch analysed ahead, waiting for a worker, was a
	// third of the index phase's heap at 1k pages, and kept no core busier.
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for w := range workers {
		in[w] = make(chan batch)
		wg.Go(func() {
			cur := -1              // the segment being filled
			var closing chan error // the close of the one before, if going on
			closed := func() {
				if closing == nil {
					return
				}
				if err := <-closing; err != nil && errs[w] == nil {
					errs[w] = fmt.Errorf("writing index: %w", err)
					cancel()
				}
				closing = nil
			}
			index := func(b batch) {
				if errs[w] != nil || stop.Err() != nil {
					return
				}
				if b.k != cur {
					if cur >= 0 {
						if closed(); errs[w] != nil {
							return
						}
						closing = make(chan error, 1)
						go func(b bleve.Builder, done chan<- error) { done <- b.Close() }(builders[cur], closing)
					}
					cur = b.k
					if builders[cur], errs[w] = newBuilder(cur); errs[w] != nil {
						cancel()
						return
					}
				}
				if errs[w] = indexBatch(ctx, stop, builders[cur], b.docs); errs[w] != nil {
					cancel()
				}
			}
			for b := range in[w] {
				index(b)
				<-slots
			}
			closed()
			if cur >= 0 && errs[w] == nil && stop.Err() == nil {
				if errs[w] = builders[cur].Close(); errs[w] != nil {
					errs[w] = fmt.Errorf("writing index: %w", errs[w])
					cancel()
				}
			}
		})
	}
	i := 0
	slots <- struct{}{} // the first batch's
	err = analyseBatches(stop, m, docs, size, visit, func(docs []*document.Document) {
		k := segmentOf(i, batches, segments, workers)
		select {
		case in[k%workers] <- batch{k, docs}:
		case <-stop.Done():
		}
		if i++; i < batches {
			select {
			case slots <- struct{}{}: // the next one's
			case <-stop.Done():
			}
		}
	})
	if err != nil || stop.Err() != nil {
		cancel() // the builders stop, unclosed
	} else if c != nil {
		c.finish(nil) // the export goes on while Bleve writes the last segments
	}
	for _, ch := range in {
		close(ch)
	}
	wg.Wait()
	if err != nil {
		return fmt.Errorf("indexing: %w", err)
	}
	if err := cmp.Or(ctx.Err(), errors.Join(errs...)); err != nil {
		return err
	}
	if err := joinParts(dir, dirs[1:]); err != nil {
		return fmt.Errorf("writing index %s: %w", dir, err)
	}
	return writeChecksums(dir)
}

// mergeMost bounds the batches merged into one segment. The merge reads
// each batch's segment through a memory map it holds until the merge ends:
// merging all the batches beyond the first segments at the end of a 50k
// build mapped 1.4 GB of them (RssFile) at the build's peak. A segment
// of at most mergeMost batches is merged as soon as it is full, while the
// next ones are converted, and maps ~60 MB at 50k pages.
const mergeMost = 16

// segmentOf is the segment of batch i of an index of batches in segments
// written by workers. Worker w takes the batches i with i%workers == w,
// so that the workers convert batches by turns, and writes the segments k
// with k%workers == w, filling one after another: a batch each while it
// has enough segments, and otherwise the batches its first segments
// cannot take go to its last ones, as evenly as can be and at most
// mergeMost each, so that as few as can be are merged.
func segmentOf(i, batches, segments, workers int) int {
	w, j := i%workers, i/workers
	n := (batches - w + workers - 1) / workers  // worker w's batches
	s := (segments - w + workers - 1) / workers // and segments
	if n <= s {
		return w + workers*j
	}
	groups := min(s, (n-s+mergeMost-2)/(mergeMost-1)) // segments of more than a batch
	single := s - groups
	if j < single {
		return w + workers*j
	}
	return w + workers*(single+(j-single)*groups/(n-single))
}

// indexBatch indexes a batch of documents with a builder, unless stop is
// done first.
func indexBatch(ctx, stop context.Context, b bleve.Builder, docs []*document.Document) error {
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if stop.Err() != nil {
			return nil
		}
		if err := b.Index(d.ID(), d); err != nil {
			return fmt.Errorf("indexing %s: %w", d.ID(), err)
		}
	}
	return nil
}

// buildEmpty creates an index in dir that holds no document.
func buildEmpty(dir string) error {
	b, err := bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return fmt.Errorf("creating index %s: %w", dir, err)
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("writing index %s: %w", dir, err)
	}
	return writeChecksums(dir)
}

// NewMemory returns an in-memory index of docs, for the preview server:
// it is updatable with Update and never touches the disk. It is a scorch
// index without a path (as kb build's, so it scores alike), not
// bleve.NewMemOnly's upsidedown one, which indexes about ten times slower.
func NewMemory(ctx context.Context, docs []Document) (*Index, error) {
	b, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	idx := &Index{bleve: b}
	if err := idx.add(ctx, docs); err != nil {
		_ = b.Close()
		return nil, err
	}
	return idx, nil
}

// Open opens the index in dir read-only, as `kb search` does; several
// readers may share it while no build writes it.
//
// It first verifies the index against the checksums Build wrote (an index
// that fails is ErrDamaged), and turns a panic or memory fault in Bleve
// into ErrDamaged too: a damaged index is an error, never a crash.
func Open(dir string) (_ *Index, err error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("opening index: %w (hint: run kb build first, or pass --index)", err)
	}
	if err := verifyChecksums(dir); err != nil {
		return nil, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guardDamage(&err)
	b, err := bleve.OpenUsing(dir, map[string]any{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("opening index %s: %w", dir, err)
	}
	return &Index{bleve: b, readOnly: true}, nil
}

// guardDamage, deferred, turns a panic (or, with SetPanicOnFault, a fault
// in memory-mapped index files) of the calling goroutine into ErrDamaged.
// It must be deferred directly.
func guardDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w (%v)", ErrDamaged, r)
	}
}

// Close releases the index.
func (x *Index) Close() error { return x.bleve.Close() }

// Count returns the number of documents indexed.
func (x *Index) Count() (uint64, error) { return x.bleve.DocCount() }

// Add indexes more documents. Their IDs must be new to the index: Update
// replaces pages.
func (x *Index) Add(ctx context.Context, docs []Document) error {
	if x.readOnly {
		return errors.New("search: Add on a read-only index")
	}
	return x.add(ctx, docs)
}

// add indexes docs in batches.
func (x *Index) add(ctx context.Context, docs []Document) error {
	batch := x.bleve.NewBatch()
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := batch.Index(d.ID, fields(d)); err != nil {
			return fmt.Errorf("indexing %s: %w", d.ID, err)
		}
		if batch.Size() >= batchSize || i == len(docs)-1 {
			if err := x.bleve.Batch(batch); err != nil {
				return fmt.Errorf("indexing: %w", err)
			}
			batch.Reset()
		}
	}
	return nil
}

// Update re-indexes the pages at pageURLs: every section indexed under
// those URLs is removed, then docs (the pages' sections as they are now;
// none for a deleted page) are added, in one batch. Other pages are left
// alone, so the preview server re-indexes only what an edit changed.
func (x *Index) Update(ctx context.Context, pageURLs []string, docs []Document) error {
	if x.readOnly {
		return errors.New("search: Update on a read-only index")
	}
	batch := x.bleve.NewBatch()
	for _, u := range pageURLs {
		ids, err := x.idsOfPage(ctx, u)
		if err != nil {
			return err
		}
		for _, id := range ids {
			batch.Delete(id)
		}
	}
	for _, d := range docs {
		if !slices.Contains(pageURLs, d.URL) {
			return fmt.Errorf("search: Update: document %s is not on a page being updated", d.ID)
		}
		if err := batch.Index(d.ID, fields(d)); err != nil {
			return fmt.Errorf("indexing %s: %w", d.ID, err)
		}
	}
	return x.bleve.Batch(batch)
}

// idsOfPage returns the IDs of every document indexed under a page URL.
func (x *Index) idsOfPage(ctx context.Context, url string) ([]string, error) {
	q := query.NewTermQuery(url)
	q.SetField(fieldURL)
	var ids []string
	for from := 0; ; from += 500 {
		req := bleve.NewSearchRequestOptions(q, 500, from, false)
		res, err := x.bleve.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < 500 {
			return ids, nil
		}
	}
}
