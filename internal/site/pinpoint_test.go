package site

import (
	"regexp"
	"strings"
	"testing"
)

const (
	esmaGuidelines = "ESMA Guidelines on reverse solicitation (ESMA35-1872330276-2030)"
	esmaShort      = "ESMA Guidelines on reverse solicitation"
)

// cited is the pinpoint of an article's place: its short citation is
// the citation.
func cited(label, citation string) Pinpoint { return Pinpoint{label, citation, citation} }

func TestPinpoint(t *testing.T) {
	t.Parallel()
	article := Scheme{Cite: "MiCA Art. 61"}
	definitions := Scheme{Cite: "MiCA Art. 3"}
	guideline := Scheme{Paragraphs: true, Document: esmaShort, Reference: "ESMA35-1872330276-2030"}
	unnamed := Scheme{Paragraphs: true} // a guideline page that names no document
	commentary := Scheme{}
	tests := []struct {
		desc   string
		scheme Scheme
		give   string
		want   Pinpoint
	}{
		// Every anchor form of the writer's guide.
		{desc: "paragraph", scheme: article, give: "p2", want: cited("2", "MiCA Art. 61(2)")},
		{desc: "point", scheme: article, give: "p1-b", want: cited("1(b)", "MiCA Art. 61(1)(b)")},
		{desc: "subparagraph", scheme: article, give: "p1-sub2", want: cited("1, second subparagraph", "MiCA Art. 61(1), second subparagraph")},
		{desc: "numbered point", scheme: definitions, give: "p1-31", want: cited("1(31)", "MiCA Art. 3(1)(31)")},
		{desc: "guideline paragraph", scheme: guideline, give: "para-12", want: Pinpoint{"12", esmaGuidelines + ", para. 12", esmaShort + ", para. 12"}},
		// Forms the grammar allows beyond the guide's examples.
		{desc: "first subparagraph", scheme: article, give: "p1-sub1", want: cited("1, first subparagraph", "MiCA Art. 61(1), first subparagraph")},
		{desc: "tenth subparagraph", scheme: article, give: "p3-sub10", want: cited("3, tenth subparagraph", "MiCA Art. 61(3), tenth subparagraph")},
		{desc: "twentieth subparagraph", scheme: article, give: "p3-sub20", want: cited("3, twentieth subparagraph", "MiCA Art. 61(3), twentieth subparagraph")},
		{desc: "point of a subparagraph", scheme: article, give: "p1-sub2-a", want: cited("1, second subparagraph, point (a)", "MiCA Art. 61(1), second subparagraph, point (a)")},
		{desc: "sub-point of a subparagraph", scheme: article, give: "p1-sub2-a-ii", want: cited("1, second subparagraph, point (a)(ii)", "MiCA Art. 61(1), second subparagraph, point (a)(ii)")},
		{desc: "subparagraph of a point", scheme: article, give: "p1-b-sub2", want: cited("1(b), second subparagraph", "MiCA Art. 61(1)(b), second subparagraph")},
		{desc: "inserted paragraph", scheme: article, give: "p2a", want: cited("2a", "MiCA Art. 61(2a)")},
		{desc: "roman sub-point", scheme: article, give: "p1-b-iv", want: cited("1(b)(iv)", "MiCA Art. 61(1)(b)(iv)")},
		{desc: "point of a guideline paragraph", scheme: guideline, give: "para-12-a", want: Pinpoint{"12(a)", esmaGuidelines + ", para. 12(a)", esmaShort + ", para. 12(a)"}},
		{desc: "the page as a whole", scheme: article, give: "", want: cited("", "MiCA Art. 61")},
		{desc: "guideline page as a whole", scheme: guideline, give: "", want: Pinpoint{}},
		{desc: "guideline paragraph, document without reference", scheme: Scheme{Paragraphs: true, Document: "Q&A"}, give: "para-3", want: Pinpoint{"3", "Q&A, para. 3", "Q&A, para. 3"}},
		{desc: "guideline paragraph, document unnamed", scheme: unnamed, give: "para-12", want: Pinpoint{Label: "12"}},
		// Places that are no legal pinpoint: no label, no citation, never a slug.
		{desc: "heading slug", scheme: article, give: "the-exemption-is-narrow-by-design", want: Pinpoint{}},
		{desc: "word starting with p", scheme: article, give: "practices", want: Pinpoint{}},
		{desc: "short word starting with p", scheme: article, give: "pro", want: Pinpoint{}},
		{desc: "bare p", scheme: article, give: "p", want: Pinpoint{}},
		{desc: "trailing dash", scheme: article, give: "p1-", want: Pinpoint{}},
		{desc: "subparagraph zero", scheme: article, give: "p1-sub0", want: Pinpoint{}},
		{desc: "subparagraph beyond the ordinals", scheme: article, give: "p1-sub21", want: Pinpoint{}},
		{desc: "subparagraph with a leading zero", scheme: article, give: "p1-sub02", want: Pinpoint{}},
		{desc: "two subparagraphs", scheme: article, give: "p1-sub2-sub3", want: Pinpoint{}},
		{desc: "capital letter", scheme: article, give: "p1-B", want: Pinpoint{}},
		{desc: "long group", scheme: article, give: "p1-abcde", want: Pinpoint{}},
		{desc: "subparagraph first", scheme: article, give: "p-sub2", want: Pinpoint{}},
		{desc: "guideline paragraph with a letter", scheme: guideline, give: "para-12a", want: Pinpoint{}},
		{desc: "guideline anchor on a provision", scheme: article, give: "para-12", want: Pinpoint{}},
		{desc: "article anchor on a guideline page", scheme: guideline, give: "p2", want: Pinpoint{}},
		{desc: "paragraph anchor on commentary", scheme: commentary, give: "p2", want: Pinpoint{}},
		{desc: "guideline anchor on commentary", scheme: commentary, give: "para-12", want: Pinpoint{}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := tt.scheme.Pinpoint(tt.give); got != tt.want {
				t.Errorf("Pinpoint(%q) = %+v, want %+v", tt.give, got, tt.want)
			}
		})
	}
}

