// Package e2e holds kb's publishing quality gates. Its tests build the
// shipped ./content with --base-url http://127.0.0.1:PORT/kb/, serve the
// output from /kb/ with net/http, and check it the way a static host and a
// reader would:
//
//   - a crawl of every page: no broken link, fragment, asset, feed or
//     search-shard URL under the sub-path; sitemap.xml, robots.txt,
//     404.html and atom.xml exist and parse; no preview-server code;
//   - Debian's chromium driven by chromedp: no console errors or failed
//     requests, search, citations, previews, dark mode, print styles,
//     axe-core's WCAG 2.2 A/AA rules, the reading aids (sticky contents,
//     the page bar, previews, one tab stop per pin, the matrix's cards),
//     and screenshots for people to look at;
//   - the Nu HTML Checker over every page.
//
// axe-core and vnu-jar come from npm (package.json here; `npm ci --prefix
// e2e`). Without chromium, Java or node_modules the gates that need them
// skip, unless KB_REQUIRE_BROWSER is set, as it is in CI.
package e2e
