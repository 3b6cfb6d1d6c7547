package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core as npm ships it.
const axeScript = "node_modules/axe-core/axe.min.js"

// axeRun runs axe-core's WCAG 2.0, 2.1 and 2.2 level A and AA rules on the page and
// returns the violations.
const axeRun = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
	resultTypes: ["violations"],
}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help,
	nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary || ""})),
})))`

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// keyPages are the pages the accessibility scan and the screenshots cover:
// the five, the writer's guide for what they lack, and the sources.
func keyPages() []struct{ name, path string } {
	return []struct{ name, path string }{
		{"home", ""},
		{"provision", "provisions/art-61/"},
		{"scenario", "scenarios/influencers/"},
		{"matrix", "matrix/"},
		{"search", "search/?q=influencer"},
		{"guide", "guide/writing/"}, // code, callouts, tables, source notes and a quotation
		{"sources", "sources/"},     // the source registry, by reliability
		{"source", "sources/mica/"}, // a source with its citers
	}
}

// testAccessibility scans the key pages with axe-core in the light and the
// dark scheme, and writes full-page screenshots of each (desktop light,
// desktop dark, phone) for people to look at.
func testAccessibility(t *testing.T, s *published, browser context.Context) {
	src, err := os.ReadFile(axeScript)
	if err != nil {
		requireTool(t, "e2e/"+axeScript, "run `npm ci --prefix e2e`")
	}
	for _, p := range keyPages() {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, browser)
			tb.goTo(t, s.url(p.path))
			if p.name == "search" {
				// Let the results arrive, so they are scanned too; the
				// search checks report it if they never do.
				waitFor(tb, `document.querySelector("#kb-search-page-results a")`, 5*time.Second)
			}
			eval[chromedp.Void](t, tb, string(src))
			for _, scheme := range []string{"light", "dark"} {
				tb.emulateMedia(t, "", scheme)
				for _, v := range eval[[]axeViolation](t, tb, axeRun) {
					var b strings.Builder
					fmt.Fprintf(&b, "%s scheme: %s (%s): %s", scheme, v.ID, v.Impact, v.Help)
					for _, n := range v.Nodes {
						fmt.Fprintf(&b, "\n    %s\n      %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
					}
					t.Errorf("%s", b.String())
				}
				writeArtifact(t, p.name+"-"+scheme+".png", screenshot(t, tb))
			}
			tb.emulateMedia(t, "", "light")
			tb.do(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
			writeArtifact(t, p.name+"-phone.png", screenshot(t, tb))
		})
	}
}

func screenshot(t *testing.T, tb *tab) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	return png
}
