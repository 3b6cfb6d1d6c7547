package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/preview"
)

// liveScript is what the preview server adds to every HTML page.
const liveScript = `<script src="/_kb/live.js" defer></script>`

func openFiles(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd to count open files")
	}
	return len(entries)
}

func soakPage(title string, n int) []byte {
	return fmt.Appendf(nil, "---\ntitle: %q\ntags: [t%d]\n---\nVersion %d of %s. Back [[home]].\n", title, n%3, n, title)
}

// TestSoak runs the preview (watcher, incremental builder, server) while
// 1,000 file operations (10,000 with KB_STRESS=1) land in bursts: creates,
// edits, renames and deletes. Afterwards the served site must equal a clean
// build of the tree, and once the preview is closed its goroutines and
// open files must be gone.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the preview through many rebuilds")
	}
	ops, burst := 1000, 50
	if os.Getenv("KB_STRESS") != "" {
		ops = 10000
	}
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(content, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(content, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "kb.yaml"), []byte("title: Soak\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write("_index.md", []byte("---\nid: home\ntitle: Home\n---\nHome.\n"))
	var pages []string // content files that exist, besides the home page
	for i := range 20 {
		name := fmt.Sprintf("s%d/p%d.md", i%4, i)
		write(name, soakPage(name, 0))
		pages = append(pages, name)
	}

	baseGoroutines, baseFiles := runtime.NumGoroutine(), openFiles(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := preview.Start(ctx, build.Options{Source: dir}, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}

	rng := rand.New(rand.NewPCG(testSeed(t), 2))
	var gone []string // pages deleted or renamed away
	next := 20
	for op := range ops {
		switch k := rng.IntN(10); {
		case k < 3 || len(pages) < 5: // create
			name := fmt.Sprintf("s%d/p%d.md", next%4, next)
			next++
			write(name, soakPage(name, op))
			pages = append(pages, name)
		case k < 7: // edit
			name := pages[rng.IntN(len(pages))]
			write(name, soakPage(name, op))
		case k < 9: // rename
			i := rng.IntN(len(pages))
			name := fmt.Sprintf("s%d/p%d.md", next%4, next)
			next++
			if err := os.Rename(filepath.Join(content, pages[i]), filepath.Join(content, name)); err != nil {
				t.Fatal(err)
			}
			gone = append(gone, pages[i])
			pages[i] = name
		default: // delete
			i := rng.IntN(len(pages))
			if err := os.Remove(filepath.Join(content, pages[i])); err != nil {
				t.Fatal(err)
			}
			gone = append(gone, pages[i])
			pages = slices.Delete(pages, i, i+1)
		}
		if op%burst == burst-1 {
			time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
		}
	}

	// A clean build of the final tree, as the preview builds it.
	clean := build.NewMemSink()
	res, err := build.Generate(context.Background(), os.DirFS(dir), build.Options{BaseURL: "/"}, clean)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("clean build: %v %v", err, res.Problems)
	}
	get := func(name string) (int, []byte) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/"+strings.TrimSuffix(name, "index.html"), nil)
		req.Host = "localhost" // the preview answers only to its own address
		p.Server.Handler("").ServeHTTP(rec, req)
		return rec.Code, bytes.ReplaceAll(rec.Body.Bytes(), []byte(liveScript), nil)
	}
	diff := func() string {
		for name, want := range clean.Files {
			if code, got := get(name); code != http.StatusOK || !bytes.Equal(got, want) {
				return fmt.Sprintf("%s: %d, %d bytes served, %d in the clean build", name, code, len(got), len(want))
			}
		}
		for _, name := range gone {
			if slices.Contains(pages, name) {
				continue
			}
			url := strings.TrimSuffix(name, ".md") + "/index.html"
			if code, _ := get(url); code != http.StatusNotFound {
				return fmt.Sprintf("%s: %d for a page that is gone", url, code)
			}
		}
		return ""
	}
	deadline := time.Now().Add(60 * time.Second)
	for d := diff(); d != ""; d = diff() {
		if time.Now().After(deadline) {
			t.Fatalf("after %d operations the served site still differs from a clean build: %s", ops, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%d operations; served site equals a clean build of %d files", ops, len(clean.Files))

	p.Close()
	cancel()
	deadline = time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseGoroutines || openFiles(t) > baseFiles {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("after closing: %d goroutines (was %d), %d open files (was %d)\n%s",
				runtime.NumGoroutine(), baseGoroutines, openFiles(t), baseFiles, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}
