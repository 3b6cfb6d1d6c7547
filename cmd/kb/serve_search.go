package main

import (
	"context"
	"errors"
	"hash/maphash"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/internal/serve"
)

// previewSearch is kb serve's search: an in-memory index kept up to date
// in the background, so that indexing never delays a page reload.
type previewSearch struct {
	logger *slog.Logger
	wg     sync.WaitGroup

	// The good builds not yet indexed, merged into one job: indexing
	// never falls behind by more than one, and never blocks a rebuild.
	pendingMu sync.Mutex
	pending   *indexJob
	wake      chan struct{}

	mu  sync.RWMutex
	idx *search.Index // nil until the first good build is indexed

	// Indexing waits while a rebuild runs, and stops when the server does.
	yield  *yielding
	ctx    context.Context
	cancel context.CancelFunc

	// Used by run only: the hash of each indexed page's docs, by URL, and
	// the updates since the index was last made whole.
	seed    maphash.Seed
	sums    map[string]uint64
	updates int
}

// indexJob is the docs of a good build and the output files changed since
// the last build indexed (nil: index everything).
type indexJob struct {
	docs    []build.Doc
	changed []string
}

var _ serve.Searcher = (*previewSearch)(nil)

func newPreviewSearch(logger *slog.Logger) *previewSearch {
	s := &previewSearch{logger: logger, wake: make(chan struct{}, 1), seed: maphash.MakeSeed(), sums: map[string]uint64{}, yield: newYielding()}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Go(s.run)
	return s
}

// update queues a good build for indexing: its docs, and the output files
// it changed (nil: index everything).
func (s *previewSearch) update(docs []build.Doc, changed []string) {
	s.pendingMu.Lock()
	switch {
	case s.pending == nil:
		s.pending = &indexJob{docs: docs, changed: slices.Clone(changed)}
	case changed == nil || s.pending.changed == nil:
		s.pending = &indexJob{docs: docs}
	default:
		s.pending.docs = docs
		s.pending.changed = append(s.pending.changed, changed...)
	}
	s.pendingMu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default: // already woken
	}
}

func (s *previewSearch) close() {
	s.cancel()
	s.wg.Wait()
	if s.idx != nil {
		s.idx.Close()
	}
}

// next waits for builds to index and takes them.
func (s *previewSearch) next() (indexJob, bool) {
	for {
		select {
		case <-s.ctx.Done():
			return indexJob{}, false
		case <-s.wake:
		}
		s.pendingMu.Lock()
		job := s.pending
		s.pending = nil
		s.pendingMu.Unlock()
		if job != nil {
			return *job, true
		}
	}
}

func (s *previewSearch) run() {
	ctx := s.ctx
	for {
		job, ok := s.next()
		if !ok {
			return
		}
		start := time.Now()
		s.mu.RLock()
		idx := s.idx
		s.mu.RUnlock()
		if idx == nil || job.changed == nil {
			s.reindex(ctx, job.docs, start)
			continue
		}
		// Only pages whose search text changed are indexed again: most
		// pages an edit re-renders (citers, related pages) keep theirs.
		byURL := map[string][]build.Doc{} // of the pages re-rendered
		for _, name := range job.changed {
			if page, ok := strings.CutSuffix(name, "index.html"); ok {
				byURL["/"+page] = nil
			}
		}
		for _, d := range job.docs {
			if docs, ok := byURL[d.URL]; ok {
				byURL[d.URL] = append(docs, d)
			}
		}
		var urls []string
		var docs []build.Doc
		for _, name := range job.changed {
			page, ok := strings.CutSuffix(name, "index.html")
			if !ok {
				continue
			}
			u := "/" + page
			sum, had := s.sums[u]
			now, has := docsSum(s.seed, byURL[u])
			if had == has && sum == now {
				continue
			}
			urls = append(urls, u)
			docs = append(docs, byURL[u]...)
			if has {
				s.sums[u] = now
			} else {
				delete(s.sums, u)
			}
		}
		if len(urls) == 0 {
			continue
		}
		if s.yield.wait(ctx) != nil {
			continue
		}
		if err := idx.Update(ctx, urls, build.SearchDocuments(docs)); err != nil {
			s.logger.Error("search index; re-indexing everything", "err", err)
			s.reindex(ctx, job.docs, start)
			continue
		}
		s.logger.Debug("search updated", "pages", len(urls), "took", time.Since(start).Round(time.Millisecond))
		if s.updates++; s.updates >= compactAfter {
			s.reindex(ctx, job.docs, start)
		}
	}
}

