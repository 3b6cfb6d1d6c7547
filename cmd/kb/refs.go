package main

import (
	"context"
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
	res, err := check.ListRefs(ctx, src, opts)
	if err != nil {
		return report(nil, err, check.Text, std)
	}
	res.Write(std.out, std.err, *asJSON)
	return exitOK
}
