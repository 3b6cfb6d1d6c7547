package site

import (
	"strings"
	"testing"
)

const validSource = "---\nid: mica\ntitle: MiCA\nkind: source\npublisher: EU\npublished: 2023-06-09\nurl: https://eur-lex.europa.eu/eli/reg/2023/1114/oj\nreliability: primary\nreference: CELEX 32023R1114\n---\n"

// TestSourceSchema checks every rule of a source's front matter, with the
// exact message a writer sees.
func TestSourceSchema(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want []string
	}{
		{desc: "valid primary", give: validSource},
		{
			desc: "valid secondary without reference",
			give: "---\ntitle: A note\nkind: source\nauthor: A. Writer\npublisher: Firm LLP\npublished: 2025-03-01\nurl: http://firm.example/note\nreliability: secondary\n---\n",
		},
		{
			desc: "every required field missing, all at once",
			give: "---\ntitle: A\nkind: source\n---\n",
			want: []string{
				`content/p.md:3:7: a source needs published: (add the date of the document, e.g. published: 2025-02-26)`,
				`content/p.md:3:7: a source needs publisher: (add publisher: "European Securities and Markets Authority" (the author or publisher))`,
				`content/p.md:3:7: a source needs reliability: (use one of primary, secondary)`,
				`content/p.md:3:7: a source needs url: (add the document's address, e.g. url: "https://eur-lex.europa.eu/eli/reg/2023/1114/oj")`,
			},
		},
		{
			desc: "primary without reference",
			give: strings.Replace(validSource, "reference: CELEX 32023R1114\n", "", 1),
			want: []string{`content/p.md:8:14: a primary source needs reference: (add its official reference, e.g. reference: "CELEX 32023R1114" or "ESMA35-1872330276-2030")`},
		},
		{
			desc: "unknown reliability",
			give: strings.Replace(validSource, "reliability: primary", "reliability: primry", 1),
			want: []string{`content/p.md:8:14: reliability "primry" is not one of primary, secondary (did you mean "primary"?)`},
		},
		{
			desc: "non-http url",
			give: strings.Replace(validSource, "url: https://eur-lex", "url: ftp://eur-lex", 1),
			want: []string{`content/p.md:7:6: url "ftp://eur-lex.europa.eu/eli/reg/2023/1114/oj" is not an http(s) address (write an absolute http(s) address, e.g. https://www.esma.europa.eu/…)`},
		},
		{
			desc: "relative url",
			give: strings.Replace(validSource, "url: https://eur-lex.europa.eu/eli/reg/2023/1114/oj", "url: /eli/reg", 1),
			want: []string{`content/p.md:7:6: url "/eli/reg" is not an http(s) address (write an absolute http(s) address, e.g. https://www.esma.europa.eu/…)`},
		},
		{
			desc: "invalid url",
			give: strings.Replace(validSource, "url: https://eur-lex.europa.eu/eli/reg/2023/1114/oj", `url: "https://eur lex"`, 1),
			want: []string{`content/p.md:7:6: url "https://eur lex" is not a valid address (write an absolute http(s) address, e.g. https://www.esma.europa.eu/…)`},
		},
		{
			desc: "url without host",
			give: strings.Replace(validSource, "url: https://eur-lex.europa.eu/eli/reg/2023/1114/oj", `url: "https:///x"`, 1),
			want: []string{`content/p.md:7:6: url "https:///x" has no host (write an absolute http(s) address, e.g. https://www.esma.europa.eu/…)`},
		},
		{
			desc: "bad date",
			give: strings.Replace(validSource, "2023-06-09", "9.6.2023", 1),
			want: []string{`content/p.md:6:12: published "9.6.2023" is not a valid date (write dates as YYYY-MM-DD, e.g. 2025-02-26)`},
		},
		{
			desc: "misspelt source field",
			give: strings.Replace(validSource, "publisher:", "publsher:", 1),
			want: []string{`content/p.md:5:1: front matter: unknown field "publsher" (did you mean "publisher"? A site's own fields go under params:)`},
		},
		{
			desc: "source fields on another page",
			give: "---\ntitle: A\nkind: commentary\nurl: https://x.example/\n---\n",
			want: []string{`content/p.md:4:1: url: is only for kind: source (remove it or set kind: source)`},
		},
		{
			desc: "official on a provision",
			give: "---\ntitle: A\nkind: provision\nofficial:\n  source: mica\n  url: https://eur-lex.europa.eu/x\n---\n",
		},
		{
			desc: "official without source, with a bad url",
			give: "---\ntitle: A\nkind: guideline\nofficial:\n  url: mailto:x@y\n---\n",
			want: []string{
				`content/p.md:5:3: official url "mailto:x@y" is not an http(s) address (write an absolute http(s) address, or leave url out to use the source's)`,
				`content/p.md:5:3: official: needs source: (name a source by its id, e.g. official: {source: mica})`,
			},
		},
		{
			desc: "official on a scenario",
			give: "---\ntitle: A\nkind: commentary\nofficial: {source: mica}\n---\n",
			want: []string{`content/p.md:4:12: official: is only for provision and guideline pages (cite sources in the text with [@id, pinpoint] instead)`},
		},
		{
			desc: "unknown field inside official",
			give: "---\ntitle: A\nkind: provision\nofficial:\n  sorce: mica\n---\n",
			want: []string{`content/p.md:5:3: front matter: unknown field "sorce" (did you mean "source"? official: takes source: and url:)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			_, probs := Parse("content/p.md", []byte(tt.give))
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("problem %d:\n got %s\nwant %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestSourceRegistry checks what needs the whole site: source ids, their
// uniqueness, and official: naming a source.
func TestSourceRegistry(t *testing.T) {
	t.Parallel()
	parse := func(file, src string) *Page {
		t.Helper()
		p, probs := ParsePage(Source{File: file, Data: []byte(src)})
		if len(probs) > 0 {
			t.Fatalf("%s: %v", file, probs)
		}
		return p
	}
	mica := parse("sources/mica.md", strings.Replace(validSource, "id: mica\n", "", 1))
	if mica.ID != "mica" {
		t.Fatalf("a source without id: is known by its file name, got %q", mica.ID)
	}
	esma := parse("sources/esma-guidelines.md", "---\ntitle: ESMA Guidelines\ncite: ESMA Guidelines on reverse solicitation\nkind: source\npublisher: ESMA\npublished: 2025-02-26\nurl: https://www.esma.europa.eu/\nreliability: primary\nreference: ESMA35-1872330276-2030\n---\n")
	note := parse("sources/note.md", "---\ntitle: Note\nkind: source\npublisher: Firm\npublished: 2025-03-01\nurl: https://firm.example/\nreliability: secondary\n---\n")
	art := parse("provisions/art-61.md", "---\ntitle: Art. 61\nkind: provision\nofficial: {source: mica}\n---\n")
	gl := parse("esma/para.md", "---\ntitle: Para\nkind: guideline\nofficial: {source: esma-guidelines, url: \"https://www.esma.europa.eu/gl.pdf\"}\n---\n")
	typo := parse("provisions/art-62.md", "---\ntitle: Art. 62\nkind: provision\n\nofficial: {source: mika}\n---\n")
	page := parse("provisions/art-63.md", "---\ntitle: Art. 63\nkind: provision\nofficial: {source: provisions-art-61}\n---\n")
	dup := parse("sources/other.md", "---\nid: note\ntitle: Other\nkind: source\npublisher: Firm\npublished: 2025-03-01\nurl: https://firm.example/2\nreliability: secondary\n---\n")

	s, probs := New(DefaultConfig(), []*Page{mica, esma, note, art, gl, typo, page, dup})
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		`content/provisions/art-62.md:5:12: official: unknown source "mika" (did you mean "mica"?)`,
		`content/provisions/art-63.md:4:12: official: "provisions-art-61" is a page, not a source (cite a page with [[provisions-art-61]]; sources: esma-guidelines, mica, note)`,
		`content/sources/note.md:2:1: duplicate id "note", also used by sources/other.md (ids must be unique; change one of them)`,
		`content/sources/other.md:2:5: duplicate id "note", also used by sources/note.md (ids must be unique; change one of them)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	var order []string
	for _, p := range s.Sources() {
		order = append(order, p.ID)
	}
	if got, want := strings.Join(order, " "), "esma-guidelines mica note note"; got != want {
		t.Errorf("Sources() = %s, want %s (primary first, then by title)", got, want)
	}
	if o, ok := s.Official(art); !ok || o.Source != mica || o.URL != "https://eur-lex.europa.eu/eli/reg/2023/1114/oj" {
		t.Errorf("Official(art-61) = %+v, %v; want MiCA at its own url", o, ok)
	}
	if o, ok := s.Official(gl); !ok || o.Source != esma || o.URL != "https://www.esma.europa.eu/gl.pdf" || o.Source.Reference != "ESMA35-1872330276-2030" {
		t.Errorf("Official(guideline) = %+v, %v; want the guidelines at the page's url", o, ok)
	}
	if s.OfficialSource(note) != nil || s.OfficialSource(typo) != nil {
		t.Error("OfficialSource of a page without a valid official: is not nil")
	}
	if _, err := s.Source("esma-guideline"); err == nil || hintOf(err) != `did you mean "esma-guidelines"?` {
		t.Errorf("Source(typo) = %v (%s)", err, hintOf(err))
	}
}
