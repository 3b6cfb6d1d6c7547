package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/kb-legal/kb/internal/gzipserve"
)

// browserQueries are the query pairs measured in Chromium: each first query
// on a fresh page, then the next one on the same page.
var browserQueries = []string{"custody", "sponsorship", "competent authority", "reverse solicitation", "penalty disclosure",
	"influencer", "wallet transfer", "exclusive initiative", "notification deadline", "governance"}

// searchUI says how to drive a search page: where it is, its input, and a
// JavaScript expression that is true once results are drawn.
type searchUI struct {
	page, input, drawn string
}

func kbUI() searchUI {
	return searchUI{"/search/", "#kb-search-page-q", `/\bpage/.test(document.getElementById("kb-search-page-count").textContent) || !!document.querySelector(".search-none")`}
}

// pagefindUIPage is Pagefind's Default UI, as its documentation sets it up.
const pagefindUIPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Search</title>
<link href="/pagefind/pagefind-ui.css" rel="stylesheet"><script src="/pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div><script>window.addEventListener("DOMContentLoaded", () => { new PagefindUI({ element: "#search", showSubResults: true }); });</script></body></html>`

func pagefindUI() searchUI {
	return searchUI{"/pagefind-ui/", ".pagefind-ui__search-input", `!/Searching for/.test(document.body.innerText) && (document.querySelectorAll(".pagefind-ui__result").length > 0 || /No results/.test(document.body.innerText))`}
}

// typeQuery is the JavaScript that types a query into a search page and
// resolves once drawn() says results are drawn. drawn is a function
// written into the evaluated expression, not a string to eval: kb's
// search page forbids eval (Content-Security-Policy without unsafe-eval).
const typeQuery = `async (q, input, drawn) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  for (let i = 0; !document.querySelector(input); i++) { if (i > 600) throw new Error("no " + input); await sleep(50); }
  const el = document.querySelector(input);
  el.focus();
  el.value = q;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  await sleep(300);
  for (let i = 0; !drawn(); i++) { if (i > 1200) throw new Error("no results for " + q); await sleep(50); }
  return true;
}`

// byteCounter counts the bytes a server sends, and when it last did.
type byteCounter struct {
	bytes atomic.Int64
	last  atomic.Int64 // unix nanoseconds of the last request's start or end
	log   io.Writer    // when not nil, each request's path and bytes sent
}

func (c *byteCounter) handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.last.Store(time.Now().UnixNano())
		cw := countingWriter{w, c, new(int64)}
		h.ServeHTTP(cw, r)
		c.last.Store(time.Now().UnixNano())
		if c.log != nil {
			fmt.Fprintf(c.log, "  %7d B  %s\n", *cw.n, r.URL.Path)
		}
	})
}

// quiet waits until no request has started or ended for d.
func (c *byteCounter) quiet(ctx context.Context, d time.Duration) error {
	for time.Since(time.Unix(0, c.last.Load())) < d {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

type countingWriter struct {
	http.ResponseWriter
	c *byteCounter
	n *int64 // this request's bytes
}

func (w countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.c.bytes.Add(int64(n))
	*w.n += int64(n)
	return n, err
}

// browserBytes serves dir and measures, in Chromium, the median bytes a
// first query (on a freshly loaded search page, nothing cached) and a
// second query (the next, on the same page) fetch: the bytes the server
// sends from the keystroke until results are drawn and no request has
// started or ended for 700 ms, workers' requests included. Text files are
// served gzip-compressed, as static hosts do. When log is not nil, each
// request's path and bytes are written to it.
func browserBytes(ctx context.Context, chromium, dir string, ui searchUI, log io.Writer) (first, second int64, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	count := byteCounter{log: log}
	srv := &http.Server{Handler: count.handler(gzipserve.Text(http.FileServer(http.Dir(dir))))}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	profile, err := os.MkdirTemp("", "kb-compare-chromium-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(profile)
	actx, cancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true))
	defer cancel()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		return 0, 0, fmt.Errorf("starting %s: %w", chromium, err)
	}
	const settle = 700 * time.Millisecond
	query := func(tctx context.Context, q string) (int64, error) {
		if err := count.quiet(tctx, settle); err != nil {
			return 0, err
		}
		before := count.bytes.Load()
		if log != nil {
			fmt.Fprintf(log, "query %q:\n", q)
		}
		if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](fmt.Sprintf("(%s)(%q, %q, () => (%s))", typeQuery, q, ui.input, ui.drawn), chromedp.EvalAwaitPromise)); err != nil {
			return 0, err
		}
		if err := count.quiet(tctx, settle); err != nil {
			return 0, err
		}
		return count.bytes.Load() - before, nil
	}
	var firsts, seconds []int64
	for i, q := range browserQueries {
		next := browserQueries[(i+1)%len(browserQueries)]
		// A new browser context for each pair: the first query starts cold.
		tab, cancelTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
		tctx, cancelTimeout := context.WithTimeout(tab, 3*time.Minute)
		var a, b int64
		err := chromedp.Do(tctx, chromedp.Navigate(base+ui.page))
		if err == nil {
			a, err = query(tctx, q)
		}
		if err == nil {
			b, err = query(tctx, next)
		}
		cancelTimeout()
		cancelTab()
		if err != nil {
			return 0, 0, fmt.Errorf("%s%s, %q then %q: %w", base, ui.page, q, next, err)
		}
		firsts, seconds = append(firsts, a), append(seconds, b)
	}
	return medianInt(firsts), medianInt(seconds), nil
}

// writePagefindUI adds Pagefind's Default UI page to a site it indexed.
func writePagefindUI(site string) error {
	dir := filepath.Join(site, "pagefind-ui")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "index.html"), []byte(pagefindUIPage), 0o644)
}

func medianInt(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
