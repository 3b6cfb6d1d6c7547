// Package preview is kb serve without its command line: a workspace (the
// site being edited, rebuilt on every save) whose good builds a
// serve.Server publishes to the open pages, and whose problems it shows
// in them and writes to a terminal.
//
// Package serve knows nothing of builds and package workspace nothing of
// HTTP; this package is where the two meet.
package preview

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

var _ serve.Searcher = (*workspace.Workspace)(nil)

// A Preview is a workspace whose builds a server publishes.
type Preview struct {
	Server      *serve.Server // what publishes the builds: its Handler serves the preview
	ws          *workspace.Workspace
	logger      *slog.Logger
	unsubscribe func()
	broken      bool // the last build had problems; used by publish only
}

// Start opens the site as a workspace and publishes its builds, with the
// preview's banner on pages due for review (build.Options.Review). Problems
// are written to problems as plain "file:line:col: message (hint)" lines,
// which terminals and editors can jump to.
func Start(ctx context.Context, opts build.Options, logger *slog.Logger, problems io.Writer) (*Preview, error) {
	opts.BaseURL = "/" // served at the root, whatever base_url the site is published at
	opts.Review = true // a banner on the pages due for review
	ws, err := workspace.Open(ctx, workspace.Options{Build: opts, Logger: logger, Search: true})
	if err != nil {
		return nil, err
	}
	p := &Preview{ws: ws, Server: serve.New(serve.Options{Logger: logger, Searcher: ws}), logger: logger}
	p.unsubscribe = ws.Subscribe(func(r *workspace.Result) { p.publish(r, problems) })
	return p, nil
}

// Close stops the workspace and the server's event streams.
func (p *Preview) Close() {
	p.unsubscribe()
	p.ws.Close()
	p.Server.Close()
}

// Serve serves the preview on ln until ctx is done, then shuts the
// server down, giving requests in flight five seconds. It returns the
// error that stopped the server before ctx was done.
func (p *Preview) Serve(ctx context.Context, ln net.Listener) error {
	srv := p.Server.HTTPServer(ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		p.logger.Warn("shutdown", "err", err)
	}
	return nil
}

// publish shows a build in the open pages: its problems, or the new site.
func (p *Preview) publish(r *workspace.Result, problems io.Writer) {
	if !r.Good() {
		probs := make([]serve.Problem, 0, len(r.Problems()))
		for _, q := range r.Problems() {
			probs = append(probs, serve.Problem{File: q.File, Line: max(q.Line, 1), Col: max(q.Col, 1), Message: q.Message, Hint: q.Hint,
				Excerpt: p.ws.Line(q.File, q.Line)})
			if r.Err == nil {
				fmt.Fprintln(problems, q.String())
			}
		}
		p.Server.SetProblems(probs)
		p.broken = true
		return
	}
	rb := r.Build
	p.Server.Publish(serve.Update{Files: rb.Output, Changed: slices.Concat(rb.Changed, rb.Removed), CSSOnly: r.StylesheetsOnly()})
	if p.broken {
		p.Server.SetProblems(nil)
		p.broken = false
	}
}

// Exposure says what a preview listening on addr shows other machines,
// for a warning: "" when addr is a loopback address.
func Exposure(addr string) string {
	if serve.IsLoopback(addr) {
		return ""
	}
	return addr + " is reachable from other machines: anyone who can reach it reads every page of the preview " +
		"(drafts too with --drafts), its problems and its search; it answers only requests addressed to its IP address"
}

// OpenBrowser opens url in the system's default browser.
func OpenBrowser(url string, logger *slog.Logger) {
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
