package site

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/yamlpos"
)

// Kinds a page may declare.
var kinds = []string{"provision", "guideline", "scenario", "commentary", "term", "source", "page"}

// Kinds lists the kinds a page may declare.
func Kinds() []string { return slices.Clone(kinds) }

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ValidID reports whether id may be a page id (front matter id:, or a
// tag).
func ValidID(id string) bool { return idPattern.MatchString(id) }

// FrontMatter is the validated YAML header of a page.
type FrontMatter struct {
	ID      string   `yaml:"id"`
	Title   string   `yaml:"title"`
	Kind    string   `yaml:"kind"`
	Cite    string   `yaml:"cite"`
	AsOf    string   `yaml:"as_of"`
	Date    string   `yaml:"date"`
	Tags    []string `yaml:"tags"`
	Summary string   `yaml:"summary"`
	Draft   bool     `yaml:"draft"`
	Weight  int      `yaml:"weight"`
	Aliases []string `yaml:"aliases"`
	// MovedFrom lists the site paths the page was published at before it
	// moved ("/esma/solicitation/"): each gets a page redirecting here.
	MovedFrom []string `yaml:"moved_from"`
	// Changes are the page's dated change notes (see Change).
	Changes []Change `yaml:"changes"`

	// Term is the defined term of a kind: term page.
	Term string `yaml:"term"`
	// NoTermLinks turns off automatic links to defined terms on this page.
	NoTermLinks bool `yaml:"no_term_links"`
	// Search: false leaves the page out of the search index.
	Search *bool `yaml:"search"`
	// Audience is who the page is for: readers (the default) or writers.
	// A writers' page is published but kept out of readers' navigation,
	// lists, feed, sitemap and search.
	Audience string `yaml:"audience"`

	// Scenario fields.
	Facts    string   `yaml:"facts"`
	Question string   `yaml:"question"`
	Outcome  string   `yaml:"outcome"`
	Risk     string   `yaml:"risk"`
	Trigger  string   `yaml:"trigger"`
	Applies  []string `yaml:"applies"`

	// Source fields (kind: source), see source.go.
	Publisher   string `yaml:"publisher"`
	Author      string `yaml:"author"`
	Published   string `yaml:"published"`
	Address     string `yaml:"url"` // the document's own address; Page.URL is the site path
	Reliability string `yaml:"reliability"`
	Reference   string `yaml:"reference"`

	// Official names where the official wording of a provision or
	// guideline page is published.
	Official Official `yaml:"official"`

	// Params holds a site's own fields, unchecked.
	Params map[string]any `yaml:"params"`
}

// Searchable reports whether the page is indexed for search: unless its
// front matter says search: false, or the page is for writers.
func (f *FrontMatter) Searchable() bool { return (f.Search == nil || *f.Search) && !f.ForWriters() }

// Audiences a page may be written for; the first is the default.
var audiences = []string{"readers", "writers"}

// ForWriters reports whether the page is for the site's writers (audience:
// writers): readers' pages do not list it, and search does not find it.
func (f *FrontMatter) ForWriters() bool { return f.Audience == "writers" }

// Document is a content file split into its front matter and Markdown body.
type Document struct {
	Front    FrontMatter
	Body     []byte
	BodyLine int          // 1-based line of the file where Body starts
	Pos      yamlpos.Keys // where each front matter key sits in the file
}

var errNoFrontMatter = errors.New("no front matter")

// MaxFrontMatter bounds a page's front matter: larger is a problem, not
// parsed (a page's fields fit in a few KB; kb.yaml has yamlpos.MaxSize).
const MaxFrontMatter = yamlpos.MaxSize

// Split separates the YAML front matter (between "---" lines) from the body.
// It accepts a UTF-8 BOM and CRLF line endings. yamlLine is the file line
// of the first YAML line, bodyLine that of the body's first line.
func Split(src []byte) (yaml, body []byte, yamlLine, bodyLine int, err error) {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	first, rest, ok := cutLine(src)
	if !ok && len(first) == 0 || strings.TrimRight(string(first), " \t") != "---" {
		return nil, nil, 0, 0, errNoFrontMatter
	}
	line := 2
	start := len(src) - len(rest)
	for off := start; off <= len(src); {
		l, next, more := cutLine(src[off:])
		if strings.TrimRight(string(l), " \t") == "---" {
			return src[start:off], next, 2, line + 1, nil
		}
		if !more {
			break
		}
		off = len(src) - len(next)
		line++
	}
	return nil, nil, 0, 0, fmt.Errorf("front matter is not closed")
}

// cutLine returns the first line of b without its line ending, and the rest.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:], true
}

