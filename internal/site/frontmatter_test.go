package site

import (
	"strings"
	"testing"

	"github.com/kb-legal/kb/internal/diag"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc     string
		give     string
		wantYAML string
		wantBody string
		wantLine int
		wantErr  string
	}{
		{desc: "plain", give: "---\nid: a\n---\nbody\n", wantYAML: "id: a\n", wantBody: "body\n", wantLine: 4},
		{desc: "crlf", give: "---\r\nid: a\r\n---\r\nbody\r\n", wantYAML: "id: a\r\n", wantBody: "body\r\n", wantLine: 4},
		{desc: "bom", give: "\ufeff---\nid: a\n---\n", wantYAML: "id: a\n", wantBody: "", wantLine: 4},
		{desc: "empty front matter", give: "---\n---\nx", wantYAML: "", wantBody: "x", wantLine: 3},
		{desc: "closing at end of file", give: "---\ntitle: t\n---", wantYAML: "title: t\n", wantBody: "", wantLine: 4},
		{desc: "trailing spaces on fences", give: "--- \ntitle: t\n---\t\nx", wantYAML: "title: t\n", wantBody: "x", wantLine: 4},
		{desc: "no front matter", give: "# Title\n", wantErr: "no front matter"},
		{desc: "empty file", give: "", wantErr: "no front matter"},
		{desc: "unclosed", give: "---\ntitle: t\nbody\n", wantErr: "front matter is not closed"},
		{desc: "dashes inside yaml value are not a fence", give: "---\ntitle: \"---\"\n---\nx", wantYAML: "title: \"---\"\n", wantBody: "x", wantLine: 4},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			yml, body, _, line, err := Split([]byte(tt.give))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Split error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Split: %v", err)
			}
			if string(yml) != tt.wantYAML || string(body) != tt.wantBody || line != tt.wantLine {
				t.Errorf("Split = (%q, %q, line %d), want (%q, %q, line %d)", yml, body, line, tt.wantYAML, tt.wantBody, tt.wantLine)
			}
		})
	}
}

func TestParseProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want []string // problems as file:line:col: message (hint)
	}{
		{
			desc: "valid",
			give: "---\nid: a\ntitle: A\nkind: provision\nas_of: 2025-02-26\ntags: [x-y]\n---\nbody",
		},
		{
			desc: "missing title",
			give: "---\nid: a\nkind: page\n---\n",
			want: []string{`content/p.md:2:1: missing title (add a line such as title: "Article 61 — …")`},
		},
		{
			desc: "unknown kind with suggestion",
			give: "---\ntitle: A\nkind: scenaro\n---\n",
			want: []string{`content/p.md:3:7: unknown kind "scenaro" (did you mean "scenario"?)`},
		},
		{
			desc: "impossible date",
			give: "---\ntitle: A\nas_of: 2025-02-30\n---\n",
			want: []string{`content/p.md:3:8: as_of "2025-02-30" is not a valid date (write dates as YYYY-MM-DD, e.g. 2025-02-26)`},
		},
		{
			desc: "unknown field points into the .md file",
			give: "---\ntitle: A\n\ncolour: red\n---\n",
			want: []string{`content/p.md:4:1: front matter: unknown field "colour" (put a site's own fields under params:)`},
		},
		{
			desc: "misspelt known field gets a suggestion",
			give: "---\ntitle: A\nsumary: x\n---\n",
			want: []string{`content/p.md:3:1: front matter: unknown field "sumary" (did you mean "summary"? A site's own fields go under params:)`},
		},
		{
			desc: "audience for writers",
			give: "---\ntitle: A\naudience: writers\n---\n",
		},
		{
			desc: "unknown audience",
			give: "---\ntitle: A\naudience: writer\n---\n",
			want: []string{`content/p.md:3:11: unknown audience "writer" (did you mean "writers"?)`},
		},
		{
			desc: "params may hold anything",
			give: "---\ntitle: A\nparams:\n  anything: [1, 2]\n---\n",
		},
		{
			desc: "wrong type",
			give: "---\ntitle: A\nweight: heavy\n---\n",
			want: []string{"content/p.md:3:9: front matter: "},
		},
		{
			desc: "invalid yaml",
			give: "---\ntitle: [unclosed\n---\n",
			want: []string{"content/p.md:2:"},
		},
		{
			desc: "scenario needs its fields, all reported at once",
			give: "---\ntitle: A\nkind: scenario\noutcome: maybe\nrisk: hi\n---\n", // values: see TestVocabulary
			want: []string{
				`content/p.md:3:7: a scenario needs facts: (scenarios carry facts, question, outcome, risk and applies)`,
				`content/p.md:3:7: a scenario needs question: (scenarios carry facts, question, outcome, risk and applies)`,
			},
		},
		{
			desc: "scenario fields only on scenarios",
			give: "---\ntitle: A\noutcome: uncertain\n---\n",
			want: []string{`content/p.md:3:1: outcome: is only for kind: scenario (remove it or set kind: scenario)`},
		},
		{
			desc: "term needs a term",
			give: "---\ntitle: A\nkind: term\n---\n",
			want: []string{`content/p.md:3:7: a term page needs a term: field (add term: "close links")`},
		},
		{
			desc: "invalid id and tag",
			give: "---\ntitle: A\nid: Not An Id\ntags: [Bad Tag]\n---\n",
			want: []string{
				`content/p.md:3:5: invalid id "Not An Id" (use lowercase letters, digits, dots and dashes)`,
				`content/p.md:4:7: invalid tag "Bad Tag" (use lowercase letters, digits and dashes)`,
			},
		},
		{
			desc: "no front matter",
			give: "# Just markdown\n",
			want: []string{`content/p.md:1:1: no front matter (start the file with a line "---", then YAML fields (id, title, kind, as_of …), then "---")`},
		},
		{
			desc: "a list where a mapping belongs",
			give: "---\n- a\n- b\n---\n",
			want: []string{"content/p.md:2:1: front matter: expected key: value fields"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			_, probs := Parse("content/p.md", []byte(tt.give))
			got := strings.Split(strings.TrimSpace(probs.Error()), "\n")
			if len(probs) == 0 {
				got = nil
			}
			if len(got) != len(tt.want) {
				t.Fatalf("problems:\n%s\nwant %d:\n%s", probs.Error(), len(tt.want), strings.Join(tt.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("problem %d:\n got %s\nwant %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	t.Parallel()
	p, probs := ParsePage(Source{File: "scenarios/_index.md", Data: []byte("---\ntitle: Scenarios\n---\nIntro\n")})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if p.ID != "scenarios" || p.URL != "/scenarios/" || p.Section != "/" || !p.IsSection || p.Kind != "page" || p.BodyLine != 4 {
		t.Errorf("ParsePage = id %q url %q section %q section? %v kind %q bodyLine %d", p.ID, p.URL, p.Section, p.IsSection, p.Kind, p.BodyLine)
	}
}

func TestURLFor(t *testing.T) {
	t.Parallel()
	for give, want := range map[string]string{
		"_index.md":            "/",
		"a/_index.md":          "/a/",
		"a/b.md":               "/a/b/",
		"provisions/art-61.md": "/provisions/art-61/",
		"a/b/c/_index.md":      "/a/b/c/",
		"über/straße.md":       "/über/straße/",
	} {
		if got := URLFor(give); got != want {
			t.Errorf("URLFor(%q) = %q, want %q", give, got, want)
		}
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	cfg, probs := ParseConfig([]byte("title: KB\nbase_url: https://org.example/kb\n"))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if cfg.BaseURL != "https://org.example/kb/" || cfg.BasePath() != "/kb/" || cfg.Absolute("/a/") != "https://org.example/kb/a/" {
		t.Errorf("base URL handling: %q %q %q", cfg.BaseURL, cfg.BasePath(), cfg.Absolute("/a/"))
	}
	_, probs = ParseConfig([]byte("title: KB\nbase_url: ftp://x/\n"))
	if len(probs) != 1 || !strings.HasPrefix(probs[0].String(), `kb.yaml:2:11: invalid base_url "ftp://x/"`) {
		t.Errorf("bad base_url: %v", probs)
	}
	_, probs = ParseConfig([]byte("titel: KB\n"))
	if len(probs) != 1 || probs[0].Line != 1 || !strings.Contains(probs[0].Hint, `"title"`) {
		t.Errorf("unknown key: %v", probs)
	}
}

var _ error = diag.List(nil)
