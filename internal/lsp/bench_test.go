package lsp_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/bench/corpus"
)

// BenchmarkLatency measures what a writer waits for in the editor, over
// the protocol: from a change that breaks (or mends) a reference to its
// diagnostics arriving, from asking to the completion list after "[["
// and after "[[id#", and to a hover on a reference. It reports the
// medians and 99th percentiles in milliseconds. The sites: the shipped one, the 1,000-page synthetic one,
// and, with KB_STRESS=1, the 10,000-page one.
func BenchmarkLatency(b *testing.B) {
	sites := []struct {
		name  string
		pages int // 0: the shipped site
	}{{"shipped", 0}, {"1k", 1000}, {"10k", 10000}}
	for _, s := range sites {
		if s.pages > 1000 && os.Getenv("KB_STRESS") == "" {
			continue
		}
		b.Run(s.name, func(b *testing.B) {
			dir, name, id := benchSite(b, s.pages)
			c := start(b, dir)
			text := c.read(name)
			c.open(name, text)
			var symbols any // answered once the first build is done
			c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri(name)}}, &symbols)
			end := posOf(text, len(text), c.enc)
			var diags, refs, anchors, hovers []time.Duration
			version := 1
			for b.Loop() {
				// Break a reference, then mend it: each change is timed to
				// its diagnostics.
				for _, fix := range []bool{false, true} {
					version++
					t0 := time.Now()
					if fix {
						c.change(name, version, rng{end, posOf(text+"\n[[nowhere]]", len(text)+12, c.enc)}, "")
					} else {
						c.change(name, version, rng{end, end}, "\n[[nowhere]]")
					}
					c.waitDiagnostics(name, func(ds []diagnostic) bool { return (len(ds) == 0) == fix })
					diags = append(diags, time.Since(t0))
				}
				// Hover on a reference right after a change: the first hover
				// of a build counts every page's citers.
				hovers = append(hovers, c.timeHover(name, text, "\n[["+id+"]]", &version))
				refs = append(refs, c.timeCompletion(name, text, "\n[[", &version))
				anchors = append(anchors, c.timeCompletion(name, text, "\n[["+id+"#", &version))
			}
			b.ReportMetric(pct(diags, 50), "p50-diag-ms")
			b.ReportMetric(pct(diags, 99), "p99-diag-ms")
			b.ReportMetric(pct(refs, 50), "p50-complete-ids-ms")
			b.ReportMetric(pct(refs, 99), "p99-complete-ids-ms")
			b.ReportMetric(pct(anchors, 50), "p50-complete-anchors-ms")
			b.ReportMetric(pct(anchors, 99), "p99-complete-anchors-ms")
			b.ReportMetric(pct(hovers, 50), "p50-hover-ms")
			b.ReportMetric(pct(hovers, 99), "p99-hover-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// timeCompletion types typed at the end of the buffer (whose text on
// disk is text), times a completion at its end, and removes it again.
func (c *client) timeCompletion(name, text, typed string, version *int) time.Duration {
	end := posOf(text, len(text), c.enc)
	*version++
	c.change(name, *version, rng{end, end}, typed)
	full := text + typed
	t0 := time.Now()
	items := c.complete(name, posOf(full, len(full), c.enc))
	took := time.Since(t0)
	if len(items) == 0 {
		c.t.Fatalf("no completion after %q", typed)
	}
	*version++
	c.change(name, *version, rng{end, posOf(full, len(full), c.enc)}, "")
	return took
}

// timeHover types typed at the end of the buffer, waits for the build
// that covers it, times a hover on it, and removes it again.
func (c *client) timeHover(name, text, typed string, version *int) time.Duration {
	end := posOf(text, len(text), c.enc)
	*version++
	c.change(name, *version, rng{end, end}, typed)
	full := text + typed
	var symbols any // answered once the build covering the change is done
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri(name)}}, &symbols)
	t0 := time.Now()
	var hover struct {
		Contents struct {
			Value string `json:"value"`
		} `json:"contents"`
	}
	c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": c.uri(name)}, "position": posOf(full, len(full)-3, c.enc)}, &hover)
	took := time.Since(t0)
	if !strings.Contains(hover.Contents.Value, "cited by") {
		c.t.Fatalf("hover on %q: %q", typed, hover.Contents.Value)
	}
	*version++
	c.change(name, *version, rng{end, posOf(full, len(full), c.enc)}, "")
	return took
}

// benchSite returns a site folder, the page edited in it and the id of a
// page with anchors.
func benchSite(b *testing.B, pages int) (dir, name, id string) {
	if pages == 0 {
		return copySite(b), scenario, "mica-art-61"
	}
	dir = b.TempDir()
	if err := corpus.Write(dir, corpus.Options{Pages: pages, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	var files []string
	_ = filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) != "_index.md" {
			files = append(files, p)
		}
		return err
	})
	slices.Sort(files)
	rel, _ := filepath.Rel(dir, files[0])
	data, err := os.ReadFile(files[len(files)/2])
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "id: "); ok {
			id = strings.Trim(v, `"`)
		}
	}
	if id == "" {
		b.Fatalf("no id in %s", files[len(files)/2])
	}
	return dir, filepath.ToSlash(rel), id
}

// pct is the p-th percentile of ds, in milliseconds.
func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[min(len(s)-1, len(s)*p/100)]) / float64(time.Millisecond)
}
