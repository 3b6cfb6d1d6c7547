package markup

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestRenderGolden renders each testdata/render/*.txtar archive's in.md and
// compares it with its out.html. References resolve to /ref/TARGET/ titled
// "Title of TARGET", and the defined term "close links" links to term-cl.
func TestRenderGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/render/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	md := New(Options{})
	terms := NewTerms([]Term{{ID: "term-cl", Phrases: []string{"close links"}}, {ID: "term-casp", Phrases: []string{"CASP", "crypto-asset service provider"}}})
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var in []byte
			for _, f := range ar.Files {
				if f.Name == "in.md" {
					in = f.Data
				}
			}
			doc := md.Parse(in, ParseOptions{Terms: terms, SelfID: "self"})
			for _, r := range doc.Refs {
				r.Resolved = Resolved{URL: "/ref/" + r.Target + "/", Title: "Title of " + r.Target, TargetKind: "provision", Preview: "Preview of " + r.Target}
			}
			for _, c := range doc.Cites {
				if c.SourceID != "unknown" {
					c.Source = CitedSource{Page: "/sources/" + c.SourceID + "/", Title: "Title of " + c.SourceID, Short: "Short " + c.SourceID,
						Publisher: "Publisher", Published: "2025-02-26", Reference: "REF-1", Address: "https://example.org/" + c.SourceID}
				}
			}
			for _, a := range doc.Anchors {
				if a.Pin != nil && strings.HasPrefix(a.ID, "p") {
					a.Pin.Label, a.Pin.Copy, a.Pin.URL, a.Pin.Ref, a.Pin.Citers = a.ID[1:], "Art. X "+a.ID, "/x/#"+a.ID, "[[x#"+a.ID+"]]", len(a.ID)%3
				}
			}
			got, err := md.RenderString(doc)
			if err != nil {
				t.Fatal(err)
			}
			var problems []string
			for _, p := range doc.Problems {
				problems = append(problems, itoa(p.Offset)+": "+p.Message)
			}
			got += "== problems ==\n" + strings.Join(problems, "\n")
			want := ""
			for i, f := range ar.Files {
				if f.Name == "out.html" {
					want = string(f.Data)
					if *update {
						ar.Files[i].Data = []byte(got + "\n")
						if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
				}
			}
			if strings.TrimSpace(got) != strings.TrimSpace(want) {
				t.Errorf("%s: rendered HTML differs (run go test -update to accept)\n--- got\n%s\n--- want\n%s", file, got, want)
			}
		})
	}
}

func TestParseRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, give, wantTarget, wantLabel string
		wantOK                            bool
	}{
		{desc: "id", give: "mica-art-61", wantTarget: "mica-art-61", wantOK: true},
		{desc: "anchor and label", give: "mica-art-61#p2|paragraph 2", wantTarget: "mica-art-61#p2", wantLabel: "paragraph 2", wantOK: true},
		{desc: "citation", give: "MiCA Art. 61(1)(b)", wantTarget: "MiCA Art. 61(1)(b)", wantOK: true},
		{desc: "spaces trimmed", give: "  a | b  ", wantTarget: "a", wantLabel: "b", wantOK: true},
		{desc: "escaped pipe in a table", give: `a\|b`, wantTarget: "a", wantLabel: "b", wantOK: true},
		{desc: "label may contain a second pipe", give: "a|b|c", wantTarget: "a", wantLabel: "b|c", wantOK: true},
		{desc: "empty", give: "", wantOK: false},
		{desc: "only a label", give: "|label", wantOK: false},
		{desc: "only a hash", give: "#", wantOK: false},
		{desc: "nested brackets", give: "a[b]", wantOK: false},
		{desc: "line break", give: "a\nb", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			target, label, ok := ParseRef(tt.give)
			if ok != tt.wantOK || target != tt.wantTarget || label != tt.wantLabel {
				t.Errorf("ParseRef(%q) = (%q, %q, %v), want (%q, %q, %v)", tt.give, target, label, ok, tt.wantTarget, tt.wantLabel, tt.wantOK)
			}
		})
	}
}

func TestParseCalloutMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give              string
		wantType, wantTit string // the title as written
		wantOK, wantKnown bool
	}{
		{give: "[!NOTE]", wantType: "NOTE", wantOK: true, wantKnown: true},
		{give: "[!esma] Narrow reading", wantType: "ESMA", wantTit: "Narrow reading", wantOK: true, wantKnown: true},
		{give: "[!PRACTICE]\n", wantType: "PRACTICE", wantOK: true, wantKnown: true},
		{give: "[!OPEN]- folded", wantType: "OPEN", wantTit: "folded", wantOK: true, wantKnown: true},
		{give: "[!FOO]", wantType: "FOO", wantOK: true},
		{give: "[NOTE]"},
		{give: "text [!NOTE]"},
	}
	for _, tt := range tests {
		typ, at, ok, known := calloutMarkerIn([]byte(tt.give))
		title := strings.TrimSpace(tt.give[at:])
		if !ok {
			title = ""
		}
		if typ != tt.wantType || title != tt.wantTit || ok != tt.wantOK || known != tt.wantKnown {
			t.Errorf("calloutMarkerIn(%q) = (%q, %q, %v, %v), want (%q, %q, %v, %v)", tt.give, typ, title, ok, known, tt.wantType, tt.wantTit, tt.wantOK, tt.wantKnown)
		}
	}
}

func TestParsePinMarker(t *testing.T) {
	t.Parallel()
	for give, want := range map[string]string{
		"{#p1-b} text":    "p1-b",
		"{#para-12}text":  "para-12",
		"{#p1} ":          "p1",
		"{#} x":           "",
		"{p1} x":          "",
		"text {#p1}":      "",
		"{#-bad} x":       "",
		"{#p1.sub_2:x} y": "p1.sub_2:x",
	} {
		id, _, ok := ParsePinMarker(give)
		if id != want || ok != (want != "") {
			t.Errorf("ParsePinMarker(%q) = (%q, %v), want %q", give, id, ok, want)
		}
	}
}

func TestSectionsAndContext(t *testing.T) {
	t.Parallel()
	src := "Intro text.\n\n## Scope {#scope}\n\nArt. 5 applies. The firm relies on [[MiCA Art. 61(1)]] here. Next sentence.\n\n## Other\n\nMore.\n"
	doc := New(Options{}).Parse([]byte(src), ParseOptions{})
	if len(doc.Sections) != 3 || doc.Sections[1].Anchor != "scope" || doc.Sections[2].Anchor != "other" || doc.Sections[0].Text != "Intro text." {
		t.Fatalf("sections = %+v", doc.Sections)
	}
	if len(doc.Refs) != 1 {
		t.Fatalf("refs = %d", len(doc.Refs))
	}
	r := doc.Refs[0]
	if r.FromAnchor != "scope" || r.Context != "The firm relies on MiCA Art. 61(1) here." {
		t.Errorf("ref from %q context %q", r.FromAnchor, r.Context)
	}
	if got := src[r.Offset : r.Offset+2]; got != "[[" {
		t.Errorf("ref offset points at %q", got)
	}
}

// TestRefreshTextTOC: a heading with a reference lists in the table of
// contents, and names its section, with the reference's resolved title.
func TestRefreshTextTOC(t *testing.T) {
	md := New(Options{})
	doc := md.Parse([]byte("Intro.\n\n## About [[term-x]] {#about}\n\nText.\n"), ParseOptions{})
	if len(doc.TOC) != 1 || doc.TOC[0].Text != "About term-x" {
		t.Fatalf("before resolving: TOC %+v", doc.TOC)
	}
	doc.Refs[0].Resolved = Resolved{URL: "/terms/x/", Title: "Term X"}
	doc.RefreshText()
	if len(doc.TOC) != 1 || doc.TOC[0].Text != "About Term X" || doc.TOC[0].ID != "about" {
		t.Errorf("after resolving: TOC %+v, want one entry \"About Term X\"", doc.TOC)
	}
	if s := doc.Sections[len(doc.Sections)-1]; s.Title != "About Term X" {
		t.Errorf("after resolving: section title %q", s.Title)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
