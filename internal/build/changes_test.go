package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// notesSite has change notes on two pages, one of them on a paragraph.
func notesSite(extra string) fstest.MapFS {
	return fstest.MapFS{
		"kb.yaml":           {Data: []byte("title: Notes\nbase_url: https://kb.example/\n")},
		"content/_index.md": {Data: []byte("---\ntitle: Home\n---\nStart at [[law-a]].\n")},
		"content/law/a.md": {Data: []byte(`---
title: Article A
kind: provision
cite: NS Art. A
as_of: 2026-06-23
changes:
  - date: 2026-03-01
    note: First version of paragraph 1
  - date: 2026-06-23
    note: Added paragraph 2 on the June statement
    anchor: p2
---
{#p1} A rule.

{#p2} Another rule.
`)},
		"content/law/b.md": {Data: []byte("---\ntitle: Article B\nkind: provision\nchanges:\n  - {date: 2026-05-10, note: Rewrote the scope" + extra + "}\n---\nSee [[NS Art. A(1)]].\n")},
	}
}

func TestChangeNotes(t *testing.T) {
	t.Parallel()
	res, sink := generateMem(t, notesSite(""), Options{Today: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	order := func(file string, wants ...string) {
		t.Helper()
		text, last := string(sink.Files[file]), -1
		for _, w := range wants {
			at := strings.Index(text, w)
			if at < 0 {
				t.Errorf("%s lacks %q", file, w)
				return
			}
			if at < last {
				t.Errorf("%s: %q comes before what precedes it in %q", file, w, wants)
			}
			last = at
		}
	}
	// Newest first, each linked to the section that changed.
	order("whats-new/index.html",
		`<time datetime="2026-06-23">2026-06-23</time> <a href="/law/a/#p2">Article A › NS Art. A(2)</a>`,
		`<time datetime="2026-05-10">2026-05-10</time> <a href="/law/b/">Article B</a>`,
		`<time datetime="2026-03-01">2026-03-01</time> <a href="/law/a/">Article A</a>`)
	order("law/a/index.html",
		`<summary>2 changes, latest <time datetime="2026-06-23">2026-06-23</time>: Added paragraph 2 on the June statement</summary>`,
		`2026-06-23</time> Added paragraph 2 on the June statement — <a href="/law/a/#p2">NS Art. A(2)</a></li>`,
		`2026-03-01</time> First version of paragraph 1</li>`)
	order("index.html", `<h2 id="kb-recent">What's new</h2>`, `2026-06-23`, `2026-05-10`, `2026-03-01`, `href="/whats-new/">Every change</a>`)
	order("law/b/index.html", `<a href="/whats-new/">What's new</a> · <a href="/atom.xml">Feed</a>`)
	order("atom.xml",
		"<title>Article A: Added paragraph 2 on the June statement</title>\n    <id>https://kb.example/law/a/#change-2026-06-23-",
		`<link href="https://kb.example/law/a/#p2"></link>`+"\n    <updated>2026-06-23T00:00:00Z</updated>",
		"<title>Article B: Rewrote the scope</title>",
		"<title>Article A: First version of paragraph 1</title>")
	if !strings.Contains(string(sink.Files["sitemap.xml"]), "<loc>https://kb.example/whats-new/</loc>") {
		t.Error("the sitemap does not list What's new")
	}
}

func TestChangeNoteProblems(t *testing.T) {
	t.Parallel()
	site := notesSite(", anchor: p3")
	res, _ := generateMem(t, site, Options{Today: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	got := fmt.Sprint(res.Problems)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`content/law/a.md:9:11: change date 2026-06-23 is in the future \(today is 2026-06-01\)`),
		regexp.MustCompile(`content/law/b.md:5:57: change anchor "p3" is no place on this page`),
	} {
		if !want.MatchString(got) {
			t.Errorf("problems lack %s:\n%s", want, got)
		}
	}
}

// TestReviewBanner: the preview (Options.Review) shows a page due for
// review a banner, a build does not, and the Builder's output equals a
// full build's when a cited source's date makes a page due.
func TestReviewBanner(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, "kb.yaml", "title: Review\nreview: {every: 180d}\n")
	write(t, dir, "content/law/a.md", "---\ntitle: A\nkind: provision\nas_of: 2026-01-01\n---\nA rule [@src, p. 1].\n")
	write(t, dir, "content/sources/src.md", "---\ntitle: The statement\nkind: source\npublisher: ESMA\npublished: 2025-06-23\nurl: https://esma.example/s\nreliability: secondary\n---\nA statement.\n")
	fsys := os.DirFS(dir)
	opts := Options{Review: true, Today: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	b := NewBuilder(fsys, opts)
	check := func(step, want string) {
		t.Helper()
		got, err := b.Build(context.Background())
		if err != nil || len(got.Problems) > 0 {
			t.Fatal(err, got.Problems)
		}
		full := NewMemSink()
		if _, err := Generate(context.Background(), fsys, opts, full); err != nil {
			t.Fatal(err)
		}
		page := string(got.Output["law/a/index.html"])
		if !bytes.Equal(got.Output["law/a/index.html"], full.Files["law/a/index.html"]) {
			t.Fatalf("%s: the Builder's page differs from a full build:\n%s", step, firstDiff(got.Output["law/a/index.html"], full.Files["law/a/index.html"]))
		}
		if want == "" && strings.Contains(page, "review-banner") || want != "" && !strings.Contains(page, want) {
			t.Errorf("%s: banner %q expected, page:\n%s", step, want, page)
		}
	}
	check("current", "")
	write(t, dir, "content/sources/src.md", "---\ntitle: The statement\nkind: source\npublisher: ESMA\npublished: 2026-02-10\nurl: https://esma.example/s\nreliability: secondary\n---\nA statement.\n")
	check("a newer source", "<li>cites [@src] (The statement), published 2026-02-10, after the page&#39;s as_of 2026-01-01")
	res, sink := generateMem(t, fsys, Options{Today: opts.Today})
	if len(res.Problems) > 0 || bytes.Contains(sink.Files["law/a/index.html"], []byte("review-banner")) {
		t.Errorf("a build (not the preview) shows the review banner, or failed: %v", res.Problems)
	}
}
