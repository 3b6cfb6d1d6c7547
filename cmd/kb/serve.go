package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/preview"
	"github.com/kb-legal/kb/internal/siteflag"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flags("serve", stderr)
	var opts build.Options
	site := siteflag.Add(fs, &opts, siteflag.Drafts|siteflag.Today|siteflag.Epoch)
	addr := fs.String("addr", "127.0.0.1:1313", "the `address` to listen on (loopback by default)")
	open := fs.Bool("open", false, "open the site in the default browser")
	if !parseFlags(fs, args) {
		return exitUsage
	} else if err := site.Check(os.Getenv); err != nil {
		return fail(stderr, "kb", err, exitUsage)
	}
	opts.Review = true // the preview's banner on pages due for review
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(stderr, "kb serve", err, exitUsage)
	}
	if w := preview.Exposure(ln.Addr().String()); w != "" {
		fmt.Fprintln(stderr, "kb serve: warning: "+w)
	}
	logger := logTo(stderr, slog.LevelInfo)
	p, err := preview.Start(ctx, opts, logger, stderr)
	if err != nil {
		ln.Close()
		return fail(stderr, "kb serve", err, exitProblems)
	}
	defer p.Close()
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "kb serve: %s (Ctrl-C to stop)\n", url)
	if *open {
		preview.OpenBrowser(url, logger)
	}
	if err := p.Serve(ctx, ln); err != nil {
		return fail(stderr, "kb serve", err, exitProblems)
	}
	fmt.Fprintln(stdout, "kb serve: stopped")
	return exitOK
}