func TestParseCiteSuffix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want string // "" when it is no pinpoint
	}{
		{desc: "paragraph", give: "(2)", want: "p2"},
		{desc: "point", give: "(1)(b)", want: "p1-b"},
		{desc: "spaced point", give: " (1) (b)", want: "p1-b"},
		{desc: "subparagraph", give: "(1), second subparagraph", want: "p1-sub2"},
		{desc: "subparagraph in capitals", give: "(1), Second Subparagraph", want: "p1-sub2"},
		{desc: "point of a subparagraph", give: "(1), second subparagraph, point (a)", want: "p1-sub2-a"},
		{desc: "sub-point of a subparagraph", give: "(1), second subparagraph, point (a)(ii)", want: "p1-sub2-a-ii"},
		{desc: "point named as such", give: "(1), point (31)", want: "p1-31"},
		{desc: "subparagraph of a point", give: "(1)(b), second subparagraph", want: "p1-b-sub2"},
		{desc: "empty", give: ""},
		{desc: "letter first", give: "(b)"},
		{desc: "unclosed", give: "(1"},
		{desc: "unknown ordinal", give: "(1), umpteenth subparagraph"},
		{desc: "no ordinal", give: "(1), subparagraph"},
		{desc: "ordinal without subparagraph", give: "(1), second"},
		{desc: "ordinal glued to a word", give: "(1), second subparagraphs"},
		{desc: "point after a subparagraph unnamed", give: "(1), second subparagraph(a)"},
		{desc: "two subparagraphs", give: "(1), second subparagraph, third subparagraph"},
		{desc: "two points named", give: "(1), point (a), point (b)"},
		{desc: "subparagraph after a named point", give: "(1), point (a), second subparagraph"},
		{desc: "comma first", give: ", second subparagraph"},
		{desc: "trailing text", give: "(1) and more"},
		{desc: "trailing comma", give: "(1),"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, ok := parseCiteSuffix(tt.give)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("parseCiteSuffix(%q) = %q, %v; want %q", tt.give, got, ok, tt.want)
			}
		})
	}
}

