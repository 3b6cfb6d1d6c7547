package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/internal/sitefs"
)

// maxFileSize bounds a content file: larger ones are rejected, not read.
const maxFileSize = sitefs.ContentLimit

// readSources reads every content/**/*.md file of fsys, sorted by path.
// Unreadable, oversized or non-UTF-8 files are problems, not failures.
func (fresh) readSources(fsys fs.FS) ([]source, diag.List) {
	l := &listing{files: map[string]listed{}}
	l.walk(fsys, "content", nil)
	return l.sources()
}

// readSources is fresh's, reading again only the files whose size or
// modification time changed, or, when the Builder knows which paths
// changed since its last read (see Builder.BuildChanged), only those.
func (c *cache) readSources(fsys fs.FS) ([]source, diag.List) {
	if c.listing == nil || c.changed.everything() {
		l := &listing{files: map[string]listed{}}
		if c.listing != nil {
			l.reads = c.listing.reads // a read number is never given twice
		}
		l.walk(fsys, "content", c.listing)
		c.listing = l
		return l.sources()
	}
	l := c.listing
	for _, p := range c.changed.under("content") {
		l.forget(p)
		if !hiddenDirIn(p) {
			l.walkPath(fsys, p)
		}
	}
	l.recheckLinks(fsys)
	return l.sources()
}

// edited says which paths changed since a Builder's last read of the
// site: all of them, or those in paths (slash paths relative to the site
// directory, files or folders; perhaps none).
type edited struct {
	all   bool
	paths map[string]bool
}

// allChanged is what a build that is not told what changed assumes: any
// file may have.
func allChanged() edited { return edited{all: true} }

// pathsChanged is what a build told which paths changed knows.
func pathsChanged(paths []string) edited {
	ch := edited{paths: make(map[string]bool, len(paths))}
	for _, p := range paths {
		ch.paths[path.Clean(p)] = true
	}
	return ch
}

// everything reports whether every content file must be looked at again:
// all changed, or the site or content folder itself did.
func (ch edited) everything() bool {
	return ch.all || ch.paths["."] || ch.paths["content"]
}

