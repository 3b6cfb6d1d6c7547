package main

import (
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/archetype"
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
	p := archetype.Page{Kind: fs.Arg(0), File: archetype.PagePath(fs.Arg(1)), Today: *date}
	if err := archetype.CheckKind(p.Kind); err != nil {
		return fail(stderr, "kb new", err, exitUsage)
	}
	if p.File == "" {
		fmt.Fprintf(stderr, "kb new: %q is not a page path under content/ (e.g. scenarios/shirt-sponsorship)\n", fs.Arg(1))
		return exitUsage
	}
	if _, err := time.Parse(time.DateOnly, p.Today); p.Today == "" {
		p.Today = time.Now().Format(time.DateOnly)
	} else if err != nil {
		fmt.Fprintf(stderr, "kb new: --date %q is not a date (YYYY-MM-DD)\n", p.Today)
		return exitUsage
	}
	src, ok := openSite(*source, stderr)
	if !ok {
		return exitUsage
	}
	defer src.Close()
	from, err := archetype.Write(*source, src, themes.Default(), p)
	if exists := (*archetype.ExistsError)(nil); errors.As(err, &exists) {
		return fail(stderr, "kb new", err, exitUsage)
	} else if err != nil {
		return fail(stderr, "kb new", err, exitProblems)
	}
	fmt.Fprintf(stdout, "kb new: wrote %s from %s (a draft: kb serve --drafts shows it)\n", path.Join("content", p.File), from)
	return exitOK
}
