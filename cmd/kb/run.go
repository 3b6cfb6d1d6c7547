package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/sitefs"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

const usage = `kb — a static-site generator for legal knowledge bases

Usage:
  kb build  [--source DIR] [--out DIR] [--index DIR] [--base-url URL] [--drafts] [--today YYYY-MM-DD]
  kb check  [--source DIR] [--format text|json|github] [--drafts] [--citations] [--stale [--strict]] [--today YYYY-MM-DD]
  kb serve  [--source DIR] [--addr 127.0.0.1:1313] [--drafts] [--open] [--today YYYY-MM-DD]
  kb lsp    [--source DIR] [--drafts]   (a language server on stdin/stdout)
  kb schema [--source DIR]
  kb refs   [--source DIR] [--json] [--drafts]
  kb new    [--source DIR] [--date YYYY-MM-DD] KIND PATH
  kb search [--index DIR] [--json] [--limit N] [--kind K] QUERY
  kb version [--json]           (also kb --version)

Run "kb COMMAND -h" for a command's flags.
`

// run is kb's whole command line: main only adds the process around it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return runBuild(ctx, rest, stdout, stderr, logger)
	case "check":
		return runCheck(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr, logger)
	case "lsp":
		return runLSP(ctx, rest, os.Stdin, stdout, stderr)
	case "schema":
		return runSchema(rest, stdout, stderr)
	case "refs":
		return runRefs(ctx, rest, stdout, stderr)
	case "new":
		return runNew(rest, stdout, stderr)
	case "search":
		return runSearch(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "version", "-version", "--version":
		return runVersion(rest, stdout, stderr)
	}
	fmt.Fprintf(stderr, "kb: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// flags makes a flag set that reports errors to stderr instead of exiting.
func flags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kb "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, allowing no positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) bool {
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return false
	}
	return true
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) int {
	fs := flags("build", stderr)
	var opts build.Options
	var out, index string
	fs.StringVar(&opts.Source, "source", ".", "the site `directory` (kb.yaml, content/, themes/)")
	fs.StringVar(&out, "out", "", "output `directory` (default SOURCE/public)")
	fs.StringVar(&index, "index", "", "search index `directory` (default SOURCE/index)")
	fs.StringVar(&opts.BaseURL, "base-url", "", "the `URL` the site is published at, e.g. https://org.example/kb/")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include draft pages")
	today := todayFlag(fs)
	if !parseFlags(fs, args) {
		return exitUsage
	}
	if code, ok := checkSource(opts.Source, stderr); !ok {
		return code
	}
	var ok bool
	if opts.Epoch, ok = sourceDateEpoch(stderr); !ok {
		return exitUsage
	}
	if opts.Today, ok = parseToday(*today, stderr); !ok {
		return exitUsage
	}
	opts.Logger = logger.With("kb", currentVersion().Short())
	if out == "" {
		out = filepath.Join(opts.Source, "public")
	}
	if index == "" {
		index = filepath.Join(opts.Source, "index")
	}
	if err := build.CheckOutputs(opts.Source, out, index); err != nil {
		fmt.Fprintf(stderr, "kb build: %v\n", err)
		return exitUsage
	}
	if os.Getenv("GOGC") == "" {
		// A build's heap is mostly short-lived parse and render garbage:
		// collecting a little earlier than Go's default keeps a 10k-page
		// build's peak memory below 0.9 GiB for a few percent of CPU.
		debug.SetGCPercent(75)
	}
	res, err := build.RunWithIndex(ctx, opts, out, index)
	if err == nil && res.Shallow {
		logger.Warn("a shallow git clone: pages last changed before its first commit are dated by that commit, shown as updated on or before that day; fetch the whole history (git fetch --unshallow; in GitHub Actions, actions/checkout with fetch-depth: 0)")
	}
	return report(res, err, "text", stdout, stderr)
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("check", stderr)
	var opts build.Options
	format := "text"
	fs.StringVar(&opts.Source, "source", ".", "the site `directory`")
	fs.StringVar(&format, "format", "text", "output `format`: text, json or github")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include draft pages")
	fs.BoolVar(&opts.Citations, "citations", false, "list every uncited paragraph and print the citation coverage")
	fs.BoolVar(&opts.Stale, "stale", false, "list the pages due for review (as_of older than kb.yaml's review:, or a cited source newer) as warnings")
	strict := fs.Bool("strict", false, "with --stale: pages due for review are errors, for CI")
	today := todayFlag(fs)
	if !parseFlags(fs, args) {
		return exitUsage
	}
	var ok bool
	if opts.Today, ok = parseToday(*today, stderr); !ok {
		return exitUsage
	}
	if format != "text" && format != "json" && format != "github" {
		fmt.Fprintf(stderr, "kb check: unknown format %q (text, json or github)\n", format)
		return exitUsage
	}
	src, code, ok := openSite(opts.Source, stderr)
	if !ok {
		return code
	}
	defer src.Close()
	res, err := build.Generate(ctx, src, opts, discard{})
	if err == nil && !opts.Drafts && len(res.Drafts) > 0 {
		err = checkDrafts(ctx, src, opts, res)
	}
	if err == nil && len(res.Problems) == 0 && res.Coverage.Shortfall != nil {
		// Below kb.yaml's citations: {min_percent}: a problem like any other.
		res.Problems = append(res.Problems, *res.Coverage.Shortfall)
	}
	if err == nil && opts.Citations {
		reportCoverage(res.Coverage, format, stdout)
	}
	warned := 0
	if err == nil {
		warned = len(res.Warnings)
		if *strict {
			res.Problems = append(res.Problems, res.Stale...).Sort()
		} else {
			res.Warnings = append(res.Warnings, res.Stale...).Sort()
		}
	}
	code = report(res, err, format, stdout, stderr)
	if code == exitOK && format == "text" {
		fmt.Fprintf(stdout, "kb check: %d pages, no problems", res.Pages)
		if n := warned; n > 0 { // of tags and drafts
			fmt.Fprintf(stdout, " (%d %s)", n, plural(n, "warning", "warnings"))
		}
		if n := len(res.Stale); n > 0 {
			fmt.Fprintf(stdout, "; %d %s due for review", n, plural(n, "warning", "warnings"))
		}
		fmt.Fprintln(stdout)
	}
	return code
}

