package main

import (
	"context"
	"fmt"
	"io"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/check"
)

// runRefs lists every page id, cite key and anchor, so a writer (or an
// editor plugin) can cite without opening the source files.
func runRefs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("refs", stderr)
	var opts build.Options
	fs.StringVar(&opts.Source, "source", ".", "the site `directory`")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include draft pages")
	asJSON := fs.Bool("json", false, "print JSON")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	src, ok := openSite(opts.Source, stderr)
	if !ok {
		return exitUsage
	}
	defer src.Close()
	res, err := check.Refs(ctx, src, opts)
	if err != nil || len(res.Problems) > 0 {
		fmt.Fprintln(stderr, "kb refs: the site has problems; the list below may miss the pages they concern")
		if code := report(res, err, check.Text, stdout, stderr); err != nil {
			return code
		}
	}
	if *asJSON {
		_ = build.WriteRefsJSON(stdout, res.Refs)
	} else {
		build.WriteRefs(stdout, res.Refs)
	}
	return exitOK
}
