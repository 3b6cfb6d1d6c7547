package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/search"
)

func runSearch(ctx context.Context, args []string, std stdio) int {
	fs := flags("search", std)
	var req search.Request
	dir := fs.String("index", "", "the search index `directory` kb build wrote (default SOURCE/index)")
	source := fs.String("source", ".", "the site `directory`, to tell whether the index is older than the content")
	rebuild := fs.Bool("rebuild", false, "build the site and its index first (as kb build --source SOURCE)")
	asJSON := fs.Bool("json", false, `print {"total", "pages", "fallback", "hits": [{"url", "title", "kind", "anchor", "score", "snippet", "sections"}]}`)
	fs.IntVar(&req.Limit, "limit", 10, "at most `N` hits, one per page")
	fs.IntVar(&req.From, "from", 0, "skip the first `N` pages of results")
	fs.StringVar(&req.Kind, "kind", "", "only pages of `kind` (provision, guideline, scenario, term, …)")
	var err error
	if req.Query, err = search.ParseArgs(fs, args); err != nil {
		code, _ := parsed(fs, err, std)
		return code
	} else if strings.TrimSpace(req.Query) == "" {
		return fail(std.err, "kb search", errors.New("no query (try: kb search sponsorship)"), exitUsage)
	} else if req.Limit <= 0 || req.From < 0 {
		return fail(std.err, "kb search", errors.New("--limit must be positive and --from not negative"), exitUsage)
	}
	*dir = cmp.Or(*dir, build.DefaultIndex(*source))
	if *rebuild {
		if code := buildCommand(slog.LevelWarn)(ctx, []string{"--source", *source, "--index", *dir}, stdio{out: io.Discard, err: std.err}); code != exitOK {
			return code
		}
	} else if file, ok := search.NewerContent(*source, *dir); ok {
		fmt.Fprintf(std.err, "kb search: warning: %s is newer than the index; results may be stale (run kb build, or kb search --rebuild)\n", file)
	}
	idx, err := search.Open(*dir)
	if err != nil {
		return fail(std.err, "kb search", err, exitProblems)
	}
	defer idx.Close()
	res, err := idx.Search(ctx, req)
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		return fail(std.err, "kb search", err, exitUsage)
	case err != nil:
		return fail(std.err, "kb search", err, exitProblems)
	case *asJSON:
		_ = res.WriteJSON(std.out)
	default:
		res.WriteText(std.out, req.Query, req.From)
	}
	return exitOK
}
