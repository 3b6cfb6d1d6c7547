package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/lsp"
	"github.com/kb-legal/kb/internal/siteflag"
	"github.com/kb-legal/kb/internal/workspace"
)

// runLSP is kb lsp: the language server, on stdin and stdout, over the
// same workspace kb serve uses. Its log goes to stderr, which editors
// keep in their language server log.
func runLSP(ctx context.Context, args []string, std stdio) int {
	fs := flags("lsp", std)
	opts := build.Options{Model: true}
	site := siteflag.Add(fs, &opts, siteflag.Drafts)
	fs.Bool("stdio", true, "speak the protocol on stdin and stdout (the only way; accepted for editors that pass it)")
	verbose := fs.Bool("verbose", false, "log every rebuild to stderr")
	if code, ok := parseFlags(fs, args, std); !ok {
		return code
	} else if err := site.Check(os.Getenv); err != nil {
		return fail(std.err, "kb", err, exitUsage)
	}
	logger := logTo(std.err, slog.LevelWarn)
	if *verbose {
		logger = logTo(std.err, slog.LevelInfo)
	}
	ws, err := workspace.Open(ctx, workspace.Options{Build: opts, Logger: logger})
	if err != nil {
		return fail(std.err, "kb lsp", err, exitProblems)
	}
	defer ws.Close()
	srv := lsp.New(ws, lsp.Options{Root: opts.Source, Logger: logger, Version: currentVersion().Short()})
	if err := srv.Serve(ctx, lsp.Stdio(std.in, std.out)); err != nil {
		return fail(std.err, "kb lsp", err, exitProblems)
	}
	return exitOK
}
