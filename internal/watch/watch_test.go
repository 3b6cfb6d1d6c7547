package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

func TestScratch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want bool
	}{
		{"a page", "page.md", false},
		{"a stylesheet", "style.css", false},
		{"vim swap", ".page.md.swp", true},
		{"vim swap without dot", "page.md.swp", true},
		{"vim second swap", ".page.md.swx", true},
		{"vim write test", "4913", true},
		{"backup", "page.md~", true},
		{"emacs lock", ".#page.md", true},
		{"emacs autosave", "#page.md#", true},
		{"atomic save temp", ".page.md.tmp-1234", true},
		{"temp", "page.md.tmp", true},
		{"jetbrains", "page.md___jb_tmp___", true},
		{"macOS", ".DS_Store", true},
		{"a number", "4914", false},
		{"hash inside", "c#.md", false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := scratch(tt.give); got != tt.want {
				t.Errorf("scratch(%q) = %v, want %v", tt.give, got, tt.want)
			}
		})
	}
}

func TestExplainInotifyLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give error
		want string
	}{
		{"out of watches", fmt.Errorf("watching /x: %w", syscall.ENOSPC), "sudo sysctl fs.inotify.max_user_watches=524288"},
		{"out of instances", syscall.EMFILE, "fs.inotify.max_user_instances"},
		{"other", errors.New("boom"), "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got := explain(tt.give, 8192)
			if !strings.Contains(got.Error(), tt.want) || !errors.Is(got, tt.give) {
				t.Errorf("explain(%v) = %q, want it to contain %q and wrap the cause", tt.give, got, tt.want)
			}
		})
	}
}

// TestDebounce checks the batching in a synctest bubble: a burst becomes
// one batch once quiet; a constant stream is cut at maxLag; nothing is
// sent early.
func TestDebounce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		in := make(chan change)
		out := make(chan Batch, 10)
		done := make(chan struct{})
		go debounce(in, out, done, 20*time.Millisecond, 100*time.Millisecond)

		// A burst: three files 5 ms apart, one twice.
		start := time.Now()
		for _, p := range []string{"content/b.md", "content/a.md", "content/b.md", "kb.yaml"} {
			in <- change{path: p}
			time.Sleep(5 * time.Millisecond)
		}
		synctest.Wait()
		if len(out) != 0 {
			t.Fatalf("a batch was sent %v after the burst began, before the tree was quiet", time.Since(start))
		}
		b := <-out
		if want := []string{"content/a.md", "content/b.md", "kb.yaml"}; !slices.Equal(b.Paths, want) {
			t.Errorf("batch = %v, want %v", b.Paths, want)
		}
		// Last event at 15ms, quiet 20ms: sent at 35ms.
		if got := time.Since(start); got != 35*time.Millisecond {
			t.Errorf("batch sent after %v, want 35ms", got)
		}

		// A stream with no quiet moment is cut at maxLag.
		var got []Batch
		for i := range 30 {
			in <- change{path: fmt.Sprintf("content/%d.md", i)}
			time.Sleep(10 * time.Millisecond)
			for len(out) > 0 {
				got = append(got, <-out)
			}
		}
		time.Sleep(50 * time.Millisecond)
		for len(out) > 0 {
			got = append(got, <-out)
		}
		if len(got) != 3 {
			t.Errorf("a 300ms stream gave %d batches, want 3 (one per 100ms)", len(got))
		}
		n := 0
		for _, b := range got {
			n += len(b.Paths)
		}
		if n != 30 {
			t.Errorf("batches hold %d paths, want 30", n)
		}

		// Lost events make an overflow batch.
		in <- change{overflow: true}
		if b := <-out; !b.Overflow {
			t.Errorf("overflow not reported: %+v", b)
		}
		close(in)
		if _, ok := <-out; ok {
			t.Error("out not closed after in")
		}
	})
}

