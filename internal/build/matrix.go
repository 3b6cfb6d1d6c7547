package build

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kb-legal/kb/internal/render"
	"github.com/kb-legal/kb/internal/site"
)

// maxRuleColumns bounds the matrix's columns. A column for every rule
// makes a cell for every scenario and rule, which grows with the square of
// the site: 96 MB of HTML for the 10,000-page corpus (2,000 scenarios,
// 1,515 rules), about 2.4 GB at 50,000. Forty is three times the columns
// of a site of a hundred pages (13) and still a table one can read.
const maxRuleColumns = 40

// matrix sets each scenario against the rules it applies. The rules are
// the places the site cites as law (see ruleOf): the columns, grouped by
// article or document, the most applied first, each group's in the order
// the law numbers them; what else a scenario applies (commentary, topics
// of ESMA's pages, ESMA's other documents) is listed in its row. Rows run
// by outcome, then trigger, in the order of kb.yaml's vocabulary. Beyond
// maxRuleColumns rules, the columns are the most applied ones, and each
// row lists its scenario's other rules too.
func (g *generation) matrix() *render.Matrix {
	v := g.site.Config.Vocabulary.Matrix()
	m := &render.Matrix{}
	for _, o := range v.Outcomes {
		m.Outcomes = append(m.Outcomes, render.Column{Value: o.Value, Label: o.Label})
	}
	scenarios := site.ForReaders(g.site.OfKind("scenario"))
	sortScenarios(scenarios, v)
	groups, uses := g.applications(scenarios)
	var all, columns []*ruleEntry
	m.Groups, all = ruleColumns(groups)
	m.Columns, columns = capColumns(m.Groups, all, maxRuleColumns)
	if len(columns) < len(all) {
		m.Capped = &render.ColumnCap{Columns: len(columns), Rules: len(all)}
	}
	rules, place := ruleCells(m.Columns, columns)
	allRules, order := ruleCells(m.Groups, all)
	for i, p := range scenarios {
		row := render.MatrixRow{Scenario: g.link(p), Others: uses[i].others, Rules: rules,
			Trigger: render.Column{Value: p.Trigger, Label: site.Label(v.Triggers, p.Trigger)},
			Outcome: render.Column{Value: p.Outcome, Label: site.Label(v.Outcomes, p.Outcome)},
			Risk:    render.Column{Value: p.Risk, Label: site.Label(v.Risks, p.Risk)}}
		var more []int
		for _, e := range uses[i].rules {
			if at, ok := place[e]; ok {
				row.Applied = append(row.Applied, at)
			} else {
				more = append(more, order[e])
			}
		}
		slices.Sort(row.Applied)
		slices.Sort(more)
		for _, at := range more {
			row.MoreRules = append(row.MoreRules, allRules[at])
		}
		m.Rows = append(m.Rows, row)
	}
	m.Triggers = triggersOf(m.Rows, v)
	return m
}

// capColumns keeps the max rules applied most (of those applied as often,
// the first in order) in their groups, and returns the groups and their
// rules' entries in order; under max rules, groups and order as they are.
func capColumns(groups []render.RuleGroup, order []*ruleEntry, max int) ([]render.RuleGroup, []*ruleEntry) {
	if len(order) <= max {
		return groups, order
	}
	ranked := make([]int, len(order))
	for i := range ranked {
		ranked[i] = i
	}
	slices.SortStableFunc(ranked, func(a, b int) int { return cmp.Compare(order[b].rule.Count, order[a].rule.Count) })
	keep := make([]bool, len(order))
	for _, i := range ranked[:max] {
		keep[i] = true
	}
	var kept []render.RuleGroup
	var entries []*ruleEntry
	i := 0
	for _, grp := range groups {
		rg := render.RuleGroup{Title: grp.Title}
		for _, r := range grp.Rules {
			if keep[i] {
				rg.Rules = append(rg.Rules, r)
				entries = append(entries, order[i])
			}
			i++
		}
		if len(rg.Rules) > 0 {
			kept = append(kept, rg)
		}
	}
	return kept, entries
}

// sortScenarios orders the matrix's rows: by outcome, then trigger, in
// the order of the vocabulary, values it does not know last.
func sortScenarios(scenarios []*site.Page, v site.Vocabulary) {
	outcomes, triggers := site.Values(v.Outcomes), site.Values(v.Triggers)
	slices.SortStableFunc(scenarios, func(a, b *site.Page) int {
		return cmp.Or(cmp.Compare(rankOf(outcomes, a.Outcome), rankOf(outcomes, b.Outcome)),
			cmp.Compare(rankOf(triggers, a.Trigger), rankOf(triggers, b.Trigger)), strings.Compare(a.Trigger, b.Trigger))
	})
}

// rankOf is value's place among values, after them all when it is not
// one of them.
func rankOf(values []string, value string) int {
	if i := slices.Index(values, value); i >= 0 {
		return i
	}
	return len(values)
}

// applied is what one scenario applies: rules (the matrix's columns) and
// other places, listed in its row.
type applied struct {
	rules  []*ruleEntry
	others []render.Link
}

