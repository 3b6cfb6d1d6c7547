package markup

import (
	"strings"
	"testing"
)

func TestParseCitation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc         string
		give         string
		wantID       string
		wantPinpoint string
		wantOK       bool
	}{
		{desc: "id alone", give: "mica", wantID: "mica", wantOK: true},
		{desc: "id and pinpoint", give: "mica, Art. 61(1)", wantID: "mica", wantPinpoint: "Art. 61(1)", wantOK: true},
		{desc: "spaces in the pinpoint are one", give: "esma-guidelines,   para.\t13 ", wantID: "esma-guidelines", wantPinpoint: "para. 13", wantOK: true},
		{desc: "commas after the first belong to the pinpoint", give: "note, p. 4, fn. 2", wantID: "note", wantPinpoint: "p. 4, fn. 2", wantOK: true},
		{desc: "an empty pinpoint is none", give: "mica,", wantID: "mica", wantOK: true},
		{desc: "space before the comma", give: "mica , p. 1", wantID: "mica", wantPinpoint: "p. 1", wantOK: true},
		{desc: "entity in the pinpoint", give: "mica, Arts. 59 &amp; 61", wantID: "mica", wantPinpoint: "Arts. 59 & 61", wantOK: true},
		{desc: "upper case is an id, for did-you-mean", give: "MiCA", wantID: "MiCA", wantOK: true},
		{desc: "empty", give: ""},
		{desc: "space after @", give: " mica"},
		{desc: "space inside the id", give: "mi ca, p. 1"},
		{desc: "an e-mail address", give: "example.org is mine"},
		{desc: "brackets", give: "mica, Art. [61]"},
		{desc: "line break", give: "mica,\nArt. 61"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			id, pin, ok := ParseCitation(tt.give)
			if id != tt.wantID || pin != tt.wantPinpoint || ok != tt.wantOK {
				t.Errorf("ParseCitation(%q) = %q, %q, %v; want %q, %q, %v", tt.give, id, pin, ok, tt.wantID, tt.wantPinpoint, tt.wantOK)
			}
		})
	}
}

// FuzzParseCitation checks that ParseCitation never panics and that what
// it accepts is a clean id and pinpoint.
func FuzzParseCitation(f *testing.F) {
	for _, s := range []string{"mica", "mica, Art. 61(1)", "esma-guidelines,  para. 13", " mica", "mica,", "a, b, c", "mica, p. 4 &amp; 5", "a\\,b", "", "[x]", "é, p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, inner string) {
		id, pin, ok := ParseCitation(inner)
		if !ok {
			if id != "" || pin != "" {
				t.Fatalf("ParseCitation(%q) rejected it but returned %q, %q", inner, id, pin)
			}
			return
		}
		if id == "" || strings.ContainsAny(id, " \t\n\r,[]@") || !strings.HasPrefix(inner, id) {
			t.Fatalf("ParseCitation(%q) id %q", inner, id)
		}
		if pin != strings.TrimSpace(pin) || strings.Contains(pin, "  ") || strings.ContainsAny(pin, "\n\r") {
			t.Fatalf("ParseCitation(%q) pinpoint %q is not clean", inner, pin)
		}
	})
}

// TestCitationsCollected checks what a parsed document tells the build of
// its citations: notes by source, context, search text, paragraphs.
func TestCitationsCollected(t *testing.T) {
	t.Parallel()
	src := "## Rule {#rule}\n\nA firm needs a licence. Unless the client asks [@mica, Art. 61(1)]; see [[x]].\n\n" +
		"> [!TEXT] [@mica, Art. 61(2)]\n> The exact words.\n\n" +
		"> [!OPEN] Unclear\n> Nobody knows how long the exemption lasts for.\n\n" +
		"Commentary without any source at all here.\n\n- [[a]]\n- [[b]]\n"
	doc := New(Options{}).Parse([]byte(src), ParseOptions{})
	if len(doc.Problems) > 0 {
		t.Fatal(doc.Problems)
	}
	if len(doc.Cites) != 2 {
		t.Fatalf("%d citations, want 2", len(doc.Cites))
	}
	c := doc.Cites[0]
	if c.SourceID != "mica" || c.Pinpoint != "Art. 61(1)" || c.Note != 1 || c.FromAnchor != "rule" || c.Context != "Unless the client asks [mica, Art. 61(1)]; see x." {
		t.Errorf("citation = %+v", *c)
	}
	if q := doc.Cites[1]; q.Pinpoint != "Art. 61(2)" || q.Note != 1 || q.Context != "The exact words." {
		t.Errorf("quotation's citation = %+v", *q)
	}
	if s := doc.Sections[0]; s.Official != "The exact words." || !strings.Contains(s.Text, "The exact words.") {
		t.Errorf("section: official %q, text %q", s.Official, s.Text)
	}
	var got []string
	for _, p := range doc.Paragraphs {
		got = append(got, strings.Join([]string{itoa(p.Words), map[bool]string{true: "cited"}[p.Cited], map[bool]string{true: "open"}[p.Open], map[bool]string{true: "quoted"}[p.Quoted]}, " "))
	}
	want := []string{"10 cited  ", "3   quoted", "8  open ", "7   ", "0 cited  ", "0 cited  "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs:\n got %q\nwant %q", got, want)
	}
	o := doc.Outline()
	o.Cites[0].Source.Page = "/sources/mica/"
	again := New(Options{}).Parse([]byte(src), ParseOptions{})
	if err := again.Restore(o.Resolutions()); err != nil || again.Cites[0].Source.Page != "/sources/mica/" {
		t.Errorf("Restore: %v, %q", err, again.Cites[0].Source.Page)
	}
}

// TestCitationBeforeColon checks that a citation followed by a colon is a
// note, not raw text, while a real definition still makes a link.
func TestCitationBeforeColon(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		desc  string
		give  string
		cites int
	}{
		{desc: "mid-paragraph", give: "The rule as read [@mica, Art. 59(2)]: a firm needs a licence.\n", cites: 1},
		{desc: "paragraph start", give: "[@mica]: the regulation itself.\n", cites: 1},
		{desc: "definition", give: "See [@mica].\n\n[@mica]: https://example.com/\n", cites: 0},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			doc := New(Options{}).Parse([]byte(tt.give), ParseOptions{})
			if len(doc.Cites) != tt.cites {
				t.Errorf("%d citations, want %d", len(doc.Cites), tt.cites)
			}
		})
	}
}

// TestQuotationHasNoTermLinks checks that official wording is quoted as it
// stands: a defined term in it is not linked, and the first use after it is.
func TestQuotationHasNoTermLinks(t *testing.T) {
	t.Parallel()
	src := "> [!TEXT] [@mifid2, Art. 4(1)(35)]\n> … close links means a situation …\n\nOn close links, see the term [@mifid2].\n"
	opts := ParseOptions{Terms: NewTerms([]Term{{ID: "term-cl", Phrases: []string{"close links"}}})}
	doc := New(Options{}).Parse([]byte(src), opts)
	var terms []int
	for _, r := range doc.Refs {
		if r.Term {
			terms = append(terms, r.Offset)
		}
	}
	if want := strings.Index(src, "On close links") + len("On "); len(terms) != 1 || terms[0] != want {
		t.Errorf("term links at %v, want one at %d (after the quotation)", terms, want)
	}
}
