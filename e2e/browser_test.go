package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/kb-legal/kb/internal/browsertest"
)

// actionTimeout bounds every browser step; a page of this site is ready in
// well under a second.
const actionTimeout = 20 * time.Second

// tab is a browser tab that records everything that went wrong in it:
// console errors, uncaught exceptions, failed requests and HTTP errors.
// The test fails at its end if anything did.
type tab struct {
	ctx context.Context

	mu       sync.Mutex
	urls     map[network.RequestID]string
	problems []string
	expect   string // a URL whose 404 status is the point of the check
}

// openTab opens a tab with a 1280×900 viewport in a browser context of its
// own, so that one check's stored theme choice cannot leak into another.
func openTab(t *testing.T, browser context.Context) *tab {
	t.Helper()
	tb := &tab{urls: map[network.RequestID]string{}}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	tb.ctx = ctx
	if err := chromedp.Do(ctx); err != nil { // opens the tab, bound to ctx
		t.Fatalf("opening a tab: %v", err)
	}
	tb.do(t, chromedp.EmulateViewport(1280, 900))
	t.Cleanup(func() {
		if p := tb.takeProblems(); len(p) > 0 {
			t.Errorf("the browser reported:\n  %s", strings.Join(p, "\n  "))
		}
	})
	return tb
}

