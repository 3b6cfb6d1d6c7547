package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/archetype"
	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/themes"
)

// runNew writes a new page from its kind's archetype.
func runNew(args []string, stdout, stderr io.Writer) int {
	fs := flags("new", stderr)
	source := fs.String("source", ".", "the site `directory`")
	date := fs.String("date", "", "the new page's as_of `date`, YYYY-MM-DD (default today)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kb new [--source DIR] [--date YYYY-MM-DD] KIND PATH\n\nKIND is one of %s; PATH is under content/, e.g. scenarios/shirt-sponsorship.\n\n", strings.Join(site.Kinds(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return exitUsage
	}
	kind, file := fs.Arg(0), newPagePath(fs.Arg(1))
	if !slices.Contains(site.Kinds(), kind) {
		hint := "one of " + strings.Join(site.Kinds(), ", ")
		if near := site.Nearest(kind, site.Kinds()); near != "" {
			hint = fmt.Sprintf("did you mean %q?", near)
		}
		fmt.Fprintf(stderr, "kb new: unknown kind %q (%s)\n", kind, hint)
		return exitUsage
	}
	if file == "" {
		fmt.Fprintf(stderr, "kb new: %q is not a page path under content/ (e.g. scenarios/shirt-sponsorship)\n", fs.Arg(1))
		return exitUsage
	}
	today := time.Now().Format(time.DateOnly)
	if *date != "" {
		if _, err := time.Parse(time.DateOnly, *date); err != nil {
			fmt.Fprintf(stderr, "kb new: --date %q is not a date (YYYY-MM-DD)\n", *date)
			return exitUsage
		}
		today = *date
	}
	src, code, ok := openSite(*source, stderr)
	if !ok {
		return code
	}
	defer src.Close()
	target := filepath.Join(*source, "content", filepath.FromSlash(file))
	if _, err := os.Lstat(target); err == nil {
		fmt.Fprintf(stderr, "kb new: %s exists already; kb new never overwrites a page\n", path.Join("content", file))
		return exitUsage
	}
	text, from, err := newPage(src, kind, file, today)
	if err != nil {
		fmt.Fprintf(stderr, "kb new: %v\n", err)
		return exitProblems
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		fmt.Fprintf(stderr, "kb new: %v\n", err)
		return exitProblems
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		_, err = f.Write(text)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		fmt.Fprintf(stderr, "kb new: %v\n", err)
		return exitProblems
	}
	fmt.Fprintf(stdout, "kb new: wrote %s from %s (a draft: kb serve --drafts shows it)\n", path.Join("content", file), from)
	return exitOK
}

// newPagePath turns what a writer types — "scenarios/x", "content/scenarios/x.md" —
// into a path under content/ ending in .md; "" when it is not one.
func newPagePath(arg string) string {
	p := path.Clean(filepath.ToSlash(arg))
	p = strings.TrimPrefix(p, "content/")
	if p == "." || p == "content" || strings.HasPrefix(p, "../") || p == ".." || path.IsAbs(p) {
		return ""
	}
	if !strings.HasSuffix(p, ".md") {
		p += ".md"
	}
	return p
}

// newPage fills in kind's archetype for a page at file (under content/):
// an id no page has, a title from the file name, today's date and the
// site's vocabulary.
func newPage(src fs.FS, kind, file, today string) ([]byte, string, error) {
	cfg, probs := site.LoadConfig(src)
	if len(probs) > 0 {
		return nil, "", fmt.Errorf("kb.yaml: %v", probs)
	}
	ids := build.PageIDs(src)
	id := site.DefaultID(file)
	if kind == "source" {
		id = strings.ToLower(strings.TrimSuffix(path.Base(file), ".md"))
	}
	for base, n := id, 2; slices.Contains(ids, id); n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	text, from, err := archetype.Find(src, themes.Default(), kind)
	if err != nil {
		return nil, "", err
	}
	title := archetype.TitleOf(file)
	v := cfg.Vocabulary
	out, err := archetype.Fill(from, text, archetype.Data{ID: id, Title: title, Term: strings.ToLower(title), Kind: kind, Today: today,
		Triggers: site.Values(v.Triggers), Outcomes: site.Values(v.Outcomes), Risks: site.Values(v.Risks)})
	return out, from, err
}
