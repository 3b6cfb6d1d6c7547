package build

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/internal/sitefs"
)

// RunWithIndex builds the site in opts.Source into out, and its search
// index: the Bleve index into indexDir and its static export into out's
// search/. The site and the index are staged beside their final places
// and swapped in only when both are complete; on problems or errors
// neither changes.
func RunWithIndex(ctx context.Context, opts Options, out, indexDir string) (*Result, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if out == "" {
		out = filepath.Join(opts.Source, "public")
	}
	if indexDir == "" {
		indexDir = filepath.Join(opts.Source, "index")
	}
	site, err := stage(out)
	if err != nil {
		return nil, fmt.Errorf("site output: %w", err)
	}
	defer site.Abort()
	src, err := sitefs.Open(opts.Source)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	defer src.Close()
	res, err := Generate(ctx, src, opts, site)
	if err != nil || len(res.Problems) > 0 {
		return res, err
	}

	start := time.Now()
	index, err := stage(indexDir)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	defer index.Abort()
	// Bleve creates the index directory itself.
	if err := os.Remove(index.Dir); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	docs := res.Docs
	if err := search.Build(ctx, index.Dir, docs); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	idx, err := search.Open(index.Dir)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	var mu sync.Mutex
	stats, err := idx.Export(ctx, func(name string, data []byte) error {
		mu.Lock()
		res.Files = append(res.Files, name)
		mu.Unlock()
		return site.WriteFile(name, data)
	}, search.ExportOptions{})
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("static export: %w", err)
	}
	slices.Sort(res.Files)
	res.Warnings = append(res.Warnings, goneURLs(out, res.Files)...)

	if err := site.Commit(); err != nil {
		return nil, fmt.Errorf("publishing the site: %w", err)
	}
	if err := index.Commit(); err != nil {
		return nil, fmt.Errorf("publishing the search index: %w", err)
	}
	res.Duration += time.Since(start)
	opts.Logger.Info("built", "pages", res.Pages, "files", len(res.Files), "out", out,
		"index", indexDir, "sections", len(docs), "search_bytes", stats.Bytes, "took", res.Duration.Round(time.Millisecond))
	return res, nil
}
