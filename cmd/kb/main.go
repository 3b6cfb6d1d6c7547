// Command kb builds, checks, searches and previews a legal knowledge base.
//
//	kb build  [--source DIR] [--out DIR] [--base-url URL] [--drafts]
//	kb check  [--source DIR] [--format text|json|github] [--drafts]
//	kb serve  [--source DIR] [--addr 127.0.0.1:1313] [--drafts] [--open]
//	kb search [--index DIR] [--json] [--limit N] [--kind K] QUERY
//	kb version [--json]
//
// Exit codes: 0 ok, 1 problems in the content, 2 usage errors.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
