package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/kb-legal/kb/internal/build"
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
	src, code, ok := openSite(opts.Source, stderr)
	if !ok {
		return code
	}
	defer src.Close()
	opts.Refs = true
	res, err := build.Generate(ctx, src, opts, discard{})
	if err != nil || len(res.Problems) > 0 {
		fmt.Fprintln(stderr, "kb refs: the site has problems; the list below may miss the pages they concern")
		if code := report(res, err, "text", stdout, stderr); err != nil {
			return code
		}
	}
	if *asJSON {
		refs := res.Refs
		if refs == nil {
			refs = []build.PageRefs{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(refs)
		return exitOK
	}
	for _, p := range res.Refs {
		fmt.Fprintf(stdout, "[[%s]]", p.ID)
		if p.Cite != "" {
			fmt.Fprintf(stdout, "  [[%s]]", p.Cite)
		}
		fmt.Fprintf(stdout, "  %s  (%s)\n", p.Title, p.File)
		for _, a := range p.Anchors {
			fmt.Fprintf(stdout, "    %s  %s", a.Ref, a.Label)
			if a.Citation != "" {
				fmt.Fprintf(stdout, "  = %s", a.Citation)
			}
			fmt.Fprintln(stdout)
		}
	}
	return exitOK
}
