package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestSourcesGolden compares the pages that show sources — a source page,
// the sources index, a provision and a guideline naming their official
// text — with golden files.
func TestSourcesGolden(t *testing.T) {
	t.Parallel()
	res, sink := generateMem(t, archiveFS(t, "testdata/sources.txtar"), Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	for _, page := range []string{"sources/index.html", "sources/mica/index.html", "provisions/art-61/index.html", "esma/solicitation/index.html"} {
		got, ok := sink.Files[page]
		if !ok {
			t.Errorf("%s was not written", page)
			continue
		}
		got = assetHash.ReplaceAll(got, []byte(".HASH.$1"))
		golden := filepath.Join("testdata/golden/sources", strings.ReplaceAll(strings.TrimSuffix(page, "/index.html"), "/", "-")+".html")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (go test -update to accept):\n%s", page, golden, firstDiff(got, want))
		}
	}
}

// TestSourcesFeatures checks what the golden pages show, one fact at a time.
func TestSourcesFeatures(t *testing.T) {
	t.Parallel()
	res, sink := generateMem(t, archiveFS(t, "testdata/sources.txtar"), Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	tests := []struct {
		desc, page, want string
	}{
		{"the index lists primary sources first", "sources/index.html", `<h2 id="kb-sources-primary">Primary sources</h2>`},
		{"and secondary ones after", "sources/index.html", `<h2 id="kb-sources-secondary">Secondary sources</h2>`},
		{"a source page shows its reference", "sources/mica/index.html", `<dt>Reference</dt><dd class="reference">CELEX 32023R1114</dd>`},
		{"a source page links its document", "sources/mica/index.html", `<a href="http://data.europa.eu/eli/reg/2023/1114/oj" rel="external">`},
		{"a source page lists the pages citing it", "sources/mica/index.html", `<a href="/provisions/art-61/">Article 61 — Exclusive initiative</a>`},
		{"a source nobody cites says so", "sources/press/index.html", `No page cites this source yet.`},
		{"a source page shows where it is cited", "sources/firm-note/index.html", `<a href="/provisions/art-61/#annotations">Article 61 — Exclusive initiative</a>`},
		{"a citation is a numbered note", "provisions/art-61/index.html", `<sup class="source-note"><a href="#kb-source-3" aria-label="Source 3: Reverse solicitation under MiCA: a note, p. 4" data-title="Reverse solicitation under MiCA: a note" data-preview="p. 4 · A. Writer · Example Law LLP · 2025-03-10">3</a></sup>`},
		{"a source cited twice is one entry, with both pinpoints", "provisions/art-61/index.html", `<span class="pinpoints">Cited at para. 23; para. 24.</span>`},
		{"the list links the document", "provisions/art-61/index.html", `<a class="source-out" href="https://law.example/notes/mica-61" rel="external"`},
		{"a quotation names its source and pinpoint", "provisions/art-61/index.html", `<figcaption>Quoted from <cite><a href="/sources/mica/">MiCA</a></cite>, Art. 61(1)`},
		{"the provision header links its official text", "provisions/art-61/index.html", `<span class="official-label">Official text:</span> <a href="https://eur-lex.europa.eu/eli/reg/2023/1114/oj#art_61" rel="external">`},
		{"each pinpoint links its official text", "provisions/art-61/index.html", `<a class="official-link" href="https://eur-lex.europa.eu/eli/reg/2023/1114/oj#art_61" rel="external" aria-label="Official text of MiCA Art. 61(1), first subparagraph">Official text</a>`},
		{"a guideline shows its ESMA reference", "esma/solicitation/index.html", `<span class="reference">ESMA35-1872330276-2030</span>`},
		{"a guideline paragraph links the guidelines", "esma/solicitation/index.html", `<a class="official-link" href="https://www.esma.europa.eu/"`},
	}
	for _, tt := range tests {
		if got := string(sink.Files[tt.page]); !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s lacks %s", tt.desc, tt.page, tt.want)
		}
	}
	if art := string(sink.Files["provisions/art-61/index.html"]); strings.Count(art, `aria-label="Official text of`) != 2 {
		t.Errorf("official-text links on pinpoints: %d, want 2 (p1 and p1-sub1, not the annotations heading)", strings.Count(art, `aria-label="Official text of`))
	}
	sources := string(sink.Files["sources/index.html"])
	if p, s := strings.Index(sources, "Primary sources"), strings.Index(sources, "Secondary sources"); p < 0 || s < p || !strings.Contains(sources[s:], "A press article") {
		t.Error("the sources index does not list primary sources, then secondary ones")
	}
}

