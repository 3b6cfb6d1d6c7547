package search_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/kb-legal/kb/internal/bench/corpus"
	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/themes"
)

// benchDocs builds the synthetic corpus of n pages and returns its search
// documents.
func benchDocs(b *testing.B, pages int) []search.Document {
	b.Helper()
	fsys := fstest.MapFS{}
	for name, data := range corpus.Files(corpus.Options{Pages: pages, Seed: 1}) {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	res, err := build.Generate(context.Background(), fsys, build.Options{}, build.NewMemSink())
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Problems) > 0 {
		b.Fatalf("corpus of %d pages: %v", pages, res.Problems[0])
	}
	return res.Docs
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		n += info.Size()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

var sizes = []int{1000, 10000}

// BenchmarkIndex measures building the Bleve index and its static export
// from the corpus's sections, and reports their sizes.
func BenchmarkIndex(b *testing.B) {
	for _, pages := range sizes {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			docs := benchDocs(b, pages)
			ctx := context.Background()
			root := b.TempDir()
			var indexBytes, exportBytes int64
			i := 0
			for b.Loop() {
				dir := filepath.Join(root, fmt.Sprint(i))
				i++
				if err := search.Build(ctx, dir, docs); err != nil {
					b.Fatal(err)
				}
				idx, err := search.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				st, err := idx.Export(ctx, func(string, []byte) error { return nil }, search.ExportOptions{})
				if err != nil {
					b.Fatal(err)
				}
				idx.Close()
				indexBytes, exportBytes = dirSize(b, dir), st.Bytes
				os.RemoveAll(dir)
			}
			b.ReportMetric(float64(len(docs)), "sections")
			b.ReportMetric(float64(indexBytes)/1e6, "index-MB")
			b.ReportMetric(float64(exportBytes)/1e6, "static-MB")
		})
	}
}

// BenchmarkExport measures the static export alone, from an index built
// once: its time and allocations, and the files it writes.
func BenchmarkExport(b *testing.B) {
	for _, pages := range sizes {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			docs := benchDocs(b, pages)
			ctx := context.Background()
			dir := filepath.Join(b.TempDir(), "index")
			if err := search.Build(ctx, dir, docs); err != nil {
				b.Fatal(err)
			}
			idx, err := search.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer idx.Close()
			b.ReportAllocs()
			var st search.ExportStats
			for b.Loop() {
				st, err = idx.Export(ctx, func(string, []byte) error { return nil }, search.ExportOptions{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Files), "files")
			b.ReportMetric(float64(st.Bytes)/1e6, "static-MB")
		})
	}
}

// BenchmarkExportDocuments measures the static export as kb build makes
// it, from the documents (their analysis included, which BuildAndExport
// shares with the Bleve index): its time, its allocations and the bytes it
// writes.
func BenchmarkExportDocuments(b *testing.B) {
	for _, pages := range sizes {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			docs := benchDocs(b, pages)
			b.ReportAllocs()
			var st search.ExportStats
			var err error
			for b.Loop() {
				st, err = search.ExportDocuments(context.Background(), docs, func(string, []byte) error { return nil }, search.ExportOptions{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Files), "files")
			b.ReportMetric(float64(st.Bytes)/1e6, "static-MB")
		})
	}
}