// todayFlag adds --today to a command's flags.
func todayFlag(fs *flag.FlagSet) *string {
	return fs.String("today", "", "the `day` (YYYY-MM-DD) reviews fall due by and change notes may not be after (default: KB_TODAY, else the clock's, UTC)")
}

// parseToday reads --today's value, else KB_TODAY; zero when neither is
// set: the clock's day.
func parseToday(flagValue string, stderr io.Writer) (time.Time, bool) {
	v, from := flagValue, "--today"
	if v == "" {
		v, from = os.Getenv("KB_TODAY"), "KB_TODAY"
	}
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		fmt.Fprintf(stderr, "kb: %s %q is not a date (YYYY-MM-DD)\n", from, diag.Printable(v))
		return time.Time{}, false
	}
	return t, true
}

// checkDrafts checks the site again with its drafts, adding the problems
// found in draft pages to res's warnings: a writer sees what is left to
// fix in a draft, and nothing of it blocks publishing.
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

// reportCoverage prints every uncited paragraph and the coverage line.
func reportCoverage(c build.Coverage, format string, stdout io.Writer) {
	switch format {
	case "json":
		return // in the problems report (see coverageOf)
	case "github":
		for _, p := range c.Uncited {
			fmt.Fprintln(stdout, diag.GitHubCommand("warning", p))
		}
		fmt.Fprintln(stdout, diag.GitHubCommand("notice", diag.Problem{Message: c.Line()}))
	default:
		for _, p := range c.Uncited {
			fmt.Fprintln(stdout, p.String())
		}
		fmt.Fprintln(stdout, diag.Printable(c.Line()))
	}
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH (reproducible-builds.org), the
// date given to content files not committed to git in place of their
// modification time; zero when unset.
func sourceDateEpoch(stderr io.Writer) (time.Time, bool) {
	v := os.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return time.Time{}, true
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil || sec < 0 {
		fmt.Fprintf(stderr, "kb: SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970\n", diag.Printable(v))
		return time.Time{}, false
	}
	return time.Unix(sec, 0).UTC(), true
}

// checkSource rejects a source directory that does not exist or holds no
// site: run from the wrong folder, kb would otherwise report an empty site
// as having "no problems".
func checkSource(dir string, stderr io.Writer) (int, bool) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "kb: --source %s is not a directory\n", dir)
		return exitUsage, false
	}
	_, errConfig := os.Stat(filepath.Join(dir, "kb.yaml"))
	content, errContent := os.Stat(filepath.Join(dir, "content"))
	if errConfig != nil && (errContent != nil || !content.IsDir()) {
		fmt.Fprintf(stderr, "kb: no kb site in %s (no kb.yaml or content/); pass --source\n", diag.Printable(dir))
		return exitUsage, false
	}
	return 0, true
}

