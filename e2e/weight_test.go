package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// weightBudgets are the most a key page may weigh, with what it loads
// before anyone interacts (HTML, stylesheets and scripts, print styles
// included; search loads on demand), in bytes as served (raw) and
// gzip-compressed. README.md ("Page weight") keeps the measured figures:
// a page that grows past its budget fails the test — slim it, or raise the
// budget there and here on purpose.
var weightBudgets = []struct {
	page      string
	raw, gzip int
}{
	{"", 69_000, 18_000},                       // home
	{"provisions/art-61/", 236_000, 44_500},    // a provision, the busiest
	{"esma/solicitation/", 101_000, 21_500},    // a guideline
	{"scenarios/influencers/", 74_000, 18_000}, // a scenario
}

// loaded finds what a page fetches as it loads: stylesheets and scripts.
var loaded = regexp.MustCompile(`<(?:link rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"`)

// testPageWeight measures the key pages against their budgets and logs
// the figures for README.md (go test ./e2e -run TestPublishedSite/page-weight -v).
func testPageWeight(t *testing.T, s *published) {
	for _, b := range weightBudgets {
		html, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(b.page), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		parts := map[string][]byte{"html": html}
		for _, m := range loaded.FindAllSubmatch(html, -1) {
			name := strings.TrimPrefix(string(m[1]), basePath)
			data, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(name)))
			if err != nil {
				t.Fatalf("/%s loads %s: %v", b.page, m[1], err)
			}
			kind := strings.TrimPrefix(filepath.Ext(name), ".")
			parts[kind] = append(parts[kind], data...)
		}
		var raw, gz int
		var line strings.Builder
		for _, kind := range []string{"html", "css", "js"} {
			r, g := len(parts[kind]), gzipSize(t, parts[kind])
			raw, gz = raw+r, gz+g
			fmt.Fprintf(&line, " | %.1f / %.1f", kilo(r), kilo(g))
		}
		t.Logf("| /%s%s | **%.1f / %.1f** |", b.page, line.String(), kilo(raw), kilo(gz))
		if raw > b.raw || gz > b.gzip {
			t.Errorf("/%s weighs %d bytes (%d gzip), over its budget of %d (%d gzip): see README.md, Page weight", b.page, raw, gz, b.raw, b.gzip)
		}
	}
}

func kilo(n int) float64 { return float64(n) / 1000 }

// gzipSize is the size of data compressed as a host would (gzip -9).
func gzipSize(t *testing.T, data []byte) int {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
