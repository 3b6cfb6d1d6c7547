package lsp

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/kb-legal/kb/internal/site"
)

// maxItems bounds a completion list: past it the list says it is
// incomplete, and the client asks again as the writer types on.
const maxItems = 200

func (s *Server) completion(_ *glsp.Context, p *protocol.CompletionParams) (any, error) {
	d, err := s.doc(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	snap := s.latest()
	if snap == nil || snap.site == nil {
		return protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	s.mu.Lock()
	enc := s.enc
	s.mu.Unlock()
	c := completer{site: snap.site, t: d.text, enc: enc}
	return c.at(d.text.offset(p.Position, enc)), nil
}

// completer completes at one place of one buffer.
type completer struct {
	site *site.Site
	t    *text
	enc  encoding
	list protocol.CompletionList
}

func (c *completer) at(off int) protocol.CompletionList {
	c.list.Items = []protocol.CompletionItem{}
	n := c.t.lineOf(off)
	lineStart := c.t.starts[n]
	line := c.t.line(n)
	col := min(off-lineStart, len(line))
	if closing, ok := frontMatter(c.t); ok && n > 0 && n < closing {
		c.frontMatter(n, line[:col], lineStart)
		return c.list
	}
	before := line[:col]
	if i := bytes.LastIndex(before, []byte("[[")); i >= 0 && !bytes.ContainsAny(before[i+2:], "]|[") {
		c.reference(string(before[i+2:]), lineStart+i+2, off)
	} else if i := bytes.LastIndex(before, []byte("[@")); i >= 0 && !bytes.ContainsAny(before[i+2:], "],[") {
		c.sources(string(before[i+2:]), lineStart+i+2, off)
	}
	return c.list
}

// add appends an item replacing the text from start to end with insert.
func (c *completer) add(label, detail, doc string, kind protocol.CompletionItemKind, insert string, start, end int, sortKey string) {
	item := protocol.CompletionItem{Label: label, Kind: &kind,
		TextEdit: protocol.TextEdit{Range: c.t.rangeOf(start, end, c.enc), NewText: insert}}
	if detail != "" {
		item.Detail = &detail
	}
	if doc != "" {
		item.Documentation = protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: doc}
	}
	if sortKey != "" {
		item.SortText = &sortKey
	}
	if filter := label + " " + detail; detail != "" {
		item.FilterText = &filter
	}
	c.list.Items = append(c.list.Items, item)
}

// reference completes the inside of [[…]] typed so far: after "#", the
// anchors of the page named before it; else page ids and cite keys.
func (c *completer) reference(typed string, start, off int) {
	if page, anchor, ok := strings.Cut(typed, "#"); ok {
		c.anchors(page, anchor, start+len(page)+1, off)
		return
	}
	c.pages(typed, start, off)
}

// pages offers every page's id and cite key whose id, cite key or title
// holds what was typed.
func (c *completer) pages(typed string, start, off int) {
	want := strings.ToLower(strings.TrimSpace(typed))
	type option struct {
		label, detail string
		page          *site.Page
	}
	var opts []option
	for _, p := range c.site.Pages {
		title := strings.ToLower(p.Title)
		if want == "" || strings.Contains(p.ID, want) || strings.Contains(title, want) {
			opts = append(opts, option{p.ID, p.Title, p})
		}
		if p.Cite != "" && (want == "" || strings.Contains(strings.ToLower(p.Cite), want) || strings.Contains(title, want)) {
			opts = append(opts, option{p.Cite, p.Title, p})
		}
	}
	slices.SortFunc(opts, func(a, b option) int { return cmp.Compare(a.label, b.label) })
	if len(opts) > maxItems {
		opts, c.list.IsIncomplete = opts[:maxItems], true
	}
	for _, o := range opts {
		// The page's documentation comes on completionItem/resolve: a
		// list of hundreds is sent faster without it.
		c.add(o.label, o.detail, "", protocol.CompletionItemKindReference, o.label, start, off, "")
		c.list.Items[len(c.list.Items)-1].Data = o.page.ID
	}
}

// anchors offers the anchors of the page written before "#", labelled as
// the margin and the citation read: "p1-sub2  1, second subparagraph —
// Solicitation through an entity…".
func (c *completer) anchors(page, typed string, start, off int) {
	p := pageNamed(c.site, page)
	if p == nil {
		return
	}
	for i, a := range p.Anchors {
		if typed != "" && !strings.HasPrefix(a.ID, typed) && !strings.Contains(strings.ToLower(a.Label), strings.ToLower(typed)) {
			continue
		}
		detail, doc := anchorDetail(c.site, p, a)
		c.add(a.ID, detail, doc, protocol.CompletionItemKindEnumMember, a.ID, start, off, fmt.Sprintf("%05d", i))
	}
}

// resolveCompletion adds a page's documentation to its item.
func (s *Server) resolveCompletion(_ *glsp.Context, item *protocol.CompletionItem) (*protocol.CompletionItem, error) {
	id, ok := item.Data.(string)
	if snap := s.latest(); ok && snap != nil && snap.site != nil {
		if p := snap.site.ByID(id); p != nil {
			item.Documentation = protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: pageDoc(p)}
		}
	}
	return item, nil
}

