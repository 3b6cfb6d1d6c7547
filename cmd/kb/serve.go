package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/preview"
	"github.com/kb-legal/kb/internal/serve"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) int {
	fs := flags("serve", stderr)
	var opts build.Options
	var addr string
	var open bool
	fs.StringVar(&opts.Source, "source", ".", "the site `directory` (kb.yaml, content/, themes/)")
	fs.StringVar(&addr, "addr", "127.0.0.1:1313", "the `address` to listen on (loopback by default)")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include draft pages")
	fs.BoolVar(&open, "open", false, "open the site in the default browser")
	today := todayFlag(fs)
	if !parseFlags(fs, args) || !siteDates(&opts, *today, stderr) {
		return exitUsage
	}
	opts.Review = true // the preview's banner on pages due for review
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fail(stderr, "kb serve", err, exitUsage)
	}
	if w := bindWarning(ln.Addr().String()); w != "" {
		fmt.Fprintln(stderr, w)
	}
	p, err := preview.Start(ctx, opts, logger, stderr)
	if err != nil {
		ln.Close()
		return fail(stderr, "kb serve", err, exitProblems)
	}
	defer p.Close()
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "kb serve: %s (Ctrl-C to stop)\n", url)
	if open {
		preview.OpenBrowser(url, logger)
	}
	if err := p.Serve(ctx, ln); err != nil {
		return fail(stderr, "kb serve", err, exitProblems)
	}
	fmt.Fprintln(stdout, "kb serve: stopped")
	return exitOK
}

// bindWarning is what kb serve says when it listens on addr, a
// non-loopback address ("" for loopback).
func bindWarning(addr string) string {
	if serve.IsLoopback(addr) {
		return ""
	}
	return "kb serve: warning: " + addr + " is reachable from other machines: anyone who can reach it reads every page of the preview " +
		"(drafts too with --drafts), its problems and its search; it answers only requests addressed to its IP address"
}
