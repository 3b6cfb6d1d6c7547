package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/kb-legal/kb/internal/cli"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kb-legal/kb/internal/browsertest"
)

// searchHit is a hit of `kb search --json`.
type searchHit struct {
	URL     string  `json:"url"`
	Title   string  `json:"title"`
	Kind    string  `json:"kind"`
	Anchor  string  `json:"anchor"`
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"`
}

// searchResult is the answer of `kb search --json`.
type searchResult struct {
	Total    int
	Pages    int
	Fallback bool
	Hits     []searchHit
}

func kbSearch(t testing.TB, index string, limit int, query string) []searchHit {
	t.Helper()
	return kbSearchResult(t, index, limit, query).Hits
}

func kbSearchResult(t testing.TB, index string, limit int, query string) searchResult {
	t.Helper()
	code, out, errOut := kb(t, "search", "--index", index, "--json", "--limit", fmt.Sprint(limit), "--", query)
	if code != cli.OK {
		t.Fatalf("kb search %q: exit %d: %s", query, code, errOut)
	}
	var res searchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("kb search %q: %v", query, err)
	}
	return res
}

// readLines reads a testdata file's lines, without comments and blanks.
func searchTestLines(t testing.TB, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// relevanceCases reads testdata/search-relevance.txt: a query, spaces, and
// the result expected first (see relevanceCase).
func relevanceCases(t testing.TB) []relevanceCase {
	var out []relevanceCase
	for _, line := range searchTestLines(t, "search-relevance.txt") {
		at := strings.LastIndexAny(line, " \t")
		out = append(out, relevanceCase{strings.TrimSpace(line[:at]), line[at+1:]})
	}
	if len(out) < 40 {
		t.Fatalf("search-relevance.txt has %d queries, want at least 40", len(out))
	}
	return out
}

// TestSearchShippedContent builds the shipped content once, with a base
// path, and checks search over it: relevance, the JSON shape, parity of the
// static client with `kb search`, and the search page in Chromium.
func TestSearchShippedContent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the shipped content")
	}
	dir := t.TempDir()
	public, index := filepath.Join(dir, "public"), filepath.Join(dir, "index")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + "/kb/"
	if code, _, errOut := kb(t, "build", "--source", "../..", "--out", public, "--index", index, "--base-url", base); code != cli.OK {
		t.Fatalf("kb build: exit %d: %s", code, errOut)
	}
	srv := &http.Server{Handler: http.StripPrefix("/kb", http.FileServer(http.Dir(public)))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	t.Run("relevance", func(t *testing.T) {
		t.Parallel()
		for _, c := range relevanceCases(t) {
			hits := kbSearch(t, index, 3, c.query)
			var got []string
			for _, h := range hits {
				got = append(got, h.URL+"#"+h.Anchor)
			}
			if !c.met(got) {
				t.Errorf("kb search %q: top 3 %q, want %s", c.query, got, c.describe())
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := kb(t, "search", "--index", index, "--json", "--limit", "2", "influencer")
		if code != cli.OK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var res map[string]any
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if keys := searchJSONKeys(res); !slices.Equal(keys, []string{"hits", "pages", "total"}) {
			t.Fatalf("keys %q, want hits, pages and total", keys)
		}
		if total, ok := res["total"].(float64); !ok || total < 2 {
			t.Errorf("total = %v, want a number of at least 2", res["total"])
		}
		hits, _ := res["hits"].([]any)
		if len(hits) != 2 {
			t.Fatalf("hits = %v, want 2 (--limit 2)", res["hits"])
		}
		for _, h := range hits {
			hit := h.(map[string]any)
			keys := slices.DeleteFunc(searchJSONKeys(hit), func(k string) bool { return k == "sections" || k == "best" })
			if !slices.Equal(keys, []string{"anchor", "kind", "score", "snippet", "title", "url"}) {
				t.Errorf("hit keys %q", keys)
			}
			for _, k := range []string{"url", "title", "kind", "anchor", "snippet"} {
				if _, ok := hit[k].(string); !ok {
					t.Errorf("hit[%q] = %v, want a string", k, hit[k])
				}
			}
			if s, ok := hit["score"].(float64); !ok || s <= 0 {
				t.Errorf("hit score = %v, want a positive number", hit["score"])
			}
		}
		first := hits[0].(map[string]any)
		if first["url"] != "/scenarios/influencers/" || !strings.Contains(first["snippet"].(string), "<mark>") {
			t.Errorf("first hit %v: want the influencer scenario with a highlighted snippet", first)
		}
	})

	t.Run("parity", func(t *testing.T) {
		t.Parallel()
		node, err := exec.LookPath("node")
		if err != nil {
			t.Skip("node is not installed; the static client's parity needs it")
		}
		queries := searchTestLines(t, "search-parity.txt")
		for _, c := range relevanceCases(t) {
			queries = append(queries, c.query)
		}
		const top, more = 5, 5 // compare the top 5; the next ones give scores across the cut
		static := runStaticSearch(t, node, public, top+more, queries)
		for i, q := range queries {
			kbHits := kbSearch(t, index, top+more, q)
			if !sameRanking(kbHits, static[i].Hits, top) {
				var want, got []string
				for _, h := range kbHits[:min(top, len(kbHits))] {
					want = append(want, h.URL+"#"+h.Anchor)
				}
				for _, h := range static[i].Hits[:min(top, len(static[i].Hits))] {
					got = append(got, h.URL+"#"+h.Anchor)
				}
				t.Errorf("%q:\nstatic client %q\n   kb search %q", q, got, want)
			}
			res := kbSearchResult(t, index, top, q)
			if static[i].Total != res.Total || static[i].Pages != res.Pages || static[i].Fallback != res.Fallback {
				t.Errorf("%q: static client counts %d sections, %d pages (fallback %v); kb search %d, %d (fallback %v)",
					q, static[i].Total, static[i].Pages, static[i].Fallback, res.Total, res.Pages, res.Fallback)
			}
		}
		for _, c := range relevanceCases(t) {
			i := slices.Index(queries, c.query)
			var got []string
			for _, h := range static[i].Hits[:min(3, len(static[i].Hits))] {
				got = append(got, h.URL+"#"+h.Anchor)
			}
			if !c.met(got) {
				t.Errorf("static client %q: top 3 %q, want %s", c.query, got, c.describe())
			}
		}
	})

	t.Run("browser", func(t *testing.T) {
		t.Parallel()
		ctx := browsertest.Start(t, 1280, 900)
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		link := `#kb-search-page-results a.search-hit[href^="/kb/scenarios/influencers/"]`
		if _, err := chromedp.Run(ctx, chromedp.Navigate(base+"search/?q=influencer")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.WaitVisible(link)); err != nil {
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("kb-search-page-results").innerText`))
			t.Fatalf("/search/?q=influencer shows no link to the influencer scenario (%v); the results read %q", err, text)
		}
		attr, err := chromedp.Run(ctx, chromedp.AttributeValue(link, "href"))
		if err != nil {
			t.Fatal(err)
		}
		href := attr.Value
		if !strings.Contains(href, "#") {
			t.Errorf("the hit links to %q, want a paragraph anchor", href)
		}

		// A citation: its paragraph first, then pages with their counts.
		if _, err := chromedp.Run(ctx, chromedp.Navigate(base+"search/?q=Art.%2061(2)")); err != nil {
			t.Fatal(err)
		}
		first := `#kb-search-page-results a.search-hit`
		if _, err := chromedp.Run(ctx, chromedp.WaitVisible(first)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector("#kb-search-page-results a.search-hit").getAttribute("href"),
			document.getElementById("kb-search-page-count").textContent]`))
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != "/kb/provisions/art-61/#p2" || !regexp.MustCompile(`^\d+ pages, \d+ sections$`).MatchString(got[1]) {
			t.Errorf("/search/?q=Art. 61(2): first hit %q, count %q; want /kb/provisions/art-61/#p2 and \"N pages, M sections\"", got[0], got[1])
		}
	})
}

func searchJSONKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

type staticSearchResult struct {
	Query    string
	Total    int
	Pages    int
	Fallback bool
	Hits     []staticHit
	Bytes    int
}

type staticHit struct {
	URL, Anchor string
	Score       float64
}

// sameRanking reports whether Bleve's and the static client's first top
// hits agree. Two hits may swap places only when both engines score them
// alike (within 0.1 %): a tie, which each engine breaks its own way (the
// static client's scores are rounded to three decimals).
func sameRanking(kbHits []searchHit, static []staticHit, top int) bool {
	kbScore, staticScore := map[string]float64{}, map[string]float64{}
	for _, h := range kbHits {
		kbScore[h.URL+"#"+h.Anchor] = h.Score
	}
	for _, h := range static {
		staticScore[h.URL+"#"+h.Anchor] = h.Score
	}
	tied := func(scores map[string]float64, a, b string) bool {
		x, okA := scores[a]
		y, okB := scores[b]
		return okA && okB && math.Abs(x-y) <= 1e-3*max(math.Abs(x), math.Abs(y))
	}
	if min(top, len(kbHits)) != min(top, len(static)) {
		return false
	}
	for i := range min(top, len(kbHits)) {
		a, b := kbHits[i].URL+"#"+kbHits[i].Anchor, static[i].URL+"#"+static[i].Anchor
		if a != b && !(tied(kbScore, a, b) && tied(staticScore, a, b)) {
			return false
		}
	}
	return true
}

// runStaticSearch runs the theme's search.js under Node over public.
func runStaticSearch(t testing.TB, node, public string, limit int, queries []string) []staticSearchResult {
	t.Helper()
	in, err := json.Marshal(queries)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "search-parity.js"),
		filepath.Join("..", "..", "themes", "default", "assets", "search.js"), public, fmt.Sprint(limit))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v: %s", err, stderr.String())
	}
	var res []staticSearchResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if len(res) != len(queries) {
		t.Fatalf("node answered %d queries of %d", len(res), len(queries))
	}
	return res
}
