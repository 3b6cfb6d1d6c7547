package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"

	"kb/internal/diag"
	"kb/internal/search"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("search", stderr)
	var req search.Request
	var dir string
	var asJSON bool
	fs.StringVar(&dir, "index", "index", "the search index `directory` kb build wrote")
	fs.BoolVar(&asJSON, "json", false, `print {"total", "hits": [{"url", "title", "kind", "anchor", "score", "snippet"}]}`)
	fs.IntVar(&req.Limit, "limit", 10, "at most `N` hits, one per page")
	fs.StringVar(&req.Kind, "kind", "", "only pages of `kind` (provision, guideline, scenario, term, …)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	req.Query = strings.Join(fs.Args(), " ")
	if strings.TrimSpace(req.Query) == "" {
		fmt.Fprintln(stderr, "kb search: no query (try: kb search sponsorship)")
		return exitUsage
	}
	if req.Limit <= 0 {
		fmt.Fprintln(stderr, "kb search: --limit must be positive")
		return exitUsage
	}
	idx, err := search.Open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "kb search: %v\n", err)
		return exitProblems
	}
	defer idx.Close()
	res, err := idx.Search(ctx, req)
	if err != nil {
		var qe *search.QueryError
		if errors.As(err, &qe) {
			fmt.Fprintf(stderr, "kb search: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "kb search: %v\n", err)
		return exitProblems
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		_ = enc.Encode(struct {
			Total uint64       `json:"total"`
			Hits  []search.Hit `json:"hits"`
		}{res.Total, res.Hits})
		return exitOK
	}
	if len(res.Hits) == 0 {
		fmt.Fprintf(stdout, "no results for %q\n", req.Query) // %q escapes controls
		return exitOK
	}
	for i, h := range res.Hits {
		link := h.URL
		if h.Anchor != "" {
			link += "#" + h.Anchor
		}
		fmt.Fprintf(stdout, "%d. %s [%s]\n   %s\n   %s\n", i+1, diag.Printable(h.Title), diag.Printable(h.Kind), diag.Printable(link), diag.Printable(plainSnippet(h.Snippet)))
	}
	fmt.Fprintf(stdout, "%d %s matched\n", res.Total, plural(int(res.Total), "section", "sections"))
	return exitOK
}

// plainSnippet renders an HTML snippet for a terminal: marks become
// [brackets], entities are decoded, lines joined.
func plainSnippet(s string) string {
	s = strings.NewReplacer("<mark>", "[", "</mark>", "]").Replace(s)
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}