// openSite checks that dir holds a kb site and opens it through the gate
// every file read goes through; on failure it has said why and gives the
// exit code.
func openSite(dir string, stderr io.Writer) (*sitefs.FS, int, bool) {
	if code, ok := checkSource(dir, stderr); !ok {
		return nil, code, false
	}
	src, err := sitefs.Open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "kb: %v\n", err)
		return nil, exitUsage, false
	}
	return src, 0, true
}

type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// report prints the problems of a build in the chosen format and returns
// the exit code.
func report(res *build.Result, err error, format string, stdout, stderr io.Writer) int {
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "kb: interrupted; the previous output is unchanged")
			return exitProblems
		}
		fmt.Fprintf(stderr, "kb: %s\n", diag.Printable(err.Error()))
		return exitProblems
	}
	probs, warns := res.Problems, res.Warnings
	switch format {
	case "json":
		if probs == nil {
			probs = diag.List{}
		}
		if warns == nil {
			warns = diag.List{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Problems  diag.List     `json:"problems"`
			Warnings  diag.List     `json:"warnings"`
			Citations *coverageJSON `json:"citations,omitempty"`
		}{probs, warns, coverageOf(res)})
	case "github":
		for _, p := range warns {
			if slices.Contains(res.Drafts, p.File) {
				p.Message = "draft: " + p.Message
			}
			fmt.Fprintln(stdout, diag.GitHubCommand("warning", p))
		}
		for _, p := range probs {
			fmt.Fprintln(stdout, diag.GitHubCommand("error", p))
		}
	default:
		for _, p := range warns {
			w := p
			w.Message = "warning: " + w.Message
			fmt.Fprintln(stderr, w.String())
		}
		for _, p := range probs {
			fmt.Fprintln(stderr, p.String())
		}
		if len(probs) > 0 {
			fmt.Fprintf(stderr, "kb: %d %s; nothing was written\n", len(probs), plural(len(probs), "problem", "problems"))
		}
	}
	if len(probs) > 0 {
		return exitProblems
	}
	return exitOK
}

// coverageJSON is kb check --citations --format json's coverage.
type coverageJSON struct {
	Paragraphs int       `json:"paragraphs"`
	Cited      int       `json:"cited"`
	Percent    float64   `json:"percent"`
	Uncited    diag.List `json:"uncited"`
}

// coverageOf is the coverage to report, nil unless --citations asked for
// it and the build got as far as counting.
func coverageOf(res *build.Result) *coverageJSON {
	c := res.Coverage
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

// fail reports err of the command cmd ("kb new: …") and returns code.
func fail(stderr io.Writer, cmd string, err error, code int) int {
	fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
	return code
}
