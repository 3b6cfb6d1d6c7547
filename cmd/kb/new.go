package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/archetype"
	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/internal/siteflag"
	"github.com/kb-legal/kb/themes"
)

// runNew writes a new page from its kind's archetype.
func runNew(args []string, stdout, stderr io.Writer) int {
	fs := flags("new", stderr)
	var opts build.Options
	source := siteflag.Add(fs, &opts, 0)
	date := fs.String("date", "", "the new page's as_of `date`, YYYY-MM-DD (default today)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kb new [--source DIR] [--date YYYY-MM-DD] KIND PATH\n\nKIND is one of %s; PATH is under content/, e.g. scenarios/shirt-sponsorship.\n\n", strings.Join(site.Kinds(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	} else if fs.NArg() != 2 {
		fs.Usage()
		return exitUsage
	}
	p, err := archetype.NewPage(fs.Arg(0), fs.Arg(1), *date, time.Now())
	if err != nil {
		return fail(stderr, "kb new", err, exitUsage)
	}
	src, err := source.Open(os.Getenv)
	if err != nil {
		return fail(stderr, "kb", err, exitUsage)
	}
	defer src.Close()
	from, err := archetype.Write(opts.Source, src, themes.Default(), p)
	if exists := (*archetype.ExistsError)(nil); errors.As(err, &exists) {
		return fail(stderr, "kb new", err, exitUsage)
	} else if err != nil {
		return fail(stderr, "kb new", err, exitProblems)
	}
	fmt.Fprintf(stdout, "kb new: wrote %s from %s (a draft: kb serve --drafts shows it)\n", path.Join("content", p.File), from)
	return exitOK
}
