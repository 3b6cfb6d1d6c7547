package build

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kb-legal/kb/internal/render"
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

// TestMatrixCapsColumns checks a matrix of more rules than maxRuleColumns:
// a column for each of the most applied, the others in the rows that
// apply them, the page saying so, and no rule lost.
func TestMatrixCapsColumns(t *testing.T) {
	t.Parallel()
	const rules = maxRuleColumns + 5
	fsys := archiveFS(t, "testdata/sources.txtar")
	add := func(name, text string) { fsys[name] = &fstest.MapFile{Data: []byte(text)} }
	var all, most []string
	for i := 1; i <= rules; i++ {
		id := fmt.Sprintf("mica-art-%d", 100+i)
		add("content/provisions/"+id+".md", fmt.Sprintf("---\nid: %s\ntitle: Article %d\nkind: provision\ncite: \"MiCA Art. %d\"\n---\nText.\n", id, 100+i, 100+i))
		all = append(all, `"`+id+`"`)
		if i > rules-maxRuleColumns {
			most = append(most, `"`+id+`"`) // applied twice: these have the columns
		}
	}
	scenario := func(id string, applies []string) {
		add("content/scenarios/"+id+".md", "---\nid: "+id+"\ntitle: Scenario "+id+"\nkind: scenario\nfacts: Facts.\nquestion: A question?\noutcome: exemption-unavailable"+
			"\nrisk: high\ntrigger: Sponsorship\napplies: ["+strings.Join(applies, ", ")+", \"note#view\"]\n---\nText.\n")
	}
	add("content/commentary/note.md", "---\nid: note\ntitle: A note\nkind: commentary\n---\n## The view {#view}\n\nA view [@firm-note, p. 1].\n")
	slices.Reverse(all) // the row lists them in the matrix's order all the same
	scenario("a", all)
	scenario("b", most)
	res, sink := generateMem(t, fsys, Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	page := string(sink.Files["matrix/index.html"])
	if n := strings.Count(page, `<th scope="col" rowspan="2" class="rule">`); n != maxRuleColumns {
		t.Errorf("the matrix has %d rule columns, want %d", n, maxRuleColumns)
	}
	if want := fmt.Sprintf("Columns are limited to the %d most-applied of the %d rules", maxRuleColumns, rules); !strings.Contains(page, want) {
		t.Errorf("the matrix does not say %q", want)
	}
	for i := 1; i <= rules; i++ {
		cite := fmt.Sprintf("MiCA Art. %d", 100+i)
		column := strings.Contains(page, `title="`+cite+`"><span>`)
		if column != (i > rules-maxRuleColumns) {
			t.Errorf("%s has a column: %v, want %v", cite, column, !column)
		}
		if !strings.Contains(page, `<option value="mica-art-`+fmt.Sprint(100+i)+`#">`+cite+`</option>`) {
			t.Errorf("the rule filter lacks %s", cite)
		}
	}
	// Scenario a applies every rule: a mark in each column, the rest
	// (the least applied, in order) listed before its commentary.
	var others strings.Builder
	for i := 1; i <= rules-maxRuleColumns; i++ {
		fmt.Fprintf(&others, `<a href="/provisions/mica-art-%d/">MiCA Art. %d</a>`, 100+i, 100+i)
	}
	rowA := page[strings.Index(page, `<a href="/scenarios/a/">`):]
	rowA = rowA[:strings.Index(rowA, "</tr>")]
	if n := strings.Count(rowA, `<td class="hit">`); n != maxRuleColumns {
		t.Errorf("scenario a's row marks %d columns, want %d", n, maxRuleColumns)
	}
	if want := `<td class="matrix-others">` + others.String() + `<a href="/commentary/note/#view">`; !strings.Contains(rowA, want) {
		t.Errorf("scenario a's row lacks its other rules, %s:\n%s", want, rowA)
	}
	rowB := page[strings.Index(page, `<a href="/scenarios/b/">`):]
	rowB = rowB[:strings.Index(rowB, "</tr>")]
	if !strings.Contains(rowB, `<td class="matrix-others"><a href="/commentary/note/#view">`) {
		t.Errorf("scenario b's row lists rules that have columns:\n%s", rowB)
	}
	// Every rule a applies is in its row's data for the filter.
	for i := 1; i <= rules; i++ {
		if !strings.Contains(page, fmt.Sprintf(`mica-art-%d# `, 100+i)) {
			t.Errorf("no row's data-rules name mica-art-%d", 100+i)
		}
	}
	_, again := generateMem(t, fsys, Options{})
	if string(again.Files["matrix/index.html"]) != page {
		t.Error("two builds of the same site make different matrices")
	}
}

// TestCapColumns checks the choice of columns: the rules applied most,
// the first in order among those applied as often, kept in their groups
// and in order; groups left with no column go.
func TestCapColumns(t *testing.T) {
	t.Parallel()
	entry := func(id string, count int) *ruleEntry { return &ruleEntry{rule: &render.Rule{ID: id, Count: count}} }
	order := []*ruleEntry{entry("a1", 1), entry("a2", 5), entry("b1", 3), entry("c1", 3), entry("c2", 2), entry("c3", 3)}
	var groups []render.RuleGroup
	for _, g := range []struct {
		title string
		rules []*ruleEntry
	}{{"A", order[:2]}, {"B", order[2:3]}, {"C", order[3:]}} {
		rg := render.RuleGroup{Title: g.title}
		for _, e := range g.rules {
			rg.Rules = append(rg.Rules, *e.rule)
		}
		groups = append(groups, rg)
	}
	ids := func(gs []render.RuleGroup) (out []string) {
		for _, g := range gs {
			for _, r := range g.Rules {
				out = append(out, g.Title+":"+r.ID)
			}
		}
		return out
	}
	for _, tc := range []struct {
		max  int
		want []string
	}{
		{6, []string{"A:a1", "A:a2", "B:b1", "C:c1", "C:c2", "C:c3"}},
		{3, []string{"A:a2", "B:b1", "C:c1"}},
		{4, []string{"A:a2", "B:b1", "C:c1", "C:c3"}},
		{1, []string{"A:a2"}},
	} {
		got, entries := capColumns(groups, order, tc.max)
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("capColumns(max %d) = %v, want %v", tc.max, ids(got), tc.want)
		}
		var fromEntries []string
		for _, e := range entries {
			fromEntries = append(fromEntries, e.rule.ID)
		}
		var fromGroups []string
		for _, g := range got {
			for _, r := range g.Rules {
				fromGroups = append(fromGroups, r.ID)
			}
		}
		if !slices.Equal(fromEntries, fromGroups) {
			t.Errorf("capColumns(max %d): entries %v do not match the groups' rules %v", tc.max, fromEntries, fromGroups)
		}
	}
}
