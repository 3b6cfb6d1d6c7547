package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// grantClipboard lets the tab's pages read and write the clipboard.
func grantClipboard(t *testing.T, tb *tab, s *published) {
	t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted,
			Origin: s.origin, BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID,
		})
		if err != nil {
			t.Fatalf("granting %s: %v", name, err)
		}
	}
}

// clickCopy clicks a "copy citation" button and returns what reached the
// clipboard, checking the button says so and records the same text.
func clickCopy(t *testing.T, tb *tab, sel string) string {
	t.Helper()
	tb.do(t, chromedp.Click(chromedp.CSS(sel)))
	q := `document.querySelector(` + jsString(sel) + `)`
	if !waitFor(tb, q+`.textContent === "copied"`, 2*time.Second) {
		t.Fatalf("the copy button %s does not confirm; it reads %q", sel, eval[string](t, tb, q+`.textContent`))
	}
	got := eval[string](t, tb, `navigator.clipboard.readText()`)
	if data := eval[string](t, tb, q+`.dataset.copied || ""`); data != got {
		t.Errorf("%s records it copied %q, but the clipboard holds %q", sel, data, got)
	}
	return got
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// testCopyCitation checks "copy citation" with a mouse: hidden buttons
// take no room, hovering a subparagraph shows its button, which copies
// the citation as a lawyer writes it and the address; a heading that is
// no legal pinpoint copies "Page title — Heading", never its slug.
func testCopyCitation(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	grantClipboard(t, tb, s)
	tb.goTo(t, s.url("provisions/art-61/"))
	if w := eval[float64](t, tb, `document.querySelector("#p2 .copy-cite").getBoundingClientRect().width`); w != 0 {
		t.Errorf("paragraph 2's hidden copy button takes %.0f px", w)
	}
	xy := eval[[]float64](t, tb, `(() => {
		const p = document.getElementById("p1-sub2");
		p.scrollIntoView({block: "center"});
		const r = p.getClientRects()[p.getClientRects().length - 1];
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`)
	tb.do(t, chromedp.MouseEvent(chromedp.MouseMoved, xy[0], xy[1]))
	if !waitFor(tb, `getComputedStyle(document.querySelector("#p1-sub2 .copy-cite")).display !== "none"`, 2*time.Second) {
		t.Fatal("hovering the second subparagraph does not show its copy button")
	}
	want := "MiCA Art. 61(1), second subparagraph " + s.url("provisions/art-61/#p1-sub2")
	if got := clickCopy(t, tb, "#p1-sub2 .copy-cite"); got != want {
		t.Errorf("copied %q, want %q", got, want)
	}
	bad := eval[[]string](t, tb, `(() => {
		const title = document.querySelector("h1").textContent.trim(), bad = [];
		for (const b of document.querySelectorAll(":is(h2, h3, h4) > .pin-plain .copy-cite")) {
			const h = b.closest("h2, h3, h4").cloneNode(true);
			h.querySelector(".pin").remove();
			const want = title + " — " + h.textContent.trim();
			if (b.dataset.cite !== want) bad.push(b.dataset.cite + " (want " + want + ")");
		}
		return bad;
	})()`)
	if len(bad) > 0 {
		t.Errorf("headings that are no pinpoint copy:\n  %s", strings.Join(bad, "\n  "))
	}
	if n := eval[int](t, tb, `document.querySelectorAll(":is(h2, h3, h4) > .pin-plain .copy-cite").length`); n == 0 {
		t.Error("Article 61 has no heading that is no pinpoint; the check above checked nothing")
	}
}

// testCopyOnTouch checks, on a 390 px touch screen, that a guideline
// paragraph's copy button is visible, large enough and not covered, and
// that tapping it copies the guideline citation and the address.
func testCopyOnTouch(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	grantClipboard(t, tb, s)
	tb.do(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	tb.goTo(t, s.url("esma/solicitation/"))
	if !eval[bool](t, tb, `matchMedia("(hover: none)").matches`) {
		t.Fatal("touch emulation: the page does not see a screen without hover")
	}
	problem := eval[string](t, tb, `(() => {
		const b = document.querySelector("#para-12 .copy-cite");
		if (!b) return "paragraph 12 has no copy button";
		b.scrollIntoView({block: "center"});
		const r = b.getBoundingClientRect();
		if (getComputedStyle(b).display === "none" || b.hidden) return "the button is hidden";
		if (r.width < 24 || r.height < 24) return "the button is " + r.width + "×" + r.height + " px, under 24×24";
		if (r.left < 0 || r.right > innerWidth) return "the button is off-screen: " + r.left + " to " + r.right + " of " + innerWidth + " px";
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		if (hit !== b && !b.contains(hit)) return "the button is covered by " + (hit ? hit.outerHTML.slice(0, 80) : "nothing");
		return "";
	})()`)
	if problem != "" {
		t.Fatalf("at 390 px with touch: %s", problem)
	}
	// The page names its document (official: esma-guidelines), whose
	// reference the citation carries.
	want := "ESMA Guidelines on reverse solicitation (ESMA35-1872330276-2030), para. 12 " + s.url("esma/solicitation/#para-12")
	if got := clickCopy(t, tb, "#para-12 .copy-cite"); got != want {
		t.Errorf("tapping copy citation on guideline paragraph 12 copied %q, want %q", got, want)
	}
	if label := eval[string](t, tb, `document.querySelector("#para-12 .pinpoint").textContent`); label != "12" {
		t.Errorf("guideline paragraph 12 is labelled %q, want its own number", label)
	}
}

// testCitedByCounts checks that the number on every chip is the number of
// rows of its "Cited by" list, also once the chip opens the list in
// place, and that no page is listed twice for one place.
func testCitedByCounts(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	for _, page := range []string{"provisions/art-61/", "esma/solicitation/", "esma/own-initiative/"} {
		tb.goTo(t, s.url(page))
		bad := eval[[]string](t, tb, `(() => {
			const bad = [], chips = document.querySelectorAll(".pin .citers");
			if (chips.length === 0) bad.push("no chip at all");
			for (const chip of chips) {
				const n = Number((chip.textContent.match(/^cited by (\d+) pages?$/) || [])[1]);
				const group = document.querySelector(chip.getAttribute("href"));
				if (!group) { bad.push(chip.textContent + ": no list " + chip.getAttribute("href")); continue; }
				const rows = group.querySelectorAll(".citers-list > li");
				const head = group.querySelector("summary .count").textContent;
				if (rows.length !== n) bad.push(chip.getAttribute("href") + ": chip says " + n + ", list has " + rows.length + " rows");
				if (head !== chip.textContent) bad.push(chip.getAttribute("href") + ": chip says " + chip.textContent + ", list says " + head);
				const seen = new Set();
				for (const a of group.querySelectorAll(".citers-list > li > a")) {
					const page = new URL(a.href).pathname;
					if (seen.has(page)) bad.push(chip.getAttribute("href") + ": " + page + " twice");
					seen.add(page);
				}
			}
			return bad;
		})()`)
		if len(bad) > 0 {
			t.Errorf("%s:\n  %s", page, strings.Join(bad, "\n  "))
		}
	}
	tb.goTo(t, s.url("provisions/art-61/"))
	tb.do(t, chromedp.Click(chromedp.CSS("#p1-sub2 .citers")))
	if !waitFor(tb, `document.querySelector(".citers-inline")`, 2*time.Second) {
		t.Fatalf("the chip does not open its list in place (at %s)", eval[string](t, tb, `location.href + " " + document.activeElement.outerHTML.slice(0, 100)`))
	}
	if got, want := eval[int](t, tb, `document.querySelectorAll(".citers-inline .citers-list > li").length`),
		eval[int](t, tb, `Number(document.querySelector("#p1-sub2 .citers").textContent.match(/\d+/)[0])`); got != want {
		t.Errorf("the chip says %d pages, the list it opens has %d rows", want, got)
	}
}

// testPrintCitations checks what print keeps of citations: the page's
// address and date, each place's own number (and nothing else of its pin),
// outside addresses, and defined terms without their underline.
func testPrintCitations(t *testing.T, s *published, browser context.Context) {
	tb := openTab(t, browser)
	tb.goTo(t, s.url("provisions/art-61/"))
	tb.emulateMedia(t, "print", "")
	bad := eval[[]string](t, tb, `(() => {
		const bad = [], shown = el => el && getComputedStyle(el).display !== "none";
		const src = document.querySelector(".print-source");
		if (!shown(src)) bad.push("no page address printed");
		else {
			if (!src.textContent.includes(`+jsString(s.url("provisions/art-61/"))+`)) bad.push("printed address: " + src.textContent);
			const asof = document.querySelector(".meta time").getAttribute("datetime");
			if (!src.textContent.includes(asof)) bad.push("the printed source line lacks as_of " + asof);
		}
		if (!shown(document.querySelector("#p1-sub2 .pinpoint"))) bad.push("the margin label is not printed");
		for (const sel of ["#p1-sub2 .copy-cite", "#p1-sub2 .citers"]) if (shown(document.querySelector(sel))) bad.push(sel + " is printed");
		const term = document.querySelector(".content a.term");
		if (term && getComputedStyle(term).textDecorationLine !== "none") bad.push("defined terms are underlined: " + getComputedStyle(term).textDecorationLine);
		return bad;
	})()`)
	tb.goTo(t, s.url("sources/mica/"))
	tb.emulateMedia(t, "print", "")
	bad = append(bad, eval[[]string](t, tb, `(() => {
		const a = document.querySelector("main a[href^='http']");
		if (!a) return ["the MiCA source page links nowhere outside"];
		const after = getComputedStyle(a, "::after").content;
		return after.includes(a.getAttribute("href")) ? [] : ["an outside link prints as " + after];
	})()`)...)
	if len(bad) > 0 {
		t.Errorf("print:\n  %s", strings.Join(bad, "\n  "))
	}
}
