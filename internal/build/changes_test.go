package build

import (
	"fmt"
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
		`<summary>Changes: 2 · latest <time datetime="2026-06-23">2026-06-23</time>, Added paragraph 2 on the June statement</summary>`,
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