func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		tb.urls[ev.RequestID] = ev.Request.URL
	case *network.EventLoadingFailed:
		if !ev.Canceled {
			tb.problems = append(tb.problems, fmt.Sprintf("request failed: %s: %s", tb.urls[ev.RequestID], ev.ErrorText))
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 && ev.Response.URL != tb.expect {
			tb.problems = append(tb.problems, fmt.Sprintf("HTTP %d for %s", ev.Response.Status, ev.Response.URL))
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			tb.problems = append(tb.problems, "console."+string(ev.Type)+": "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError && ev.Entry.URL != tb.expect {
			tb.problems = append(tb.problems, fmt.Sprintf("console (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

func (tb *tab) takeProblems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	return p
}

// do runs actions in the tab, failing the test on error.
func (tb *tab) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// goTo loads a URL and waits for its load event and a moment for
// deferred scripts' work.
func (tb *tab) goTo(t *testing.T, url string) {
	t.Helper()
	tb.do(t, chromedp.Navigate(url), chromedp.Sleep(50*time.Millisecond))
}

// eval evaluates a JavaScript expression in the tab (awaiting a promise).
func eval[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v", expr, err)
	}
	return v
}

// waitFor evaluates a JavaScript condition until it is truthy or the
// timeout passes; it reports whether it became true. It keeps trying
// across navigations, which end a single evaluation.
func waitFor(tb *tab, expr string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(tb.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// emulateMedia sets the emulated media type ("print", "screen" or "") and
// the reader's colour scheme ("dark", "light" or "").
func (tb *tab) emulateMedia(t *testing.T, media, scheme string) {
	t.Helper()
	params := emulation.SetEmulatedMediaParams{Media: media, Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, params); err != nil {
		t.Fatal(err)
	}
}

// testBrowser runs the checks that need a real browser, in parallel tabs
// of one chromium.
func testBrowser(t *testing.T, s *published) {
	browser := browsertest.Start(t, 1280, 900)
	t.Run("pages-load-cleanly", func(t *testing.T) { t.Parallel(); testPagesLoad(t, s, browser) })
	t.Run("search-page", func(t *testing.T) { t.Parallel(); testSearchPage(t, s, browser) })
	t.Run("search-box", func(t *testing.T) { t.Parallel(); testSearchBox(t, s, browser) })
	t.Run("citation-lands-on-paragraph", func(t *testing.T) { t.Parallel(); testCitation(t, s, browser) })
	t.Run("preview", func(t *testing.T) { t.Parallel(); testPreview(t, s, browser) })
	t.Run("copy-citation", func(t *testing.T) { t.Parallel(); testCopyCitation(t, s, browser) })
	t.Run("copy-citation-on-touch", func(t *testing.T) { t.Parallel(); testCopyOnTouch(t, s, browser) })
	t.Run("cited-by-counts", func(t *testing.T) { t.Parallel(); testCitedByCounts(t, s, browser) })
	t.Run("print-citations", func(t *testing.T) { t.Parallel(); testPrintCitations(t, s, browser) })
	t.Run("dark-mode", func(t *testing.T) { t.Parallel(); testDarkMode(t, s, browser) })
	t.Run("print", func(t *testing.T) { t.Parallel(); testPrint(t, s, browser) })
	t.Run("not-found", func(t *testing.T) { t.Parallel(); testNotFound(t, s, browser) })
	t.Run("accessibility", func(t *testing.T) { t.Parallel(); testAccessibility(t, s, browser) })
	t.Run("context-in-view", func(t *testing.T) { t.Parallel(); testContextInView(t, s, browser) })
	t.Run("tab-stops", func(t *testing.T) { t.Parallel(); testTabStops(t, s, browser) })
	t.Run("preview-placement", func(t *testing.T) { t.Parallel(); testPreviewPlacement(t, s, browser) })
	t.Run("theme-state", func(t *testing.T) { t.Parallel(); testThemeState(t, s, browser) })
	t.Run("search-landmarks", func(t *testing.T) { t.Parallel(); testSearchLandmarks(t, s, browser) })
	t.Run("matrix", func(t *testing.T) { t.Parallel(); testMatrix(t, s, browser) })
	t.Run("contents-follow", func(t *testing.T) { t.Parallel(); testContentsFollow(t, s, browser) })
	t.Run("faded-contrast", func(t *testing.T) { t.Parallel(); testFadedContrast(t, s, browser) })
}

// testPagesLoad opens every page of the site and fails on any console
// error or failed request, four tabs at a time.
func testPagesLoad(t *testing.T, s *published, browser context.Context) {
	pages := make(chan string)
	var wg sync.WaitGroup
	for range 4 {
		tb := openTab(t, browser)
		wg.Go(func() {
			for file := range pages {
				ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
				err := chromedp.Do(ctx, chromedp.Navigate(s.origin+pagePath(file)), chromedp.Sleep(50*time.Millisecond))
				if err == nil && s.redirects(file) {
					err = waitLeft(ctx, pagePath(file))
				}
				cancel()
				if err != nil {
					t.Errorf("%s: %v", file, err)
				}
				if p := tb.takeProblems(); len(p) > 0 {
					t.Errorf("%s:\n  %s", pagePath(file), strings.Join(p, "\n  "))
				}
			}
		})
	}
	n := 0
	for _, file := range s.htmlFiles() {
		if file != "404.html" {
			pages <- file
			n++
		}
	}
	close(pages)
	wg.Wait()
	t.Logf("%d pages loaded", n)
}

// influencers is the page a search for "influencer" must find.
const influencers = basePath + "scenarios/influencers/"

// testSearchPage opens /search/?q=influencer: the results must link to the
// influencer scenario, and the link must lead there.
func testSearchPage(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url("search/?q=influencer"))
	hit := `#kb-search-page-results a[href^="` + influencers + `"]`
	if !waitFor(tb, `document.querySelector('`+hit+`')`, 10*time.Second) {
		t.Fatalf("/search/?q=influencer shows no link to %s within 10s; the results read: %q",
			influencers, eval[string](t, tb, `(document.getElementById("kb-search-page-results") || {}).innerText || ""`))
	}
	tb.do(t, chromedp.Click(chromedp.CSS(hit)))
	if !waitFor(tb, `location.pathname === "`+influencers+`"`, 5*time.Second) {
		t.Errorf("following the result went to %s, want %s", eval[string](t, tb, "location.href"), influencers)
	}
}

// testSearchBox types into the header's search box after pressing "/":
// results appear as you type and link to the influencer scenario.
func testSearchBox(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url("provisions/art-61/"))
	tb.do(t, chromedp.KeyEvent("/"))
	if id := eval[string](t, tb, `document.activeElement.id`); id != "kb-q" {
		t.Fatalf(`pressing "/" focused #%s, want the search box #kb-q`, id)
	}
	tb.do(t, chromedp.KeyEvent("influencer"))
	hit := `#kb-search-results a[href^="` + influencers + `"]`
	if !waitFor(tb, `(a => a && a.offsetParent !== null)(document.querySelector('`+hit+`'))`, 10*time.Second) {
		t.Fatalf("typing \"influencer\" in the search box shows no visible link to %s within 10s; the box reads: %q",
			influencers, eval[string](t, tb, `(document.getElementById("kb-search-results") || {}).innerText || ""`))
	}
}

// testCitation follows a citation from a scenario to a provision's
// paragraph: the paragraph must be in view after the click.
func testCitation(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url("scenarios/influencers/"))
	href := eval[string](t, tb, `(() => {
		const a = [...document.querySelectorAll("main .content a.xref[href*='#']")]
			.find(a => new URL(a.href).pathname !== location.pathname);
		if (!a) return "";
		a.dataset.e2e = "citation";
		return a.href;
	})()`)
	if href == "" {
		t.Fatal("the influencer scenario has no citation of another page's paragraph (a.xref with a #fragment)")
	}
	tb.do(t, chromedp.Click(chromedp.CSS(`a[data-e2e=citation]`)))
	if !waitFor(tb, `location.href === "`+href+`" && document.readyState === "complete"`, 5*time.Second) {
		t.Fatalf("clicking the citation went to %s, want %s", eval[string](t, tb, "location.href"), href)
	}
	where := eval[string](t, tb, `(() => {
		const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
		if (!el) return "no element has the id " + location.hash;
		const r = el.getBoundingClientRect();
		return r.top >= 0 && r.top < innerHeight && r.height > 0 ? "" :
			"its top is at " + Math.round(r.top) + "px of a " + innerHeight + "px viewport";
	})()`)
	if where != "" {
		t.Errorf("after following %s the cited paragraph is not in view: %s", href, where)
	}
}

// testPreview checks that focusing and hovering a cross-reference shows
// its preview, and Escape hides it.
func testPreview(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url("scenarios/influencers/"))
	const preview = `(p => p && p.offsetParent !== null && p.textContent.trim() !== "")(document.querySelector(".preview"))`

	tb.do(t, chromedp.Focus(chromedp.CSS("main .content a.xref")))
	if !waitFor(tb, preview, 2*time.Second) {
		t.Fatal("focusing a cross-reference shows no .preview")
	}
	title := eval[string](t, tb, `document.querySelector("main .content a.xref").dataset.title`)
	if text := eval[string](t, tb, `document.querySelector(".preview").textContent`); !strings.Contains(text, title) {
		t.Errorf("the preview reads %q, want the target's title %q", text, title)
	}
	tb.do(t, chromedp.KeyEvent("\x1b"))
	if !waitFor(tb, `!document.querySelector(".preview")`, 2*time.Second) {
		t.Error("Escape does not hide the preview")
	}

	// A source note previews its source: title, pinpoint, publisher, date.
	tb.do(t, chromedp.Focus(chromedp.CSS("main .content .source-note a")))
	if !waitFor(tb, preview, 2*time.Second) {
		t.Fatal("focusing a source note shows no .preview")
	}
	source := eval[string](t, tb, `document.querySelector("main .content .source-note a").dataset.title`)
	if text := eval[string](t, tb, `document.querySelector(".preview").textContent`); source == "" || !strings.Contains(text, source) {
		t.Errorf("the note's preview reads %q, want its source's title %q", text, source)
	}
	tb.do(t, chromedp.KeyEvent("\x1b"))

	// Hover: move the mouse to the middle of the last cross-reference.
	xy := eval[[]float64](t, tb, `(() => {
		const links = document.querySelectorAll("main .content a.xref");
		const a = links[links.length - 1];
		a.scrollIntoView({block: "center"});
		const r = a.getClientRects()[0];
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`)
	tb.do(t, chromedp.MouseEvent(chromedp.MouseMoved, xy[0], xy[1]))
	if !waitFor(tb, preview, 2*time.Second) {
		t.Fatal("hovering a cross-reference shows no .preview")
	}
}

// luminance returns the relative luminance (0 black … 1 white) of a CSS
// rgb()/rgba() colour.
func luminance(t *testing.T, css string) float64 {
	t.Helper()
	inner := css[strings.Index(css, "(")+1 : strings.LastIndex(css, ")")]
	parts := strings.FieldsFunc(inner, func(r rune) bool { return r == ',' || r == ' ' || r == '/' })
	if len(parts) < 3 {
		t.Fatalf("unexpected colour %q", css)
	}
	var lin [3]float64
	for i := range 3 {
		v, err := strconv.ParseFloat(parts[i], 64)
		if err != nil {
			t.Fatalf("unexpected colour %q", css)
		}
		v /= 255
		if v <= 0.04045 {
			lin[i] = v / 12.92
		} else {
			lin[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*lin[0] + 0.7152*lin[1] + 0.0722*lin[2]
}

// testDarkMode checks the colours follow the reader's system setting and
// the toggle.
func testDarkMode(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url(""))
	const bg = `getComputedStyle(document.body).backgroundColor`
	const fg = `getComputedStyle(document.body).color`
	if l := luminance(t, eval[string](t, tb, bg)); l < 0.8 {
		t.Errorf("light scheme: page background luminance %.2f, want a light page", l)
	}
	tb.emulateMedia(t, "", "dark")
	if l := luminance(t, eval[string](t, tb, bg)); l > 0.05 {
		t.Errorf("prefers-color-scheme: dark: page background luminance %.2f, want a dark page", l)
	}
	if l := luminance(t, eval[string](t, tb, fg)); l < 0.6 {
		t.Errorf("prefers-color-scheme: dark: text luminance %.2f, want light text", l)
	}
	tb.do(t, chromedp.Click(chromedp.CSS(".theme-toggle")))
	if l := luminance(t, eval[string](t, tb, bg)); l < 0.8 {
		t.Errorf("dark system setting, toggled to light: background luminance %.2f, want a light page", l)
	}
	tb.goTo(t, s.url("provisions/"))
	if l := luminance(t, eval[string](t, tb, bg)); l < 0.8 {
		t.Errorf("the toggle's choice is not kept on the next page: background luminance %.2f", l)
	}
	tb.do(t, chromedp.Click(chromedp.CSS(".theme-toggle")))
	if l := luminance(t, eval[string](t, tb, bg)); l > 0.05 {
		t.Errorf("toggled back to dark: background luminance %.2f, want a dark page", l)
	}
}

// testPrint checks the print stylesheet applies under print media, and
// writes a provision as printed (PNG and PDF) for people to look at.
func testPrint(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url("provisions/art-61/"))
	const header = `getComputedStyle(document.querySelector(".site-header")).display`
	if d := eval[string](t, tb, header); d == "none" {
		t.Fatal("the site header is hidden on screen")
	}
	tb.emulateMedia(t, "print", "")
	if d := eval[string](t, tb, header); d != "none" {
		t.Errorf("print media: the site header's display is %q, want none", d)
	}
	if l := luminance(t, eval[string](t, tb, `getComputedStyle(document.body).backgroundColor`)); l < 0.99 {
		t.Errorf("print media: background luminance %.2f, want white paper", l)
	}
	// Printing from a dark screen: still dark ink on white paper.
	tb.emulateMedia(t, "print", "dark")
	if l := luminance(t, eval[string](t, tb, `getComputedStyle(document.body).backgroundColor`)); l < 0.99 {
		t.Errorf("print media, dark scheme: background luminance %.2f, want white paper", l)
	}
	if l := luminance(t, eval[string](t, tb, `getComputedStyle(document.querySelector(".summary")).color`)); l > 0.1 {
		t.Errorf("print media, dark scheme: the summary's ink has luminance %.2f, want dark ink", l)
	}
	writeArtifact(t, "provision-print.png", screenshot(t, tb))
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatal(err)
	}
	writeArtifact(t, "provision-print.pdf", pdf)
}

// testNotFound opens a missing page deep under the sub-path: the host
// answers with 404.html, whose styles and scripts must still load.
func testNotFound(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.expect = s.url("no/such/page/")
	tb.goTo(t, tb.expect)
	if h := eval[string](t, tb, `document.querySelector("h1").textContent`); h != "Page not found" {
		t.Errorf("a missing page shows %q, want the 404 page", h)
	}
	if f := eval[string](t, tb, `getComputedStyle(document.body).fontFamily`); !strings.Contains(f, "Charter") {
		t.Errorf("the 404 page at a deep URL is unstyled (font %q)", f)
	}
}

// writeArtifact writes a file for people to look at into KB_SCREENSHOTS
// (default e2e/screenshots/), which CI keeps.
func writeArtifact(t *testing.T, name string, data []byte) {
	t.Helper()
	dir := os.Getenv("KB_SCREENSHOTS")
	if dir == "" {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitLeft waits until the tab has left the page at path: a moved page's
// old address goes on to the new one by itself, and the next navigation
// in the tab, started before it has, is aborted (net::ERR_ABORTED).
func waitLeft(ctx context.Context, path string) error {
	for {
		if at, err := chromedp.Run(ctx, chromedp.Evaluate[string]("location.pathname")); err == nil && at != path {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still at %s: %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
