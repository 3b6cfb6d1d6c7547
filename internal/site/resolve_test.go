package site

import (
	"testing"
)

// testSite is a small site: Article 61 with paragraph anchors, Article 3
// whose anchor is a point of a paragraph, and a scenario.
func testSite(t testing.TB) *Site {
	t.Helper()
	art61 := &Page{FrontMatter: FrontMatter{ID: "mica-art-61", Title: "Article 61", Kind: "provision", Cite: "MiCA Art. 61"},
		File: "provisions/art-61.md", URL: "/provisions/art-61/", Section: "/provisions/",
		Anchors: []Anchor{{ID: "p1"}, {ID: "p1-sub2"}, {ID: "p1-b"}, {ID: "p2"}}}
	art3 := &Page{FrontMatter: FrontMatter{ID: "mica-art-3", Title: "Article 3", Kind: "provision", Cite: "MiCA Art. 3"},
		File: "provisions/art-3.md", URL: "/provisions/art-3/", Section: "/provisions/",
		Anchors: []Anchor{{ID: "p1-31"}}}
	sc := &Page{FrontMatter: FrontMatter{ID: "scenario-sponsorship", Title: "Sponsorship", Kind: "scenario"},
		File: "scenarios/sponsorship.md", URL: "/scenarios/sponsorship/", Section: "/scenarios/"}
	s, probs := New(DefaultConfig(), []*Page{art61, art3, sc})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return s
}

func TestResolve(t *testing.T) {
	t.Parallel()
	s := testSite(t)
	tests := []struct {
		desc       string
		give       string
		wantID     string
		wantAnchor string
		wantErr    string
		wantHint   string
	}{
		{desc: "id", give: "mica-art-61", wantID: "mica-art-61"},
		{desc: "id and anchor", give: "mica-art-61#p2", wantID: "mica-art-61", wantAnchor: "p2"},
		{desc: "cite key", give: "MiCA Art. 61", wantID: "mica-art-61"},
		{desc: "cite paragraph", give: "MiCA Art. 61(2)", wantID: "mica-art-61", wantAnchor: "p2"},
		{desc: "cite point", give: "MiCA Art. 61(1)(b)", wantID: "mica-art-61", wantAnchor: "p1-b"},
		{desc: "cite point of a definition", give: "MiCA Art. 3(1)(31)", wantID: "mica-art-3", wantAnchor: "p1-31"},
		{desc: "cite key with explicit anchor", give: "MiCA Art. 61#p1-sub2", wantID: "mica-art-61", wantAnchor: "p1-sub2"},
		{desc: "written citation", give: "Article 61(1), second subparagraph", wantID: "mica-art-61", wantAnchor: "p1-sub2"},
		{desc: "citation without the instrument", give: "Art. 61(2)", wantID: "mica-art-61", wantAnchor: "p2"},
		{desc: "surrounding space", give: "  scenario-sponsorship ", wantID: "scenario-sponsorship"},
		{desc: "unknown id with suggestion", give: "scenario-sponsorhip",
			wantErr: `unresolved reference "scenario-sponsorhip"`, wantHint: `did you mean "scenario-sponsorship"?`},
		{desc: "unknown cite with suggestion", give: "MiCA Art. 62(1)",
			wantErr: `unresolved reference "MiCA Art. 62(1)"`, wantHint: `did you mean "MiCA Art. 61"?`},
		{desc: "unknown paragraph", give: "MiCA Art. 61(3)",
			wantErr: "provisions/art-61.md has no anchor #p3", wantHint: "did you mean #p1?"},
		{desc: "unknown anchor with suggestion", give: "mica-art-61#p1-sub3",
			wantErr: "provisions/art-61.md has no anchor #p1-sub3", wantHint: "did you mean #p1-sub2?"},
		{desc: "anchor on a page without anchors", give: "scenario-sponsorship#facts",
			wantErr: "scenarios/sponsorship.md has no anchor #facts", wantHint: "the page has no anchors; mark one with {#id} on a heading or at the start of a paragraph"},
		{desc: "empty", give: " ", wantErr: "empty reference"},
		{desc: "nothing close", give: "zzzzzzzzzzzz", wantErr: `unresolved reference "zzzzzzzzzzzz"`, wantHint: "no page has that id or cite key"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, err := s.Resolve(tt.give)
			if tt.wantErr != "" {
				re, ok := err.(*ResolveError)
				if !ok || re.Message != tt.wantErr || (tt.wantHint != "" && re.Hint != tt.wantHint) {
					t.Fatalf("Resolve(%q) error = %#v, want %q (%q)", tt.give, err, tt.wantErr, tt.wantHint)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tt.give, err)
			}
			if got.Page.ID != tt.wantID || got.Anchor != tt.wantAnchor {
				t.Errorf("Resolve(%q) = %s#%s, want %s#%s", tt.give, got.Page.ID, got.Anchor, tt.wantID, tt.wantAnchor)
			}
		})
	}
}

