package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/serve"
	"github.com/kb-legal/kb/internal/sitefs"
	"github.com/kb-legal/kb/internal/watch"
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
	if !parseFlags(fs, args) {
		return exitUsage
	}
	if code, ok := checkSource(opts.Source, stderr); !ok {
		return code
	}
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

// preview is kb serve without its listener: the watcher feeding the
// builder feeding the server. Tests and benchmarks drive it directly.
type preview struct {
	server  *serve.Server
	search  *previewSearch
	source  *sitefs.FS
	builder *build.Builder
	watcher *watch.Watcher
	logger  *slog.Logger
	out     io.Writer // problems, one plain line each

	mu      sync.Mutex
	pending []string // changed sources not yet in a finished build
	all     bool     // rebuild as if everything changed
	cancel  context.CancelFunc
	broken  bool // the last build had problems
	trigger chan struct{}
	done    chan struct{}
	stopped sync.WaitGroup
}

// startPreview builds the site once, then rebuilds it on every change.
// Problems are written to problems as plain "file:line:col: message (hint)"
// lines, which terminals and editors can jump to.
func startPreview(ctx context.Context, opts build.Options, logger *slog.Logger, problems io.Writer) (*preview, error) {
	opts.BaseURL = "/" // served at the root, whatever base_url the site is published at
	opts.Logger = logger
	src, err := sitefs.Open(opts.Source)
	if err != nil {
		return nil, err
	}
	w, err := watch.New(opts.Source, watch.Options{Logger: logger})
	if err != nil {
		src.Close()
		return nil, err
	}
	ps := newPreviewSearch(logger)
	p := &preview{
		server:  serve.New(serve.Options{Logger: logger, Searcher: ps}),
		search:  ps,
		source:  src,
		builder: build.NewBuilder(src, opts),
		watcher: w,
		logger:  logger,
		out:     problems,
		trigger: make(chan struct{}, 1),
		done:    make(chan struct{}),
		all:     true,
	}
	p.trigger <- struct{}{}
	p.stopped.Go(func() { p.buildLoop(ctx) })
	p.stopped.Go(func() { p.watchLoop(ctx) })
	return p, nil
}

func (p *preview) close() {
	close(p.done)
	p.watcher.Close()
	p.mu.Lock()
	if p.cancel != nil {
		p.cancel()
	}
	p.mu.Unlock()
	p.stopped.Wait()
	p.server.Close()
	p.search.close()
	p.source.Close()
}

// watchLoop turns batches of changes into rebuilds, cancelling a rebuild
// still running: the newer one supersedes it.
func (p *preview) watchLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.done:
			return
		case err := <-p.watcher.Errors():
			p.logger.Warn("watching", "err", err)
		case b, ok := <-p.watcher.Batches():
			if !ok {
				return
			}
			p.mu.Lock()
			p.pending = append(p.pending, b.Paths...)
			p.all = p.all || b.Overflow
			if p.cancel != nil {
				p.cancel()
			}
			p.mu.Unlock()
			select {
			case p.trigger <- struct{}{}:
			default: // a rebuild is already due
			}
		}
	}
}

func (p *preview) buildLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.done:
			return
		case <-p.trigger:
		}
		p.mu.Lock()
		paths, all := p.pending, p.all
		p.pending, p.all = nil, false
		bctx, cancel := context.WithCancel(ctx)
		p.cancel = cancel
		p.mu.Unlock()
		if !p.rebuild(bctx, paths, all) {
			p.mu.Lock() // superseded: the next build covers these changes too
			p.pending = append(paths, p.pending...)
			p.all = p.all || all
			p.mu.Unlock()
		}
		cancel()
	}
}

// rebuild builds and publishes the site; it returns false when cancelled.
func (p *preview) rebuild(ctx context.Context, paths []string, all bool) bool {
	defer p.search.yield.rebuilding()()
	start := time.Now()
	var rb *build.Rebuild
	var err error
	if all {
		rb, err = p.builder.Build(ctx)
	} else {
		rb, err = p.builder.BuildChanged(ctx, paths)
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	what := describeChanges(paths, all)
	if err != nil {
		p.logger.Error("rebuild failed", "changed", what, "err", err)
		p.server.SetProblems([]serve.Problem{{Message: err.Error()}})
		p.broken = true
		return true
	}
	if len(rb.Problems) > 0 {
		probs := make([]serve.Problem, len(rb.Problems))
		for i, q := range rb.Problems {
			probs[i] = serve.Problem{File: q.File, Line: max(q.Line, 1), Col: max(q.Col, 1), Message: q.Message, Hint: q.Hint,
				Excerpt: p.excerpt(q)}
			fmt.Fprintln(p.out, q.String())
		}
		p.server.SetProblems(probs)
		p.broken = true
		p.logger.Warn("rebuild failed; serving the last good site", "changed", what, "problems", len(probs),
			"took", time.Since(start).Round(time.Millisecond))
		return true
	}
	// Never nil, even when nothing changed: nil means "everything".
	changed := append(append(make([]string, 0, len(rb.Changed)+len(rb.Removed)), rb.Changed...), rb.Removed...)
	cssOnly := !all && len(paths) > 0 // the old fingerprinted stylesheet goes; pages swap to the new one
	for _, f := range paths {
		cssOnly = cssOnly && strings.HasSuffix(f, ".css")
	}
	p.server.Publish(serve.Update{Files: rb.Output, Changed: changed, CSSOnly: cssOnly})
	if all {
		p.search.update(rb.Docs, nil)
	} else {
		p.search.update(rb.Docs, changed)
	}
	if p.broken {
		p.server.SetProblems(nil)
		p.broken = false
	}
	p.logger.Info("rebuilt", "changed", what, "parsed", rb.Parsed, "rendered", rb.Rendered,
		"files", len(changed), "pages", rb.Pages, "took", time.Since(start).Round(100*time.Microsecond))
	return true
}

// excerpt returns the line a problem points at, for the overlay; "" for a
// problem of a whole file or a file that cannot be read.
func (p *preview) excerpt(q diag.Problem) string {
	if q.Line < 1 || q.File == "" {
		return ""
	}
	data, err := fs.ReadFile(p.source, q.File)
	if err != nil {
		return ""
	}
	return diag.Printable(diag.LineText(data, q.Line, 400))
}

// describeChanges names the changed sources for the log, briefly.
func describeChanges(paths []string, all bool) string {
	switch {
	case all:
		return "everything"
	case len(paths) <= 3:
		return strings.Join(paths, " ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:2], " "), len(paths)-2)
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

var _ http.Handler = (*serve.Server)(nil)