// pageNamed finds the page a reference names before "#": by id, or by
// cite key.
func pageNamed(s *site.Site, name string) *site.Page {
	name = strings.TrimSpace(name)
	if p := s.ByID(name); p != nil {
		return p
	}
	if t, err := s.Resolve(name); err == nil {
		return t.Page
	}
	return nil
}

// anchorDetail is how completion and symbols show an anchor: its
// pinpoint label or heading, then the start of its text; and, as
// documentation, its citation and text.
func anchorDetail(s *site.Site, p *site.Page, a site.Anchor) (detail, doc string) {
	pin := s.Pinpoint(p, a.ID)
	label := pin.Label
	if label == "" {
		label = a.Label
	}
	if label == "" {
		label = "¶"
	}
	detail = label
	if a.Label == "" || pin.Label != "" && a.Label != pin.Label {
		if t := clip(lead(label, firstSentence(a.Text)), 60); t != "" {
			detail += " — " + t
		}
	}
	var b strings.Builder
	if pin.Citation != "" {
		fmt.Fprintf(&b, "**%s**\n\n", pin.Citation)
	} else {
		fmt.Fprintf(&b, "**%s › %s**\n\n", p.Title, label)
	}
	b.WriteString(a.Text)
	fmt.Fprintf(&b, "\n\n`[[%s#%s]]`", p.ID, a.ID)
	return detail, b.String()
}

// pageDoc is a page's documentation: title, citation, summary.
func pageDoc(p *site.Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**", p.Title)
	if p.Cite != "" {
		fmt.Fprintf(&b, " (%s)", p.Cite)
	}
	if p.Summary != "" {
		b.WriteString("\n\n" + p.Summary)
	}
	if p.File != "" {
		fmt.Fprintf(&b, "\n\n`[[%s]]` · content/%s", p.ID, p.File)
	}
	return b.String()
}

// sources offers the source ids for a note [@…].
func (c *completer) sources(typed string, start, off int) {
	want := strings.ToLower(strings.TrimSpace(typed))
	for _, p := range c.site.Sources() {
		if want != "" && !strings.Contains(p.ID, want) && !strings.Contains(strings.ToLower(p.Title), want) {
			continue
		}
		c.add(p.ID, p.Title, sourceDoc(p), protocol.CompletionItemKindReference, p.ID, start, off, p.ID)
	}
}

// sourceDoc describes a source.
func sourceDoc(p *site.Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", p.Title)
	for _, f := range [][2]string{{"Publisher", p.Publisher}, {"Author", p.Author}, {"Published", p.Published},
		{"Reference", p.Reference}, {"Reliability", p.Reliability}, {"Address", p.Address}} {
		if f[1] != "" {
			fmt.Fprintf(&b, "%s: %s  \n", f[0], f[1])
		}
	}
	return strings.TrimSpace(b.String())
}

