package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/kb-legal/kb/internal/cli"
	"os"
	"path"
	"time"

	"github.com/kb-legal/kb/internal/archetype"
	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/siteflag"
	"github.com/kb-legal/kb/themes"
)

// runNew writes a new page from its kind's archetype.
func runNew(_ context.Context, inv *cli.Invocation) int {
	var opts build.Options
	source := siteflag.Add(inv.Flags, &opts, 0)
	date := inv.Flags.String("date", "", "the new page's as_of `date`, YYYY-MM-DD (default today)")
	if code, ok := inv.Parsed(inv.Flags.Parse(inv.Args)); !ok {
		return code
	} else if inv.Flags.NArg() != 2 {
		return inv.UsageError()
	}
	p, err := archetype.NewPage(inv.Flags.Arg(0), inv.Flags.Arg(1), *date, time.Now())
	if err != nil {
		return inv.Fail(err, cli.Usage)
	}
	src, err := source.Open(os.Getenv)
	if err != nil {
		return siteError(inv, err)
	}
	defer src.Close()
	from, err := archetype.Write(opts.Source, src, themes.Default(), p)
	if exists := (*archetype.ExistsError)(nil); errors.As(err, &exists) {
		return inv.Fail(err, cli.Usage)
	} else if err != nil {
		return inv.Fail(err, cli.Problems)
	}
	fmt.Fprintf(inv.Out, "kb new: wrote %s from %s (a draft: kb serve --drafts shows it)\n", path.Join("content", p.File), from)
	return cli.OK
}
