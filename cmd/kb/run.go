package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/check"
	"github.com/kb-legal/kb/internal/cli"
	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/internal/siteflag"
)

// program is kb's command line: its commands, in the order "kb help"
// lists them.
func program() *cli.Program {
	return &cli.Program{
		Name:   "kb",
		Title:  "kb — a static-site generator for legal knowledge bases",
		Footer: "Exit codes: 0 ok, 1 problems in the content, 2 usage errors.\n",
		Commands: []cli.Command{
			{Name: "build", Summary: "build the site and its search index (default SOURCE/public and SOURCE/index), atomically", Run: buildCommand(slog.LevelInfo)},
			{Name: "check", Summary: "check the site without writing it: every problem, with file:line:col", Run: runCheck},
			{Name: "serve", Summary: "preview the site: rebuild on save, reload the browser, show errors in the page", Run: runServe},
			{Name: "lsp", Summary: "a language server for editors, on stdin and stdout", Run: runLSP},
			{Name: "search", Args: "QUERY", Summary: "query the search index kb build wrote (flags before or after the query)", Run: runSearch},
			{Name: "refs", Summary: "list every page id, cite key and anchor a writer can cite", Run: runRefs},
			{Name: "new", Args: "KIND PATH", Summary: "write a new page, a draft, from its kind's archetype", Run: runNew,
				More: "KIND is one of " + strings.Join(site.Kinds(), ", ") + "; PATH is under content/, e.g. scenarios/shirt-sponsorship."},
			{Name: "schema", Summary: "print the JSON Schema of front matter, for editors' completion", Run: runSchema},
			{Name: "version", Summary: "print this binary's version, commit and platform (also kb --version)", Run: runVersion},
		},
		Aliases: map[string]string{"-version": "version", "--version": "version"},
	}
}

// run is kb's whole command line: main only adds the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return program().Run(ctx, args, stdin, stdout, stderr)
}

// buildCommand is kb build, logging at level (kb search --rebuild logs
// only warnings).
func buildCommand(level slog.Level) func(context.Context, *cli.Invocation) int {
	return func(ctx context.Context, inv *cli.Invocation) int {
		var opts build.Options
		site := siteflag.Add(inv.Flags, &opts, siteflag.Drafts|siteflag.Today|siteflag.Epoch)
		out := inv.Flags.String("out", "", "output `directory` (default SOURCE/public)")
		index := inv.Flags.String("index", "", "search index `directory` (default SOURCE/index)")
		inv.Flags.StringVar(&opts.BaseURL, "base-url", "", "the `URL` the site is published at, e.g. https://org.example/kb/")
		if code, ok := inv.Parse(); !ok {
			return code
		} else if err := site.Check(os.Getenv); err != nil {
			return siteError(inv, err)
		}
		opts.Logger = logTo(inv.Err, level).With("kb", currentVersion().Short())
		tuneGC()
		res, err := build.RunWithIndex(ctx, opts, *out, *index)
		if outputs := (*build.OutputsError)(nil); errors.As(err, &outputs) {
			return inv.Fail(err, cli.Usage)
		}
		return report(res, err, check.Text, inv)
	}
}

func runCheck(ctx context.Context, inv *cli.Invocation) int {
	var opts build.Options
	site := siteflag.Add(inv.Flags, &opts, siteflag.Drafts|siteflag.Today)
	format := check.Text
	inv.Flags.StringVar((*string)(&format), "format", string(format), "output `format`: text, json or github")
	inv.Flags.BoolVar(&opts.Citations, "citations", false, "list every uncited paragraph and print the citation coverage")
	inv.Flags.BoolVar(&opts.Stale, "stale", false, "list the pages due for review (as_of older than kb.yaml's review:, or a cited source newer) as warnings")
	strict := inv.Flags.Bool("strict", false, "with --stale: pages due for review are errors, for CI")
	if code, ok := inv.Parse(); !ok {
		return code
	} else if !format.Known() {
		return inv.Fail(fmt.Errorf("unknown format %q (text, json or github)", string(format)), cli.Usage)
	}
	src, err := site.Open(os.Getenv)
	if err != nil {
		return siteError(inv, err)
	}
	defer src.Close()
	res, err := check.Run(ctx, src, opts, *strict)
	if err != nil {
		return report(nil, err, format, inv)
	}
	return cli.Code(res.Write(inv.Out, inv.Err, format))
}

// siteError says why --source, --today or SOURCE_DATE_EPOCH cannot be
// used (package siteflag's errors name which), a usage error.
func siteError(inv *cli.Invocation, err error) int {
	fmt.Fprintf(inv.Err, "kb: %v\n", err)
	return cli.Usage
}

// logTo makes a command's logger, the only slog handler kb makes.
func logTo(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// report prints what a build found in format and returns the exit code.
func report(res *build.Result, err error, format check.Format, inv *cli.Invocation) int {
	return cli.Code(check.Report(inv.Out, inv.Err, res, err, format))
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// buildMemoryLimit is the memory kb build lets the runtime use
// (GOMEMLIMIT), with buildGCPercent (GOGC) below it. The limit counts the
// runtime's own memory too, above all the free room inside the spans
// that hold live objects (heap/unused in runtime/metrics: 300–500 MB at
// 50k pages), so the heap's goal is well below it.
const (
	buildMemoryLimit = 2304 << 20 // 2.25 GiB
	buildGCPercent   = 150
)

// tuneGC sets how kb build collects garbage, unless the environment does
// (GOGC, GOMEMLIMIT). A build's heap is mostly short-lived parse, render
// and analysis garbage, collected less often with GOGC=150; the limit
// collects more often only as the heap nears it, which keeps the peak of a
// 50k-page build under 2.5 GiB. Only a site that large reaches it: at
// 10k pages the peak is 0.8 GiB whatever the limit. At 50k, a live heap of
// ~1 GB under a limit of 1.5 GiB left a heap goal barely above it: 265
// collections took 175 CPU-s. At 2 GiB, 91 took 45 CPU-s of 351, peak
// 2.09 GiB; at 2.25 GiB, 82 took 34 of 307, peak 2.35 GiB: the scavenger
// returns less memory only to fault it in again (sys 61 → 45 s). A large
// site's live heap can reach the limit, where the collector would run
// without pause, doubling the build's CPU without lowering its peak: the
// limit then rises with the live heap (see raisedLimit).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(buildGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemoryLimit)
		followLiveHeap(buildMemoryLimit)
	}
}

// raisedLimit is the memory limit for a live heap of live bytes under
// limit: limit, unless live is past three quarters of it; then a third
// above live, so that the collector runs no more often than GOGC=33 would.
func raisedLimit(live, limit int64) int64 {
	if live <= limit/4*3 {
		return limit
	}
	return live + live/3
}

// followLiveHeap raises the memory limit, from limit, after each collection
// that finds the live heap near it, until someone else sets the limit. A
// finalizer on an object of its own is its hook: it runs after the cycle
// that finds the object unreachable, and sets itself on a new one.
func followLiveHeap(limit int64) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var hook func(**byte)
	hook = func(_ **byte) {
		if debug.SetMemoryLimit(-1) != limit {
			return // set by another
		}
		metrics.Read(sample)
		if next := raisedLimit(int64(sample[0].Value.Uint64()), limit); next > limit {
			limit = next
			debug.SetMemoryLimit(limit)
		}
		runtime.SetFinalizer(new(*byte), hook)
	}
	runtime.SetFinalizer(new(*byte), hook) // a pointer: a tiny object's finalizer may never run
}
