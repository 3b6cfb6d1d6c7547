package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"kb/internal/diag"
	"kb/internal/site"
)

// maxFileSize bounds a content file: larger ones are rejected, not read.
const maxFileSize = 8 << 20

// readSources reads every content/**/*.md file of fsys, sorted by path,
// taking the bytes of files c (nil for none) says are unchanged from it.
// Unreadable, oversized or non-UTF-8 files are problems, not failures.
func readSources(fsys fs.FS, c *cache) ([]site.Source, diag.List) {
	var srcs []site.Source
	var probs diag.List
	err := fs.WalkDir(fsys, "content", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "content" {
				return fs.SkipAll
			}
			probs = append(probs, diag.Problem{File: p, Message: "cannot read: " + unwrapPath(err), Hint: "check the file's permissions"})
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != "content" && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) && name != "_index.md" {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") || ignoredName(name) {
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		info, err := fs.Stat(fsys, p)
		if err != nil {
			probs = append(probs, diag.Problem{File: p, Message: "cannot read: " + unwrapPath(err), Hint: "a symbolic link that points nowhere, or in a loop?"})
			return nil
		}
		if info.IsDir() {
			return nil
		}
		if info.Size() > maxFileSize {
			probs = append(probs, diag.Problem{File: p, Message: fmt.Sprintf("file is too large (%d MB; the limit is %d MB)", info.Size()>>20, maxFileSize>>20), Hint: "split it into several pages"})
			return nil
		}
		if data, ok := c.source(p, info); ok {
			srcs = append(srcs, site.Source{File: strings.TrimPrefix(p, "content/"), Data: data})
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			probs = append(probs, diag.Problem{File: p, Message: "cannot read: " + unwrapPath(err), Hint: "check the file's permissions"})
			return nil
		}
		if prob, bad := checkText(p, data); bad {
			probs = append(probs, prob)
			return nil
		}
		c.keepSource(p, info, data)
		srcs = append(srcs, site.Source{File: strings.TrimPrefix(p, "content/"), Data: data})
		return nil
	})
	if err != nil {
		probs = append(probs, diag.Problem{File: "content", Message: err.Error()})
	}
	return srcs, probs
}

// ignoredName reports editor swap and backup files.
func ignoredName(name string) bool {
	return strings.HasSuffix(name, "~") || strings.HasPrefix(name, ".#") || strings.HasPrefix(name, "#")
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
func parallel(ctx context.Context, n int, fn func(i int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
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
	return err
}

// contentPath is how problems name a content file.
func contentPath(file string) string { return path.Join("content", file) }
