package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/preview"
	"github.com/kb-legal/kb/internal/siteflag"
)

func runServe(ctx context.Context, args []string, std stdio) int {
	fs := flags("serve", std)
	var opts build.Options
	site := siteflag.Add(fs, &opts, siteflag.Drafts|siteflag.Today|siteflag.Epoch)
	addr := fs.String("addr", "127.0.0.1:1313", "the `address` to listen on (loopback by default)")
	open := fs.Bool("open", false, "open the site in the default browser")
	if code, ok := parseFlags(fs, args, std); !ok {
		return code
	} else if err := site.Check(os.Getenv); err != nil {
		return fail(std.err, "kb", err, exitUsage)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(std.err, "kb serve", err, exitUsage)
	}
	if w := preview.Exposure(ln.Addr().String()); w != "" {
		fmt.Fprintln(std.err, "kb serve: warning: "+w)
	}
	logger := logTo(std.err, slog.LevelInfo)
	p, err := preview.Start(ctx, opts, logger, std.err)
	if err != nil {
		ln.Close()
		return fail(std.err, "kb serve", err, exitProblems)
	}
	defer p.Close()
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(std.out, "kb serve: %s (Ctrl-C to stop)\n", url)
	if *open {
		preview.OpenBrowser(url, logger)
	}
	if err := p.Serve(ctx, ln); err != nil {
		return fail(std.err, "kb serve", err, exitProblems)
	}
	fmt.Fprintln(std.out, "kb serve: stopped")
	return exitOK
}
