package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// screen is a window a reader uses: a wide desktop, a laptop, a phone.
type screen struct {
	name          string
	width, height int64
	phone         bool // a touch screen, emulated as a phone
}

var screens = []screen{
	{"1920", 1920, 1080, false},
	{"1280", 1280, 900, false},
	{"390", 390, 844, true},
}

// emulate sets the tab's window to the screen's.
func (tb *tab) emulate(t *testing.T, sc screen) {
	t.Helper()
	if sc.phone {
		tb.do(t, chromedp.EmulateViewport(sc.width, sc.height, chromedp.EmulateMobile, chromedp.EmulateTouch))
		return
	}
	tb.do(t, chromedp.EmulateViewport(sc.width, sc.height))
}

// viewShot is a screenshot of what the window shows (a full-page
// screenshot would not show what is sticky).
func viewShot(t *testing.T, tb *tab) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	return png
}

// inView is a JavaScript function: "" when the element's box lies inside
// the window, else where it lies.
const inView = `(el => {
	if (!el) return "missing";
	const r = el.getBoundingClientRect();
	if (r.width === 0 || r.height === 0) return "not shown";
	const w = document.documentElement.clientWidth, h = innerHeight;
	return r.left >= 0 && r.top >= 0 && r.right <= w + 0.5 && r.bottom <= h + 0.5 ? "" :
		"at " + [r.left, r.top, r.right, r.bottom].map(Math.round).join(",") + " in a " + w + "×" + h + " window";
})`

// testContextInView lands on a pinpoint, as a citation does, at each
// screen size: the bar names the page and the paragraph, the paragraph is
// not under it, and the contents mark the paragraph's section, in a
// column beside the text on wide screens and behind a button on phones.
func testContextInView(t *testing.T, s *published, browser context.Context) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, browser)
			tb.emulate(t, sc)
			tb.goTo(t, s.url("provisions/art-61/#p2"))
			if !waitFor(tb, `(b => b && !b.hidden)(document.querySelector(".page-bar"))`, 3*time.Second) {
				t.Fatal("after landing on #p2 no .page-bar is shown")
			}
			title := eval[string](t, tb, `document.querySelector("main h1").textContent`)
			if got := eval[string](t, tb, `document.querySelector(".page-bar-title").textContent`); got != title {
				t.Errorf("the bar names the page %q, want its title %q", got, title)
			}
			if where := eval[string](t, tb, inView+`(document.querySelector(".page-bar-title span"))`); where != "" {
				t.Errorf("the page's title in the bar is not in view: %s", where)
			}
			if got := eval[string](t, tb, `document.querySelector(".page-bar-place").textContent`); got != "In view: 2" {
				t.Errorf("the bar names the place %q, want the margin's label of #p2 (\"In view: 2\")", got)
			}
			if gap := eval[float64](t, tb, `document.getElementById("p2").getBoundingClientRect().top - document.querySelector(".page-bar").getBoundingClientRect().bottom`); gap < 0 {
				t.Errorf("paragraph 2's heading is %.0f px under the bar", -gap)
			}
			if where := eval[string](t, tb, inView+`(document.getElementById("p2"))`); where != "" {
				t.Errorf("paragraph 2's heading is not in view: %s", where)
			}
			if got := eval[string](t, tb, `(a => a ? a.getAttribute("href") : "none")(document.querySelector(".toc a[aria-current]"))`); got != "#p2" {
				t.Errorf("the contents mark %s as the section in view, want #p2", got)
			}
			writeArtifact(t, "context-"+sc.name+".png", viewShot(t, tb))
			if sc.phone {
				testFoldedContents(t, tb)
			} else if where := eval[string](t, tb, inView+`(document.querySelector(".toc a[aria-current]"))`); where != "" {
				t.Errorf("the contents column's marked line is not in view: %s", where)
			}

			// Scrolling on to paragraph 3 moves both marks.
			eval[chromedp.Void](t, tb, `document.getElementById("p3").scrollIntoView()`)
			if !waitFor(tb, `document.querySelector(".page-bar-place").textContent === "In view: 3" && document.querySelector(".toc a[aria-current]").getAttribute("href") === "#p3"`, 2*time.Second) {
				t.Errorf("scrolled to paragraph 3, the bar reads %q and the contents mark %q",
					eval[string](t, tb, `document.querySelector(".page-bar").textContent`),
					eval[string](t, tb, `(a => a ? a.getAttribute("href") : "none")(document.querySelector(".toc a[aria-current]"))`))
			}
			// Back at the top, the title is the page's own: no bar.
			eval[chromedp.Void](t, tb, `window.scrollTo(0, 0)`)
			if !waitFor(tb, `document.querySelector(".page-bar").hidden`, 2*time.Second) {
				t.Error("at the top of the page, the bar is still shown")
			}
			if !waitFor(tb, `!document.querySelector(".toc a[aria-current]")`, 2*time.Second) {
				t.Errorf("at the top of the page, above its first section, the contents still mark one: %s",
					eval[string](t, tb, `(a => "scrollY " + scrollY + ", marked " + (a && a.getAttribute("href")) +
						", first section's top " + Math.round(document.getElementById(document.querySelector(".toc a").getAttribute("href").slice(1)).getBoundingClientRect().top) +
						" (the line: " + Math.round(innerHeight * 0.15) + ")")(document.querySelector(".toc a[aria-current]"))`))
			}
			// Printed, nothing sticks.
			eval[chromedp.Void](t, tb, `document.getElementById("p2").scrollIntoView()`)
			if !waitFor(tb, `!document.querySelector(".page-bar").hidden`, 2*time.Second) {
				t.Error("back at paragraph 2, the bar is not shown")
			}
			tb.emulateMedia(t, "print", "")
			for _, sel := range []string{".page-bar", ".toc"} {
				if d := eval[string](t, tb, `getComputedStyle(document.querySelector("`+sel+`")).display`); d != "none" {
					t.Errorf("print media: %s has display %q, want none", sel, d)
				}
			}
		})
	}
	t.Run("no-script", func(t *testing.T) {
		t.Parallel()
		tb := openTab(t, browser)
		ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
		defer cancel()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		for _, sc := range []screen{screens[1], screens[2]} {
			tb.emulate(t, sc)
			tb.goTo(t, s.url("provisions/art-61/"))
			if n := eval[int](t, tb, `[...document.querySelectorAll(".toc a")].filter(a => a.getClientRects().length).length`); n < 10 {
				t.Errorf("%s px without a script: %d contents links are shown, want the whole list", sc.name, n)
			}
		}
	})
}

