package render

import (
	"html/template"
)

// Site is what every page knows of the site.
type Site struct {
	Title       string
	Description string
	Language    string
	BasePath    string // "/" or "/kb/": prefix of every site URL
	Notice      string // shown at the foot of every page
	Menu        []Link // the site's main navigation
	About       *Link  // the page about the site, linked from every footer; nil for none
	WhatsNew    bool   // the site has change notes: the footer links What's new
	Generator   string
}

// Link is a page as shown in a list.
type Link struct {
	Title   string
	URL     string // base-prefixed
	Kind    string
	Summary string
	Cite    string
	AsOf    string
	Count   int    // e.g. the number of pages with a tag
	Risk    string // a scenario's risk level
	// RiskLabel is how the risk level reads (kb.yaml's vocabulary).
	RiskLabel string
	Source    *Source // a source's details, in a sources list
}

// Source is what a page of kind: source says of its document.
type Source struct {
	Title       string
	Publisher   string
	Author      string
	Published   string // YYYY-MM-DD
	URL         string // the document's own address (outbound)
	Reliability string // primary | secondary
	Reference   string // CELEX number, ESMA reference; "" for most secondary sources
	Page        string // base-prefixed URL of the source's page on this site
}

// Official is where the official wording of a provision or guideline page
// is published.
type Official struct {
	Source *Source
	URL    string // the page's own official address, or the source's
}

// Page is everything a layout needs to draw one page.
type Page struct {
	Site   *Site
	Layout string // one of the theme's layouts

	Title     string
	Kind      string
	Cite      string
	AsOf      string
	Date      string
	Updated   *Updated // when the page's file last changed; nil when unknown
	Changes   []Change // the page's change notes; on What's new, the site's
	Recent    []Change // on the home page: the site's latest change notes
	Summary   string
	URL       string // base-prefixed path of this page
	Canonical string // absolute URL, for the canonical link and Open Graph
	Content   template.HTML
	// HasCode is true when Content holds a highlighted code block: only
	// then does the page load the highlighting stylesheet.
	HasCode bool

	TOC         []TOCEntry
	Breadcrumbs []Link
	Tags        []Link
	Children    []Link // a section's pages, but for those its text links to
	// ChildrenLinked counts the section's pages its text links to, and
	// Children leaves out.
	ChildrenLinked int
	CitedBy        []CitedGroup
	Related        []Link
	// RelatedHeading titles Related: "Related pages", unless the page has
	// a section of its own by that name.
	RelatedHeading string
	Scenario       *Scenario
	Official       *Official // provisions and guidelines naming their official text
	Source         *Source   // the details of a source page
	Groups         []Group   // glossary terms, tag pages, …
	Matrix         *Matrix   // the scenario matrix
	Search         bool      // the search page
	Draft          bool      // a draft page, built by kb serve --drafts or kb build --drafts
	ForWriters     bool      // a page for the site's writers (audience: writers), kept out of search engines
	Review         []string  // why the page is due for review (the preview only)

	theme *Theme
}

// Asset returns the base-prefixed URL of a theme asset.
func (p *Page) Asset(name string) string { return p.Site.BasePath + p.theme.AssetPath(name) }

// Inline returns a theme script for a <script> element of the page
// itself: one that must run before the page paints, and would block it
// if fetched.
func (p *Page) Inline(name string) template.JS { return template.JS(p.theme.asset(name)) }

// ScriptHash is the hash allowing, in a Content-Security-Policy source
// 'sha256-…', the script that Inline returns for name.
func (p *Page) ScriptHash(name string) string { return scriptHash(p.theme.asset(name)) }

// Home is the base-prefixed URL of the home page.
func (p *Page) Home() string { return p.Site.BasePath }

// Updated is when a page's file last changed.
type Updated struct {
	Date string // YYYY-MM-DD, as shown
	Time string // RFC 3339, for machines
	// OnOrBefore: a shallow clone's first commit, which the file's last
	// change is, or precedes.
	OnOrBefore bool
	// FileTime: not from git (outside git, or not committed yet) but the
	// file's own time, which the page says.
	FileTime bool
}

// Change is one dated change note.
type Change struct {
	Date    string
	Note    string
	URL     string // base-prefixed: the page, at the section that changed
	Section string // how the changed section reads ("Art. 61(2)", a heading); "" for the page
	Page    Link   // the page changed
}

// TOCEntry is a line of the table of contents.
type TOCEntry struct {
	Level int
	ID    string
	Text  string
}