// under returns the changed paths under dir, sorted. It is not to be
// asked when everything changed.
func (ch edited) under(dir string) []string {
	var ps []string
	for p := range ch.paths {
		if strings.HasPrefix(p, dir+"/") {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	return ps
}

// PageIDs returns the ids of the site's content pages, drafts included,
// sorted: kb new picks an id none of them has.
func PageIDs(fsys fs.FS) []string {
	srcs, _ := fresh{}.readSources(fsys)
	var ids []string
	for _, src := range srcs {
		if p, _ := site.ParsePage(src.Source); p != nil {
			ids = append(ids, p.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// listing is what a read of content/ found: every Markdown file's bytes,
// or the problem with it, by path.
type listing struct {
	files map[string]listed
	order []string // the paths, sorted, and perhaps some forgotten; nil when files were added
	reads uint64   // files read so far, by this listing and the ones before it
}

// source is a content file as read, with the number of the read that
// gave its bytes: the same number means the very same bytes, which a
// Builder need not hash again.
type source struct {
	site.Source
	read uint64
}

type listed struct {
	data []byte
	read uint64 // which read gave data (see source)
	prob *diag.Problem
	size int64
	mod  time.Time
	link bool // a symbolic link, whose target changes unseen by the watcher
}

// walk reads the files under root, a folder, taking the bytes of files
// prev (nil for none) read with the same size and modification time from
// it.
func (l *listing) walk(fsys fs.FS, root string, prev *listing) {
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return fs.SkipAll
			}
			l.problem(p, "cannot read: "+unwrapPath(err), "check the file's permissions")
			return nil
		}
		return l.visit(fsys, p, d, prev)
	})
	if err != nil {
		l.problem(root, err.Error(), "")
	}
}

// walkPath reads p, a file or a folder, as a walk of its folder meets it:
// a symbolic link that points nowhere is then a problem, not nothing.
func (l *listing) walkPath(fsys fs.FS, p string) {
	entries, err := fs.ReadDir(fsys, path.Dir(p))
	if err != nil {
		return // the folder is gone, or its own walk reports it
	}
	for _, d := range entries {
		switch {
		case d.Name() != path.Base(p):
		case d.IsDir():
			l.walk(fsys, p, nil)
		default:
			_ = l.visit(fsys, p, d, nil)
		}
	}
}

func (l *listing) problem(p, msg, hint string) {
	l.set(p, listed{prob: &diag.Problem{File: p, Message: msg, Hint: hint}})
}

// visit reads one entry of a walk.
func (l *listing) visit(fsys fs.FS, p string, d fs.DirEntry, prev *listing) error {
	name := d.Name()
	if d.IsDir() {
		if p != "content" && hiddenDir(name) && name != "_index.md" {
			return fs.SkipDir
		}
		return nil
	}
	if !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") || ignoredName(name) {
		return nil
	}
	link := d.Type()&fs.ModeSymlink != 0
	if !d.Type().IsRegular() && !link {
		l.problem(p, "cannot read: "+sitefs.ErrNotRegular.Error(), readHint(sitefs.ErrNotRegular, ""))
		return nil
	}
	info, err := fs.Stat(fsys, p)
	if err != nil {
		l.problem(p, "cannot read: "+unwrapPath(err), readHint(err, "a symbolic link that points nowhere, or in a loop?"))
		if link { // read again when its target appears
			e := l.files[p]
			e.link = true
			l.set(p, e)
		}
		return nil
	}
	if info.IsDir() {
		return nil
	}
	if info.Size() > maxFileSize {
		l.problem(p, fmt.Sprintf("file is too large (%d MB; the limit is %d MB)", info.Size()>>20, maxFileSize>>20), "split it into several pages")
		return nil
	}
	if prev != nil {
		if e, ok := prev.files[p]; ok && e.prob == nil && e.size == info.Size() && e.mod.Equal(info.ModTime()) {
			l.set(p, e)
			return nil
		}
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		l.problem(p, "cannot read: "+unwrapPath(err), readHint(err, "check the file's permissions"))
		return nil
	}
	if prob, bad := checkText(p, data); bad {
		l.set(p, listed{prob: &prob})
		return nil
	}
	l.reads++
	l.set(p, listed{data: data, read: l.reads, size: info.Size(), mod: info.ModTime(), link: link})
	return nil
}

// set records what was read at p.
func (l *listing) set(p string, e listed) {
	if _, known := slices.BinarySearch(l.order, p); !known {
		l.order = nil // sorted again when next needed
	}
	l.files[p] = e
}

// forget drops p, a file or a folder, and everything under it. The order
// keeps their paths, which sources skips.
func (l *listing) forget(p string) {
	if _, ok := l.files[p]; ok {
		delete(l.files, p) // a file: nothing is under it
		return
	}
	for name := range l.files {
		if strings.HasPrefix(name, p+"/") {
			delete(l.files, name)
		}
	}
}

// recheckLinks reads again the symbolic links whose target changed.
func (l *listing) recheckLinks(fsys fs.FS) {
	var stale []string
	for p, e := range l.files {
		if !e.link {
			continue
		}
		if info, err := fs.Stat(fsys, p); err != nil || info.Size() != e.size || !info.ModTime().Equal(e.mod) {
			stale = append(stale, p)
		}
	}
	for _, p := range stale {
		l.forget(p)
		l.walkPath(fsys, p)
	}
}

// sources returns the files read, sorted by path, and the problems.
func (l *listing) sources() ([]source, diag.List) {
	if l.order == nil {
		l.order = slices.Sorted(maps.Keys(l.files))
	}
	srcs := make([]source, 0, len(l.order))
	var probs diag.List
	for _, p := range l.order {
		e, ok := l.files[p]
		if !ok {
			continue
		}
		if e.prob != nil {
			probs = append(probs, *e.prob)
			continue
		}
		srcs = append(srcs, source{Source: site.Source{File: strings.TrimPrefix(p, "content/"), Data: e.data, Mod: e.mod}, read: e.read})
	}
	return srcs, probs
}

// hiddenDir reports a folder whose pages are not published: its name
// starts with "." or "_".
func hiddenDir(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// hiddenDirIn reports whether a path under content/ lies in a hidden
// folder.
func hiddenDirIn(p string) bool {
	dirs := strings.Split(path.Dir(strings.TrimPrefix(p, "content/")), "/")
	return slices.ContainsFunc(dirs, func(d string) bool { return d != "." && hiddenDir(d) })
}

// ignoredName reports editor swap and backup files.
func ignoredName(name string) bool {
	return strings.HasSuffix(name, "~") || strings.HasPrefix(name, ".#") || strings.HasPrefix(name, "#")
}

// readHint says what to do about a file the source gate refused, or else
// gives fallback.
func readHint(err error, fallback string) string {
	switch {
	case errors.Is(err, sitefs.ErrOutside):
		return "kb reads only files inside the source folder: copy the file in, or point the link inside"
	case errors.Is(err, sitefs.ErrNotRegular):
		return "kb reads regular files only; remove this one"
	case errors.Is(err, sitefs.ErrTooLarge):
		return "split it, or keep it outside the site; the README lists the size limits"
	}
	return fallback
}

func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// checkText rejects content that is not UTF-8 text, naming where it breaks.
func checkText(file string, data []byte) (diag.Problem, bool) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || r == 0 {
			line, col := diag.NewLines(data).Pos(i)
			msg := "invalid UTF-8"
			if r == 0 {
				msg = "NUL byte in text"
			}
			return diag.Problem{File: file, Line: line, Col: col, Message: msg, Hint: "save the file as UTF-8 text"}, true
		}
		i += size
	}
	return diag.Problem{}, false
}

// parallel runs fn(i) for i in [0, n) on all cores; it stops early when ctx
// is done.
//
// A panic in fn, which is a bug in kb, becomes the error (the first, with
// its stack), so that a worker cannot take the process down: kb serve
// keeps the last good site.
func parallel(ctx context.Context, n int, fn func(i int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int)
	var panicked atomic.Pointer[error]
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := guard(i, fn); err != nil {
					panicked.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	var err error
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if p := panicked.Load(); p != nil {
		return *p
	}
	return err
}

// guard runs fn(i), turning a panic into an error.
func guard(i int, fn func(int)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error (a bug in kb) at item %d: %v\n%s", i, r, debug.Stack())
		}
	}()
	fn(i)
	return nil
}

// contentPath is how problems name a content file.
func contentPath(file string) string { return path.Join("content", file) }
