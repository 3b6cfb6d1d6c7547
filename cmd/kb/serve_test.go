package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/tools/txtar"

	"github.com/kb-legal/kb/internal/bench/corpus"
	"github.com/kb-legal/kb/internal/browsertest"
	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/preview"
	"github.com/kb-legal/kb/themes"
)

// serveSite is a small site for the preview tests.
const serveSite = `
-- kb.yaml --
title: Preview site
-- content/_index.md --
---
title: Home
kind: page
---
Welcome. See [[rule]].
-- content/law/rule.md --
---
id: rule
title: "The rule"
kind: provision
cite: "PS Art. 1"
summary: "The rule."
---
{#p1} The first paragraph says ORIGINAL TEXT.

{#p2} A second paragraph.
-- content/notes/note.md --
---
id: note
title: "A note"
kind: commentary
summary: "A note citing the rule."
---
Under [[PS Art. 1(1)]] firms need a licence.
`

func writeTree(t testing.TB, dir, archive string) {
	t.Helper()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		writeSource(t, dir, f.Name, string(f.Data))
	}
}

func writeSource(t testing.TB, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startTestPreview runs kb serve's machinery on dir behind a real HTTP
// server.
func startTestPreview(t testing.TB, dir string) (*preview.Preview, *httptest.Server) {
	logger := slog.New(slog.DiscardHandler)
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return startLoggedPreview(t, dir, logger)
}

// startLoggedPreview is startTestPreview, logging to logger.
func startLoggedPreview(t testing.TB, dir string, logger *slog.Logger) (*preview.Preview, *httptest.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p, err := preview.Start(ctx, build.Options{Source: dir}, logger, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(p.Server.Handler(""))
	t.Cleanup(func() {
		cancel()
		p.Close()
		ts.Close()
	})
	return p, ts
}

func fetch(t testing.TB, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// eventually polls cond until it holds, for at most 10s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// events reads a real event stream into a channel of "name data" lines.
func events(t testing.TB, url string) <-chan string {
	t.Helper()
	res, err := http.Get(url + "/_kb/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	out := make(chan string, 256)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		name := ""
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "event: "); ok {
				name = n
			} else if d, ok := strings.CutPrefix(line, "data: "); ok {
				out <- name + " " + d
			}
		}
	}()
	return out
}

func waitEvent(t testing.TB, ch <-chan string, prefix string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatalf("stream closed waiting for %q", prefix)
			}
			if strings.HasPrefix(e, prefix) {
				return e
			}
		case <-timeout:
			t.Fatalf("no %q event within 10s", prefix)
		}
	}
}

