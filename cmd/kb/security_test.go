package main

import (
	"context"
	"github.com/kb-legal/kb/internal/cli"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/search"
)

// kbWithin runs kb and fails the test when it has not finished in limit:
// nothing kb reads may make it wait.
func kbWithin(t *testing.T, limit time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		var r result
		r.code, r.stdout, r.stderr = kbContext(ctx, args...)
		done <- r
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-time.After(limit):
		cancel()
		t.Fatalf("kb %v still running after %v", args, limit)
		return 0, "", ""
	}
}

// TestSourceGate: a site whose files link out of it, to a device or to a
// FIFO is reported file by file, in time, and nothing of the targets is
// published (security review F1, F2).
func TestSourceGate(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, map[string]string{
		"content/_index.md":              "---\ntitle: Home\n---\nHi\n",
		"themes/default/assets/site.css": "body{}",
		"themes/default/layouts/.keep":   "",
	})
	secret := filepath.Join(t.TempDir(), "notes.md")
	if err := os.WriteFile(secret, []byte("---\ntitle: Secret\n---\nFAKE_SECRET=hunter2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"content/leak.md":               secret,
		"content/zero.md":               "/dev/zero",
		"themes/default/assets/env.txt": "/proc/self/environ",
		"content/to-pipe.md":            "pipe.md",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "content/pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	for _, args := range [][]string{
		{"check", "--source", dir},
		{"build", "--source", dir, "--out", out, "--index", filepath.Join(t.TempDir(), "index")},
	} {
		code, _, stderr := kbWithin(t, 30*time.Second, args...)
		if code != cli.Problems {
			t.Errorf("kb %s = %d, want %d\n%s", args[0], code, cli.Problems, stderr)
		}
		for _, want := range []string{
			"content/leak.md:1:1: cannot read: a symbolic link to outside the source folder",
			"content/zero.md:1:1: cannot read: a symbolic link to outside the source folder",
			"content/pipe.md:1:1: cannot read: not a regular file",
			"content/to-pipe.md:1:1: cannot read: not a regular file",
		} {
			if !strings.Contains(stderr, want) {
				t.Errorf("kb %s: no %q in\n%s", args[0], want, stderr)
			}
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build wrote %s", out)
	}
	// Without the pages, the theme's link is what stops the build.
	for _, name := range []string{"content/leak.md", "content/zero.md", "content/to-pipe.md", "content/pipe.md"} {
		os.Remove(filepath.Join(dir, name))
	}
	code, _, stderr := kbWithin(t, 30*time.Second, "build", "--source", dir, "--out", out, "--index", filepath.Join(t.TempDir(), "index"))
	if code != cli.Problems || !strings.Contains(stderr, "themes/default/assets/env.txt:1:1: cannot read: a symbolic link to outside the source folder") {
		t.Errorf("kb build with a theme asset linked to /proc/self/environ = %d\n%s", code, stderr)
	}
}

// TestPreviewSurvivesHeadingID: "## Heading {id=5}" made goldmark panic in
// a build worker and took kb serve down (code review, issue 1). It is a
// problem at its position, and the last good site stays served.
func TestPreviewSurvivesHeadingID(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, serveSite)
	_, ts := startTestPreview(t, dir)
	eventually(t, "the first build is served", func() bool {
		code, body := fetch(t, ts.URL+"/law/rule/")
		return code == 200 && strings.Contains(body, "ORIGINAL TEXT")
	})
	ev := events(t, ts.URL)
	waitEvent(t, ev, "errors []")
	writeSource(t, dir, "content/notes/heading.md", "---\ntitle: Heading\n---\n## Heading {id=5}\n")
	e := waitEvent(t, ev, "errors [{")
	if !strings.Contains(e, `"file":"content/notes/heading.md","line":4,"col":12`) || !strings.Contains(e, "heading id 5 is not a name") {
		t.Errorf("errors event %s lacks the problem at its position", e)
	}
	if code, body := fetch(t, ts.URL+"/law/rule/"); code != 200 || !strings.Contains(body, "ORIGINAL TEXT") {
		t.Error("the last good site is not served")
	}
}