// CitedGroup lists the pages citing one place of this page.
type CitedGroup struct {
	ID     string // element id of the group, "kb-citedby-<anchor>" ("kb-citedby" for the page)
	Anchor string // the cited anchor ("" for the page as a whole)
	Label  string // how the cited place reads: "MiCA Art. 61(2)" or a heading
	Count  int    // how many pages cite the place: the rows of Kinds
	Kinds  []CiterKind
	// More are the rows shown on demand, after the first few in Kinds;
	// MoreCount counts them.
	More      []CiterKind
	MoreCount int
}

// CiterKind is the pages of one kind citing a place.
type CiterKind struct {
	Title  string // "Guidelines", "Scenarios", …
	Citers []Citer
}

// Citer is one page citing a place.
type Citer struct {
	Title    string
	URL      string // to the section where it first cites the place
	Kind     string
	Context  string // the sentence around that first citation
	Mentions int    // how many times the page cites the place
}

// Scenario is a scenario's structured fields.
type Scenario struct {
	Facts, Question, Outcome, Risk, Trigger string
	OutcomeLabel, RiskLabel                 string // as kb.yaml's vocabulary words them
	Applies                                 []Link
}

// Group is a titled list of links (a glossary letter, a tag).
type Group struct {
	Title string
	ID    string
	Links []Link
}

// Matrix is the scenario matrix: each scenario (a row) against the rules
// it applies (the columns: provisions' and guidelines' places, grouped by
// the document they belong to), with its outcome and risk.
type Matrix struct {
	Outcomes []Column    // the outcomes, in the vocabulary's order (a filter)
	Triggers []Column    // the triggers the scenarios use, in order (a filter)
	Groups   []RuleGroup // every rule the scenarios apply (a filter)
	// Columns are the table's: Groups, or, when the rules are more than
	// Capped.Columns, the most applied of them (each row lists its other
	// rules, MoreRules). A table of every rule grows with the square of
	// the site.
	Columns []RuleGroup
	Capped  *ColumnCap // nil when every rule has a column
	Rows    []MatrixRow
}

// ColumnCap says the matrix has a column for only Columns of its Rules
// rules, the ones the scenarios apply most.
type ColumnCap struct {
	Columns, Rules int
}

// Column is a value of the vocabulary: its value (for CSS classes and
// filters) and its label.
type Column struct {
	Value, Label string
}

// RuleGroup is the rules of one document: "MiCA Art. 61", "ESMA
// Guidelines on reverse solicitation".
type RuleGroup struct {
	Title string
	Rules []Rule
}

// Rule is one column of the matrix: a place a scenario applies.
type Rule struct {
	ID       string // a key for filters, e.g. "mica-art-61#p1-sub2"
	Label    string // within its group: "(1), second subparagraph", "para. 12", a heading
	Citation string // in full: "MiCA Art. 61(1), second subparagraph"
	URL      string
	Count    int // how many scenarios apply it
}

// MatrixRow is one scenario: its outcome and risk, and for each rule of
// each group (in order) whether it applies it (Cells).
type MatrixRow struct {
	Scenario Link
	Trigger  Column
	Outcome  Column
	Risk     Column
	Others   []Link // what it applies that is no rule: commentary, ESMA's documents
	// Rules are the matrix's columns, the rules of its groups in order,
	// shared by every row; Applied are the places among them of those
	// the scenario applies, ascending.
	Rules   []*Rule
	Applied []int
	// MoreRules are the rules it applies that have no column (see
	// Matrix.Capped), in the order of Matrix.Groups.
	MoreRules []*Rule
}

// Cells returns each rule of the matrix, in order, and whether the row's
// scenario applies it. They are made each time the theme asks, not held
// for every row at once (when every rule had a column, that was 1.2 GB at
// 10,000 scenarios of 7,600 rules). A slice, not an iterator, which
// templates range over through reflection, at twice the cost.
func (r MatrixRow) Cells() []RuleCell {
	cells := make([]RuleCell, len(r.Rules))
	applied := r.Applied
	for i, rule := range r.Rules {
		cells[i] = RuleCell{Rule: rule, Applies: len(applied) > 0 && applied[0] == i}
		if cells[i].Applies {
			applied = applied[1:]
		}
	}
	return cells
}

// AppliedRules are the rules the row's scenario applies: what Cells marks
// as applied, in the columns' order, without a pass over every column;
// then MoreRules.
func (r MatrixRow) AppliedRules() []*Rule {
	rules := make([]*Rule, len(r.Applied), len(r.Applied)+len(r.MoreRules))
	for i, at := range r.Applied {
		rules[i] = r.Rules[at]
	}
	return append(rules, r.MoreRules...)
}

// RuleCell is a rule as one scenario's row shows it.
type RuleCell struct {
	Rule    *Rule
	Applies bool
}