// Parse splits and decodes a content file, validating its front matter.
// file is the name problems are reported under; every problem found is
// returned, positioned in the .md file.
func Parse(file string, src []byte) (*Document, diag.List) {
	yml, body, yamlLine, bodyLine, err := Split(src)
	if err != nil {
		hint := `start the file with a line "---", then YAML fields (id, title, kind, as_of …), then "---"`
		if !errors.Is(err, errNoFrontMatter) {
			hint = `end the front matter with a line containing only "---"`
		}
		return nil, diag.List{{File: file, Line: 1, Col: 1, Message: err.Error(), Hint: hint}}
	}
	if len(yml) > MaxFrontMatter {
		return nil, diag.List{{File: file, Line: yamlLine, Col: 1,
			Message: fmt.Sprintf("front matter is too large (%d KB; the limit is %d KB)", (len(yml)+1023)>>10, MaxFrontMatter>>10),
			Hint:    "keep long text in the page's body, below the front matter"}}
	}
	doc := &Document{Body: body, BodyLine: bodyLine}
	keys, err := yamlpos.Decode(yml, &doc.Front)
	if err != nil {
		return nil, diag.List{yamlProblem(file, yamlLine, err, parentKey(yml, err))}
	}
	doc.Pos = keys.Shift(yamlLine - 1)
	return doc, doc.validate(file)
}

// nestedFields are the fields of front matter and kb.yaml values that are
// mappings, for the hint on an unknown one.
var nestedFields = map[string][]string{
	"official": {"source", "url"}, "changes": changeFields, "citations": {"min_percent"},
}

// parentKey names the top-level key under which a YAML error sits: the
// last line above it that starts a key at the first column.
func parentKey(yml []byte, err error) string {
	var pe *yamlpos.Error
	if !errors.As(err, &pe) || pe.Col <= 1 {
		return ""
	}
	lines := strings.Split(string(yml), "\n")
	for i := min(pe.Line, len(lines)) - 1; i >= 0; i-- {
		l := lines[i]
		if l != "" && l[0] != ' ' && l[0] != '\t' && l[0] != '#' && l[0] != '-' {
			key, _, _ := strings.Cut(l, ":")
			return strings.TrimSpace(key)
		}
	}
	return ""
}

func yamlProblem(file string, yamlLine int, err error, parent string) diag.Problem {
	what, names := "front matter: ", fieldNames()
	if file == ConfigFile {
		what, names = "", configFieldNames()
	}
	p := diag.Problem{File: file, Line: yamlLine, Col: 1, Message: what + err.Error()}
	var pe *yamlpos.Error
	if errors.As(err, &pe) {
		p.Line, p.Col, p.Message, p.Hint = yamlLine-1+pe.Line, pe.Col, what+pe.Message, pe.Hint
		if pe.Unknown != "" {
			p.Hint = "put a site's own fields under params:"
			if near := Nearest(pe.Unknown, names); near != "" {
				p.Hint = fmt.Sprintf("did you mean %q? A site's own fields go under params:", near)
			}
			if fields, ok := nestedFields[parent]; ok && pe.Col > 1 { // nested: official: or changes: in a page, citations: in kb.yaml
				p.Hint = parent + ": takes " + fields[0] + ":"
				if last := len(fields) - 1; last > 0 {
					p.Hint = parent + ": takes " + strings.Join(fields[:last], ":, ") + ": and " + fields[last] + ":"
				}
				if near := Nearest(pe.Unknown, fields); near != "" {
					p.Hint = fmt.Sprintf("did you mean %q? %s", near, p.Hint)
				}
			}
		}
	}
	return p
}

func fieldNames() []string {
	return []string{"id", "title", "kind", "cite", "as_of", "date", "tags", "summary", "draft",
		"weight", "aliases", "moved_from", "changes", "term", "no_term_links", "search", "audience", "facts", "question", "outcome", "risk",
		"trigger", "applies", "publisher", "author", "published", "url", "reliability", "reference",
		"official", "params"}
}

// validate checks the schema rules YAML decoding cannot express.
func (d *Document) validate(file string) diag.List {
	fp := &frontProblems{pos: d.Pos, file: file}
	known := d.validateFields(fp)
	d.validateDates(fp)
	d.cleanMovedFrom(fp)
	if !known {
		// What the other fields should be follows from the kind: one
		// problem for one mistake.
		return fp.list.Sort()
	}
	d.validateKindFields(fp)
	probs := append(fp.list, d.validateSource(file)...)
	probs = append(probs, d.validateChanges(file)...)
	return probs.Sort()
}

// frontProblems collects the problems of one page's front matter, each
// at its key's value (at) or at the key itself (atKey).
type frontProblems struct {
	pos  yamlpos.Keys
	file string
	list diag.List
}

func (fp *frontProblems) at(key, msg, hint string) {
	line, col := fp.pos.At(key)
	fp.list = append(fp.list, diag.Problem{File: fp.file, Line: line, Col: col, Message: msg, Hint: hint})
}