// TestPinpointResolves checks that every citation the site offers for
// copying resolves, as a reference, to the place it was copied from.
func TestPinpointResolves(t *testing.T) {
	t.Parallel()
	s := testSite(t)
	for _, p := range s.Pages {
		for _, a := range p.Anchors {
			c := s.Pinpoint(p, a.ID).Citation
			if c == "" {
				continue
			}
			got, err := s.Resolve(c)
			if err != nil || got.Page != p || got.Anchor != a.ID {
				t.Errorf("%s#%s is cited %q, which resolves to %v#%s (%v)", p.ID, a.ID, c, got.Page, got.Anchor, err)
			}
		}
	}
}

func TestResolveSubparagraph(t *testing.T) {
	t.Parallel()
	s := testSite(t)
	for give, want := range map[string]string{
		"MiCA Art. 61(1), second subparagraph": "p1-sub2",
		"MiCA Art. 61 (1) (b)":                 "p1-b",
	} {
		got, err := s.Resolve(give)
		if err != nil || got.Anchor != want {
			t.Errorf("Resolve(%q) = #%s, %v; want #%s", give, got.Anchor, err, want)
		}
	}
	_, err := s.Resolve("MiCA Art. 62(1), second subparagraph")
	if re, ok := err.(*ResolveError); !ok || re.Hint != `did you mean "MiCA Art. 61"?` {
		t.Errorf("an unknown cite key with a subparagraph: %#v, want a suggestion of the cite key", err)
	}
}

func TestValidGroup(t *testing.T) {
	t.Parallel()
	oracle := regexp.MustCompile(`^([0-9]+[a-z]?|[a-z]{1,4})$`)
	for _, give := range []string{"", "1", "12", "12b", "1ab", "b", "iv", "abcd", "abcde", "A", "-1", "é", "1 ", "sub2"} {
		if got, want := validGroup(give), oracle.MatchString(give); got != want {
			t.Errorf("validGroup(%q) = %v, want %v", give, got, want)
		}
	}
}

func FuzzPinpoint(f *testing.F) {
	for _, s := range []string{"p2", "p1-b", "p1-sub2", "p1-31", "para-12", "p1-sub2-a-ii", "para-12-a", "p2a", "practices", "p1-sub0", "p-", "para-"} {
		f.Add(s, "MiCA Art. 61")
	}
	f.Add("p1-b", "X (1)")
	oracle := regexp.MustCompile(`^([0-9]+[a-z]?|[a-z]{1,4})$`)
	f.Fuzz(func(t *testing.T, anchor, cite string) {
		pl, ok := parseAnchor(anchor)
		if ok && pl.anchor() != anchor {
			t.Fatalf("parseAnchor(%q) spells back as %q", anchor, pl.anchor())
		}
		for _, g := range []string{anchor, cite} {
			if validGroup(g) != oracle.MatchString(g) {
				t.Fatalf("validGroup(%q) = %v, the rule says otherwise", g, validGroup(g))
			}
		}
		// A citation resolves to the anchor it was made from.
		art := Scheme{Cite: cite}.Pinpoint(anchor)
		if (art.Label != "") != (ok && !pl.document && cite != "") {
			t.Fatalf("Pinpoint(%q) label %q, though parseAnchor says %v", anchor, art.Label, ok)
		}
		cite = strings.TrimSpace(cite)
		if art.Label != "" && cite != "" && !strings.ContainsAny(cite, "#|[]") {
			p := &Page{FrontMatter: FrontMatter{ID: "the-page", Title: "T", Cite: cite}, File: "a.md", URL: "/a/", Section: "/",
				Anchors: []Anchor{{ID: anchor}}}
			s, probs := New(DefaultConfig(), []*Page{p})
			if len(probs) == 0 {
				got, err := s.Resolve(art.Citation)
				if err != nil || got.Anchor != anchor {
					t.Fatalf("%q cites #%s as %q, which resolves to #%s (%v)", cite, anchor, art.Citation, got.Anchor, err)
				}
			}
		}
		// A suffix that parses is one that Pinpoint writes, or close to it.
		if a, ok := parseCiteSuffix(cite); ok {
			again, ok := parseCiteSuffix(Scheme{Cite: "X"}.Pinpoint(a).Citation[1:])
			if !ok || again != a {
				t.Fatalf("parseCiteSuffix(%q) = %q, whose citation reads back as %q", cite, a, again)
			}
		}
	})
}

