package main

import (
	"encoding/json"
	"github.com/kb-legal/kb/internal/cli"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSearchCommandLine checks how kb search reads its arguments: flags
// before or after the query, "--" ending them, a stale index reported on
// stderr, and --rebuild.
func TestSearchCommandLine(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, map[string]string{
		"content/_index.md": "---\ntitle: Home\n---\nSee [[a]] and [[b]].\n",
		"content/a.md":      "---\nid: a\ntitle: Sponsorship of a team\n---\nA sponsorship deal, and another sponsorship.\n",
		"content/b.md":      "---\nid: b\ntitle: Webinar\n---\nA webinar on sponsorship.\n",
	})
	if code, _, errOut := kb(t, "build", "--source", dir); code != cli.OK {
		t.Fatalf("kb build: %s", errOut)
	}
	index := filepath.Join(dir, "index")
	hits := func(stdout string) int {
		var res struct{ Hits []struct{ URL string } }
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatalf("%v: %s", err, stdout)
		}
		return len(res.Hits)
	}
	tests := []struct {
		desc     string
		args     []string
		wantHits int
	}{
		{"flags after the query", []string{"sponsorship", "--limit", "1", "--json", "--index", index}, 1},
		{"flags before the query", []string{"--limit=1", "--json", "--index", index, "sponsorship"}, 1},
		{"flags on both sides", []string{"--json", "sponsorship", "--limit", "2", "--index=" + index}, 2},
		{"an excluded word is no flag", []string{"sponsorship", "-webinar", "--json", "--index", index}, 1},
		{"after --, all is query", []string{"--json", "--index", index, "--", "sponsorship", "-webinar"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := kb(t, append([]string{"search"}, tt.args...)...)
			if code != cli.OK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := hits(stdout); got != tt.wantHits {
				t.Errorf("%d hits, want %d: %s", got, tt.wantHits, stdout)
			}
		})
	}

	t.Run("stale index", func(t *testing.T) {
		// Not parallel: it edits the site.
		later := time.Now().Add(time.Hour)
		page := filepath.Join(dir, "content", "c.md")
		if err := os.WriteFile(page, []byte("---\nid: c\ntitle: Football\n---\nA football tournament.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(page, later, later); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := kb(t, "search", "football", "--source", dir)
		if code != cli.OK || !strings.Contains(stderr, "newer than the index") || !strings.Contains(stdout, "no results") {
			t.Fatalf("stale: exit %d, stdout %q, stderr %q; want a warning and no results", code, stdout, stderr)
		}
		code, stdout, stderr = kb(t, "search", "football", "--source", dir, "--rebuild")
		if code != cli.OK || strings.Contains(stderr, "newer than the index") || !strings.Contains(stdout, "/c/") {
			t.Fatalf("--rebuild: exit %d, stdout %q, stderr %q; want the new page found, no warning", code, stdout, stderr)
		}
	})
}
