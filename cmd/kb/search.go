package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/kb-legal/kb/internal/cli"
	"io"
	"log/slog"
	"strings"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/search"
)

func runSearch(ctx context.Context, inv *cli.Invocation) int {
	var req search.Request
	dir := inv.Flags.String("index", "", "the search index `directory` kb build wrote (default SOURCE/index)")
	source := inv.Flags.String("source", ".", "the site `directory`, to tell whether the index is older than the content")
	rebuild := inv.Flags.Bool("rebuild", false, "build the site and its index first (as kb build --source SOURCE)")
	asJSON := inv.Flags.Bool("json", false, `print {"total", "pages", "fallback", "hits": [{"url", "title", "kind", "anchor", "score", "snippet", "sections"}]}`)
	inv.Flags.IntVar(&req.Limit, "limit", 10, "at most `N` hits, one per page")
	inv.Flags.IntVar(&req.From, "from", 0, "skip the first `N` pages of results")
	inv.Flags.StringVar(&req.Kind, "kind", "", "only pages of `kind` (provision, guideline, scenario, term, …)")
	var err error
	if req.Query, err = search.ParseArgs(inv.Flags, inv.Args); err != nil {
		code, _ := inv.Parsed(err)
		return code
	} else if strings.TrimSpace(req.Query) == "" {
		return inv.Fail(errors.New("no query (try: kb search sponsorship)"), cli.Usage)
	} else if req.Limit <= 0 || req.From < 0 {
		return inv.Fail(errors.New("--limit must be positive and --from not negative"), cli.Usage)
	}
	*dir = cmp.Or(*dir, build.DefaultIndex(*source))
	if *rebuild {
		if code := buildCommand(slog.LevelWarn)(ctx, inv.Step("build", []string{"--source", *source, "--index", *dir}, io.Discard)); code != cli.OK {
			return code
		}
	} else if file, ok := search.NewerContent(*source, *dir); ok {
		fmt.Fprintf(inv.Err, "kb search: warning: %s is newer than the index; results may be stale (run kb build, or kb search --rebuild)\n", file)
	}
	idx, err := search.Open(*dir)
	if err != nil {
		return inv.Fail(err, cli.Problems)
	}
	defer idx.Close()
	res, err := idx.Search(ctx, req)
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		return inv.Fail(err, cli.Usage)
	case err != nil:
		return inv.Fail(err, cli.Problems)
	case *asJSON:
		_ = res.WriteJSON(inv.Out)
	default:
		res.WriteText(inv.Out, req.Query, req.From)
	}
	return cli.OK
}
