// Package check is kb check's rules and the report every command that
// builds a site prints of what it found.
//
// A check builds the site without writing it. The problems of draft
// pages left out are warnings (a writer sees what is left to fix in a
// draft, and nothing of it blocks publishing); a share of cited
// paragraphs below kb.yaml's citations: {min_percent} is a problem; pages
// due for review are warnings, or problems when the check is strict.
//
// Reports come in three formats: text for a terminal (problems on
// stderr, file:line:col first, a line a problem), JSON for tools, and
// GitHub Actions workflow commands, which annotate a pull request's
// files.
package check

import (
	"context"
	"io/fs"
	"slices"

	"github.com/kb-legal/kb/internal/build"
)

// Result is what a check found.
type Result struct {
	*build.Result
	Warned    int  // warnings of tags and drafts, not counting the pages due for review
	citations bool // the uncited paragraphs were asked for (build.Options.Citations)
}

// Run checks the site in src with opts; with strict, pages due for
// review are problems.
func Run(ctx context.Context, src fs.FS, opts build.Options, strict bool) (*Result, error) {
	res, err := build.Generate(ctx, src, opts, discard{})
	if err == nil && !opts.Drafts && len(res.Drafts) > 0 {
		err = checkDrafts(ctx, src, opts, res)
	}
	if err != nil {
		return nil, err
	}
	if len(res.Problems) == 0 && res.Coverage.Shortfall != nil {
		// Below kb.yaml's citations: {min_percent}: a problem like any other.
		res.Problems = append(res.Problems, *res.Coverage.Shortfall)
	}
	r := &Result{Result: res, Warned: len(res.Warnings), citations: opts.Citations}
	if strict {
		res.Problems = append(res.Problems, res.Stale...).Sort()
	} else {
		res.Warnings = append(res.Warnings, res.Stale...).Sort()
	}
	return r, nil
}

// Refs is what kb refs found: what a writer can cite, with the problems
// that may leave pages out of it.
type Refs struct{ *build.Result }

// ListRefs checks the site in src for kb refs.
func ListRefs(ctx context.Context, src fs.FS, opts build.Options) (*Refs, error) {
	opts.Refs = true
	res, err := build.Generate(ctx, src, opts, discard{})
	if err != nil {
		return nil, err
	}
	return &Refs{res}, nil
}

// checkDrafts checks the site again with its drafts, adding the problems
// found in draft pages to res's warnings.
func checkDrafts(ctx context.Context, src fs.FS, opts build.Options, res *build.Result) error {
	opts.Drafts = true
	all, err := build.Generate(ctx, src, opts, discard{})
	if err != nil {
		return err
	}
	for _, p := range all.Problems {
		if slices.Contains(res.Drafts, p.File) {
			res.Warnings = append(res.Warnings, p)
		}
	}
	res.Warnings = res.Warnings.Sort()
	return nil
}

// discard is a check's output: none.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