// guidelineSite is a source with two guideline pages that name it as
// their official text, and a commentary page with a paragraph anchor.
func guidelineSite(t testing.TB) *Site {
	t.Helper()
	src := &Page{FrontMatter: FrontMatter{ID: "esma-guidelines", Title: "Guidelines on reverse solicitation under MiCA", Kind: "source",
		Cite: "ESMA Guidelines on reverse solicitation", Reference: "ESMA35-1872330276-2030", Address: "https://www.esma.europa.eu/"},
		File: "sources/esma-guidelines.md", URL: "/sources/esma-guidelines/", Section: "/sources/"}
	official := Official{Source: "esma-guidelines"}
	solicitation := &Page{FrontMatter: FrontMatter{ID: "gl-solicitation", Title: "What counts as solicitation", Kind: "guideline", Official: official},
		File: "esma/solicitation.md", URL: "/esma/solicitation/", Section: "/esma/",
		Anchors: []Anchor{{ID: "para-12"}, {ID: "para-13"}, {ID: "para-13-a"}, {ID: "means"}}}
	initiative := &Page{FrontMatter: FrontMatter{ID: "gl-initiative", Title: "Own initiative", Kind: "guideline", Official: official},
		File: "esma/initiative.md", URL: "/esma/initiative/", Section: "/esma/",
		Anchors: []Anchor{{ID: "para-23"}}}
	notes := &Page{FrontMatter: FrontMatter{ID: "notes", Title: "Notes", Kind: "commentary"},
		File: "notes.md", URL: "/notes/", Section: "/", Anchors: []Anchor{{ID: "para-12"}}}
	s, probs := New(DefaultConfig(), []*Page{src, solicitation, initiative, notes})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return s
}

func TestResolveGuidelineParagraph(t *testing.T) {
	t.Parallel()
	s := guidelineSite(t)
	tests := []struct {
		desc, give, wantID, wantAnchor string
	}{
		{desc: "as copied", give: esmaGuidelines + ", para. 12", wantID: "gl-solicitation", wantAnchor: "para-12"},
		{desc: "by cite key", give: "ESMA Guidelines on reverse solicitation, para. 23", wantID: "gl-initiative", wantAnchor: "para-23"},
		{desc: "by title", give: "Guidelines on reverse solicitation under MiCA, para. 13", wantID: "gl-solicitation", wantAnchor: "para-13"},
		{desc: "a point", give: esmaGuidelines + ", para. 13(a)", wantID: "gl-solicitation", wantAnchor: "para-13-a"},
		{desc: "a paragraph no page has", give: esmaGuidelines + ", para. 99"},
		{desc: "another document", give: "ESMA Q&A, para. 12"},
		{desc: "no number", give: esmaGuidelines + ", para. "},
		{desc: "a letter for a number", give: esmaGuidelines + ", para. a"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, err := s.Resolve(tt.give)
			if tt.wantID == "" {
				if err == nil {
					t.Fatalf("Resolve(%q) = %s#%s, want an error", tt.give, got.Page.ID, got.Anchor)
				}
				return
			}
			if err != nil || got.Page.ID != tt.wantID || got.Anchor != tt.wantAnchor {
				t.Errorf("Resolve(%q) = %v#%s, %v; want %s#%s", tt.give, got.Page, got.Anchor, err, tt.wantID, tt.wantAnchor)
			}
		})
	}
	// Every guideline paragraph's citation resolves back to it; the
	// commentary's para-12 is no pinpoint and has none.
	for _, p := range s.Pages {
		for _, a := range p.Anchors {
			pp := s.Pinpoint(p, a.ID)
			if p.Kind != "guideline" {
				if pp != (Pinpoint{}) {
					t.Errorf("%s#%s on a %s page: %+v, want no pinpoint", p.ID, a.ID, p.Kind, pp)
				}
				continue
			}
			for _, c := range []string{pp.Citation, pp.Short} {
				if got, err := s.Resolve(c); pp.Label != "" && (err != nil || got.Page != p || got.Anchor != a.ID) {
					t.Errorf("%s#%s is cited %q, which resolves to %v#%s (%v)", p.ID, a.ID, c, got.Page, got.Anchor, err)
				}
			}
		}
	}
}
