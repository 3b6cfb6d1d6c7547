// Package watch reports changes to a site's sources: kb.yaml and the
// content/, themes/ and static/ trees, recursively. Folders created later
// are watched as they appear and dropped when removed; editors' swap,
// backup and temp files are ignored (an atomic save shows as a change to
// the file it replaces); a burst of events — a save-all, a git checkout —
// comes out as one Batch once the tree has been quiet for a moment.
//
// It is the only importer of fsnotify.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchedTrees are the folders of a site that are watched recursively;
// watchedFiles are the files at its top that are watched.
func watchedTrees() []string { return []string{"content", "themes", "static"} }
func watchedFiles() []string { return []string{"kb.yaml"} }

// Batch is a set of changed paths, slash-separated and relative to the
// site directory, sorted. Overflow means events were lost (the kernel's
// queue overflowed): treat everything as changed.
type Batch struct {
	Paths    []string
	Overflow bool
}

// Options configure a Watcher.
type Options struct {
	Quiet  time.Duration // how long the tree must be quiet to end a batch; default 20ms
	MaxLag time.Duration // the longest a batch waits under constant events; default 500ms
	Logger *slog.Logger
}

// Watcher watches a site directory.
type Watcher struct {
	root    string
	fsw     *fsnotify.Watcher
	logger  *slog.Logger
	batches chan Batch
	errs    chan error
	done    chan struct{}
	wg      sync.WaitGroup

	mu      sync.Mutex
	watched map[string]bool // absolute dirs
}

// New starts watching the site in root.
func New(root string, opts Options) (*Watcher, error) {
	if opts.Quiet <= 0 {
		opts.Quiet = 20 * time.Millisecond
	}
	if opts.MaxLag <= 0 {
		opts.MaxLag = 500 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, explain(err, 0)
	}
	w := &Watcher{root: root, fsw: fsw, logger: opts.Logger, batches: make(chan Batch),
		errs: make(chan error, 1), done: make(chan struct{}), watched: map[string]bool{}}
	// The root itself, for kb.yaml and for trees created later.
	if err := w.add(root); err != nil {
		fsw.Close()
		return nil, err
	}
	for _, t := range watchedTrees() {
		if err := w.addTree(filepath.Join(root, t)); err != nil {
			fsw.Close()
			return nil, err
		}
	}
	changes := make(chan change)
	w.wg.Go(func() { w.loop(changes) })
	w.wg.Go(func() { debounce(changes, w.batches, w.done, opts.Quiet, opts.MaxLag) })
	return w, nil
}

// Batches delivers the batches of changes. It is closed by Close.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors delivers errors that do not stop the watch, such as running out
// of inotify watches for a new folder.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops watching.
func (w *Watcher) Close() error {
	select {
	case <-w.done:
		return nil
	default:
	}
	close(w.done)
	err := w.fsw.Close()
	w.wg.Wait()
	return err
}

func (w *Watcher) add(dir string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[dir] {
		return nil
	}
	if err := w.fsw.Add(dir); err != nil {
		return explain(fmt.Errorf("watching %s: %w", dir, err), len(w.watched))
	}
	w.watched[dir] = true
	return nil
}

// addTree watches dir and every folder under it, except hidden ones. A
// missing dir is not an error: it is picked up when created.
func (w *Watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		return w.add(p)
	})
}

// drop forgets dir and the folders under it.
func (w *Watcher) drop(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for d := range w.watched {
		if d == dir || strings.HasPrefix(d, dir+string(filepath.Separator)) {
			delete(w.watched, d)
			_ = w.fsw.Remove(d) // the kernel already dropped a deleted folder's watch
		}
	}
}

// change is one relevant event, or lost events.
type change struct {
	path     string
	overflow bool
}

// loop turns fsnotify's events into changes of relevant paths.
func (w *Watcher) loop(out chan<- change) {
	defer close(out)
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			rel, ok := w.relevant(ev.Name)
			if !ok {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
					// A new folder: watch it, and report what it already
					// holds (files may land before the watch does).
					if err := w.addTree(ev.Name); err != nil {
						w.report(err)
					}
					_ = filepath.WalkDir(ev.Name, func(p string, d fs.DirEntry, err error) error {
						if err == nil && p != ev.Name {
							if r, ok := w.relevant(p); ok {
								w.send(out, change{path: r})
							}
						}
						return nil
					})
				}
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				w.drop(ev.Name)
			}
			w.send(out, change{path: rel})
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.logger.Warn("file events were lost; rebuilding everything")
				w.send(out, change{overflow: true})
				continue
			}
			w.report(err)
		}
	}
}

func (w *Watcher) send(out chan<- change, c change) {
	select {
	case out <- c:
	case <-w.done:
	}
}

func (w *Watcher) report(err error) {
	w.logger.Warn("watch", "err", err)
	select {
	case w.errs <- err:
	default: // one pending error is enough to act on
	}
}

// relevant returns the site-relative path of a watched file that matters:
// kb.yaml, or anything in the trees that is not an editor's scratch file.
func (w *Watcher) relevant(name string) (string, bool) {
	rel, err := filepath.Rel(w.root, name)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	top, _, nested := strings.Cut(rel, "/")
	if !nested {
		return rel, slices.Contains(watchedFiles(), rel) || slices.Contains(watchedTrees(), rel)
	}
	if !slices.Contains(watchedTrees(), top) {
		return "", false
	}
	for part := range strings.SplitSeq(rel, "/") {
		if scratch(part) {
			return "", false
		}
	}
	return rel, true
}

// scratch reports the names editors and tools write beside real files:
// Vim's swap files and its 4913 write test, backups ending in "~", Emacs's
// lock and autosave files, hidden temp files of atomic saves, JetBrains'
// and others' temp files, and OS litter.
func scratch(name string) bool {
	switch {
	case name == "4913", name == ".DS_Store", name == "Thumbs.db":
		return true
	case strings.HasPrefix(name, "."): // .#lock, .file.swp, .file.tmp-123 (atomic saves)
		return true
	case strings.HasSuffix(name, "~"), strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"):
		return true
	case strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".swo"),
		strings.HasSuffix(name, ".tmp"), strings.HasSuffix(name, ".bak"), strings.HasSuffix(name, ".orig"),
		strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"):
		return true
	}
	return false
}

// explain turns running out of inotify watches or instances into a
// message that says how to fix it.
func explain(err error, watched int) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%w: out of inotify watches after %d folders; raise the limit with\n"+
			"  sudo sysctl fs.inotify.max_user_watches=524288\n"+
			"and make it permanent with\n"+
			"  echo fs.inotify.max_user_watches=524288 | sudo tee /etc/sysctl.d/90-inotify.conf", err, watched)
	case errors.Is(err, syscall.EMFILE):
		return fmt.Errorf("%w: too many inotify instances; raise the limit with\n"+
			"  sudo sysctl fs.inotify.max_user_instances=1024\n"+
			"or close other programs that watch files", err)
	}
	return err
}
