package workspace

import (
	"context"
	"errors"
	"hash/maphash"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/search"
)

// ErrIndexing is Search's error until the first good build is indexed.
var ErrIndexing = errors.New("the search index is still being built; try again in a moment")

// index is a workspace's search: an in-memory index of the last good
// build, kept up to date in the background, so that indexing never delays
// a build's result.
type index struct {
	logger *slog.Logger
	wg     sync.WaitGroup

	// The good builds not yet indexed, merged into one job: indexing
	// never falls behind by more than one, and never blocks a rebuild.
	pendingMu sync.Mutex
	pending   *indexJob
	wake      chan struct{}

	mu  sync.RWMutex
	idx *search.Index // nil until the first good build is indexed

	// Indexing waits while a build runs, and stops when the workspace
	// closes.
	yield  *yielding
	ctx    context.Context
	cancel context.CancelFunc

	// Used by run only: the hash of each indexed page's docs, by URL, and
	// the updates since the index was last made whole.
	seed    maphash.Seed
	sums    map[string]uint64
	updates int
}

// indexJob is the docs of a good build and the output files it changed
// since the last build indexed, or all: index everything.
type indexJob struct {
	docs    []search.Document
	changed []string
	all     bool
}

func newIndex(logger *slog.Logger, yield *yielding) *index {
	s := &index{logger: logger, wake: make(chan struct{}, 1), seed: maphash.MakeSeed(), sums: map[string]uint64{}, yield: yield}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Go(s.run)
	return s
}

// update queues a good build for indexing: its docs, and the output files
// it changed, or all to index everything.
func (s *index) update(docs []search.Document, changed []string, all bool) {
	s.pendingMu.Lock()
	switch {
	case s.pending == nil:
		s.pending = &indexJob{docs: docs, changed: slices.Clone(changed), all: all}
	case all || s.pending.all:
		s.pending = &indexJob{docs: docs, all: true}
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

func (s *index) close() {
	s.cancel()
	s.wg.Wait()
	if s.idx != nil {
		s.idx.Close()
	}
}

// next waits for builds to index and takes them.
func (s *index) next() (indexJob, bool) {
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

func (s *index) run() {
	for {
		job, ok := s.next()
		if !ok {
			return
		}
		start := time.Now()
		s.mu.RLock()
		idx := s.idx
		s.mu.RUnlock()
		if idx == nil || job.all {
			s.reindex(s.ctx, job.docs, start)
			continue
		}
		s.apply(idx, job, start)
	}
}

// apply indexes again the pages whose search text a build changed.
func (s *index) apply(idx *search.Index, job indexJob, start time.Time) {
	urls, docs := s.changedPages(job)
	if len(urls) == 0 {
		return
	}
	if s.yield.wait(s.ctx) != nil {
		return
	}
	if err := idx.Update(s.ctx, urls, docs); err != nil {
		s.logger.Error("search index; re-indexing everything", "err", err)
		s.reindex(s.ctx, job.docs, start)
		return
	}
	s.logger.Debug("search updated", "pages", len(urls), "took", time.Since(start).Round(time.Millisecond))
	if s.updates++; s.updates >= compactAfter {
		s.reindex(s.ctx, job.docs, start)
	}
}

// changedPages returns the URLs of the pages among the job's changed
// files whose search text changed, and their docs: most pages an edit
// re-renders (citers, related pages) keep theirs.
func (s *index) changedPages(job indexJob) (urls []string, docs []search.Document) {
	byURL := map[string][]search.Document{} // of the pages re-rendered
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
	return urls, docs
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
func (s *index) reindex(ctx context.Context, docs []search.Document, start time.Time) {
	fresh, err := search.NewMemory(ctx, nil)
	if err != nil {
		s.logger.Error("search index", "err", err)
		return
	}
	for chunk := range slices.Chunk(docs, indexChunk) {
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
	byURL := map[string][]search.Document{}
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
func docsSum(seed maphash.Seed, docs []search.Document) (sum uint64, has bool) {
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
		for _, f := range []string{d.ID, d.URL, d.Anchor, d.Title, d.Heading, d.Kind, d.Cite, d.AsOf, d.Summary, d.Body, d.Official,
			strings.Join(d.Tags, "\x00"), strings.Join(pins, "\x00"), strings.Join(d.Cites, "\x00")} {
			h.WriteString(f)
			h.WriteByte(0)
		}
		h.WriteByte(1)
	}
	return h.Sum64(), true
}

// search runs req against the index of the last good build indexed.
func (s *index) search(ctx context.Context, req search.Request) (search.Result, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.idx == nil {
		return search.Result{}, ErrIndexing
	}
	return s.idx.Search(ctx, req)
}

// yielding lets background indexing step aside while a build runs: a
// writer's save must not wait on the search index.
type yielding struct {
	mu   sync.Mutex
	idle chan struct{} // closed while no build runs
}

func newYielding() *yielding {
	idle := make(chan struct{})
	close(idle)
	return &yielding{idle: idle}
}

// building marks a build as running until done is called. Builds run one
// at a time.
func (y *yielding) building() (done func()) {
	busy := make(chan struct{})
	y.mu.Lock()
	y.idle = busy
	y.mu.Unlock()
	return sync.OnceFunc(func() { close(busy) })
}

// wait returns once no build runs, or ctx is done.
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
