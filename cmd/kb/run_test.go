package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/kb-legal/kb/internal/cli"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// writeSite writes files (path → content) into a temp site directory.
func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func kb(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return kbContext(context.Background(), args...)
}

func kbContext(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(ctx, args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

var goodSite = map[string]string{
	"content/_index.md":  "---\ntitle: Home\n---\nSee [[a]].\n",
	"content/a.md":       "---\nid: a\ntitle: A\ncite: \"Reg Art. 1\"\n---\n## One {#p1}\n\nText.\n",
	"content/b/index.md": "---\ntitle: B\n---\nCites [[Reg Art. 1(1)]].\n",
}

var badSite = map[string]string{
	"content/_index.md": "---\ntitle: Home\n---\nSee [[missing-page]].\n",
	"content/a.md":      "---\ntitle: A\nkind: provison\n---\nx\n",
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	good, bad := writeSite(t, goodSite), writeSite(t, badSite)
	empty, emptySite := t.TempDir(), writeSite(t, map[string]string{"kb.yaml": "title: Empty\n"})
	tests := []struct {
		desc       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{desc: "no command", args: nil, wantCode: cli.Usage, wantStderr: "Usage:"},
		{desc: "unknown command", args: []string{"bild"}, wantCode: cli.Usage, wantStderr: `unknown command "bild"`},
		{desc: "unknown flag", args: []string{"build", "--sauce", good}, wantCode: cli.Usage, wantStderr: "flag provided but not defined: -sauce"},
		{desc: "stray argument", args: []string{"check", "--source", good, "extra"}, wantCode: cli.Usage, wantStderr: `unexpected argument "extra"`},
		{desc: "missing source", args: []string{"check", "--source", filepath.Join(good, "nope")}, wantCode: cli.Usage, wantStderr: "is not a directory"},
		{desc: "no site", args: []string{"check", "--source", empty}, wantCode: cli.Usage, wantStderr: "kb: no kb site in " + empty + " (no kb.yaml or content/); pass --source\n"},
		{desc: "no site to build", args: []string{"build", "--source", empty}, wantCode: cli.Usage, wantStderr: "no kb site in"},
		{desc: "no site to serve", args: []string{"serve", "--source", empty}, wantCode: cli.Usage, wantStderr: "no kb site in"},
		{desc: "empty site", args: []string{"check", "--source", emptySite}, wantCode: cli.OK, wantStdout: "kb check: 0 pages, no problems"},
		{desc: "empty site builds", args: []string{"build", "--source", emptySite}, wantCode: cli.OK},
		{desc: "bad format", args: []string{"check", "--source", good, "--format", "xml"}, wantCode: cli.Usage, wantStderr: `unknown format "xml"`},
		{desc: "check ok", args: []string{"check", "--source", good}, wantCode: cli.OK, wantStdout: "no problems"},
		{desc: "check problems", args: []string{"check", "--source", bad}, wantCode: cli.Problems,
			wantStderr: "content/_index.md:4:5: unresolved reference \"missing-page\""},
		{desc: "check reports every problem", args: []string{"check", "--source", bad}, wantCode: cli.Problems,
			wantStderr: `content/a.md:3:7: unknown kind "provison" (did you mean "provision"?)`},
		{desc: "github format", args: []string{"check", "--source", bad, "--format", "github"}, wantCode: cli.Problems,
			wantStdout: `::error file=content/_index.md,line=4,col=5::unresolved reference "missing-page"`},
		{desc: "help", args: []string{"help"}, wantCode: cli.OK, wantStdout: "\n  build    build the site"},
		{desc: "a command's help is no usage error", args: []string{"check", "-h"}, wantCode: cli.OK, wantStdout: "Usage: kb check [flags]\n"},
		{desc: "search's help, not a search for -h", args: []string{"search", "--help"}, wantCode: cli.OK, wantStdout: "Usage: kb search [flags] QUERY\n"},
		{desc: "an unknown flag: the command's help after the error", args: []string{"refs", "--jsn"}, wantCode: cli.Usage,
			wantStderr: "flag provided but not defined: -jsn\nUsage: kb refs [flags]\n"},
		{desc: "bad --today", args: []string{"build", "--source", good, "--today", "2026-13-01"}, wantCode: cli.Usage,
			wantStderr: "kb: --today \"2026-13-01\" is not a date (YYYY-MM-DD)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := kb(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(stdout, tt.wantStdout) || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("kb %v = %d\nstdout: %s\nstderr: %s\nwant %d, stdout containing %q, stderr containing %q",
					tt.args, code, stdout, stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	code, stdout, _ := kb(t, "check", "--source", writeSite(t, badSite), "--format", "json")
	var got struct {
		Problems []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Col     int    `json:"col"`
			Message string `json:"message"`
			Hint    string `json:"hint"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if code != cli.Problems || len(got.Problems) != 2 || got.Problems[0].File != "content/_index.md" || got.Problems[0].Line != 4 || got.Problems[1].Hint != `did you mean "provision"?` {
		t.Errorf("kb check --format json = %d %+v", code, got)
	}
	code, stdout, _ = kb(t, "check", "--source", writeSite(t, goodSite), "--format", "json")
	if code != cli.OK || strings.TrimSpace(stdout) != "{\n  \"problems\": [],\n  \"warnings\": []\n}" {
		t.Errorf("clean site: %d %s", code, stdout)
	}
}

func TestBuildWritesSiteAndKeepsItOnFailure(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, goodSite)
	if code, _, stderr := kb(t, "build", "--source", dir); code != cli.OK {
		t.Fatalf("build: %d %s", code, stderr)
	}
	for _, name := range []string{"index.html", "a/index.html", "b/index/index.html", "404.html"} {
		if _, err := os.Stat(filepath.Join(dir, "public", name)); err != nil {
			t.Errorf("public/%s: %v", name, err)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "public", "a", "index.html"))
	if err := os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte("---\ntitle: [\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := kb(t, "build", "--source", dir)
	if code != cli.Problems || !strings.Contains(stderr, "content/a.md:2:") || !strings.Contains(stderr, "nothing was written") {
		t.Fatalf("broken build: %d %s", code, stderr)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "public", "a", "index.html"))
	if !bytes.Equal(before, after) {
		t.Error("a failed build changed public/")
	}
}

func TestRaisedLimit(t *testing.T) {
	const limit = 1200
	for _, tc := range []struct{ live, want int64 }{
		{0, limit},
		{900, limit},       // three quarters: the limit holds
		{901, 901 + 901/3}, // past it: a third above the live heap
		{3000, 4000},       // a live heap beyond the limit
	} {
		if got := raisedLimit(tc.live, limit); got != tc.want {
			t.Errorf("raisedLimit(%d, %d) = %d, want %d", tc.live, limit, got, tc.want)
		}
	}
}

func TestFollowLiveHeap(t *testing.T) {
	const limit = 1 << 20
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	live := make([]byte, 8<<20) // far past the limit
	followLiveHeap(limit)
	for range 100 {
		runtime.GC()
		time.Sleep(time.Millisecond) // the finalizer runs in a goroutine of its own
		if debug.SetMemoryLimit(-1) > limit {
			runtime.KeepAlive(live)
			return
		}
	}
	t.Errorf("the limit stayed at %d with %d bytes live", debug.SetMemoryLimit(-1), len(live))
}