// Bleve's in-memory index never merges its segments: each batch stays
// one, and searches slow down with their number (at 10k pages, a p50 of
// 27 ms with 80 segments and 184 ms with 800). So reindex adds sections
// in batches of indexChunk, between which it steps aside for rebuilds,
// and the index is made whole again after compactAfter updates, each of
// which adds a segment.
const (
	indexChunk   = 1000
	compactAfter = 100
)

// reindex replaces the index with a fresh one of docs.
func (s *previewSearch) reindex(ctx context.Context, docs []build.Doc, start time.Time) {
	fresh, err := search.NewMemory(ctx, nil)
	if err != nil {
		s.logger.Error("search index", "err", err)
		return
	}
	for chunk := range slices.Chunk(build.SearchDocuments(docs), indexChunk) {
		if err = s.yield.wait(ctx); err == nil {
			err = fresh.Add(ctx, chunk)
		}
		if err != nil {
			fresh.Close()
			if ctx.Err() == nil {
				s.logger.Error("search index", "err", err)
			}
			return
		}
	}
	s.mu.Lock()
	old := s.idx
	s.idx = fresh
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	clear(s.sums)
	s.updates = 0
	byURL := map[string][]build.Doc{}
	for _, d := range docs {
		byURL[d.URL] = append(byURL[d.URL], d)
	}
	for u, docs := range byURL {
		s.sums[u], _ = docsSum(s.seed, docs)
	}
	s.logger.Info("search indexed", "sections", len(docs), "took", time.Since(start).Round(time.Millisecond))
}

// docsSum hashes the search text of one page's docs; has is false when the
// page has none (it is gone).
func docsSum(seed maphash.Seed, docs []build.Doc) (sum uint64, has bool) {
	if len(docs) == 0 {
		return 0, false
	}
	var h maphash.Hash
	h.SetSeed(seed)
	for _, d := range docs {
		pins := make([]string, 0, 2*len(d.Pins))
		for _, p := range d.Pins {
			pins = append(pins, p.Key, p.Anchor)
		}
		for _, f := range []string{d.ID, d.URL, d.Anchor, d.Title, d.Kind, d.Cite, d.AsOf, d.Summary, d.Body, strings.Join(d.Tags, "\x00"),
			strings.Join(pins, "\x00"), strings.Join(d.Cites, "\x00")} {
			h.WriteString(f)
			h.WriteByte(0)
		}
		h.WriteByte(1)
	}
	return h.Sum64(), true
}

// Search implements serve.Searcher.
func (s *previewSearch) Search(ctx context.Context, q, kind string, limit int) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.idx == nil {
		return nil, errors.New("the search index is still being built; try again in a moment")
	}
	return s.idx.Search(ctx, search.Request{Query: q, Kind: kind, Limit: limit})
}

// yielding lets background indexing step aside while a rebuild runs: a
// writer's save must not wait on the search index.
type yielding struct {
	mu   sync.Mutex
	idle chan struct{} // closed while no rebuild runs
}

func newYielding() *yielding {
	idle := make(chan struct{})
	close(idle)
	return &yielding{idle: idle}
}

// rebuilding marks a rebuild as running until done is called. Rebuilds
// run one at a time.
func (y *yielding) rebuilding() (done func()) {
	busy := make(chan struct{})
	y.mu.Lock()
	y.idle = busy
	y.mu.Unlock()
	return sync.OnceFunc(func() { close(busy) })
}

// wait returns once no rebuild runs, or ctx is done.
func (y *yielding) wait(ctx context.Context) error {
	y.mu.Lock()
	idle := y.idle
	y.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
