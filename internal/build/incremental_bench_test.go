package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kb-legal/kb/internal/bench/corpus"
)

// BenchmarkBuilderEdit measures an incremental rebuild after one page's
// prose changes, on the synthetic corpus, told which file changed as kb
// serve's are.
func BenchmarkBuilderEdit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		if n > 1000 && os.Getenv("KB_STRESS") == "" {
			continue
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			if err := corpus.Write(dir, corpus.Options{Pages: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			var page string
			_ = filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
				if page == "" && err == nil && !d.IsDir() && filepath.Base(p) != "_index.md" {
					page = p
				}
				return err
			})
			rel, _ := filepath.Rel(dir, page)
			rel = filepath.ToSlash(rel)
			orig, err := os.ReadFile(page)
			if err != nil {
				b.Fatal(err)
			}
			bl := NewBuilder(os.DirFS(dir), Options{})
			if rb, err := bl.Build(context.Background()); err != nil || len(rb.Problems) > 0 {
				b.Fatal(err, rb.Problems)
			}
			i := 0
			for b.Loop() {
				i++
				if err := os.WriteFile(page, fmt.Appendf(orig, "\nEdit %d.\n", i), 0o644); err != nil {
					b.Fatal(err)
				}
				rb, err := bl.BuildChanged(context.Background(), []string{rel})
				if err != nil || len(rb.Problems) > 0 {
					b.Fatal(err, rb.Problems)
				}
			}
		})
	}
}