// applications resolves what each scenario applies into the rule groups,
// by key (see ruleOf), counting each rule's applications.
func (g *generation) applications(scenarios []*site.Page) (map[string]*ruleGroup, []applied) {
	groups := map[string]*ruleGroup{}
	uses := make([]applied, len(scenarios))
	for i, p := range scenarios {
		for _, a := range p.Applies {
			t, _, err := g.linker.resolveApplies(a)
			if err != nil {
				continue
			}
			key, title, fresh := g.ruleOf(t)
			if fresh == nil {
				r := g.linker.describe(t)
				uses[i].others = append(uses[i].others, render.Link{Title: r.Title, URL: r.URL, Kind: r.TargetKind, Cite: cmp.Or(r.Cite, r.Title)})
				continue
			}
			grp := groups[key]
			if grp == nil {
				grp = &ruleGroup{title: title, kind: t.Page.Kind, rules: map[string]*ruleEntry{}}
				groups[key] = grp
			}
			e := grp.rules[fresh.rule.ID]
			if e == nil {
				e = fresh
				grp.rules[e.rule.ID] = e
			}
			if !slices.Contains(uses[i].rules, e) {
				uses[i].rules = append(uses[i].rules, e)
				e.rule.Count++
				grp.count++
			}
		}
	}
	return groups, uses
}

// ruleColumns orders the groups — provisions before guidelines, the most
// applied document first — and each group's rules as the law numbers
// them; order is the rules' entries in that order.
func ruleColumns(groups map[string]*ruleGroup) (out []render.RuleGroup, order []*ruleEntry) {
	sorted := slices.Collect(maps.Values(groups))
	slices.SortFunc(sorted, func(a, b *ruleGroup) int {
		return cmp.Or(cmp.Compare(kindRank(a.kind), kindRank(b.kind)), cmp.Compare(b.count, a.count), naturalCompare(a.title, b.title))
	})
	for _, grp := range sorted {
		entries := slices.Collect(maps.Values(grp.rules))
		slices.SortFunc(entries, compareRules)
		rg := render.RuleGroup{Title: grp.title}
		for _, e := range entries {
			rg.Rules = append(rg.Rules, *e.rule)
		}
		out = append(out, rg)
		order = append(order, entries...)
	}
	return out, order
}

// ruleCells returns the groups' own copies of the entries' rules (their
// rules, in order), which the rows point at, and each entry's place among
// them.
func ruleCells(groups []render.RuleGroup, entries []*ruleEntry) ([]*render.Rule, map[*ruleEntry]int) {
	var rules []*render.Rule
	place := make(map[*ruleEntry]int, len(entries))
	for gi := range groups {
		for ri := range groups[gi].Rules {
			place[entries[len(rules)]] = len(rules)
			rules = append(rules, &groups[gi].Rules[ri])
		}
	}
	return rules, place
}

// triggersOf lists the triggers of the rows, once each, in the order of
// the vocabulary, the ones it does not know last by value.
func triggersOf(rows []render.MatrixRow, v site.Vocabulary) []render.Column {
	var out []render.Column
	seen := map[string]bool{}
	for _, row := range rows {
		if t := row.Trigger; t.Value != "" && !seen[t.Value] {
			seen[t.Value] = true
			out = append(out, t)
		}
	}
	triggers := site.Values(v.Triggers)
	slices.SortStableFunc(out, func(a, b render.Column) int {
		return cmp.Or(cmp.Compare(rankOf(triggers, a.Value), rankOf(triggers, b.Value)), strings.Compare(a.Value, b.Value))
	})
	return out
}

// ruleGroup collects the rules of one article or document.
type ruleGroup struct {
	title string
	kind  string
	count int // applications of its rules, over all scenarios
	rules map[string]*ruleEntry
}

// ruleEntry is a rule with what orders it: its number, then its page and
// its position there ("1" before "1, first subparagraph" before "2").
type ruleEntry struct {
	rule     *render.Rule
	number   int
	page     string
	position int
}

func compareRules(a, b *ruleEntry) int {
	return cmp.Or(cmp.Compare(a.number, b.number), strings.Compare(a.page, b.page), cmp.Compare(a.position, b.position))
}

func kindRank(kind string) int {
	if kind == "provision" {
		return 0
	}
	return 1
}

// ruleOf says whether target t is a rule, and if so under which group:
// a rule is a place the site cites as law, by the scheme of its page (a
// provision's paragraph, a guideline's numbered paragraph) or a provision
// as a whole. Its label is the citation's part after the group's title
// ("(1), second subparagraph", "para. 12"). A heading that is no pinpoint
// is no rule.
func (g *generation) ruleOf(t site.Target) (key, title string, e *ruleEntry) {
	sc := g.site.SchemeOf(t.Page)
	pp := sc.Pinpoint(t.Anchor)
	switch {
	case t.Page.Kind == "provision" && sc.Cite != "" && (pp.Label != "" || t.Anchor == ""):
		key, title = "provision "+sc.Cite, sc.Cite
	case t.Page.Kind == "guideline" && sc.Document != "" && pp.Label != "":
		key, title = "document "+sc.Document, sc.Document
	default:
		return "", "", nil
	}
	r := g.linker.describe(t)
	rule := &render.Rule{ID: t.Page.ID + "#" + t.Anchor, URL: r.URL, Citation: pp.Short}
	rule.Label = cmp.Or(strings.TrimPrefix(strings.TrimPrefix(pp.Short, title), ", "), pp.Short)
	e = &ruleEntry{rule: rule, page: t.Page.URL, position: -1}
	for i, a := range t.Page.Anchors {
		if a.ID == t.Anchor {
			e.position = i
		}
	}
	e.number, _ = strconv.Atoi(pp.Label[:leadingDigits(pp.Label)])
	return key, title, e
}

// naturalCompare orders strings with their numbers by value: "MiCA Art. 3"
// before "MiCA Art. 59" before "MiCA Art. 143".
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da > 0 && db > 0 {
			na, _ := strconv.Atoi(a[:da])
			nb, _ := strconv.Atoi(b[:db])
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func leadingDigits(s string) int { return len(s) - len(strings.TrimLeft(s, "0123456789")) }
