package corpus_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/kb-legal/kb/internal/bench/corpus"
	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/markup"
	"github.com/kb-legal/kb/internal/site"
)

// pagesOf parses the corpus's content pages (front matter only).
func pagesOf(b *testing.B, files map[string][]byte) []*site.Page {
	b.Helper()
	var pages []*site.Page
	for name, data := range files {
		file, ok := strings.CutPrefix(name, "content/")
		if !ok {
			continue
		}
		p, probs := site.ParsePage(site.Source{File: file, Data: data})
		if len(probs) > 0 || p == nil {
			b.Fatalf("%s: %v", name, probs)
		}
		pages = append(pages, p)
	}
	return pages
}

// BenchmarkRender parses and renders one page body with the build's
// Markdown configuration: goldmark, kb's extensions, highlighting.
func BenchmarkRender(b *testing.B) {
	files := corpus.Files(corpus.Options{Pages: 40, Seed: 1})
	var bodies [][]byte
	for _, p := range pagesOf(b, files) {
		if !p.IsSection {
			bodies = append(bodies, p.Body)
		}
	}
	md := markup.New(markup.Options{})
	var bytes int
	for _, body := range bodies {
		bytes += len(body)
	}
	b.SetBytes(int64(bytes / len(bodies)))
	i := 0
	for b.Loop() {
		doc := md.Parse(bodies[i%len(bodies)], markup.ParseOptions{})
		if _, err := md.RenderString(doc); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

var refPattern = regexp.MustCompile(`\[\[([^\]|]+)(?:\|[^\]]*)?\]\]`)
var anchorPattern = regexp.MustCompile(`\{#([a-z0-9-]+)\}`)

// BenchmarkResolve resolves every reference of a 10,000-page site — ids,
// anchors and citations such as "SR Art. 12(2)(b)" — once per iteration.
func BenchmarkResolve(b *testing.B) {
	files := corpus.Files(corpus.Options{Pages: 10000, Seed: 1})
	pages := pagesOf(b, files)
	var refs []string
	for _, p := range pages {
		for _, m := range anchorPattern.FindAllSubmatch(p.Body, -1) {
			p.Anchors = append(p.Anchors, site.Anchor{ID: string(m[1])})
		}
		for _, m := range refPattern.FindAllSubmatch(p.Body, -1) {
			refs = append(refs, string(m[1]))
		}
	}
	s, probs := site.New(site.DefaultConfig(), pages)
	if len(probs) > 0 {
		b.Fatal(probs)
	}
	for _, r := range refs {
		if _, err := s.Resolve(r); err != nil {
			b.Fatalf("%s: %v", r, err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, r := range refs {
			_, _ = s.Resolve(r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(refs)), "ns/ref")
}

func benchmarkGenerate(b *testing.B, pages int) {
	fsys := mapFS(corpus.Files(corpus.Options{Pages: pages, Seed: 1}))
	ctx := context.Background()
	for b.Loop() {
		res, err := build.Generate(ctx, fsys, build.Options{}, build.NewMemSink())
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Problems) > 0 {
			b.Fatal(res.Problems[0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*pages), "µs/page")
}

// BenchmarkGenerate is a whole-site build into memory: load, parse, link,
// render, without disk writes or the search index.
func BenchmarkGenerate1k(b *testing.B) { benchmarkGenerate(b, 1000) }

// BenchmarkGenerate10k shows whether time per page stays flat; it takes
// tens of seconds per iteration, so it runs only with KB_STRESS=1.
func BenchmarkGenerate10k(b *testing.B) {
	if os.Getenv("KB_STRESS") == "" {
		b.Skip("set KB_STRESS=1 for the 10,000-page build")
	}
	benchmarkGenerate(b, 10000)
}

// BenchmarkBuildWithIndex10k is `kb build` in-process at 10,000 pages:
// files on disk, the site and the Bleve index and static search written.
// It is the one to profile (-cpuprofile); it runs only with KB_STRESS=1.
func BenchmarkBuildWithIndex10k(b *testing.B) {
	if os.Getenv("KB_STRESS") == "" {
		b.Skip("set KB_STRESS=1 for the 10,000-page build")
	}
	dir := b.TempDir()
	src := dir + "/site"
	if err := corpus.Write(src, corpus.Options{Pages: 10000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		res, err := build.RunWithIndex(ctx, build.Options{Source: src}, dir+"/public", dir+"/index")
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Problems) > 0 {
			b.Fatal(res.Problems[0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*10000), "µs/page")
}