// testFoldedContents checks the phone's contents: folded behind a button
// that opens them from the keyboard.
func testFoldedContents(t *testing.T, tb *tab) {
	t.Helper()
	const button = `document.querySelector(".toc-toggle")`
	if got := eval[string](t, tb, `(b => b ? b.getAttribute("aria-expanded") : "no button")(`+button+`)`); got != "false" {
		t.Fatalf("on a phone the contents button's aria-expanded is %q, want \"false\"", got)
	}
	if shown := eval[bool](t, tb, `!!document.querySelector(".toc ol").getClientRects().length`); shown {
		t.Error("on a phone the contents list is shown before the button is pressed")
	}
	eval[chromedp.Void](t, tb, button+`.focus()`)
	tb.do(t, chromedp.KeyEvent("\r"))
	if got := eval[string](t, tb, button+`.getAttribute("aria-expanded")`); got != "true" {
		t.Errorf("Enter on the contents button: aria-expanded is %q, want \"true\"", got)
	}
	small := eval[[]string](t, tb, `[...document.querySelectorAll(".toc a")].filter(a => {
		const r = a.getBoundingClientRect(); return r.height < 24;
	}).map(a => a.textContent)`)
	if len(small) > 0 {
		t.Errorf("contents links lower than 24 px: %q", small)
	}
	tb.do(t, chromedp.KeyEvent("\r"))
	if got := eval[string](t, tb, button+`.getAttribute("aria-expanded")`); got != "false" {
		t.Errorf("Enter again: aria-expanded is %q, want \"false\"", got)
	}
}

// tabStopsBefore is how many presses of Tab it took, from the top of
// Art. 61 at 1280 px, to reach paragraph 2's "copy citation" before each
// pin became one tab stop (measured on 98f0074); it took 77 after. The
// pins before it account for 14 of the difference: the test wants at
// least tabStopsSaved fewer, leaving room for a link or two more above.
const (
	tabStopsBefore = 91
	tabStopsSaved  = 10
)

// tabsTo presses Tab from the top of the page until the element sel has
// the focus and returns how many presses it took, or -1 after limit.
func tabsTo(t *testing.T, tb *tab, sel string, limit int) int {
	t.Helper()
	for n := 1; n <= limit; n++ {
		tb.do(t, chromedp.KeyEvent("\t"))
		if eval[bool](t, tb, `document.activeElement === document.querySelector(`+jsString(sel)+`)`) {
			return n
		}
	}
	return -1
}

