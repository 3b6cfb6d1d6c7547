package build

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestNaturalCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		a, b string
		want int
	}{
		{"numbers by value", "MiCA Art. 3", "MiCA Art. 59", -1},
		{"more digits, larger", "MiCA Art. 143", "MiCA Art. 59", 1},
		{"equal", "MiCA Art. 61", "MiCA Art. 61", 0},
		{"text before numbers decides", "ESMA Guidelines", "MiCA Art. 3", -1},
		{"a prefix first", "MiCA Art. 6", "MiCA Art. 6a", -1},
		{"numbers inside", "para. 9 (a)", "para. 10", -1},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := naturalCompare(tt.a, tt.b); got != tt.want {
				t.Errorf("naturalCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := naturalCompare(tt.b, tt.a); got != -tt.want {
				t.Errorf("naturalCompare(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

// TestMatrixRules builds a site with two scenarios and checks the matrix
// sets them against the rules they apply: provisions' and guidelines'
// numbered places as columns, grouped and in the law's order, labelled by
// their citations; headings and commentary in the row's "also relies on".
func TestMatrixRules(t *testing.T) {
	t.Parallel()
	fsys := archiveFS(t, "testdata/sources.txtar")
	add := func(name, text string) { fsys[name] = &fstest.MapFile{Data: []byte(text)} }
	add("content/esma/who.md", "---\nid: esma-gl-who\ntitle: Who solicits\nkind: guideline\nofficial: {source: esma-guidelines}\n---\n"+
		"## Acting on behalf {#acting}\n\nAnyone acting for the firm [@esma-guidelines, para. 19].\n\n## Paragraph 19 {#para-19}\n\nThe firm or anyone for it [@esma-guidelines, para. 19].\n")
	add("content/commentary/note.md", "---\nid: note\ntitle: A note\nkind: commentary\n---\n## The view {#view}\n\nA view [@firm-note, p. 1].\n")
	scenario := func(id, outcome, applies string) string {
		return "---\nid: " + id + "\ntitle: Scenario " + id + "\nkind: scenario\nfacts: Facts.\nquestion: A question?\noutcome: " + outcome +
			"\nrisk: high\ntrigger: Sponsorship\napplies: [" + applies + "]\n---\nText [@mica, Art. 61(1)].\n"
	}
	add("content/scenarios/b.md", scenario("b", "exemption-available", `"esma-gl-solicitation#para-12"`))
	add("content/scenarios/a.md", scenario("a", "exemption-unavailable",
		`"esma-gl-who#para-19", "note#view", "MiCA Art. 61(1)", "esma-gl-solicitation#para-12", "esma-gl-who#acting", "mica-art-61#p1-sub1", "MiCA Art. 61(1)"`))
	res, sink := generateMem(t, fsys, Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	page := string(sink.Files["matrix/index.html"])
	inOrder := func(desc string, parts ...string) {
		t.Helper()
		rest := page
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				t.Errorf("%s: the matrix lacks %s after what came before", desc, p)
				return
			}
			rest = rest[i+len(p):]
		}
	}
	inOrder("groups: the provision, then the guidelines",
		`<th scope="colgroup" colspan="2" class="rule-group">MiCA Art. 61</th>`,
		`<th scope="colgroup" colspan="2" class="rule-group">ESMA Guidelines on reverse solicitation</th>`)
	inOrder("columns in the law's order, labelled by the citation after the group's title",
		`title="MiCA Art. 61(1)"><span>(1)</span>`,
		`title="MiCA Art. 61(1), first subparagraph"><span>(1), first subparagraph</span>`,
		`title="ESMA Guidelines on reverse solicitation, para. 12"><span>para. 12</span>`,
		`title="ESMA Guidelines on reverse solicitation, para. 19"><span>para. 19</span>`)
	inOrder("the unavailable outcome first; each rule once; headings and commentary aside",
		`data-outcome="exemption-unavailable" data-rules="mica-art-61#p1 mica-art-61#p1-sub1 esma-gl-solicitation#para-12 esma-gl-who#para-19 "`,
		`<td class="matrix-others"><a href="/commentary/note/#view">A note › The view</a><a href="/esma/who/#acting">Who solicits › Acting on behalf</a></td>`,
		`data-outcome="exemption-available" data-rules="esma-gl-solicitation#para-12 "`,
		`<td class="hit">`, `<td class="miss"></td>`)
	inOrder("the foot counts the scenarios applying each rule",
		`<td class="rule-count">1</td><td class="rule-count">1</td><td class="rule-count">2</td><td class="rule-count">1</td>`)
	inOrder("the rule filter offers the rules by citation",
		`<optgroup label="MiCA Art. 61"><option value="mica-art-61#p1">MiCA Art. 61(1)</option>`)
}
