package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"runtime"
	"slices"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/serve"
	"github.com/kb-legal/kb/internal/workspace"
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
	if !parseFlags(fs, args) {
		return exitUsage
	}
	if code, ok := checkSource(opts.Source, stderr); !ok {
		return code
	}
	var ok bool
	if opts.Epoch, ok = sourceDateEpoch(stderr); !ok {
		return exitUsage
	}
	if opts.Today, ok = parseToday(*today, stderr); !ok {
		return exitUsage
	}
	opts.Review = true // the preview's banner on pages due for review
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "kb serve: %v\n", err)
		return exitUsage
	}
	if w := bindWarning(ln.Addr().String()); w != "" {
		fmt.Fprintln(stderr, w)
	}
	p, err := startPreview(ctx, opts, logger, stderr)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "kb serve: %v\n", err)
		return exitProblems
	}
	defer p.close()
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "kb serve: %s (Ctrl-C to stop)\n", url)
	if open {
		openBrowser(url, logger)
	}
	srv := p.server.HTTPServer(ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "kb serve: %v\n", err)
		return exitProblems
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		logger.Warn("shutdown", "err", err)
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

// preview is kb serve without its listener: a workspace whose builds
// the server publishes. Tests and benchmarks drive it directly.
type preview struct {
	ws          *workspace.Workspace
	server      *serve.Server
	unsubscribe func()
	broken      bool // the last build had problems; used by publish only
}

// startPreview opens the site as a workspace and publishes its builds.
// Problems are written to problems as plain "file:line:col: message
// (hint)" lines, which terminals and editors can jump to.
func startPreview(ctx context.Context, opts build.Options, logger *slog.Logger, problems io.Writer) (*preview, error) {
	opts.BaseURL = "/" // served at the root, whatever base_url the site is published at
	ws, err := workspace.Open(ctx, workspace.Options{Build: opts, Logger: logger, Search: true})
	if err != nil {
		return nil, err
	}
	p := &preview{ws: ws, server: serve.New(serve.Options{Logger: logger, Searcher: ws})}
	p.unsubscribe = ws.Subscribe(func(r *workspace.Result) { p.publish(r, problems) })
	return p, nil
}

func (p *preview) close() {
	p.unsubscribe()
	p.ws.Close()
	p.server.Close()
}

// publish shows a build in the open pages: its problems, or the new site.
func (p *preview) publish(r *workspace.Result, problems io.Writer) {
	if !r.Good() {
		probs := make([]serve.Problem, 0, len(r.Problems()))
		for _, q := range r.Problems() {
			probs = append(probs, serve.Problem{File: q.File, Line: max(q.Line, 1), Col: max(q.Col, 1), Message: q.Message, Hint: q.Hint,
				Excerpt: p.ws.Line(q.File, q.Line)})
			if r.Err == nil {
				fmt.Fprintln(problems, q.String())
			}
		}
		p.server.SetProblems(probs)
		p.broken = true
		return
	}
	rb := r.Build
	p.server.Publish(serve.Update{Files: rb.Output, Changed: slices.Concat(rb.Changed, rb.Removed), CSSOnly: r.StylesheetsOnly()})
	if p.broken {
		p.server.SetProblems(nil)
		p.broken = false
	}
}

func openBrowser(url string, logger *slog.Logger) {
	cmd := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		cmd = "open"
	case "windows":
		cmd = "explorer"
	}
	if err := exec.Command(cmd, url).Start(); err != nil {
		logger.Warn("cannot open a browser", "err", err)
	}
}

var _ serve.Searcher = (*workspace.Workspace)(nil)
