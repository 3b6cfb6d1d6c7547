package build

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/internal/sitefs"
)

// RunWithIndex builds the site in opts.Source into out, and its search
// index: the Bleve index into indexDir and its static export into out's
// search/. The site and the index are staged beside their final places
// and swapped in only when both are complete; on problems or errors
// neither changes. out defaults to the source's public/ and indexDir to
// DefaultIndex; folders that would overwrite the sources or each other
// are refused with an *OutputsError. A shallow git clone (see
// Result.Shallow) is warned of in opts.Logger, which is where a CI log
// shows it.
//
// The index and its export are made from one analysis of the documents,
// which the index takes over: the result holds none (Result.Docs is nil).
func RunWithIndex(ctx context.Context, opts Options, out, indexDir string) (*Result, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if out == "" {
		out = filepath.Join(opts.Source, "public")
	}
	if indexDir == "" {
		indexDir = DefaultIndex(opts.Source)
	}
	if err := checkOutputs(opts.Source, out, indexDir); err != nil {
		return nil, &OutputsError{err}
	}
	site, err := stage(out)
	if err != nil {
		return nil, fmt.Errorf("site output: %w", err)
	}
	defer site.Abort()
	index, err := stage(indexDir)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	defer index.Abort()
	// Bleve creates the index directory itself.
	if err := os.Remove(index.Dir); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	src, err := sitefs.Open(opts.Source)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	defer src.Close()

	start := time.Now()
	res, err := Generate(ctx, src, opts, site)
	if err != nil || len(res.Problems) > 0 {
		return res, err
	}
	// The index is built once the site is written: beside it, both in
	// memory at once doubled a 10k-page build's peak (3 GiB) and took
	// longer. BuildAndExport keeps both cores busy by itself, and takes
	// res.Docs over, letting each document's text go once read and the
	// documents once all are: nothing reads them afterwards.
	sections := len(res.Docs)
	var ix indexing
	ix.build(ctx, index.Dir, site, res.takeDocs())
	if ix.err != nil {
		return nil, fmt.Errorf("search index: %w", ix.err)
	}
	res.Files = append(res.Files, ix.files...)
	slices.Sort(res.Files)
	res.Warnings = append(res.Warnings, goneURLs(out, res.Files)...)

	if err := site.Commit(); err != nil {
		return nil, fmt.Errorf("publishing the site: %w", err)
	}
	if err := index.Commit(); err != nil {
		return nil, fmt.Errorf("publishing the search index: %w", err)
	}
	res.Duration = time.Since(start)
	opts.Logger.Info("built", "pages", res.Pages, "files", len(res.Files), "out", out,
		"index", indexDir, "sections", sections, "search_bytes", ix.stats.Bytes, "took", res.Duration.Round(time.Millisecond))
	if res.Shallow {
		opts.Logger.Warn("a shallow git clone: pages last changed before its first commit are dated by that commit, shown as updated on or before that day; fetch the whole history (git fetch --unshallow; in GitHub Actions, actions/checkout with fetch-depth: 0)")
	}
	return res, nil
}

// DefaultIndex is where the search index of the site in source is built
// and looked for when no folder is named: its index/.
func DefaultIndex(source string) string { return filepath.Join(source, "index") }

// indexing is the search index of a build: the Bleve index and its static
// export, from one analysis.
type indexing struct {
	files []string // the static export's files
	stats search.ExportStats
	err   error
}

// build builds the Bleve index of docs in dir and writes its static
// export to site.
func (ix *indexing) build(ctx context.Context, dir string, site *stagedDir, docs []search.Document) {
	ix.stats, ix.err = search.BuildAndExport(ctx, dir, docs, func(name string, data []byte) error {
		ix.files = append(ix.files, name)
		return site.WriteFile(name, data)
	}, search.ExportOptions{})
}

// takeDocs returns the search documents and leaves the result without
// them, so that the index, which takes them over, can let them go.
func (r *Result) takeDocs() []search.Document {
	docs := r.Docs
	r.Docs = nil
	return docs
}
