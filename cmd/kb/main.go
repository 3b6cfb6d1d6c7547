// Command kb builds, checks, searches and previews a legal knowledge base;
// "kb help" lists its commands and "kb COMMAND -h" a command's flags.
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
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