// testTabStops: each pin is one tab stop, a toolbar the arrow keys move
// within, so Tab reaches paragraph 2's copy button sooner than before.
func testTabStops(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url("provisions/art-61/"))
	const copy = "#p2 .copy-cite"
	n := tabsTo(t, tb, copy, 2*tabStopsBefore)
	t.Logf("Tab presses from the top of Art. 61 to paragraph 2's copy button: %d (before: %d)", n, tabStopsBefore)
	if n < 0 || n > tabStopsBefore-tabStopsSaved {
		t.Errorf("reaching paragraph 2's copy button takes %d presses of Tab, want at most %d (%d before each pin was one tab stop)", n, tabStopsBefore-tabStopsSaved, tabStopsBefore)
	}
	if where := eval[string](t, tb, inView+`(document.querySelector("`+copy+`"))`); where != "" {
		t.Errorf("the focused copy button is not shown: %s", where)
	}
	many := eval[[]string](t, tb, `[...document.querySelectorAll(".pin")].filter(p =>
		[...p.querySelectorAll("a, button")].filter(e => e.tabIndex >= 0 && !e.hidden).length > 1
	).map(p => p.parentElement.id)`)
	if len(many) > 0 {
		t.Errorf("places whose pin has more than one tab stop: %q", many)
	}
	tb.do(t, chromedp.KeyEvent(kb.ArrowRight))
	if got := eval[string](t, tb, `document.activeElement.className`); !strings.Contains(got, "citers") {
		t.Errorf("ArrowRight from paragraph 2's copy button focuses %q, want its cited-by count", got)
	}
	tb.do(t, chromedp.KeyEvent(kb.Home))
	if got := eval[string](t, tb, `document.activeElement.getAttribute("href")`); got != "#p2" {
		t.Errorf("Home in paragraph 2's pin focuses %q, want its number (#p2)", got)
	}
}

// testPreviewPlacement hovers a cross-reference near the window's bottom
// edge at each screen width: the preview waits for the pointer to rest,
// opens above the link, lies inside the window and closes on leave.
func testPreviewPlacement(t *testing.T, s *published, browser context.Context) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, browser)
			tb.do(t, chromedp.EmulateViewport(sc.width, sc.height)) // a mouse, in a narrow window too
			tb.goTo(t, s.url("provisions/art-61/"))
			xy := eval[[]float64](t, tb, `(() => {
				const a = [...document.querySelectorAll("main .content a.xref[data-preview]")]
					.find(a => a.getClientRects().length === 1 && a.getBoundingClientRect().top + scrollY > innerHeight);
				a.dataset.e2e = "near-bottom";
				window.scrollBy(0, a.getBoundingClientRect().bottom - (innerHeight - 40));
				const r = a.getBoundingClientRect();
				window.kbOver = 0; window.kbShown = 0;
				a.addEventListener("pointerover", e => { window.kbOver = window.kbOver || performance.now(); });
				new MutationObserver(() => { if (document.querySelector(".preview") && !window.kbShown) window.kbShown = performance.now(); })
					.observe(document.body, {childList: true});
				return [r.left + Math.min(r.width / 2, 20), r.top + r.height / 2, innerHeight - r.bottom];
			})()`)
			if xy[2] < 20 || xy[2] > 60 {
				t.Fatalf("could not place a link near the bottom edge (%.0f px above it)", xy[2])
			}
			tb.do(t, chromedp.MouseEvent(chromedp.MouseMoved, xy[0], xy[1]))
			const preview = `document.querySelector(".preview")`
			if !waitFor(tb, preview, 3*time.Second) {
				t.Fatal("hovering a cross-reference near the bottom edge shows no preview")
			}
			if wait := eval[float64](t, tb, `window.kbShown - window.kbOver`); wait < 250 {
				t.Errorf("the preview opened %.0f ms after the pointer arrived, want a pause of about 300 ms", wait)
			}
			if where := eval[string](t, tb, inView+`(`+preview+`)`); where != "" {
				t.Errorf("the preview of a link near the bottom edge is not inside the window: %s", where)
			}
			if above := eval[bool](t, tb, preview+`.getBoundingClientRect().bottom <= document.querySelector("[data-e2e=near-bottom]").getBoundingClientRect().top`); !above {
				t.Error("near the bottom edge the preview does not open above the link")
			}
			writeArtifact(t, "preview-bottom-"+sc.name+".png", viewShot(t, tb))
			tb.do(t, chromedp.MouseEvent(chromedp.MouseMoved, 2, 2))
			if !waitFor(tb, `!`+preview, 2*time.Second) {
				t.Error("the preview stays after the pointer leaves the link")
			}
		})
	}
	t.Run("tap", func(t *testing.T) {
		t.Parallel()
		tb := openTab(t, browser)
		tb.emulate(t, screens[2])
		tb.goTo(t, s.url("scenarios/influencers/"))
		href := eval[string](t, tb, `(a => { a.scrollIntoView({block: "center"}); a.dataset.e2e = "tap"; return a.href; })(document.querySelector("main .content a.xref[data-preview]"))`)
		tb.do(t, chromedp.Tap(chromedp.CSS("[data-e2e=tap]")))
		if !waitFor(tb, `location.href === `+jsString(href), 5*time.Second) {
			t.Errorf("a tap on a cross-reference stays at %s, want it followed to %s", eval[string](t, tb, "location.href"), href)
		}
	})
}