// newSite makes a site dir with content/, themes/ and kb.yaml.
func newSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"kb.yaml", "content/a.md", "content/sec/b.md", "themes/default/assets/style.css"} {
		writeFile(t, dir, f, "x")
	}
	return dir
}

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next waits for the next batch, failing after a generous timeout (real
// file events arrive in microseconds).
func next(t *testing.T, w *Watcher) Batch {
	t.Helper()
	select {
	case b := <-w.Batches():
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no batch within 5s")
	}
	return Batch{}
}

// TestWatcher drives a real inotify watch through what writers and
// editors do to a site.
func TestWatcher(t *testing.T) {
	t.Parallel()
	dir := newSite(t)
	w, err := New(dir, Options{Quiet: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// root, content, content/sec, themes, themes/default, themes/default/assets
	if got := watchedCount(w); got != 6 {
		t.Errorf("watching %d folders, want 6", got)
	}

	steps := []struct {
		desc string
		do   func()
		want []string
	}{
		{"edit a page", func() { writeFile(t, dir, "content/a.md", "y") }, []string{"content/a.md"}},
		{"edit the config", func() { writeFile(t, dir, "kb.yaml", "title: x") }, []string{"kb.yaml"}},
		{"a new page in a new nested folder", func() { writeFile(t, dir, "content/new/deep/c.md", "z") },
			[]string{"content/new", "content/new/deep", "content/new/deep/c.md"}},
		{"an edit inside the new folder", func() { writeFile(t, dir, "content/new/deep/c.md", "zz") }, []string{"content/new/deep/c.md"}},
		{"vim: 4913 test, backup, swap, then write", func() {
			writeFile(t, dir, "content/4913", "")
			os.Remove(filepath.Join(dir, "content/4913"))
			writeFile(t, dir, "content/.a.md.swp", "swap")
			writeFile(t, dir, "content/a.md~", "old")
			writeFile(t, dir, "content/a.md", "vim")
		}, []string{"content/a.md"}},
		{"atomic save: temp file renamed over the page", func() {
			writeFile(t, dir, "content/sec/.b.md.tmp-42", "atomic")
			if err := os.Rename(filepath.Join(dir, "content/sec/.b.md.tmp-42"), filepath.Join(dir, "content/sec/b.md")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/sec/b.md"}},
		{"a theme asset", func() { writeFile(t, dir, "themes/default/assets/style.css", "body{}") }, []string{"themes/default/assets/style.css"}},
		{"a static tree created later", func() { writeFile(t, dir, "static/img/logo.svg", "<svg/>") },
			[]string{"static", "static/img", "static/img/logo.svg"}},
		{"delete a folder", func() {
			if err := os.RemoveAll(filepath.Join(dir, "content/new")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/new", "content/new/deep", "content/new/deep/c.md"}},
	}
	for _, s := range steps {
		s.do()
		b := next(t, w)
		// A slow machine may split a step's events; gather until quiet.
		for {
			select {
			case more := <-w.Batches():
				b.Paths = append(b.Paths, more.Paths...)
				continue
			case <-time.After(150 * time.Millisecond):
			}
			break
		}
		slices.Sort(b.Paths)
		b.Paths = slices.Compact(b.Paths)
		if !slices.Equal(b.Paths, s.want) {
			t.Errorf("%s: batch %v, want %v", s.desc, b.Paths, s.want)
		}
	}
	// content/new and content/new/deep are no longer watched; static and
	// static/img are.
	if got := watchedCount(w); got != 8 {
		t.Errorf("after the deletion, watching %d folders, want 8", got)
	}
	writeFile(t, dir, "public/index.html", "output")
	writeFile(t, dir, "notes.txt", "unrelated")
	select {
	case b := <-w.Batches():
		t.Errorf("changes outside the site's sources gave a batch: %v", b.Paths)
	case <-time.After(200 * time.Millisecond):
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
	if _, ok := <-w.Batches(); ok {
		t.Error("Batches not closed by Close")
	}
}

// watchedCount is the number of folders w watches.
func watchedCount(w *Watcher) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.watched)
}
