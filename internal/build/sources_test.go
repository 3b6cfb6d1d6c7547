package build

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{"the index lists primary sources first", "sources/index.html", `<h2 id="sources-primary">Primary sources</h2>`},
		{"and secondary ones after", "sources/index.html", `<h2 id="sources-secondary">Secondary sources</h2>`},
		{"a source page shows its reference", "sources/mica/index.html", `<dt>Reference</dt><dd class="reference">CELEX 32023R1114</dd>`},
		{"a source page links its document", "sources/mica/index.html", `<a href="http://data.europa.eu/eli/reg/2023/1114/oj" rel="external">`},
		{"a source page lists the pages citing it", "sources/mica/index.html", `<a href="/provisions/art-61/">Article 61 — Exclusive initiative</a>`},
		{"a source nobody cites says so", "sources/firm-note/index.html", `No page cites this source yet.`},
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
	if art := string(sink.Files["provisions/art-61/index.html"]); strings.Contains(art, `href="#annotations"`) && strings.Count(art, `class="official-link"`) != 2 {
		t.Errorf("official-text links: %d, want 2 (p1 and p1-sub1, not the annotations heading)", strings.Count(art, `class="official-link"`))
	}
}
