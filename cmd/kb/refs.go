package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/check"
	"github.com/kb-legal/kb/internal/siteflag"
)

// runRefs lists every page id, cite key and anchor, so a writer (or an
// editor plugin) can cite without opening the source files.
func runRefs(ctx context.Context, args []string, std stdio) int {
	fs := flags("refs", std)
	var opts build.Options
	site := siteflag.Add(fs, &opts, siteflag.Drafts)
	asJSON := fs.Bool("json", false, "print JSON")
	if code, ok := parseFlags(fs, args, std); !ok {
		return code
	}
	src, err := site.Open(os.Getenv)
	if err != nil {
		return fail(std.err, "kb", err, exitUsage)
	}
	defer src.Close()
	res, err := check.Refs(ctx, src, opts)
	if err != nil || len(res.Problems) > 0 {
		fmt.Fprintln(std.err, "kb refs: the site has problems; the list below may miss the pages they concern")
		if code := report(res, err, check.Text, std); err != nil {
			return code
		}
	}
	if *asJSON {
		_ = build.WriteRefsJSON(std.out, res.Refs)
	} else {
		build.WriteRefs(std.out, res.Refs)
	}
	return exitOK
}
