package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"time"

	"github.com/kb-legal/kb/internal/archetype"
	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/siteflag"
	"github.com/kb-legal/kb/themes"
)

// runNew writes a new page from its kind's archetype.
func runNew(_ context.Context, args []string, std stdio) int {
	fs := flags("new", std)
	var opts build.Options
	source := siteflag.Add(fs, &opts, 0)
	date := fs.String("date", "", "the new page's as_of `date`, YYYY-MM-DD (default today)")
	if code, ok := parsed(fs, fs.Parse(args), std); !ok {
		return code
	} else if fs.NArg() != 2 {
		writeHelp(std.err, fs)
		return exitUsage
	}
	p, err := archetype.NewPage(fs.Arg(0), fs.Arg(1), *date, time.Now())
	if err != nil {
		return fail(std.err, "kb new", err, exitUsage)
	}
	src, err := source.Open(os.Getenv)
	if err != nil {
		return fail(std.err, "kb", err, exitUsage)
	}
	defer src.Close()
	from, err := archetype.Write(opts.Source, src, themes.Default(), p)
	if exists := (*archetype.ExistsError)(nil); errors.As(err, &exists) {
		return fail(std.err, "kb new", err, exitUsage)
	} else if err != nil {
		return fail(std.err, "kb new", err, exitProblems)
	}
	fmt.Fprintf(std.out, "kb new: wrote %s from %s (a draft: kb serve --drafts shows it)\n", path.Join("content", p.File), from)
	return exitOK
}