// TestCitationProblems checks that a citation of an unknown source, a
// quotation without its source and an official: naming no source are
// problems at their place, with a suggestion.
func TestCitationProblems(t *testing.T) {
	t.Parallel()
	fsys := archiveFS(t, "testdata/sources.txtar")
	fsys["content/commentary/bad.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Bad\nkind: commentary\n---\nIt is narrow [@mika, p. 1].\n\n> [!TEXT]\n> Words.\n\nA page is no source [@mica-art-61].\n")}
	fsys["content/provisions/art-62.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Art. 62\nkind: provision\nofficial: {source: esma-guideline}\n---\nText.\n")}
	res, _ := generateMem(t, fsys, Options{})
	want := []string{
		`content/commentary/bad.md:5:14: unknown source "mika" (did you mean "mica"?)`,
		`content/commentary/bad.md:7:3: a quotation needs its source: > [!TEXT] [@source, pinpoint] (quote only official wording, and say whose and where: > [!TEXT] [@mica, Art. 61(2)])`,
		`content/commentary/bad.md:10:21: "mica-art-61" is a page, not a source (did you mean "mica"?)`,
		`content/provisions/art-62.md:4:12: official: unknown source "esma-guideline" (did you mean "esma-guidelines"?)`,
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSourceEditReachesCiters is what a writer sees in kb serve: editing a
// source page changes the notes, the Sources list and the official-text
// links of the pages citing it, and only what the edit touches is
// reported changed, as a clean build would make it.
func TestSourceEditReachesCiters(t *testing.T) {
	t.Parallel()
	dir := archiveDir(t, "testdata/sources.txtar")
	b := NewBuilder(os.DirFS(dir), Options{})
	if rb, err := b.Build(context.Background()); err != nil || len(rb.Problems) > 0 {
		t.Fatalf("first build: %v %v", err, rb.Problems)
	}
	name := filepath.Join(dir, "content/sources/mica.md")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.NewReplacer("cite: MiCA", "cite: MiCA Regulation", "CELEX 32023R1114", "CELEX 32023R1114 (OJ L 150)",
		`url: "http://data.europa.eu/eli/reg/2023/1114/oj"`, `url: "https://eur-lex.europa.eu/eli/reg/2023/1114/oj"`).Replace(string(data))
	if err := os.WriteFile(name, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	rb, err := b.BuildChanged(context.Background(), []string{"content/sources/mica.md"})
	if err != nil || len(rb.Problems) > 0 {
		t.Fatalf("rebuild: %v %v", err, rb.Problems)
	}
	art := string(rb.Output["provisions/art-61/index.html"])
	for _, want := range []string{
		`aria-label="Source 1: MiCA Regulation, Art. 59(1)"`,                    // the note
		`<span class="reference">CELEX 32023R1114 (OJ L 150)</span>`,            // the header and the Sources list
		`<cite><a href="/sources/mica/">MiCA Regulation</a></cite>, Art. 61(1)`, // the quotation
	} {
		if !strings.Contains(art, want) {
			t.Errorf("after the edit, art-61 lacks %s", want)
		}
	}
	if !slices.Contains(rb.Changed, "provisions/art-61/index.html") || slices.Contains(rb.Changed, "sources/press/index.html") {
		t.Errorf("changed: %v", rb.Changed)
	}
	_, clean := generateMem(t, os.DirFS(dir), Options{})
	for file, want := range clean.Files {
		if !bytes.Equal(rb.Output[file], want) {
			t.Errorf("%s differs from a clean build", file)
		}
	}
}
