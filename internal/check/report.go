package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/diag"
)

// Format is a report's format.
type Format string

// The formats of a report.
const (
	Text   Format = "text"   // for a terminal
	JSON   Format = "json"   // {"problems", "warnings", "citations"}
	GitHub Format = "github" // GitHub Actions workflow commands
)

// Known reports whether f is one of the formats.
func (f Format) Known() bool { return f == Text || f == JSON || f == GitHub }

// Report writes what a build found, or the error that stopped it, and
// reports whether it failed: an error, or problems. Text goes to stderr
// but for nothing; JSON and workflow commands go to stdout.
func Report(stdout, stderr io.Writer, res *build.Result, err error, format Format) (failed bool) {
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "kb: interrupted; the previous output is unchanged")
			return true
		}
		fmt.Fprintf(stderr, "kb: %s\n", diag.Printable(err.Error()))
		return true
	}
	switch format {
	case JSON:
		writeJSON(stdout, res)
	case GitHub:
		writeGitHub(stdout, res)
	default:
		writeText(stderr, res)
	}
	return len(res.Problems) > 0
}

// writeJSON writes the problems, the warnings and, when listed, the
// citation coverage as one JSON object.
func writeJSON(w io.Writer, res *build.Result) {
	probs, warns := res.Problems, res.Warnings
	if probs == nil {
		probs = diag.List{}
	}
	if warns == nil {
		warns = diag.List{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(struct {
		Problems  diag.List     `json:"problems"`
		Warnings  diag.List     `json:"warnings"`
		Citations *coverageJSON `json:"citations,omitempty"`
	}{probs, warns, coverageOf(res.Coverage)})
}

// writeGitHub writes warnings, a draft's marked as such, then problems,
// as workflow commands.
func writeGitHub(w io.Writer, res *build.Result) {
	for _, p := range res.Warnings {
		if slices.Contains(res.Drafts, p.File) {
			p.Message = "draft: " + p.Message
		}
		fmt.Fprintln(w, diag.GitHubCommand("warning", p))
	}
	for _, p := range res.Problems {
		fmt.Fprintln(w, diag.GitHubCommand("error", p))
	}
}

// writeText writes warnings, then problems, a line each, and says that
// nothing was written when there are problems.
func writeText(w io.Writer, res *build.Result) {
	for _, p := range res.Warnings {
		p.Message = "warning: " + p.Message
		fmt.Fprintln(w, p.String())
	}
	for _, p := range res.Problems {
		fmt.Fprintln(w, p.String())
	}
	if n := len(res.Problems); n > 0 {
		fmt.Fprintf(w, "kb: %d %s; nothing was written\n", n, plural(n, "problem", "problems"))
	}
}

// Write writes a check's report in format: the uncited paragraphs and
// the coverage line when they were asked for, what Report writes, and,
// in text, the summary line of a check that found no problems. It
// reports whether the check failed.
func (r *Result) Write(stdout, stderr io.Writer, format Format) (failed bool) {
	if r.citations {
		writeCoverage(stdout, r.Coverage, format)
	}
	failed = Report(stdout, stderr, r.Result, nil, format)
	if !failed && format == Text {
		r.writeSummary(stdout)
	}
	return failed
}

// notMeasured is the coverage line of a site with problems: a build
// that stops at them counts no paragraph, and "0 of 0 cited (100%)"
// would read as full coverage.
const notMeasured = "citations: not measured, the site has problems"

// writeCoverage writes every uncited paragraph and the coverage line, or
// says that the coverage was not measured; in JSON they are part of the
// report (see Report), or absent.
func writeCoverage(w io.Writer, c build.Coverage, format Format) {
	line := c.Line()
	if !c.Listed {
		line = notMeasured
	}
	switch format {
	case JSON:
		return
	case GitHub:
		for _, p := range c.Uncited {
			fmt.Fprintln(w, diag.GitHubCommand("warning", p))
		}
		fmt.Fprintln(w, diag.GitHubCommand("notice", diag.Problem{Message: line}))
	default:
		for _, p := range c.Uncited {
			fmt.Fprintln(w, p.String())
		}
		fmt.Fprintln(w, diag.Printable(line))
	}
}

// writeSummary writes the line a check that found no problems ends
// with: the pages checked, the warnings and the pages due for review.
func (r *Result) writeSummary(w io.Writer) {
	fmt.Fprintf(w, "kb check: %d pages, no problems", r.Pages)
	if n := r.Warned; n > 0 {
		fmt.Fprintf(w, " (%d %s)", n, plural(n, "warning", "warnings"))
	}
	if n := len(r.Stale); n > 0 {
		fmt.Fprintf(w, "; %d %s due for review", n, plural(n, "warning", "warnings"))
	}
	fmt.Fprintln(w)
}

// Write writes what a writer can cite on stdout, as text or JSON, after
// the problems, if any, on stderr: the list is written even then, with a
// note that it may miss the pages they concern.
func (r *Refs) Write(stdout, stderr io.Writer, asJSON bool) {
	if len(r.Problems) > 0 {
		fmt.Fprintln(stderr, "kb refs: the site has problems; the list below may miss the pages they concern")
		Report(stdout, stderr, r.Result, nil, Text)
	}
	if asJSON {
		_ = build.WriteRefsJSON(stdout, r.Refs)
	} else {
		build.WriteRefs(stdout, r.Refs)
	}
}

// coverageJSON is the JSON report's coverage.
type coverageJSON struct {
	Paragraphs int       `json:"paragraphs"`
	Cited      int       `json:"cited"`
	Percent    float64   `json:"percent"`
	Uncited    diag.List `json:"uncited"`
}

// coverageOf is the coverage to report, nil unless it was listed
// (build.Options.Citations) and the build got as far as counting.
func coverageOf(c build.Coverage) *coverageJSON {
	if !c.Listed {
		return nil
	}
	uncited := c.Uncited
	if uncited == nil {
		uncited = diag.List{}
	}
	return &coverageJSON{Paragraphs: c.Paragraphs, Cited: c.Cited, Percent: math.Round(c.Percent()*10) / 10, Uncited: uncited}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
