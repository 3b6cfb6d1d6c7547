package preview

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/serve"
)

// lockedBuffer collects what the preview writes of problems, from its
// subscriber's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPreviewPublishes: the first build is served, with the banner of a
// page due for review (the preview's only); a broken save shows
// its problems in /_kb/errors (with the line's text) and on the terminal,
// keeping the last good page; the fix clears them and serves the new page.
func TestPreviewPublishes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("kb.yaml", "title: Test\nreview: {every: 1y}\n")
	write("content/_index.md", "---\ntitle: Home\n---\nSee [[a]].\n")
	write("content/a.md", "---\nid: a\ntitle: First title\nas_of: 2020-01-01\n---\nText.\n")

	var problems lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := Start(ctx, build.Options{Source: dir}, slog.New(slog.DiscardHandler), &problems)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(p.Server.Handler(""))
	defer ts.Close()
	defer p.Close()

	get := func(path string) string {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	errorsNow := func() []serve.Problem {
		var probs []serve.Problem
		_ = json.Unmarshal([]byte(get("/_kb/errors")), &probs)
		return probs
	}
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting until %s", what)
			}
		}
	}

	eventually("the first build is served", func() bool { return strings.Contains(get("/a/"), "First title") })
	if !strings.Contains(get("/a/"), "Review due") {
		t.Error("a page due for review shows no banner in the preview")
	}

	write("content/a.md", "---\nid: a\ntitle: Second title\n---\nSee [[nowhere]].\n")
	eventually("the problem is shown", func() bool { return len(errorsNow()) == 1 })
	if got := errorsNow()[0]; got.File != "content/a.md" || got.Line != 5 || got.Col != 5 || got.Excerpt != "See [[nowhere]]." {
		t.Errorf("/_kb/errors = %+v, want content/a.md:5:5 with the line's text", got)
	}
	if !strings.Contains(problems.String(), "content/a.md:5:5: unresolved reference \"nowhere\"") {
		t.Errorf("terminal got %q, want the problem as file:line:col", problems.String())
	}
	if !strings.Contains(get("/a/"), "First title") {
		t.Error("a broken build replaced the last good page")
	}

	write("content/a.md", "---\nid: a\ntitle: Third title\n---\nText.\n")
	eventually("the fix is served", func() bool { return strings.Contains(get("/a/"), "Third title") })
	eventually("the problems are cleared", func() bool { return len(errorsNow()) == 0 })
}

// TestExposure: --addr 0.0.0.0:1313 was accepted without a word
// (security review F5); a loopback address needs none.
func TestExposure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give string
		warn bool
	}{
		{"127.0.0.1:1313", false}, {"[::1]:1313", false}, {"localhost:1313", false},
		{"0.0.0.0:1313", true}, {"[::]:1313", true}, {"192.168.1.5:1313", true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			got := Exposure(tt.give)
			if (got != "") != tt.warn || tt.warn && !strings.HasPrefix(got, tt.give+" is reachable from other machines") {
				t.Errorf("Exposure(%s) = %q, want a warning: %v", tt.give, got, tt.warn)
			}
		})
	}
}
