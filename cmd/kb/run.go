package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/check"
	"github.com/kb-legal/kb/internal/siteflag"
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
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return runBuild(ctx, rest, stdout, stderr, logTo(stderr, slog.LevelInfo))
	case "check":
		return runCheck(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "lsp":
		return runLSP(ctx, rest, stdin, stdout, stderr)
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

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) int {
	fs := flags("build", stderr)
	var opts build.Options
	site := siteflag.Add(fs, &opts, siteflag.Drafts|siteflag.Today|siteflag.Epoch)
	out := fs.String("out", "", "output `directory` (default SOURCE/public)")
	index := fs.String("index", "", "search index `directory` (default SOURCE/index)")
	fs.StringVar(&opts.BaseURL, "base-url", "", "the `URL` the site is published at, e.g. https://org.example/kb/")
	if !parseFlags(fs, args) {
		return exitUsage
	} else if err := site.Check(os.Getenv); err != nil {
		return fail(stderr, "kb", err, exitUsage)
	}
	opts.Logger = logger.With("kb", currentVersion().Short())
	tuneGC()
	res, err := build.RunWithIndex(ctx, opts, *out, *index)
	if outputs := (*build.OutputsError)(nil); errors.As(err, &outputs) {
		return fail(stderr, "kb build", err, exitUsage)
	}
	return report(res, err, check.Text, stdout, stderr)
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("check", stderr)
	var opts build.Options
	site := siteflag.Add(fs, &opts, siteflag.Drafts|siteflag.Today)
	format := check.Text
	fs.StringVar((*string)(&format), "format", string(format), "output `format`: text, json or github")
	fs.BoolVar(&opts.Citations, "citations", false, "list every uncited paragraph and print the citation coverage")
	fs.BoolVar(&opts.Stale, "stale", false, "list the pages due for review (as_of older than kb.yaml's review:, or a cited source newer) as warnings")
	strict := fs.Bool("strict", false, "with --stale: pages due for review are errors, for CI")
	if !parseFlags(fs, args) {
		return exitUsage
	} else if !format.Known() {
		return fail(stderr, "kb check", fmt.Errorf("unknown format %q (text, json or github)", string(format)), exitUsage)
	}
	src, err := site.Open(os.Getenv)
	if err != nil {
		return fail(stderr, "kb", err, exitUsage)
	}
	defer src.Close()
	res, err := check.Run(ctx, src, opts, *strict)
	if err != nil {
		return report(nil, err, format, stdout, stderr)
	}
	return exitCode(res.Write(stdout, stderr, format))
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

// logTo makes a command's logger, the only slog handler kb makes.
func logTo(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// report prints what a build found in format and returns the exit code.
func report(res *build.Result, err error, format check.Format, stdout, stderr io.Writer) int {
	return exitCode(check.Report(stdout, stderr, res, err, format))
}

func exitCode(failed bool) int {
	if failed {
		return exitProblems
	}
	return exitOK
}

// fail reports err of the command cmd ("kb new: …") and returns code.
func fail(stderr io.Writer, cmd string, err error, code int) int {
	fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
	return code
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
