package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/diag"
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
	} else if file, ok := newerThanIndex(source, dir); ok {
		fmt.Fprintf(stderr, "kb search: warning: %s is newer than the index; results may be stale (run kb build, or kb search --rebuild)\n", file)
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
		res.Kinds = nil
		_ = enc.Encode(res)
		return exitOK
	}
	if len(res.Hits) == 0 {
		fmt.Fprintf(stdout, "no results for %q\n", req.Query) // %q escapes controls
		return exitOK
	}
	if res.Fallback {
		fmt.Fprintln(stdout, search.FallbackNote)
	}
	for i, h := range res.Hits {
		link := h.URL
		if h.Anchor != "" {
			link += "#" + h.Anchor
		}
		fmt.Fprintf(stdout, "%d. %s [%s]\n   %s\n   %s\n", req.From+i+1, diag.Printable(h.Title), diag.Printable(h.Kind), diag.Printable(link), diag.Printable(plainSnippet(h.Snippet)))
		for _, s := range h.Sections {
			link := h.URL
			if s.Anchor != "" {
				link += "#" + s.Anchor
			}
			fmt.Fprintf(stdout, "   also: %s (%s)\n", diag.Printable(s.Heading), diag.Printable(link))
		}
	}
	fmt.Fprintf(stdout, "%d %s, %d %s matched\n", res.Pages, plural(res.Pages, "page", "pages"),
		res.Total, plural(int(res.Total), "section", "sections"))
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

// newerThanIndex returns a content file (kb.yaml or under content/)
// modified after the index in dir was last written, if there is one.
func newerThanIndex(source, dir string) (string, bool) {
	built := time.Time{}
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil && info.ModTime().After(built) {
				built = info.ModTime()
			}
		}
		return nil
	})
	if built.IsZero() {
		return "", false
	}
	var newer string
	check := func(path string, d fs.DirEntry, err error) error {
		if err != nil || d == nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(built) {
			newer = path
			return fs.SkipAll
		}
		return nil
	}
	_ = check(filepath.Join(source, "kb.yaml"), statEntry(filepath.Join(source, "kb.yaml")), nil)
	if newer == "" {
		_ = filepath.WalkDir(filepath.Join(source, "content"), check)
	}
	return newer, newer != ""
}

// statEntry is a DirEntry for one file, or nil when it is missing.
func statEntry(path string) fs.DirEntry {
	info, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return fs.FileInfoToDirEntry(info)
}

// plainSnippet renders an HTML snippet for a terminal: marks become
// [brackets], entities are decoded, lines joined.
func plainSnippet(s string) string {
	s = strings.NewReplacer("<mark>", "[", "</mark>", "]").Replace(s)
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}