func (fp *frontProblems) atKey(key, msg, hint string) {
	line, col := fp.pos.Key(key)
	fp.list = append(fp.list, diag.Problem{File: fp.file, Line: line, Col: col, Message: msg, Hint: hint})
}

// validateFields checks the title, id, kind, audience and tags, setting
// the default kind; it reports whether the kind is known.
func (d *Document) validateFields(fp *frontProblems) (knownKind bool) {
	f := &d.Front
	f.Title = strings.TrimSpace(f.Title)
	if f.Title == "" {
		fp.at("title", "missing title", `add a line such as title: "Article 61 — …"`)
	}
	if f.ID != "" && !idPattern.MatchString(f.ID) {
		fp.at("id", fmt.Sprintf("invalid id %q", f.ID), "use lowercase letters, digits, dots and dashes")
	}
	knownKind = true
	if f.Kind == "" {
		f.Kind = "page"
	} else if !slices.Contains(kinds, f.Kind) {
		fp.at("kind", fmt.Sprintf("unknown kind %q", f.Kind), suggest(f.Kind, kinds))
		knownKind = false
	}
	if f.Audience != "" && !slices.Contains(audiences, f.Audience) {
		fp.at("audience", fmt.Sprintf("unknown audience %q", f.Audience), suggest(f.Audience, audiences))
	}
	for _, t := range f.Tags {
		if !idPattern.MatchString(t) {
			fp.at("tags", fmt.Sprintf("invalid tag %q", t), "use lowercase letters, digits and dashes")
		}
	}
	return knownKind
}

// validateDates checks as_of and date.
func (d *Document) validateDates(fp *frontProblems) {
	for key, v := range map[string]string{"as_of": d.Front.AsOf, "date": d.Front.Date} {
		if v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			fp.at(key, fmt.Sprintf("%s %q is not a valid date", key, v), "write dates as YYYY-MM-DD, e.g. 2025-02-26")
		}
	}
}

// cleanMovedFrom cleans the old addresses of moved_from, each a site
// path.
func (d *Document) cleanMovedFrom(fp *frontProblems) {
	f := &d.Front
	for i, old := range f.MovedFrom {
		clean, ok := cleanSitePath(old)
		if !ok {
			fp.at("moved_from", fmt.Sprintf("moved_from %q is not a site path", old),
				"write the old address as it was published, from the site's root: moved_from: [/esma/solicitation/]")
			continue
		}
		f.MovedFrom[i] = clean
	}
}

// validateKindFields checks the fields a kind of page needs, and refuses
// those of another kind: a term needs a term, a scenario its facts,
// question, outcome and risk.
func (d *Document) validateKindFields(fp *frontProblems) {
	f := &d.Front
	if f.Kind == "term" && strings.TrimSpace(f.Term) == "" {
		fp.at("kind", "a term page needs a term: field", `add term: "close links"`)
	}
	if f.Kind == "scenario" {
		for key, v := range map[string]string{"facts": f.Facts, "question": f.Question, "outcome": f.Outcome, "risk": f.Risk} {
			if strings.TrimSpace(v) == "" {
				fp.at("kind", "a scenario needs "+key+":", "scenarios carry facts, question, outcome, risk and applies")
			}
		}
		// outcome, risk and trigger are checked against the site's
		// vocabulary once kb.yaml is read: Site.checkScenarios.
	}
	if f.Kind != "scenario" {
		for _, key := range []string{"facts", "question", "outcome", "risk", "trigger", "applies"} {
			if d.Pos.Has(key) {
				fp.atKey(key, key+": is only for kind: scenario", "remove it or set kind: scenario")
			}
		}
	}
	if f.Kind != "term" {
		for key, set := range map[string]bool{"term": f.Term != "", "aliases": len(f.Aliases) > 0} {
			if set {
				fp.atKey(key, key+": is only for kind: term (other names of a defined term)",
					"remove it; to keep an old address of a moved page working, list it under moved_from:")
			}
		}
	}
}

// cleanSitePath checks an old address given in moved_from: and returns it
// as a page URL, "/a/b/".
func cleanSitePath(p string) (string, bool) {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "?#\\ \t") || strings.Contains(p, "..") {
		return "", false
	}
	p = strings.TrimSuffix(strings.TrimSuffix(p, "index.html"), ".html")
	p = path.Clean(p)
	if p == "/" {
		return "", false
	}
	return p + "/", true
}

func orKey(k yamlpos.Keys, key, fallback string) string {
	if k.Has(key) {
		return key
	}
	return fallback
}

func suggest(got string, options []string) string {
	if near := Nearest(got, options); near != "" && got != "" {
		return fmt.Sprintf("did you mean %q?", near)
	}
	return "use one of " + strings.Join(options, ", ")
}
