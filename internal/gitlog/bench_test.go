package gitlog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kb-legal/kb/internal/bench/corpus"
	"github.com/kb-legal/kb/internal/gitlog"
	"github.com/kb-legal/kb/internal/gitlog/gittest"
)

// BenchmarkRead reads the history of a site of internal/bench's corpus
// committed in 51 commits, the last 50 editing 200 pages each, and checks
// every file's bytes against it: what a build adds to learn every page's
// last-updated date. "git" is the git process alone.
func BenchmarkRead1k(b *testing.B) { benchmarkRead(b, 1000) }

// BenchmarkRead10k takes a minute to set up: it runs with KB_STRESS=1.
func BenchmarkRead10k(b *testing.B) {
	if os.Getenv("KB_STRESS") == "" {
		b.Skip("set KB_STRESS=1 for the 10,000-page history")
	}
	benchmarkRead(b, 10000)
}

func benchmarkRead(b *testing.B, pages int) {
	repo := b.TempDir()
	gittest.Init(b, repo)
	files := corpus.Files(corpus.Options{Pages: pages, Seed: 1})
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range files {
			if !yield(name) {
				return
			}
		}
	})
	if err := corpus.Write(repo, corpus.Options{Pages: pages, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	gittest.Commit(b, repo, "2025-01-01T00:00:00Z", "corpus")
	for c := range 50 {
		for i := range 200 {
			name := names[(c*997+i*53)%len(names)]
			if filepath.Ext(name) != ".md" {
				continue
			}
			files[name] = append(files[name], fmt.Sprintf("\nEdit %d.\n", c)...)
			if err := os.WriteFile(filepath.Join(repo, name), files[name], 0o644); err != nil {
				b.Fatal(err)
			}
		}
		gittest.Commit(b, repo, fmt.Sprintf("2025-02-%02dT00:00:00Z", 1+c%28), fmt.Sprintf("edit %d", c))
	}
	ctx := context.Background()
	b.Run("git", func(b *testing.B) {
		for b.Loop() {
			if _, err := gitlog.Read(ctx, repo, "content"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("git+hash", func(b *testing.B) {
		for b.Loop() {
			log, err := gitlog.Read(ctx, repo, "content")
			if err != nil {
				b.Fatal(err)
			}
			for name, data := range files {
				if _, ok := log.Committed(name, data); !ok && name != "kb.yaml" {
					b.Fatalf("%s does not match its commit", name)
				}
			}
		}
	})
}
