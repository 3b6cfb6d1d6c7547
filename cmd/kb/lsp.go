package main

import (
	"context"
	"github.com/kb-legal/kb/internal/cli"
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
func runLSP(ctx context.Context, inv *cli.Invocation) int {
	opts := build.Options{Model: true}
	site := siteflag.Add(inv.Flags, &opts, siteflag.Drafts)
	inv.Flags.Bool("stdio", true, "speak the protocol on stdin and stdout (the only way; accepted for editors that pass it)")
	verbose := inv.Flags.Bool("verbose", false, "log every rebuild to stderr")
	if code, ok := inv.Parse(); !ok {
		return code
	} else if err := site.Check(os.Getenv); err != nil {
		return siteError(inv, err)
	}
	logger := logTo(inv.Err, slog.LevelWarn)
	if *verbose {
		logger = logTo(inv.Err, slog.LevelInfo)
	}
	ws, err := workspace.Open(ctx, workspace.Options{Build: opts, Logger: logger})
	if err != nil {
		return inv.Fail(err, cli.Problems)
	}
	defer ws.Close()
	srv := lsp.New(ws, lsp.Options{Root: opts.Source, Logger: logger, Version: currentVersion().Short()})
	if err := srv.Serve(ctx, lsp.Stdio(inv.In, inv.Out)); err != nil {
		return inv.Fail(err, cli.Problems)
	}
	return cli.OK
}
