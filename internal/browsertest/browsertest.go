// Package browsertest starts Debian's chromium for tests, headless and cut
// off from the network services it would otherwise call, with a fresh
// profile. Tests drive it with chromedp.
//
// Without chromium the calling test is skipped, unless KB_REQUIRE_BROWSER
// is set (as in CI), when it fails instead. KB_CHROMIUM names the binary;
// by default it is looked up on PATH.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path returns the chromium binary to use, or "" if there is none.
func Path() string {
	if p := os.Getenv("KB_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Start starts a browser with a width×height window and returns the
// context of its first tab. It stops when the test ends.
func Start(t testing.TB, width, height int) context.Context {
	t.Helper()
	exe := Path()
	if exe == "" {
		if os.Getenv("KB_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is not installed and KB_REQUIRE_BROWSER is set (apt-get install chromium, or set KB_CHROMIUM)")
		}
		t.Skip("chromium is not installed (apt-get install chromium); set KB_REQUIRE_BROWSER to make this a failure")
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// The machine's network is closed: without these, chromium keeps
		// calling home and logging refused connections.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		// A desktop with a mouse: headless chromium otherwise reports
		// (hover: none), as a touch screen does.
		chromedp.Flag("blink-settings", "primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	// The first action starts the browser; it must not run under a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return ctx
}
