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
	"slices"
	"strings"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/check"
	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/internal/siteflag"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

// command is one of kb's commands: what "kb help" lists, and what runs it.
type command struct {
	name, args string // args: its arguments other than flags, for its usage line
	summary    string // what it does, in a line
	more       string // the rest of its help, if any
	run        func(ctx context.Context, args []string, std stdio) int
}

// stdio is the standard streams a command runs with.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// commands are kb's commands, in the order "kb help" lists them.
func commands() []command {
	return []command{
		{name: "build", summary: "build the site and its search index (default SOURCE/public and SOURCE/index), atomically", run: buildCommand(slog.LevelInfo)},
		{name: "check", summary: "check the site without writing it: every problem, with file:line:col", run: runCheck},
		{name: "serve", summary: "preview the site: rebuild on save, reload the browser, show errors in the page", run: runServe},
		{name: "lsp", summary: "a language server for editors, on stdin and stdout", run: runLSP},
		{name: "search", args: "QUERY", summary: "query the search index kb build wrote (flags before or after the query)", run: runSearch},
		{name: "refs", summary: "list every page id, cite key and anchor a writer can cite", run: runRefs},
		{name: "new", args: "KIND PATH", summary: "write a new page, a draft, from its kind's archetype", run: runNew,
			more: "KIND is one of " + strings.Join(site.Kinds(), ", ") + "; PATH is under content/, e.g. scenarios/shirt-sponsorship."},
		{name: "schema", summary: "print the JSON Schema of front matter, for editors' completion", run: runSchema},
		{name: "version", summary: "print this binary's version, commit and platform (also kb --version)", run: runVersion},
	}
}

// run is kb's whole command line: main only adds the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		writeUsage(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	if c, ok := lookup(name); ok {
		return c.run(ctx, args[1:], stdio{stdin, stdout, stderr})
	}
	fmt.Fprintf(stderr, "kb: unknown command %q\n\n", name)
	writeUsage(stderr)
	return exitUsage
}

func lookup(name string) (command, bool) {
	cs := commands()
	i := slices.IndexFunc(cs, func(c command) bool { return c.name == name })
	if i < 0 {
		return command{}, false
	}
	return cs[i], true
}

// writeUsage writes kb's usage: its commands, each in a line.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, "kb — a static-site generator for legal knowledge bases\n\nUsage: kb COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun \"kb COMMAND -h\" for a command's flags.\nExit codes: 0 ok, 1 problems in the content, 2 usage errors.\n")
}

// buildCommand is kb build, logging at level (kb search --rebuild logs
// only warnings).
func buildCommand(level slog.Level) func(context.Context, []string, stdio) int {
	return func(ctx context.Context, args []string, std stdio) int {
		fs := flags("build", std)
		var opts build.Options
		site := siteflag.Add(fs, &opts, siteflag.Drafts|siteflag.Today|siteflag.Epoch)
		out := fs.String("out", "", "output `directory` (default SOURCE/public)")
		index := fs.String("index", "", "search index `directory` (default SOURCE/index)")
		fs.StringVar(&opts.BaseURL, "base-url", "", "the `URL` the site is published at, e.g. https://org.example/kb/")
		if code, ok := parseFlags(fs, args, std); !ok {
			return code
		} else if err := site.Check(os.Getenv); err != nil {
			return fail(std.err, "kb", err, exitUsage)
		}
		opts.Logger = logTo(std.err, level).With("kb", currentVersion().Short())
		tuneGC()
		res, err := build.RunWithIndex(ctx, opts, *out, *index)
		if outputs := (*build.OutputsError)(nil); errors.As(err, &outputs) {
			return fail(std.err, "kb build", err, exitUsage)
		}
		return report(res, err, check.Text, std)
	}
}

func runCheck(ctx context.Context, args []string, std stdio) int {
	fs := flags("check", std)
	var opts build.Options
	site := siteflag.Add(fs, &opts, siteflag.Drafts|siteflag.Today)
	format := check.Text
	fs.StringVar((*string)(&format), "format", string(format), "output `format`: text, json or github")
	fs.BoolVar(&opts.Citations, "citations", false, "list every uncited paragraph and print the citation coverage")
	fs.BoolVar(&opts.Stale, "stale", false, "list the pages due for review (as_of older than kb.yaml's review:, or a cited source newer) as warnings")
	strict := fs.Bool("strict", false, "with --stale: pages due for review are errors, for CI")
	if code, ok := parseFlags(fs, args, std); !ok {
		return code
	} else if !format.Known() {
		return fail(std.err, "kb check", fmt.Errorf("unknown format %q (text, json or github)", string(format)), exitUsage)
	}
	src, err := site.Open(os.Getenv)
	if err != nil {
		return fail(std.err, "kb", err, exitUsage)
	}
	defer src.Close()
	res, err := check.Run(ctx, src, opts, *strict)
	if err != nil {
		return report(nil, err, format, std)
	}
	return exitCode(res.Write(std.out, std.err, format))
}

// flags makes the flag set of the command name. It reports errors to
// stderr and prints no help itself: see parsed.
func flags(name string, std stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("kb "+name, flag.ContinueOnError)
	fs.SetOutput(std.err)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args, allowing no positional arguments; see parsed.
func parseFlags(fs *flag.FlagSet, args []string, std stdio) (code int, ok bool) {
	if code, ok := parsed(fs, fs.Parse(args), std); !ok {
		return code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(std.err, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return exitOK, true
}

// parsed tells a command what parsing its flags ended with (err): ok to
// run; or not, with the exit code: help asked for (-h, --help) is
// printed on stdout and exits 0, a usage error is followed by the help
// on stderr and exits 2.
func parsed(fs *flag.FlagSet, err error, std stdio) (code int, ok bool) {
	switch {
	case errors.Is(err, flag.ErrHelp):
		writeHelp(std.out, fs)
		return exitOK, false
	case err != nil:
		writeHelp(std.err, fs)
		return exitUsage, false
	}
	return exitOK, true
}

// writeHelp writes the help of fs's command: its usage line, what it
// does and its flags.
func writeHelp(w io.Writer, fs *flag.FlagSet) {
	c, _ := lookup(strings.TrimPrefix(fs.Name(), "kb "))
	fmt.Fprintf(w, "Usage: %s\n\n%s%s.\n", strings.TrimSpace(fs.Name()+" [flags] "+c.args), strings.ToUpper(c.summary[:1]), c.summary[1:])
	if c.more != "" {
		fmt.Fprintf(w, "\n%s\n", c.more)
	}
	fmt.Fprint(w, "\nFlags:\n")
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// logTo makes a command's logger, the only slog handler kb makes.
func logTo(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// report prints what a build found in format and returns the exit code.
func report(res *build.Result, err error, format check.Format, std stdio) int {
	return exitCode(check.Report(std.out, std.err, res, err, format))
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
