package main

import (
	"context"
	"github.com/kb-legal/kb/internal/cli"
	"os"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/check"
	"github.com/kb-legal/kb/internal/siteflag"
)

// runRefs lists every page id, cite key and anchor, so a writer (or an
// editor plugin) can cite without opening the source files.
func runRefs(ctx context.Context, inv *cli.Invocation) int {
	var opts build.Options
	site := siteflag.Add(inv.Flags, &opts, siteflag.Drafts)
	asJSON := inv.Flags.Bool("json", false, "print JSON")
	if code, ok := inv.Parse(); !ok {
		return code
	}
	src, err := site.Open(os.Getenv)
	if err != nil {
		return siteError(inv, err)
	}
	defer src.Close()
	res, err := check.ListRefs(ctx, src, opts)
	if err != nil {
		return report(nil, err, check.Text, inv)
	}
	res.Write(inv.Out, inv.Err, *asJSON)
	return cli.OK
}
