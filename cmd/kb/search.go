package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/kb-legal/kb/internal/search"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("search", stderr)
	var req search.Request
	var dir, source string
	var asJSON, rebuild bool
	fs.StringVar(&dir, "index", "", "the search index `directory` kb build wrote (default SOURCE/index)")
	fs.StringVar(&source, "source", ".", "the site `directory`, to tell whether the index is older than the content")
	fs.BoolVar(&rebuild, "rebuild", false, "build the site and its index first (as kb build --source SOURCE)")
	fs.BoolVar(&asJSON, "json", false, `print {"total", "pages", "fallback", "hits": [{"url", "title", "kind", "anchor", "score", "snippet", "sections"}]}`)
	fs.IntVar(&req.Limit, "limit", 10, "at most `N` hits, one per page")
	fs.IntVar(&req.From, "from", 0, "skip the first `N` pages of results")
	fs.StringVar(&req.Kind, "kind", "", "only pages of `kind` (provision, guideline, scenario, term, …)")
	words, flagArgs := splitQuery(fs, args)
	if err := fs.Parse(flagArgs); err != nil {
		return exitUsage
	}
	req.Query = strings.Join(append(words, fs.Args()...), " ")
	if strings.TrimSpace(req.Query) == "" {
		fmt.Fprintln(stderr, "kb search: no query (try: kb search sponsorship)")
		return exitUsage
	}
	if req.Limit <= 0 || req.From < 0 {
		fmt.Fprintln(stderr, "kb search: --limit must be positive and --from not negative")
		return exitUsage
	}
	if dir == "" {
		dir = filepath.Join(source, "index")
	}
	if rebuild {
		logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		if code := runBuild(ctx, []string{"--source", source, "--index", dir}, io.Discard, stderr, logger); code != exitOK {
			return code
		}
	} else if file, ok := search.NewerContent(source, dir); ok {
		fmt.Fprintf(stderr, "kb search: warning: %s is newer than the index; results may be stale (run kb build, or kb search --rebuild)\n", file)
	}
	idx, err := search.Open(dir)
	if err != nil {
		return fail(stderr, "kb search", err, exitProblems)
	}
	defer idx.Close()
	res, err := idx.Search(ctx, req)
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		return fail(stderr, "kb search", err, exitUsage)
	case err != nil:
		return fail(stderr, "kb search", err, exitProblems)
	case asJSON:
		_ = res.WriteJSON(stdout)
	default:
		res.WriteText(stdout, req.Query, req.From)
	}
	return exitOK
}

// splitQuery separates the words of a query from the flags among them, so
// that flags may come before or after the query: an argument is a flag
// when it names one of fs's flags ("-limit", "--limit=3"); its value
// follows it unless given with "=" or the flag is boolean. After "--",
// everything is query; "-word" that names no flag is a word to exclude.
func splitQuery(fs *flag.FlagSet, args []string) (words, flagArgs []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(words, args[i+1:]...), flagArgs
		}
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
			continue
		}
		name, _, eq := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f := fs.Lookup(name)
		if f == nil {
			words = append(words, a)
			continue
		}
		flagArgs = append(flagArgs, a)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !eq && !(ok && b.IsBoolFlag()) && i+1 < len(args) {
			i++
			flagArgs = append(flagArgs, args[i])
		}
	}
	return words, flagArgs
}