// TestServe drives kb serve through a writer's day: edits, a new page in
// a new folder, a deletion, a broken file and its fix, all with real file
// events, a real HTTP server and a real event stream.
func TestServe(t *testing.T) {
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

	// An edit shows at its URL, and the page is told to reload.
	writeSource(t, dir, "content/law/rule.md", strings.Replace(serveSite[strings.Index(serveSite, "---\nid: rule"):strings.Index(serveSite, "-- content/notes")], "ORIGINAL TEXT", "EDITED TEXT", 1))
	// The first build's own reload event may still be on its way: the
	// edit must be served once a reload event naming the page arrives.
	for {
		e := waitEvent(t, ev, "reload ")
		if !strings.Contains(e, `"law/rule/index.html"`) {
			t.Fatalf("reload event %s lacks the edited page", e)
		}
		if _, body := fetch(t, ts.URL+"/law/rule/"); strings.Contains(body, "EDITED TEXT") {
			break
		}
	}
	var e string

	// A new page in a new folder is served; deleted, it is a 404.
	writeSource(t, dir, "content/fresh/deep/page.md", "---\ntitle: Fresh page\nkind: page\n---\nBRAND NEW, citing [[rule]].\n")
	eventually(t, "the new page is served", func() bool {
		code, body := fetch(t, ts.URL+"/fresh/deep/page/")
		return code == 200 && strings.Contains(body, "BRAND NEW")
	})
	if _, body := fetch(t, ts.URL+"/law/rule/"); !strings.Contains(body, "Fresh page") {
		t.Error("the cited page does not list its new citer")
	}
	if err := os.RemoveAll(filepath.Join(dir, "content/fresh")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deleted page is gone", func() bool {
		code, body := fetch(t, ts.URL+"/fresh/deep/page/")
		return code == 404 && strings.Contains(body, "live.js")
	})

	// A broken file leaves the last good site up and is listed until fixed.
	writeSource(t, dir, "content/notes/broken.md", "---\ntitle: [oops\n---\nbody\n")
	e = waitEvent(t, ev, "errors [{")
	if !strings.Contains(e, `"file":"content/notes/broken.md","line":2,"col":8`) {
		t.Errorf("errors event %s lacks file, line and column", e)
	}
	if _, body := fetch(t, ts.URL+"/_kb/errors"); !strings.Contains(body, "content/notes/broken.md") {
		t.Errorf("/_kb/errors = %s", body)
	}
	if code, body := fetch(t, ts.URL+"/law/rule/"); code != 200 || !strings.Contains(body, "EDITED TEXT") {
		t.Error("the last good site is not served while the build is broken")
	}
	if err := os.Remove(filepath.Join(dir, "content/notes/broken.md")); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ev, "errors []")
	if _, body := fetch(t, ts.URL+"/_kb/errors"); strings.TrimSpace(body) != "[]" {
		t.Errorf("/_kb/errors after the fix = %s", body)
	}

	// Search answers from the preview's own index.
	eventually(t, "search finds the edit", func() bool {
		_, body := fetch(t, ts.URL+"/_kb/search?q=edited")
		return strings.Contains(body, `"url":"/law/rule/"`)
	})

	// Nothing of the preview is in a built site.
	sink := build.NewMemSink()
	if _, err := build.Generate(context.Background(), os.DirFS(dir), build.Options{}, sink); err != nil {
		t.Fatal(err)
	}
	for name, data := range sink.Files {
		if strings.Contains(string(data), "/_kb/") || strings.Contains(string(data), "kb-error-overlay") {
			t.Errorf("built file %s contains preview-only code", name)
		}
	}
}

