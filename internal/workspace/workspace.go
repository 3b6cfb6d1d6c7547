// Package workspace owns a site being edited: it watches the source
// folder, rebuilds the site incrementally on every change, keeps the last
// good build and the problems of the latest one, and, when asked, an
// in-memory search index of the last good build, updated in the
// background. kb serve is its HTTP face and kb lsp its editor face; both
// only subscribe to its results.
//
// The life of a workspace:
//
//	w, err := workspace.Open(ctx, workspace.Options{Build: build.Options{Source: dir}})
//	cancel := w.Subscribe(func(r *workspace.Result) { … }) // every build, in order
//	w.SetOverlay("content/a.md", buffer)                   // an unsaved editor buffer
//	r, err := w.Settled(ctx)                               // the build that covers it
//	w.ClearOverlay("content/a.md")                         // back to the file on disk
//	cancel()
//	w.Close()
//
// Open builds the whole site once; every batch of file changes the
// watcher reports, and every overlay set or cleared, starts a build of
// the files concerned, which cancels a build still running: the newer
// one supersedes it and covers its changes too. Builds run one at a time,
// on the workspace's own goroutine, and subscribers are called there, in
// order, with each finished build (a cancelled one is never reported).
//
// An overlay replaces the contents of one file (a slash path relative to
// the site folder, like "content/a.md") until it is cleared, whatever is
// on disk: the language server shows diagnostics of the buffer being
// typed, not of the file last saved. A build reads overlays and files
// through the same gate (package sitefs) and caps.
package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/internal/sitefs"
	"github.com/kb-legal/kb/internal/watch"
)

// Options configure a Workspace.
type Options struct {
	// Build are the options of every build; Build.Source is the site
	// folder.
	Build  build.Options
	Logger *slog.Logger // nil: no logging
	// Search keeps an in-memory search index of the last good build (see
	// Workspace.Search).
	Search bool
}

// Result is one finished build, as subscribers receive it.
type Result struct {
	Seq int // 1 for the first build, then one more per build reported
	// Everything is set when the build read every file again (the first
	// build, or the watcher lost track); Sources then is empty.
	Everything bool
	// Sources are the changed files and folders the build was for, as
	// slash paths relative to the site folder, sorted.
	Sources []string
	// Build is the builder's outcome: the problems found, and the output
	// (the new site when there were none, the last good one otherwise).
	// Nil when Err is set.
	Build *build.Rebuild
	// Err is a build that failed for another reason than its input, a bug
	// in kb or an unreadable folder; the last good site stays.
	Err  error
	Took time.Duration
}

// Good reports whether the build succeeded without problems: its output
// is the new site.
func (r *Result) Good() bool { return r.Err == nil && len(r.Build.Problems) == 0 }

// Problems returns the build's problems; a failed build has one, without
// a file.
func (r *Result) Problems() diag.List {
	if r.Err != nil {
		return diag.List{{Message: r.Err.Error()}}
	}
	return r.Build.Problems
}

// StylesheetsOnly reports whether the build was for stylesheets only, so
// that open pages can swap them instead of reloading.
func (r *Result) StylesheetsOnly() bool {
	if r.Everything || len(r.Sources) == 0 {
		return false
	}
	for _, s := range r.Sources {
		if !strings.HasSuffix(s, ".css") {
			return false
		}
	}
	return true
}

// Workspace is a site being edited. Create it with Open; its methods are
// safe for concurrent use.
type Workspace struct {
	opts    Options
	logger  *slog.Logger
	source  *sitefs.FS
	fsys    *overlayFS
	builder *build.Builder
	watcher *watch.Watcher
	index   *index // nil without Options.Search
	yield   *yielding

	mu        sync.Mutex
	pending   []string // changed sources not yet in a finished build
	all       bool     // rebuild as if everything changed
	requested int      // changes asked for so far
	covered   int      // of which the last finished build covered
	settled   chan struct{}
	cancel    context.CancelFunc // the running build's
	last      *Result
	good      *Result
	seq       int

	subsMu sync.Mutex
	subs   map[int]func(*Result)
	nextID int

	trigger chan struct{}
	done    chan struct{}
	stopped sync.WaitGroup
	closed  sync.Once
}