// TestEmptySiteBuilds: a site with no content panicked in Bleve's offline
// builder (code review, issue 2). It builds, with an empty index that
// kb search reads.
func TestEmptySiteBuilds(t *testing.T) {
	t.Parallel()
	for _, files := range []map[string]string{{"kb.yaml": "title: Empty\n"}, {"content/_index.md": "---\ntitle: Home\ndraft: true\n---\n"}} {
		dir := writeSite(t, files)
		out, index := filepath.Join(dir, "out"), filepath.Join(dir, "idx")
		if code, _, stderr := kb(t, "build", "--source", dir, "--out", out, "--index", index); code != cli.OK {
			t.Fatalf("kb build of %v = %d\n%s", files, code, stderr)
		}
		if code, stdout, stderr := kb(t, "search", "--index", index, "anything"); code != cli.OK {
			t.Errorf("kb search on the empty index = %d\n%s%s", code, stdout, stderr)
		}
	}
}

// TestOutputsNeverTouchSources: "kb build --source site --out
// site/content" swapped the content folder out and deleted it (security
// review F11). It is a usage error, and content/ stays.
func TestOutputsNeverTouchSources(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, goodSite)
	for _, args := range [][]string{
		{"--out", filepath.Join(dir, "content")},
		{"--index", filepath.Join(dir, "themes")},
		{"--out", filepath.Join(dir, "x"), "--index", filepath.Join(dir, "x", "index")},
	} {
		code, _, stderr := kb(t, append([]string{"build", "--source", dir}, args...)...)
		if code != cli.Usage || !strings.Contains(stderr, "a build replaces") && !strings.Contains(stderr, "overlap") {
			t.Errorf("kb build %v = %d, want %d with the reason\n%s", args, code, cli.Usage, stderr)
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, "content/a.md")); err != nil || string(data) != goodSite["content/a.md"] {
		t.Errorf("content/a.md after the refused builds: %q, %v", data, err)
	}
}

// TestServeOnLoopback: --addr 0.0.0.0:1313 was accepted without a
// word (security review F5); preview.Exposure's test covers the
// addresses. This one listens on loopback, and hears no warning.
func TestServeOnLoopback(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, goodSite)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	code, stdout, stderr := kbContext(ctx, "serve", "--source", dir, "--addr", "127.0.0.1:0")
	if code != cli.OK || !strings.Contains(stdout, "kb serve: http://127.0.0.1:") || strings.Contains(stderr, "warning") {
		t.Errorf("kb serve on loopback = %d\n%s%s", code, stdout, stderr)
	}
}

// TestSearchQueryCaps: kb search and /_kb/search refuse a query over 1 KB
// or 32 words at once: exit 2, or a 400 with the reason.
func TestSearchQueryCaps(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, goodSite)
	index := filepath.Join(dir, "idx")
	if code, _, stderr := kb(t, "build", "--source", dir, "--out", filepath.Join(dir, "out"), "--index", index); code != cli.OK {
		t.Fatalf("kb build = %d\n%s", code, stderr)
	}
	long := strings.Repeat("solicitation ", 120<<10/13)
	many := strings.Repeat("a ", 33)
	for _, q := range []string{long, many} {
		code, _, stderr := kb(t, "search", "--index", index, q)
		if code != cli.Usage || !strings.Contains(stderr, "the limit is") {
			t.Errorf("kb search with %d bytes = %d\n%.300s", len(q), code, stderr)
		}
	}
	_, ts := startTestPreview(t, dir)
	eventually(t, "the preview's search answers", func() bool {
		code, _ := fetch(t, ts.URL+"/_kb/search?q=text")
		return code == 200
	})
	for _, q := range []string{long, many} {
		code, body := fetch(t, ts.URL+"/_kb/search?q="+url.QueryEscape(q))
		if code != 400 || !strings.Contains(body, "the limit is") {
			t.Errorf("/_kb/search with %d bytes = %d %.300s", len(q), code, body)
		}
	}
}

