package main

import (
	"context"
	"fmt"
	"github.com/kb-legal/kb/internal/cli"
	"log/slog"
	"net"
	"os"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/preview"
	"github.com/kb-legal/kb/internal/siteflag"
)

func runServe(ctx context.Context, inv *cli.Invocation) int {
	var opts build.Options
	site := siteflag.Add(inv.Flags, &opts, siteflag.Drafts|siteflag.Today|siteflag.Epoch)
	addr := inv.Flags.String("addr", "127.0.0.1:1313", "the `address` to listen on (loopback by default)")
	open := inv.Flags.Bool("open", false, "open the site in the default browser")
	if code, ok := inv.Parse(); !ok {
		return code
	} else if err := site.Check(os.Getenv); err != nil {
		return siteError(inv, err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return inv.Fail(err, cli.Usage)
	}
	if w := preview.Exposure(ln.Addr().String()); w != "" {
		fmt.Fprintln(inv.Err, "kb serve: warning: "+w)
	}
	logger := logTo(inv.Err, slog.LevelInfo)
	p, err := preview.Start(ctx, opts, logger, inv.Err)
	if err != nil {
		ln.Close()
		return inv.Fail(err, cli.Problems)
	}
	defer p.Close()
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(inv.Out, "kb serve: %s (Ctrl-C to stop)\n", url)
	if *open {
		preview.OpenBrowser(url, logger)
	}
	if err := p.Serve(ctx, ln); err != nil {
		return inv.Fail(err, cli.Problems)
	}
	fmt.Fprintln(inv.Out, "kb serve: stopped")
	return cli.OK
}