// Open opens the site folder opts.Build.Source and starts building it,
// then rebuilding it on every change, until ctx is done or Close.
func Open(ctx context.Context, opts Options) (*Workspace, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	opts.Build.Logger = logger
	src, err := sitefs.Open(opts.Build.Source)
	if err != nil {
		return nil, err
	}
	watcher, err := watch.New(opts.Build.Source, watch.Options{Logger: logger})
	if err != nil {
		src.Close()
		return nil, err
	}
	fsys := newOverlayFS(src)
	w := &Workspace{
		opts:      opts,
		logger:    logger,
		source:    src,
		fsys:      fsys,
		builder:   build.NewBuilder(fsys, opts.Build),
		watcher:   watcher,
		yield:     newYielding(),
		all:       true,
		requested: 1,
		settled:   make(chan struct{}),
		subs:      map[int]func(*Result){},
		trigger:   make(chan struct{}, 1),
		done:      make(chan struct{}),
	}
	if opts.Search {
		w.index = newIndex(logger, w.yield)
	}
	w.trigger <- struct{}{}
	w.stopped.Go(func() { w.buildLoop(ctx) })
	w.stopped.Go(func() { w.watchLoop(ctx) })
	return w, nil
}

// Close stops watching and building, waits for the workspace's goroutines
// and releases the folder. Subscribers are not called after it returns.
func (w *Workspace) Close() error {
	w.closed.Do(func() {
		close(w.done)
		w.watcher.Close()
		w.mu.Lock()
		if w.cancel != nil {
			w.cancel()
		}
		w.mu.Unlock()
		w.stopped.Wait()
		if w.index != nil {
			w.index.close()
		}
		w.source.Close()
	})
	return nil
}

// Subscribe calls fn with every build's result from now on, in order, on
// the workspace's build goroutine: fn must return quickly and hand slow
// work to a goroutine of its own, and must not call Subscribe or a cancel
// function. When a build has finished already, fn
// is first called, before Subscribe returns, with the latest. After
// cancel returns, fn is not running and is not called again.
func (w *Workspace) Subscribe(fn func(*Result)) (cancel func()) {
	w.subsMu.Lock()
	defer w.subsMu.Unlock()
	id := w.nextID
	w.nextID++
	w.subs[id] = fn
	if last := w.Last(); last != nil {
		fn(last)
	}
	return func() {
		w.subsMu.Lock()
		defer w.subsMu.Unlock()
		delete(w.subs, id)
	}
}

// Last returns the latest finished build, nil before the first.
func (w *Workspace) Last() *Result {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

// Good returns the last build without problems, nil before the first.
func (w *Workspace) Good() *Result {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.good
}

// Settled waits until a build has finished that covers every change made
// before the call (files seen by the watcher, overlays set or cleared),
// and returns the latest build.
func (w *Workspace) Settled(ctx context.Context) (*Result, error) {
	w.mu.Lock()
	want := w.requested
	for w.covered < want {
		wait := w.settled
		w.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-w.done:
			return nil, errors.New("workspace: closed")
		}
		w.mu.Lock()
	}
	defer w.mu.Unlock()
	return w.last, nil
}

// SetOverlay makes data the contents of the file at name, a slash path
// relative to the site folder (e.g. "content/a.md"), until ClearOverlay,
// whatever is on disk; and starts a build.
func (w *Workspace) SetOverlay(name string, data []byte) error {
	if !fs.ValidPath(name) || name == "." {
		return &fs.PathError{Op: "overlay", Path: name, Err: errInvalidPath}
	}
	w.fsys.set(name, data)
	w.changed([]string{name}, false)
	return nil
}

// ClearOverlay drops name's overlay, if it has one, and starts a build:
// the file on disk is read again.
func (w *Workspace) ClearOverlay(name string) {
	if w.fsys.clear(name) {
		w.changed([]string{name}, false)
	}
}

// FS returns the site as builds read it: the source folder, overlays
// included.
func (w *Workspace) FS() fs.FS { return w.fsys }

// Line returns the text of line n (from 1) of the site file at name,
// overlays included, for showing a problem in context; "" when there is
// no such line.
func (w *Workspace) Line(name string, n int) string {
	if n < 1 || name == "" {
		return ""
	}
	data, err := fs.ReadFile(w.fsys, name)
	if err != nil {
		return ""
	}
	return diag.Printable(diag.LineText(data, n, 400))
}