// testThemeState checks the theme toggle reports its state.
func testThemeState(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.emulateMedia(t, "", "light")
	tb.goTo(t, s.url(""))
	const pressed = `document.querySelector(".theme-toggle").getAttribute("aria-pressed")`
	for i, want := range []string{"false", "true", "false"} {
		if i > 0 {
			tb.do(t, chromedp.Click(chromedp.CSS(".theme-toggle")))
		}
		if got := eval[string](t, tb, pressed); got != want {
			t.Errorf("after %d presses the dark-mode toggle has aria-pressed=%q, want %q", i, got, want)
		}
	}
}

// testSearchLandmarks: every key page has one labelled search landmark.
func testSearchLandmarks(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	for _, path := range []string{"", "search/?q=influencer", "provisions/art-61/"} {
		tb.goTo(t, s.url(path))
		got := eval[[]string](t, tb, `[...document.querySelectorAll("[role=search], search")].map(e => e.getAttribute("aria-label") || "")`)
		if len(got) != 1 || got[0] == "" {
			t.Errorf("/%s has the search landmarks %q, want one, labelled", path, got)
		}
	}
}

// testMatrix checks the scenario matrix: a table of scenarios against the
// rules they apply on wide screens, filterable, and at 390 px a list of
// cards with nothing wider than the window.
func testMatrix(t *testing.T, s *published, browser context.Context) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, browser)
			tb.emulate(t, sc)
			tb.goTo(t, s.url("matrix/"))
			if over := eval[float64](t, tb, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				t.Errorf("the matrix page is %.0f px wider than the %d px window", over, sc.width)
			}
			wide := eval[[]string](t, tb, `[...document.querySelectorAll(".rule-matrix tbody tr, .rule-matrix tbody tr > *")]
				.filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
				.map(el => el.tagName + " " + el.textContent.trim().slice(0, 40))`)
			if len(wide) > 0 && sc.phone {
				t.Errorf("at %d px these parts of the matrix reach past the window's edge: %q", sc.width, wide)
			}
			rows := eval[int](t, tb, `document.querySelectorAll(".rule-matrix tbody tr").length`)
			if rows == 0 {
				t.Fatal("the matrix has no scenarios")
			}
			// Each scenario names the rules it applies, by the site's citation.
			if got := eval[string](t, tb, `[...document.querySelectorAll(".rule-matrix .rule-name")].map(a => a.textContent).find(c => c.startsWith("MiCA Art. 61(1), second subparagraph")) || ""`); got == "" {
				t.Error("no scenario applies \"MiCA Art. 61(1), second subparagraph\" in the matrix")
			}
			if sc.phone {
				if d := eval[string](t, tb, `getComputedStyle(document.querySelector(".rule-matrix thead")).display`); d != "none" {
					t.Errorf("at 390 px the matrix's column heads show (display %q), want cards", d)
				}
				eval[chromedp.Void](t, tb, `document.querySelector(".rule-matrix").scrollIntoView(), window.scrollBy(0, -60)`)
				if !waitFor(tb, `!document.querySelector(".page-bar").hidden`, 2*time.Second) {
					t.Error("scrolled to the matrix, no bar names the page")
				} else if eval[bool](t, tb, `document.querySelector(".page-bar-place").getClientRects().length > 0`) {
					t.Error("on the matrix, which has no numbered places, the bar shows a place")
				}
				writeArtifact(t, "matrix-cards-390.png", viewShot(t, tb))
			} else {
				if d := eval[string](t, tb, `getComputedStyle(document.querySelector(".rule-matrix thead")).display`); d == "none" {
					t.Errorf("at %d px the matrix is not a table", sc.width)
				}
				writeArtifact(t, "matrix-table-"+sc.name+".png", viewShot(t, tb))
			}
			// Filters: by outcome, then also by rule; the count says so.
			shown := `[...document.querySelectorAll(".rule-matrix tbody tr")].filter(tr => tr.getClientRects().length).length`
			eval[chromedp.Void](t, tb, `(s => { s.value = "exemption-available"; s.dispatchEvent(new Event("change", {bubbles: true})); })(document.querySelector(".matrix-filters select[name=outcome]"))`)
			want := eval[int](t, tb, `document.querySelectorAll(".rule-matrix tbody tr[data-outcome=exemption-available]").length`)
			if got := eval[int](t, tb, shown); got != want || want == 0 || want == rows {
				t.Errorf("filtered to \"exemption available\": %d of %d scenarios shown, want the %d with that outcome", got, rows, want)
			}
			if got := eval[string](t, tb, `document.querySelector(".matrix-count").textContent`); !strings.HasPrefix(got, strconv.Itoa(want)+" of ") {
				t.Errorf("filtered, the count reads %q", got)
			}
			eval[chromedp.Void](t, tb, `(f => { f.elements.outcome.value = ""; f.elements.rule.value = "mica-art-61#p2"; f.dispatchEvent(new Event("change")); })(document.querySelector(".matrix-filters"))`)
			want = eval[int](t, tb, `[...document.querySelectorAll(".rule-matrix tbody tr")].filter(tr => tr.dataset.rules.split(" ").includes("mica-art-61#p2")).length`)
			if got := eval[int](t, tb, shown); got != want || want == 0 {
				t.Errorf("filtered to MiCA Art. 61(2): %d scenarios shown, want %d", got, want)
			}
		})
	}
}