// js evaluates an expression in the page.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitJS waits until expr is truthy in the page.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		// A reload ends a poll with "target navigated": poll again.
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s (%s): %v", what, expr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeBrowser opens a page in Chromium and checks, with no manual
// reload, that an edit appears (keeping the scroll position), a stylesheet
// edit is swapped in without a reload, and a broken file shows the
// overlay until fixed.
func TestServeBrowser(t *testing.T) {
	t.Parallel()
	ctx := browsertest.Start(t, 1000, 700)
	dir := t.TempDir()
	long := strings.Repeat("Filler paragraph to make the page scroll.\n\n", 200)
	site := strings.Replace(serveSite, "{#p2} A second paragraph.", "{#p2} A second paragraph.\n\n"+long, 1)
	writeTree(t, dir, site)
	style, err := fs.ReadFile(themes.Default(), "assets/style.css")
	if err != nil {
		t.Fatal(err)
	}
	// The site's own style.css: the default's, plus a rule the test changes.
	writeSource(t, dir, "themes/default/assets/style.css", string(style)+"\nbody { outline: 0px solid red; }\n")
	_, ts := startTestPreview(t, dir)
	eventually(t, "the first build is served", func() bool {
		code, _ := fetch(t, ts.URL+"/law/rule/")
		return code == 200
	})

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/law/rule/")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the event stream opens", `document.documentElement.dataset.kbLive === "connected"`)
	// Writers get each place's reference form to copy; readers do not
	// (e2e's no-preview-code checks the published site has no live.js).
	if ref := js[string](t, ctx, `(document.querySelector("#p2 .copy-ref") || {dataset: {}}).dataset.ref || ""`); ref != "[[rule#p2]]" {
		t.Errorf("the preview's copy-[[…]] button for #p2 holds %q, want [[rule#p2]]", ref)
	}
	if y := js[float64](t, ctx, `window.scrollTo(0, 1500); window.kbMarker = "same page"; window.scrollY`); y < 1000 {
		t.Fatalf("the page did not scroll (scrollY %v)", y)
	}

	// An edit: the page reloads by itself, at the same scroll position.
	src, err := os.ReadFile(filepath.Join(dir, "content/law/rule.md"))
	if err != nil {
		t.Fatal(err)
	}
	writeSource(t, dir, "content/law/rule.md", strings.Replace(string(src), "ORIGINAL TEXT", "TEXT FROM THE EDITOR", 1))
	waitJS(t, ctx, "the edit shows", `document.body && document.body.innerText.includes("TEXT FROM THE EDITOR")`)
	if m := js[string](t, ctx, `String(window.kbMarker)`); m != "undefined" {
		t.Errorf("the page was not reloaded (marker %q)", m)
	}
	waitJS(t, ctx, "the scroll position is restored", `window.scrollY > 1000`)
	if y := js[float64](t, ctx, `window.scrollY`); y < 1400 || y > 1600 {
		t.Errorf("scroll position after the reload: %v, want about 1500", y)
	}

	// A stylesheet edit is swapped in without a reload.
	waitJS(t, ctx, "the event stream opens again", `document.documentElement.dataset.kbLive === "connected"`)
	js[string](t, ctx, `window.kbMarker = "same page"`)
	writeSource(t, dir, "themes/default/assets/style.css", string(style)+"\nbody { outline: 7px solid red; }\n")
	waitJS(t, ctx, "the new stylesheet applies", `getComputedStyle(document.body).outlineWidth === "7px"`)
	if m := js[string](t, ctx, `String(window.kbMarker)`); m != "same page" {
		t.Errorf("a stylesheet edit reloaded the page")
	}

	// The search page answers from the preview server: a preview has no
	// static index.
	eventually(t, "the preview's search index is ready", func() bool {
		code, _ := fetch(t, ts.URL+"/_kb/search?q=licence")
		return code == 200
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/search/?q=licence")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the search page lists the note", `Array.from(document.querySelectorAll("#kb-search-page-results a.search-hit")).some(a => a.getAttribute("href") === "/notes/note/")`)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/law/rule/")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the event stream opens once more", `document.documentElement.dataset.kbLive === "connected"`)

	// A broken file: the overlay names it; the fix removes it.
	writeSource(t, dir, "content/notes/broken.md", "---\ntitle: [oops\n---\nbody\n")
	waitJS(t, ctx, "the overlay shows", `document.getElementById("kb-error-overlay") !== null`)
	if overlay := js[string](t, ctx, `document.getElementById("kb-error-overlay").innerText`); !strings.Contains(overlay, "content/notes/broken.md:2:8: front matter") {
		t.Errorf("overlay = %q, want file:line:col: message", overlay)
	}
	// Grouped under its file, with the offending line and a caret at the column.
	if got := js[string](t, ctx, `document.querySelector("#kb-error-overlay .kb-problem-file").textContent + "|" + document.querySelector("#kb-error-overlay .kb-excerpt").textContent`); got != "content/notes/broken.md|2 | title: [oops\n  |        ^" {
		t.Errorf("overlay file and excerpt = %q", got)
	}
	// Dismissed, it stays away until the next failure.
	js[bool](t, ctx, `(document.querySelector("#kb-error-overlay .kb-dismiss").click(), true)`)
	waitJS(t, ctx, "the overlay is dismissed", `document.getElementById("kb-error-overlay") === null`)
	writeSource(t, dir, "content/notes/broken.md", "---\ntitle: [oops again\n---\nbody\n")
	waitJS(t, ctx, "the overlay returns on the next failure", `document.getElementById("kb-error-overlay") !== null`)
	if err := os.Remove(filepath.Join(dir, "content/notes/broken.md")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the overlay goes after the fix", `document.getElementById("kb-error-overlay") === null`)
}

