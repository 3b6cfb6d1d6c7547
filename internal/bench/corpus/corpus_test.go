package corpus_test

import (
	"bytes"
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kb-legal/kb/internal/bench/corpus"
	"github.com/kb-legal/kb/internal/build"
)

func mapFS(files map[string][]byte) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return fsys
}

func TestFilesDeterministic(t *testing.T) {
	t.Parallel()
	a := corpus.Files(corpus.Options{Pages: 200, Seed: 7})
	b := corpus.Files(corpus.Options{Pages: 200, Seed: 7})
	if !maps.EqualFunc(a, b, bytes.Equal) {
		t.Fatal("the same options gave different corpora")
	}
	c := corpus.Files(corpus.Options{Pages: 200, Seed: 8})
	if maps.EqualFunc(a, c, bytes.Equal) {
		t.Fatal("a different seed gave the same corpus")
	}
}

// The Hugo flavour holds the same pages at the same paths, with the same
// prose: only the annotations differ.
func TestHugoSameCorpus(t *testing.T) {
	t.Parallel()
	kb := corpus.Files(corpus.Options{Pages: 100, Seed: 3})
	hugo := corpus.Files(corpus.Options{Pages: 100, Seed: 3, Hugo: true})
	var kbPages, hugoPages []string
	for name := range kb {
		if strings.HasPrefix(name, "content/") {
			kbPages = append(kbPages, name)
		}
	}
	for name := range hugo {
		if strings.HasPrefix(name, "content/") {
			hugoPages = append(hugoPages, name)
		}
	}
	slices.Sort(kbPages)
	slices.Sort(hugoPages)
	if !slices.Equal(kbPages, hugoPages) {
		t.Fatalf("page paths differ: %d kb, %d hugo", len(kbPages), len(hugoPages))
	}
	if hugo["hugo.toml"] == nil || hugo["layouts/_default/single.html"] == nil || kb["kb.yaml"] == nil {
		t.Fatal("missing site files")
	}
	refs := regexp.MustCompile(`\[\[[^\]]+\]\]`)
	links := regexp.MustCompile(`\]\(/[^)]+\)`)
	page := "content/provisions/sr-art-1.md"
	if got, want := len(links.FindAll(hugo[page], -1)), len(refs.FindAll(kb[page], -1)); got != want || got < 3 {
		t.Errorf("%s: %d Hugo links, %d kb references (want equal, at least 3)", page, got, want)
	}
}

func TestShape(t *testing.T) {
	t.Parallel()
	files := corpus.Files(corpus.Options{Pages: 500, Seed: 1})
	refs := regexp.MustCompile(`\[\[[^\]]+\]\]`)
	kinds := map[string]int{}
	var tables, code, citations, toAnchor, total int
	for name, data := range files {
		if !strings.HasPrefix(name, "content/") || strings.HasSuffix(name, "_index.md") {
			continue
		}
		front, body, _ := strings.Cut(strings.TrimPrefix(string(data), "---\n"), "\n---\n")
		for _, k := range []string{"provision", "guideline", "scenario", "commentary"} {
			if strings.Contains(front, "\nkind: "+k+"\n") {
				kinds[k]++
			}
		}
		if !strings.Contains(front, "\nas_of: ") || !strings.Contains(front, "\ntags: [") {
			t.Errorf("%s: front matter without as_of or tags", name)
		}
		n := len(refs.FindAllString(body, -1))
		if n < 3 || n > 8 {
			t.Errorf("%s: %d references, want 3 to 8", name, n)
		}
		for _, r := range refs.FindAllString(body, -1) {
			total++
			if strings.Contains(r, "#") || strings.Contains(r, ")]]") || strings.Contains(r, ")|") {
				toAnchor++
			}
			if strings.Contains(r, "SR Art. ") && !strings.Contains(r, "|") {
				citations++
			}
		}
		if strings.Contains(body, "| --- |") {
			tables++
		}
		if strings.Contains(body, "```") {
			code++
		}
	}
	if len(kinds) != 4 || kinds["provision"] != 200 {
		t.Errorf("kinds = %v, want four, 200 provisions", kinds)
	}
	if tables < 100 || code < 50 || citations < 100 {
		t.Errorf("%d tables, %d code blocks, %d citations: too few", tables, code, citations)
	}
	if ratio := float64(toAnchor) / float64(total); ratio < 0.35 || ratio > 0.65 {
		t.Errorf("%.2f of the references go to a paragraph, want about half", ratio)
	}
}

// Every reference of the corpus resolves: kb builds it without a problem.
func TestBuildsWithoutProblems(t *testing.T) {
	t.Parallel()
	fsys := mapFS(corpus.Files(corpus.Options{Pages: 300, Seed: 5}))
	res, err := build.Generate(context.Background(), fsys, build.Options{}, build.NewMemSink())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	if res.Pages < 300 {
		t.Errorf("built %d pages, want at least 300", res.Pages)
	}
}