func TestResolveLink(t *testing.T) {
	t.Parallel()
	s := testSite(t)
	from := s.ByID("scenario-sponsorship")
	tests := []struct {
		desc       string
		give       string
		wantID     string
		wantAnchor string
		wantKind   LinkKind
		wantErr    string
	}{
		{desc: "relative md file", give: "../provisions/art-61.md#p2", wantID: "mica-art-61", wantAnchor: "p2"},
		{desc: "content-rooted md file", give: "/content/provisions/art-3.md", wantID: "mica-art-3"},
		{desc: "site path", give: "/provisions/art-61/#p1-b", wantID: "mica-art-61", wantAnchor: "p1-b"},
		{desc: "site path without slash", give: "/provisions/art-61", wantID: "mica-art-61"},
		{desc: "relative site path", give: "../../provisions/art-3/", wantID: "mica-art-3"},
		{desc: "same page", give: "#top", wantErr: "scenarios/sponsorship.md has no anchor #top"},
		{desc: "external", give: "https://eur-lex.europa.eu/eli/reg/2023/1114/oj", wantKind: LinkExternal},
		{desc: "mail", give: "mailto:x@example.org", wantKind: LinkExternal},
		{desc: "static file", give: "/files/guidelines.pdf", wantKind: LinkFile},
		{desc: "missing file", give: "../provisions/art-16.md", wantErr: `link to missing file "../provisions/art-16.md"`},
		{desc: "missing page", give: "/provisions/art-99/", wantErr: `link to missing page "/provisions/art-99/"`},
		{desc: "bad anchor", give: "/provisions/art-61/#p9", wantErr: "provisions/art-61.md has no anchor #p9"},
		{desc: "script", give: "javascript:alert(1)", wantErr: "link to a javascript: address"},
		{desc: "script in capitals", give: "JavaScript:alert(1)", wantErr: "link to a javascript: address"},
		{desc: "script behind character references", give: "&#106;avascript:alert(1)", wantErr: "link to a javascript: address"},
		{desc: "vbscript", give: "vbscript:x", wantErr: "link to a vbscript: address"},
		{desc: "local file", give: "file:///etc/passwd", wantErr: "link to a file: address"},
		{desc: "data document", give: "data:text/html,<b>x</b>", wantErr: "link to a data: address"},
		{desc: "data image", give: "data:image/png;base64,iVBORw0KGgo=", wantKind: LinkExternal},
		{desc: "character references in a site path", give: "/provisions/art&#45;61/", wantID: "mica-art-61"},
		{desc: "ampersand in a query", give: "https://example.org/?a=1&amp;b=2", wantKind: LinkExternal},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, kind, err := s.ResolveLink(from, tt.give)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ResolveLink(%q) error = %v, want %q", tt.give, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveLink(%q): %v", tt.give, err)
			}
			if kind != tt.wantKind {
				t.Fatalf("ResolveLink(%q) kind = %d, want %d", tt.give, kind, tt.wantKind)
			}
			if kind == LinkPage && (got.Page.ID != tt.wantID || got.Anchor != tt.wantAnchor) {
				t.Errorf("ResolveLink(%q) = %s#%s, want %s#%s", tt.give, got.Page.ID, got.Anchor, tt.wantID, tt.wantAnchor)
			}
		})
	}
}

func TestNewDuplicates(t *testing.T) {
	t.Parallel()
	a := &Page{FrontMatter: FrontMatter{ID: "x", Title: "A", Cite: "C"}, File: "a.md", URL: "/a/", Section: "/"}
	b := &Page{FrontMatter: FrontMatter{ID: "x", Title: "B", Cite: "C"}, File: "b.md", URL: "/b/", Section: "/"}
	_, probs := New(DefaultConfig(), []*Page{a, b})
	want := []string{ // on both files: the writer may have edited either
		`content/a.md:1:1: ambiguous cite key "C", also used by b.md (cite keys must be unique)`,
		`content/a.md:1:1: duplicate id "x", also used by b.md (ids must be unique; change one of them)`,
		`content/b.md:1:1: ambiguous cite key "C", also used by a.md (cite keys must be unique)`,
		`content/b.md:1:1: duplicate id "x", also used by a.md (ids must be unique; change one of them)`,
	}
	if len(probs) != len(want) {
		t.Fatalf("problems = %v", probs)
	}
	for i := range want {
		if probs[i].String() != want[i] {
			t.Errorf("problem %d = %s, want %s", i, probs[i], want[i])
		}
	}
}

func TestGraphCitedBy(t *testing.T) {
	t.Parallel()
	s := testSite(t)
	art61, sc, art3 := s.ByID("mica-art-61"), s.ByID("scenario-sponsorship"), s.ByID("mica-art-3")
	g := NewGraph([]Edge{
		{From: sc, To: art61, ToAnchor: "p2", Context: "second"},
		{From: sc, To: art61, ToAnchor: "p2", Context: "duplicate of the first"},
		{From: art3, To: art61, ToAnchor: "p1"},
		{From: sc, To: art61},
		{From: art61, To: art61, ToAnchor: "p2"}, // self-citation: not a citer
	})
	groups := g.CitedBy(art61)
	var got []string
	for _, grp := range groups {
		for _, e := range grp.Edges {
			got = append(got, grp.Anchor.ID+"<"+e.From.ID)
		}
	}
	want := []string{"<scenario-sponsorship", "p1<mica-art-3", "p2<scenario-sponsorship"}
	if len(got) != len(want) {
		t.Fatalf("CitedBy = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("CitedBy[%d] = %s, want %s", i, got[i], want[i])
		}
	}
	if n := g.Citers(art61, "p2"); n != 1 {
		t.Errorf("Citers(p2) = %d, want 1", n)
	}
}