// BenchmarkServeLatency measures, on the synthetic corpus, the time from
// writing a page to the new text being served at its URL and to the
// reload event reaching an open page: the writer's wait. It reports the
// medians (p50-served-ms, p50-event-ms); 10k pages run with KB_STRESS=1.
func BenchmarkServeLatency(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		if n > 1000 && os.Getenv("KB_STRESS") == "" {
			continue
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			if err := corpus.Write(dir, corpus.Options{Pages: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			file, url := corpusPage(b, dir)
			orig, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			_, ts := startTestPreview(b, dir)
			client := &http.Client{Timeout: 10 * time.Second}
			eventually(b, "the first build is served", func() bool {
				code, _ := fetch(b, ts.URL+url)
				return code == 200
			})
			// Indexing runs in the background; let it finish first so it
			// does not compete for the CPU with the rebuilds measured.
			for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
				if code, _ := fetch(b, ts.URL+"/_kb/search?q=article"); code == 200 {
					break
				}
				if time.Now().After(deadline) {
					b.Fatal("the search index is not built within 5 minutes")
				}
			}
			ev := events(b, ts.URL)
			waitEvent(b, ev, "errors")
			want := `"` + strings.TrimPrefix(url, "/") + `index.html"`
			var served, evented []time.Duration
			i := 0
			for b.Loop() {
				i++
				token := fmt.Sprintf("LATENCY-TOKEN-%d", i)
				start := time.Now()
				if err := os.WriteFile(file, fmt.Appendf(bytes.Clone(orig), "\n%s\n", token), 0o644); err != nil {
					b.Fatal(err)
				}
				got := make(chan time.Duration, 1)
				go func() {
					for {
						if e := waitEvent(b, ev, "reload "); strings.Contains(e, want) {
							got <- time.Since(start)
							return
						}
					}
				}()
				for {
					res, err := client.Get(ts.URL + url)
					if err != nil {
						b.Fatal(err)
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if bytes.Contains(body, []byte(token)) {
						served = append(served, time.Since(start))
						break
					}
					time.Sleep(time.Millisecond)
				}
				evented = append(evented, <-got)
			}
			b.ReportMetric(median(served), "p50-served-ms")
			b.ReportMetric(median(evented), "p50-event-ms")
		})
	}
}

// corpusPage picks a content page of the corpus: its file and URL.
func corpusPage(b *testing.B, dir string) (file, url string) {
	content := filepath.Join(dir, "content")
	_ = filepath.WalkDir(content, func(p string, d os.DirEntry, err error) error {
		if file == "" && err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && filepath.Base(p) != "_index.md" {
			file = p
		}
		return err
	})
	if file == "" {
		b.Fatal("the corpus has no page")
	}
	rel, _ := filepath.Rel(content, file)
	return file, "/" + strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
}

func median(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2]) / float64(time.Millisecond)
}

// countingHandler counts log records by message.
type countingHandler struct {
	mu     sync.Mutex
	counts map[string]int
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts[r.Message]++
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

func (h *countingHandler) count(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[msg]
}

// TestServeUnchangedRebuild saves a page without changing it: the rebuild
// changes no file, so no open page reloads and the search index is not
// built again.
func TestServeUnchangedRebuild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, serveSite)
	h := &countingHandler{counts: map[string]int{}}
	_, ts := startLoggedPreview(t, dir, slog.New(h))
	eventually(t, "the first build is indexed", func() bool { return h.count("search indexed") == 1 })
	ev := events(t, ts.URL)
	waitEvent(t, ev, "errors []")
	quiet := func(d time.Duration) []string {
		var got []string
		for end := time.After(d); ; {
			select {
			case e := <-ev:
				got = append(got, e)
			case <-end:
				return got
			}
		}
	}
	quiet(300 * time.Millisecond) // the first build's own events

	data, err := os.ReadFile(filepath.Join(dir, "content/law/rule.md"))
	if err != nil {
		t.Fatal(err)
	}
	writeSource(t, dir, "content/law/rule.md", string(data))
	eventually(t, "the save is rebuilt", func() bool { return h.count("rebuilt") == 2 })
	for _, e := range quiet(300 * time.Millisecond) {
		if strings.HasPrefix(e, "reload") || strings.HasPrefix(e, "css") {
			t.Errorf("a rebuild that changed nothing sent %q", e)
		}
	}
	if n := h.count("search indexed"); n != 1 {
		t.Errorf("the search index was built %d times, want once", n)
	}
}