// Search runs req against the search index of the last good build; its
// error is ErrIndexing until the first is indexed. The workspace must have
// been opened with Options.Search.
func (w *Workspace) Search(ctx context.Context, req search.Request) (search.Result, error) {
	if w.index == nil {
		return search.Result{}, errors.New("workspace: opened without search")
	}
	return w.index.search(ctx, req)
}

// changed records changed sources (all: anything may have changed) and
// starts a build, cancelling one still running.
func (w *Workspace) changed(paths []string, all bool) {
	w.mu.Lock()
	w.pending = append(w.pending, paths...)
	w.all = w.all || all
	w.requested++
	if w.cancel != nil {
		w.cancel()
	}
	w.mu.Unlock()
	select {
	case w.trigger <- struct{}{}:
	default: // a build is already due
	}
}

// watchLoop turns the watcher's batches of changes into builds.
func (w *Workspace) watchLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.done:
			return
		case err := <-w.watcher.Errors():
			w.logger.Warn("watching", "err", err)
		case b, ok := <-w.watcher.Batches():
			if !ok {
				return
			}
			w.changed(b.Paths, b.Overflow)
		}
	}
}

func (w *Workspace) buildLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.done:
			return
		case <-w.trigger:
		}
		w.mu.Lock()
		paths, all, req := w.pending, w.all, w.requested
		w.pending, w.all = nil, false
		bctx, cancel := context.WithCancel(ctx)
		w.cancel = cancel
		w.mu.Unlock()
		res, ok := w.build(bctx, paths, all)
		cancel()
		if !ok {
			w.mu.Lock() // superseded: the next build covers these changes too
			w.pending = append(paths, w.pending...)
			w.all = w.all || all
			w.mu.Unlock()
			continue
		}
		w.finish(res, req)
	}
}

// build runs one build; it returns false when cancelled.
func (w *Workspace) build(ctx context.Context, paths []string, all bool) (*Result, bool) {
	defer w.yield.building()()
	start := time.Now()
	var rb *build.Rebuild
	var err error
	if all {
		rb, err = w.builder.Build(ctx)
	} else {
		rb, err = w.builder.BuildChanged(ctx, paths)
	}
	if errors.Is(err, context.Canceled) {
		return nil, false
	}
	res := &Result{Everything: all, Build: rb, Err: err, Took: time.Since(start)}
	if !all {
		res.Sources = slices.Compact(slices.Sorted(slices.Values(paths)))
	}
	if err != nil {
		res.Build = nil
		res.Err = fmt.Errorf("build: %w", err)
	}
	return res, true
}

// finish records a finished build, which covered the changes up to req,
// and tells the index and the subscribers.
func (w *Workspace) finish(res *Result, req int) {
	w.log(res)
	if w.index != nil && res.Good() {
		w.index.update(res.Build.Docs, slices.Concat(res.Build.Changed, res.Build.Removed), res.Everything)
	}
	w.subsMu.Lock()
	defer w.subsMu.Unlock()
	w.mu.Lock()
	w.seq++
	res.Seq = w.seq
	w.last = res
	if res.Good() {
		w.good = res
	}
	w.covered = req
	close(w.settled)
	w.settled = make(chan struct{})
	w.mu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(w.subs)) {
		w.subs[id](res)
	}
}

func (w *Workspace) log(res *Result) {
	what := describe(res)
	took := res.Took.Round(100 * time.Microsecond)
	switch {
	case res.Err != nil:
		w.logger.Error("rebuild failed", "changed", what, "err", res.Err)
	case !res.Good():
		w.logger.Warn("rebuild failed; serving the last good site", "changed", what, "problems", len(res.Build.Problems), "took", took)
	default:
		rb := res.Build
		w.logger.Info("rebuilt", "changed", what, "parsed", rb.Parsed, "rendered", rb.Rendered,
			"files", len(rb.Changed)+len(rb.Removed), "pages", rb.Pages, "took", took)
	}
}

// describe names a build's changed sources for the log, briefly.
func describe(res *Result) string {
	switch paths := res.Sources; {
	case res.Everything:
		return "everything"
	case len(paths) <= 3:
		return strings.Join(paths, " ")
	default:
		return fmt.Sprintf("%s and %d more", strings.Join(paths[:2], " "), len(paths)-2)
	}
}
