package main

import (
	"context"
	"io"
	"log/slog"
)

// runMore dispatches the commands that live in their own files.
func runMore(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer, logger *slog.Logger) (int, bool) {
	switch cmd {
	case "serve":
		return runServe(ctx, args, stdout, stderr, logger), true
	case "schema":
		return runSchema(args, stdout, stderr), true
	case "refs":
		return runRefs(ctx, args, stdout, stderr), true
	case "new":
		return runNew(args, stdout, stderr), true
	case "search":
		return runSearch(ctx, args, stdout, stderr), true
	}
	return 0, false
}