// TestGitHubFormatInjection: a file name with ",title=…::" and line breaks
// printed workflow commands of its own under --format github (security
// review F8): spoofed annotations, add-mask, stop-commands.
func TestGitHubFormatInjection(t *testing.T) {
	t.Parallel()
	name := "content/a,title=Spoofed::fake\n::warning file=README.md,line=1::Injected annotation\n::add-mask::Hello\n::notice::x.md"
	dir := writeSite(t, map[string]string{
		"content/_index.md": "---\ntitle: Home\n---\nHi\n",
		name:                "---\ntitle: A\nkind: bogus\n---\nx\n",
	})
	code, stdout, _ := kb(t, "check", "--source", dir, "--format", "github")
	if code != cli.Problems {
		t.Fatalf("kb check = %d\n%s", code, stdout)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "::error file=content/a%2Ctitle=Spoofed%3A%3Afake%0A%3A%3Awarning") {
		t.Errorf("kb check --format github printed %d commands:\n%s", len(lines), stdout)
	}
	// The text format keeps one problem to a line as well.
	_, _, stderr := kb(t, "check", "--source", dir)
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.HasPrefix(line, "content/") && !strings.HasPrefix(line, "kb: ") {
			t.Errorf("kb check printed a line of a file name: %q", line)
		}
	}
}

// TestSearchOutputControls: titles and bodies with terminal escape
// sequences reached the terminal through kb search (security review F9):
// window title, screen clear, OSC 8 links, OSC 52 clipboard writes.
func TestSearchOutputControls(t *testing.T) {
	t.Parallel()
	title := "\x1b]0;PWNED\a\x1b[2J\x1b]8;;https://evil.example/\x1b\\x\x1b]8;;\x1b\\ Clipboard"
	dir := writeSite(t, map[string]string{
		"content/_index.md": "---\ntitle: Home\n---\nHi\n",
		"content/a.md":      "---\ntitle: \"" + strings.NewReplacer("\x1b", `\e`, "\a", `\a`, "\\", `\\`).Replace(title) + "\"\n---\nclipboard \x1b]52;c;ZXZpbA==\a text\n",
	})
	index := filepath.Join(dir, "idx")
	if code, _, stderr := kb(t, "build", "--source", dir, "--out", filepath.Join(dir, "out"), "--index", index); code != cli.OK {
		t.Fatalf("kb build = %d\n%s", code, stderr)
	}
	code, stdout, stderr := kb(t, "search", "--index", index, "clipboard")
	if code != cli.OK || !strings.Contains(stdout, "PWNED") {
		t.Fatalf("kb search = %d\n%q\n%s", code, stdout, stderr)
	}
	if strings.ContainsAny(stdout, "\x1b\a\u009b") {
		t.Errorf("kb search printed control characters: %q", stdout)
	}
}

// TestDamagedIndexIsAnError: a corrupted index crashed kb search (security
// review F10). kb build writes checksums; kb search checks them first.
func TestDamagedIndexIsAnError(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, goodSite)
	index := filepath.Join(dir, "idx")
	if code, _, stderr := kb(t, "build", "--source", dir, "--out", filepath.Join(dir, "out"), "--index", index); code != cli.OK {
		t.Fatalf("kb build = %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(index, search.ChecksumFile)); err != nil {
		t.Fatalf("kb build wrote no checksums: %v", err)
	}
	if err := os.WriteFile(filepath.Join(index, "index_meta.json"), []byte(`{"storage":"scorch","index_type":"scorch"} `), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := kb(t, "search", "--index", index, "text")
	if code != cli.Problems || !strings.Contains(stderr, "index is damaged; run kb build") {
		t.Errorf("kb search on a damaged index = %d\n%s", code, stderr)
	}
}
