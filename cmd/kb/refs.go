package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/check"
	"github.com/kb-legal/kb/internal/siteflag"
)

// runRefs lists every page id, cite key and anchor, so a writer (or an
// editor plugin) can cite without opening the source files.
func runRefs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("refs", stderr)
	var opts build.Options
	site := siteflag.Add(fs, &opts, siteflag.Drafts)
	asJSON := fs.Bool("json", false, "print JSON")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	src, err := site.Open(os.Getenv)
	if err != nil {
		return fail(stderr, "kb", err, exitUsage)
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
