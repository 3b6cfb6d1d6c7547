package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/check"
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
	if !parseFlags(fs, args) || !siteDates(&opts, *today, stderr) {
		return exitUsage
	}
	opts.Logger = logger.With("kb", currentVersion().Short())
	out = cmp.Or(out, filepath.Join(opts.Source, "public"))
	index = cmp.Or(index, filepath.Join(opts.Source, "index"))
	if err := build.CheckOutputs(opts.Source, out, index); err != nil {
		return fail(stderr, "kb build", err, exitUsage)
	}
	tuneGC()
	res, err := build.RunWithIndex(ctx, opts, out, index)
	if err == nil && res.Shallow {
		logger.Warn("a shallow git clone: pages last changed before its first commit are dated by that commit, shown as updated on or before that day; fetch the whole history (git fetch --unshallow; in GitHub Actions, actions/checkout with fetch-depth: 0)")
	}
	return report(res, err, check.Text, stdout, stderr)
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("check", stderr)
	var opts build.Options
	var format check.Format
	fs.StringVar(&opts.Source, "source", ".", "the site `directory`")
	fs.StringVar((*string)(&format), "format", "text", "output `format`: text, json or github")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include draft pages")
	fs.BoolVar(&opts.Citations, "citations", false, "list every uncited paragraph and print the citation coverage")
	fs.BoolVar(&opts.Stale, "stale", false, "list the pages due for review (as_of older than kb.yaml's review:, or a cited source newer) as warnings")
	strict := fs.Bool("strict", false, "with --stale: pages due for review are errors, for CI")
	today := todayFlag(fs)
	var ok bool
	if !parseFlags(fs, args) {
		return exitUsage
	} else if opts.Today, ok = parseToday(*today, stderr); !ok {
		return exitUsage
	} else if !format.Known() {
		return fail(stderr, "kb check", fmt.Errorf("unknown format %q (text, json or github)", string(format)), exitUsage)
	}
	src, ok := openSite(opts.Source, stderr)
	if !ok {
		return exitUsage
	}
	defer src.Close()
	res, err := check.Run(ctx, src, opts, *strict)
	if err != nil {
		return report(nil, err, format, stdout, stderr)
	}
	if opts.Citations {
		check.WriteCoverage(stdout, res.Coverage, format)
	}
	code := report(res.Result, nil, format, stdout, stderr)
	if code == exitOK && format == check.Text {
		res.WriteSummary(stdout)
	}
	return code
}

// report prints what a build found in format and returns the exit code.
func report(res *build.Result, err error, format check.Format, stdout, stderr io.Writer) int {
	if check.Report(stdout, stderr, res, err, format) {
		return exitProblems
	}
	return exitOK
}

// todayFlag adds --today to a command's flags.
func todayFlag(fs *flag.FlagSet) *string {
	return fs.String("today", "", "the `day` (YYYY-MM-DD) reviews fall due by and change notes may not be after (default: KB_TODAY, else the clock's, UTC)")
}

// siteDates checks that opts.Source holds a site and sets the dates of a
// build that publishes: SOURCE_DATE_EPOCH's and today's (see parseToday).
func siteDates(opts *build.Options, today string, stderr io.Writer) bool {
	var ok bool
	if !checkSource(opts.Source, stderr) {
		return false
	} else if opts.Epoch, ok = sourceDateEpoch(stderr); !ok {
		return false
	}
	opts.Today, ok = parseToday(today, stderr)
	return ok
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

// checkSource says why --source holds no site, if it does not.
func checkSource(dir string, stderr io.Writer) bool {
	switch err := sitefs.CheckSite(dir); err {
	case sitefs.ErrNotDir:
		fmt.Fprintf(stderr, "kb: --source %s is not a directory\n", dir)
	case sitefs.ErrNoSite:
		fmt.Fprintf(stderr, "kb: no kb site in %s (no kb.yaml or content/); pass --source\n", diag.Printable(dir))
	default:
		return true
	}
	return false
}

// openSite checks that dir holds a kb site and opens it through the gate
// every file read goes through; on failure it has said why.
func openSite(dir string, stderr io.Writer) (*sitefs.FS, bool) {
	if !checkSource(dir, stderr) {
		return nil, false
	}
	src, err := sitefs.Open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "kb: %v\n", err)
		return nil, false
	}
	return src, true
}

// fail reports err of the command cmd ("kb new: …") and returns code.
func fail(stderr io.Writer, cmd string, err error, code int) int {
	fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
	return code
}

// buildMemoryLimit is the heap kb build lets the collector aim at
// (GOMEMLIMIT), with buildGCPercent (GOGC) below it.
const (
	buildMemoryLimit = 1536 << 20
	buildGCPercent   = 150
)

// tuneGC sets how kb build collects garbage, unless the environment does
// (GOGC, GOMEMLIMIT). A build's heap is mostly short-lived parse, render
// and analysis garbage, collected less often with GOGC=150; the limit
// collects more often only as the heap nears it, which keeps the peak
// under Hugo's at 10k pages and bounds a 50k-page build's (measured at
// 10k beside GOGC=75: 155 against 165 CPU-s, 1.77 against 1.63 GiB).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(buildGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemoryLimit)
	}
}