// BenchmarkMemory measures the preview server's index: building it in
// memory, and re-indexing one edited page with Update (what a one-file
// edit in kb serve costs).
func BenchmarkMemory(b *testing.B) {
	for _, pages := range sizes {
		docs := benchDocs(b, pages)
		ctx := context.Background()
		b.Run(fmt.Sprintf("pages=%d/new", pages), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				idx, err := search.NewMemory(ctx, docs)
				if err != nil {
					b.Fatal(err)
				}
				idx.Close()
			}
		})
		b.Run(fmt.Sprintf("pages=%d/update", pages), func(b *testing.B) {
			idx, err := search.NewMemory(ctx, docs)
			if err != nil {
				b.Fatal(err)
			}
			defer idx.Close()
			url := docs[len(docs)/2].URL
			var page []search.Document
			for _, d := range docs {
				if d.URL == url {
					page = append(page, d)
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				// An edit: the page's first section gains a word.
				edited := slices.Clone(page)
				edited[0].Body += fmt.Sprintf(" edit%d", i)
				i++
				if err := idx.Update(ctx, []string{url}, edited); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchQueries are typical one- and two-word queries over the corpus.
var benchQueries = []string{"authority", "client", "solicitation", "provision", "marketing", "service firm",
	"competent authority", "+client -marketing", "crypto", "guidance", "initiative", "kind:scenario client"}

// BenchmarkSearch measures `kb search`: opening the index read-only and
// one query, as each invocation does, and a query on an open index (the
// preview server's /_kb/search); with p50 and p99 over the queries.
func BenchmarkSearch(b *testing.B) {
	for _, pages := range sizes {
		docs := benchDocs(b, pages)
		dir := filepath.Join(b.TempDir(), "index")
		if err := search.Build(context.Background(), dir, docs); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("pages=%d/cli", pages), func(b *testing.B) {
			benchLatency(b, func(q string) {
				idx, err := search.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := idx.Search(context.Background(), search.Request{Query: q}); err != nil {
					b.Fatal(err)
				}
				idx.Close()
			})
		})
		b.Run(fmt.Sprintf("pages=%d/open", pages), func(b *testing.B) {
			idx, err := search.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer idx.Close()
			benchLatency(b, func(q string) {
				if _, err := idx.Search(context.Background(), search.Request{Query: q}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func benchLatency(b *testing.B, run func(q string)) {
	var took []time.Duration
	i := 0
	for b.Loop() {
		q := benchQueries[i%len(benchQueries)]
		i++
		start := time.Now()
		run(q)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkStaticBytes reports what the published site's search fetches:
// search.js and meta.kbz once, then per query the shard of each word and
// the documents of the hits shown (8, as the search box shows), raw and
// gzipped (as a static host serves them). Pagefind fetches about 245 KB
// for a first one-word query on the 10k-page corpus.
func BenchmarkStaticBytes(b *testing.B) {
	js, err := fs.ReadFile(themes.Default(), "assets/search.js")
	if err != nil {
		b.Fatal(err)
	}
	for _, pages := range sizes {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			docs := benchDocs(b, pages)
			ctx := context.Background()
			// The export numbers documents in ID order.
			var sorted []string
			for _, d := range docs {
				sorted = append(sorted, d.ID)
			}
			slices.Sort(sorted)
			ids := map[string]int{}
			for i, id := range sorted {
				ids[id] = i
			}
			dir := filepath.Join(b.TempDir(), "index")
			if err := search.Build(ctx, dir, docs); err != nil {
				b.Fatal(err)
			}
			disk, err := search.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer disk.Close()
			files := map[string][]byte{}
			st, err := disk.Export(ctx, func(name string, data []byte) error {
				files[name] = data
				return nil
			}, search.ExportOptions{})
			if err != nil {
				b.Fatal(err)
			}
			var first, next, firstGz, nextGz int
			for b.Loop() {
				fetched := map[string]bool{}
				first, firstGz = fetchBytes(b, disk, ids, files, fetched, "authority")
				first += len(js)
				firstGz += gz(js)
				next, nextGz = fetchBytes(b, disk, ids, files, fetched, "marketing")
			}
			b.ReportMetric(float64(st.Files), "files")
			b.ReportMetric(float64(st.Bytes)/1e3, "total-KB")
			b.ReportMetric(float64(first)/1e3, "first-KB")
			b.ReportMetric(float64(firstGz)/1e3, "first-gz-KB")
			b.ReportMetric(float64(next)/1e3, "next-KB")
			b.ReportMetric(float64(nextGz)/1e3, "next-gz-KB")
		})
	}
}

// fetchBytes is what the static client fetches for a one-word query,
// given what it fetched already: meta.kbz, the word's shard, the hits'
// documents.
func fetchBytes(b *testing.B, idx *search.Index, ids map[string]int, files map[string][]byte, fetched map[string]bool, word string) (raw, gzipped int) {
	var m struct {
		Keys  []string `json:"keys"`
		Chunk int      `json:"chunk"`
	}
	r, err := gzip.NewReader(bytes.NewReader(files["search/meta.kbz"]))
	if err != nil {
		b.Fatal(err)
	}
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		b.Fatal(err)
	}
	need := []string{"search/meta.kbz"}
	for l := min(len(word), 6); l > 0; l-- {
		if i := slices.Index(m.Keys, word[:l]); i >= 0 {
			need = append(need, fmt.Sprintf("search/w/%d.kbz", i))
			break
		}
	}
	res, err := idx.Search(context.Background(), search.Request{Query: word, Limit: 8})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Hits) == 0 {
		b.Fatalf("no hits for %q", word)
	}
	for _, h := range res.Hits {
		id := h.URL
		if h.Anchor != "" {
			id += "#" + h.Anchor
		}
		need = append(need, fmt.Sprintf("search/d/%d.kbz", ids[id]/m.Chunk))
	}
	for _, name := range need {
		if fetched[name] {
			continue
		}
		fetched[name] = true
		data, ok := files[name]
		if !ok {
			b.Fatalf("no %s", name)
		}
		raw += len(data)
		gzipped += gz(data)
	}
	return raw, gzipped
}

func gz(data []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return buf.Len()
}