var (
	keyTyped   = regexp.MustCompile(`^[A-Za-z_]*$`)
	valueTyped = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*):\s*`)
	nestedKey  = regexp.MustCompile(`^\s+source:\s*`)
)

// frontMatter completes a front matter line: a field name at its start,
// an allowed value after "kind:", "outcome:", "risk:", "trigger:",
// "reliability:", a known tag in tags:, a reference in applies:, a source
// in official: source:.
func (c *completer) frontMatter(n int, before []byte, lineStart int) {
	off := lineStart + len(before)
	schema := site.Schema(c.site.Config.Vocabulary)
	props, _ := schema["properties"].(map[string]any)
	if keyTyped.Match(before) {
		present := map[string]bool{}
		closing, _ := frontMatter(c.t)
		for i := 1; i < closing; i++ {
			if m := frontKey.FindSubmatch(c.t.line(i)); m != nil && i != n {
				present[string(m[1])] = true
			}
		}
		for _, name := range fieldOrder(props) {
			if present[name] {
				continue
			}
			prop, _ := props[name].(map[string]any)
			desc, _ := prop["description"].(string)
			c.add(name, desc, desc, protocol.CompletionItemKindProperty, name+": ", lineStart, off, "")
		}
		return
	}
	key, _ := keyOf(c.t, n)
	if m := valueTyped.FindSubmatchIndex(before); m != nil && string(before[m[2]:m[3]]) == key {
		c.frontValue(key, props, before, m[1], lineStart, off)
		return
	}
	switch {
	case key == "tags" || key == "applies":
		c.frontValue(key, props, before, 0, lineStart, off)
	case key == "official" && nestedKey.Match(before):
		typed, start := valueStart(before, len(nestedKey.Find(before)))
		c.sources(typed, lineStart+start, off)
	}
}

// frontValue completes the value of key typed in before, from byte from.
func (c *completer) frontValue(key string, props map[string]any, before []byte, from, lineStart, off int) {
	typed, start := valueStart(before, from)
	switch key {
	case "tags":
		typed, start = entryStart(before, from)
		for _, tag := range slices.Sorted(maps.Keys(c.site.Tags())) {
			if strings.HasPrefix(tag, typed) {
				c.add(tag, fmt.Sprintf("%d pages", len(c.site.Tags()[tag])), "", protocol.CompletionItemKindValue, tag, lineStart+start, off, "")
			}
		}
	case "applies":
		q := bytes.LastIndexAny(before, `"'`)
		if q < from || bytes.Count(before[from:], before[q:q+1])%2 == 0 {
			return // not inside a quoted entry
		}
		c.reference(string(before[q+1:]), lineStart+q+1, off)
	case "draft", "no_term_links", "search":
		for _, v := range []string{"true", "false"} {
			c.add(v, "", "", protocol.CompletionItemKindValue, v, lineStart+start, off, "")
		}
	default:
		prop, _ := props[key].(map[string]any)
		values, _ := prop["enum"].([]string)
		v := c.site.Config.Vocabulary.Matrix()
		for i, value := range values {
			if !strings.HasPrefix(strings.ToLower(value), strings.ToLower(typed)) {
				continue
			}
			label := ""
			switch key {
			case "outcome":
				label = site.Label(v.Outcomes, value)
			case "risk":
				label = site.Label(v.Risks, value)
			case "trigger":
				label = site.Label(v.Triggers, value)
			}
			if label == value {
				label = ""
			}
			c.add(value, label, "", protocol.CompletionItemKindEnumMember, value, lineStart+start, off, fmt.Sprintf("%03d", i))
		}
	}
}

// valueStart skips an opening quote: what was typed of a value from byte
// from, and where it starts.
func valueStart(before []byte, from int) (string, int) {
	if from < len(before) && (before[from] == '"' || before[from] == '\'') {
		from++
	}
	return string(before[from:]), from
}

// entryStart finds the list entry being typed: after "[", ",", "- " or a
// quote.
func entryStart(before []byte, from int) (string, int) {
	i := from
	if j := bytes.LastIndexAny(before[from:], `[,"'-`); j >= 0 {
		i = from + j + 1
	}
	for i < len(before) && before[i] == ' ' {
		i++
	}
	return string(before[i:]), i
}

// fieldOrder lists front matter fields in the order of the FrontMatter
// type, which the writer's guide follows.
func fieldOrder(props map[string]any) []string {
	var out []string
	t := reflect.TypeFor[site.FrontMatter]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if _, ok := props[name]; ok {
			out = append(out, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(props)) {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// lead is a place's first sentence without what its label says already:
// "Second subparagraph — solicitation defeats the exemption." under the
// label "1, second subparagraph" reads "Solicitation defeats the
// exemption".
func lead(label, sentence string) string {
	sentence = strings.TrimSuffix(strings.TrimSpace(sentence), ".")
	head, rest, ok := strings.Cut(sentence, " — ")
	if !ok {
		return sentence
	}
	last := label[strings.LastIndex(label, ", ")+1:]
	if strings.EqualFold(strings.TrimSpace(head), strings.TrimSpace(last)) || strings.EqualFold(head, "Paragraph "+label) {
		if r, size := utf8.DecodeRuneInString(rest); r != utf8.RuneError {
			return strings.ToUpper(string(r)) + rest[size:]
		}
	}
	return sentence
}

// firstSentence is the text up to its first full stop.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// clip shortens s to n characters, with an ellipsis.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}