// testFadedContrast checks what axe-core leaves out: the search box's
// placeholder, faded text, has a contrast of at least 4.5:1 with the
// page, light and dark.
func testFadedContrast(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url("provisions/art-61/"))
	for _, scheme := range []string{"light", "dark"} {
		tb.emulateMedia(t, "", scheme)
		fg := luminance(t, eval[string](t, tb, `getComputedStyle(document.getElementById("kb-q"), "::placeholder").color`))
		bg := luminance(t, eval[string](t, tb, `getComputedStyle(document.body).backgroundColor`))
		if c := (max(fg, bg) + 0.05) / (min(fg, bg) + 0.05); c < 4.5 {
			t.Errorf("%s scheme: the search box's placeholder has a contrast of %.1f:1, want at least 4.5:1", scheme, c)
		}
	}
}

// testContentsFollow: in a window too low for the whole contents column,
// the column scrolls itself to keep the marked section in sight.
func testContentsFollow(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.do(t, chromedp.EmulateViewport(1280, 480))
	tb.goTo(t, s.url("provisions/art-61/"))
	if !eval[bool](t, tb, `(b => b.scrollHeight > b.clientHeight)(document.querySelector(".toc-inner"))`) {
		t.Skip("the contents of Art. 61 fit a 480 px window; nothing to follow")
	}
	last := eval[string](t, tb, `(links => links[links.length - 1].getAttribute("href"))(document.querySelectorAll(".toc a"))`)
	eval[chromedp.Void](t, tb, `window.scrollTo(0, document.documentElement.scrollHeight)`)
	if !waitFor(tb, `(a => a && a.getAttribute("href") === `+jsString(last)+`)(document.querySelector(".toc a[aria-current]"))`, 2*time.Second) {
		t.Fatalf("at the foot of the page the contents do not mark their last section %s", last)
	}
	where := eval[string](t, tb, `(() => {
		const box = document.querySelector(".toc-inner").getBoundingClientRect();
		const a = document.querySelector(".toc a[aria-current]").getBoundingClientRect();
		return a.top >= box.top && a.bottom <= box.bottom ? "" : "at " + Math.round(a.top) + "–" + Math.round(a.bottom) + " in a column showing " + Math.round(box.top) + "–" + Math.round(box.bottom);
	})()`)
	if where != "" {
		t.Errorf("the marked section is out of the contents column's sight: %s", where)
	}
}
