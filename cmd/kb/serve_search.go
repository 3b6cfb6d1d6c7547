package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"kb/internal/build"
	"kb/internal/search"
	"kb/internal/serve"
)

// previewSearch is kb serve's search: an in-memory index kept up to date
// in the background, so that indexing never delays a page reload.
type previewSearch struct {
	logger *slog.Logger
	jobs   chan indexJob
	wg     sync.WaitGroup

	mu  sync.RWMutex
	idx *search.Index // nil until the first good build is indexed
}

// indexJob is the docs of one good build and the output files it changed
// (nil: index everything).
type indexJob struct {
	docs    []build.Doc
	changed []string
}

var _ serve.Searcher = (*previewSearch)(nil)

func newPreviewSearch(logger *slog.Logger) *previewSearch {
	s := &previewSearch{logger: logger, jobs: make(chan indexJob, 64)}
	s.wg.Go(s.run)
	return s
}

// update queues a good build for indexing.
func (s *previewSearch) update(docs []build.Doc, changed []string) {
	select {
	case s.jobs <- indexJob{docs: docs, changed: changed}:
	default: // far behind: start over from this build
		s.logger.Warn("search index behind; re-indexing everything")
		s.jobs <- indexJob{docs: docs}
	}
}

func (s *previewSearch) close() {
	close(s.jobs)
	s.wg.Wait()
	if s.idx != nil {
		s.idx.Close()
	}
}

func (s *previewSearch) run() {
	ctx := context.Background()
	for job := range s.jobs {
		start := time.Now()
		s.mu.RLock()
		idx := s.idx
		s.mu.RUnlock()
		if idx == nil || job.changed == nil {
			fresh, err := search.NewMemory(ctx, build.SearchDocuments(job.docs))
			if err != nil {
				s.logger.Error("search index", "err", err)
				continue
			}
			s.mu.Lock()
			old := s.idx
			s.idx = fresh
			s.mu.Unlock()
			if old != nil {
				old.Close()
			}
			s.logger.Info("search indexed", "sections", len(job.docs), "took", time.Since(start).Round(time.Millisecond))
			continue
		}
		var urls []string
		for _, name := range job.changed {
			if page, ok := strings.CutSuffix(name, "index.html"); ok {
				urls = append(urls, "/"+page)
			}
		}
		if len(urls) == 0 {
			continue
		}
		var docs []build.Doc
		for _, d := range job.docs {
			for _, u := range urls {
				if d.URL == u {
					docs = append(docs, d)
					break
				}
			}
		}
		if err := idx.Update(ctx, urls, build.SearchDocuments(docs)); err != nil {
			s.logger.Error("search index", "err", err)
		}
	}
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
