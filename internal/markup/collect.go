package markup

import (
	"bytes"
	"errors"
	"html"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// previewLen bounds the text kept for previews and citation contexts.
const previewLen = 320

// collect walks a parsed document once, in order, gathering its anchors,
// references, links, paragraphs, table of contents and search sections;
// bare, it leaves out the texts, and for rendering the paragraphs too (see
// ParseOptions).
func collect(doc *Document, opts ParseOptions) { collectSome(doc, opts, true) }

// collectSome is collect, leaving out the search sections unless
// sections is set.
func collectSome(doc *Document, opts ParseOptions, sections bool) {
	bare := opts.Bare || opts.Render
	sections = sections && !bare
	c := &collector{doc: doc, src: doc.Source, seen: map[string]bool{}, bare: bare, noParagraphs: opts.Render}
	if !bare {
		c.texts, c.ctx = map[ast.Node]string{}, contexts{}
	}
	if sections {
		doc.Sections = []Section{{}}
	}
	_ = ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Parent() == doc.Root && sections {
			c.section(n)
		}
		return c.node(n), nil
	})
	if sections {
		c.endSections()
	}
}

// MakeSections makes the document's search sections from its syntax
// tree, as RefreshText does, and nothing else: for a caller that let go of
// them until it needs them (a full build holds every page's outline at
// once, and its sections only until it makes the search documents).
func (d *Document) MakeSections() {
	c := &collector{doc: d, src: d.Source, texts: map[ast.Node]string{}}
	d.Sections = []Section{{}}
	for n := d.Root.FirstChild(); n != nil; n = n.NextSibling() {
		c.section(n)
	}
	c.endSections()
	d.Sections = packSections(d.Sections)
}

// packSections returns a page's sections with their texts and official
// wording copied into one string, which they slice, in a list of their
// number: they are held until the search index is built, which lets go
// of them together (their anchors and titles it keeps longer), and in
// few pieces per page they free whole spans of memory, rather than
// leaving small objects scattered among spans whose others are gone
// (which the memory limit counts as in use).
func packSections(ss []Section) []Section {
	if len(ss) == 0 {
		return ss
	}
	n := 0
	for _, s := range ss {
		n += len(s.Text) + len(s.Official)
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range ss {
		b.WriteString(s.Text)
		b.WriteString(s.Official)
	}
	all := b.String()
	packed := make([]Section, len(ss))
	at := 0
	for i, s := range ss {
		text, official := at+len(s.Text), at+len(s.Text)+len(s.Official)
		packed[i] = Section{Anchor: s.Anchor, Title: s.Title, Text: all[at:text], Official: all[text:official]}
		at = official
	}
	return packed
}

// collector is collect's walk through a document.
type collector struct {
	doc  *Document
	src  []byte
	bare bool // structure only, no texts
	// noParagraphs leaves out the paragraphs: a document only rendered.
	noParagraphs bool
	current      string          // the anchor of the enclosing section or paragraph
	seen         map[string]bool // anchor ids, to report duplicates
	// A block's text serves its section, its anchor's preview and the
	// preview of the heading before it: work it out once.
	texts map[ast.Node]string
	buf   bytes.Buffer // where textOf writes a block's text
	ctx   contexts
	// The texts and official wording of the blocks of the last section,
	// joined when it ends: joining block by block copied a section's
	// text once per block.
	text, official []string
}

// textOf is the text of block n.
func (c *collector) textOf(n ast.Node) string {
	t, ok := c.texts[n]
	if !ok {
		c.buf.Reset()
		writeText(&c.buf, n, c.src)
		t = collapseSpace(c.buf.Bytes())
		c.texts[n] = t
	}
	return t
}

// addAnchor adds an anchor, or a problem when the page has its id
// already.
func (c *collector) addAnchor(a Anchor) {
	if c.seen[a.ID] {
		c.doc.Problems = append(c.doc.Problems, Problem{Offset: a.Offset,
			Message: "duplicate anchor #" + a.ID, Hint: "anchors must be unique on a page; rename one"})
		return
	}
	c.seen[a.ID] = true
	c.doc.Anchors = append(c.doc.Anchors, a)
}

// section adds top-level block n to the sections: a heading starts one,
// other blocks add their text (and a quotation its official wording) to
// the current one.
func (c *collector) section(n ast.Node) {
	doc := c.doc
	if h, ok := n.(*ast.Heading); ok {
		c.endSection()
		id, _ := h.AttributeString("id")
		b, _ := id.([]byte)
		doc.Sections = append(doc.Sections, Section{Anchor: string(b), Title: headingText(h, c.src)})
		return
	}
	if t := c.textOf(n); t != "" {
		c.text = append(c.text, t)
		if q, ok := n.(*Callout); ok && q.CalloutType == quotationType {
			c.official = append(c.official, quotedText(q, c.src))
		}
	}
}

// endSection joins the texts of the last section's blocks.
func (c *collector) endSection() {
	s := &c.doc.Sections[len(c.doc.Sections)-1]
	s.Text, s.Official = joinLines(c.text), joinLines(c.official)
	c.text, c.official = c.text[:0], c.official[:0]
}

// endSections ends the last section, and drops the first when it is
// empty: the text before the first heading, when there is none.
func (c *collector) endSections() {
	c.endSection()
	if c.doc.Sections[0].Text == "" {
		c.doc.Sections = c.doc.Sections[1:]
	}
}

// joinLines joins parts with newlines, leaving out the empty ones at the
// start.
func joinLines(parts []string) string {
	for len(parts) > 0 && parts[0] == "" {
		parts = parts[1:]
	}
	return strings.Join(parts, "\n")
}

// node collects what node n is: an anchor, a paragraph, a citation, a
// reference or a link, each with the anchor it is under.
func (c *collector) node(n ast.Node) ast.WalkStatus {
	doc, src := c.doc, c.src
	switch n := n.(type) {
	case *ast.Heading:
		c.heading(n)
	case *ast.Paragraph, *ast.TextBlock:
		c.paragraph(n)
	case *Callout:
		if q := n.Cite; q != nil {
			q.FromAnchor = c.current
			if !c.bare {
				q.Context = clip(quotedText(n, src))
			}
			doc.Cites = append(doc.Cites, q)
		}
	case *Citation:
		n.FromAnchor, n.Context = c.current, c.contextOf(n)
		doc.Cites = append(doc.Cites, n)
		return ast.WalkSkipChildren
	case *Ref:
		n.FromAnchor, n.Context = c.current, c.contextOf(n)
		doc.Refs = append(doc.Refs, n)
		return ast.WalkSkipChildren
	case *ast.Link:
		doc.Links = append(doc.Links, &Link{Node: n, Dest: string(n.Destination), Offset: inlineOffset(n), FromAnchor: c.current, Context: c.contextOf(n)})
	}
	return ast.WalkContinue
}

// contextOf is the sentence around inline node n; "" when bare.
func (c *collector) contextOf(n ast.Node) string {
	if c.bare {
		return ""
	}
	return c.ctx.contextOf(n, c.src)
}

// heading makes a heading with an id an anchor, and a level 2 or 3 one
// an entry of the table of contents.
func (c *collector) heading(n *ast.Heading) {
	id, ok := n.AttributeString("id")
	if !ok {
		return
	}
	b, _ := id.([]byte)
	var title string
	if last := len(c.doc.Sections) - 1; !c.bare && last >= 0 && n.Parent() == c.doc.Root && c.doc.Sections[last].Anchor == string(b) {
		// The section it starts has its id and title made already: one
		// copy of them for the whole build.
		c.current, title = c.doc.Sections[last].Anchor, c.doc.Sections[last].Title
	} else {
		c.current, title = string(b), headingText(n, c.src)
	}
	a := Anchor{ID: c.current, Label: title, Offset: blockOffset(n), Pin: pinOf(n)}
	if !c.bare {
		a.Text = followingText(n, c.textOf)
	}
	c.addAnchor(a)
	if n.Level == 2 || n.Level == 3 {
		c.doc.TOC = append(c.doc.TOC, Heading{Level: n.Level, ID: c.current, Text: title})
	}
}

// paragraph adds a paragraph, under the anchor it opens with or else the
// one before it.
func (c *collector) paragraph(n ast.Node) {
	if pin, ok := n.FirstChild().(*Pin); ok {
		c.current = pin.ID
		a := Anchor{ID: pin.ID, Offset: blockOffset(n), Pin: pin}
		if !c.bare {
			a.Text = clip(c.textOf(n))
		}
		c.addAnchor(a)
	}
	if !c.noParagraphs {
		para := paragraphOf(n, c.src)
		para.Within = c.current
		c.doc.Paragraphs = append(c.doc.Paragraphs, para)
	}
}

// RefreshText recomputes the document's texts — anchor previews, reference
// and link contexts, search sections, the table of contents — after the
// caller has resolved its references, so that a reference written [[id]]
// reads as its target's title rather than its id.
func (d *Document) RefreshText() { d.refreshText(true) }

// RefreshPreviews is RefreshText without the search sections, which it
// leaves nil: for a caller that makes them later (MakeSections), it
// joins none of the texts of a page's blocks, nor works out those that
// no preview reads.
func (d *Document) RefreshPreviews() { d.refreshText(false) }

func (d *Document) refreshText(sections bool) {
	fresh := &Document{Source: d.Source, Root: d.Root}
	collectSome(fresh, ParseOptions{}, sections)
	for i := range min(len(d.Anchors), len(fresh.Anchors)) {
		d.Anchors[i].Text = fresh.Anchors[i].Text
	}
	for i := range min(len(d.Links), len(fresh.Links)) {
		d.Links[i].Context = fresh.Links[i].Context
	}
	for i := range min(len(d.Cites), len(fresh.Cites)) {
		d.Cites[i].Context = fresh.Cites[i].Context
	}
	d.Sections = fresh.Sections
	d.TOC = fresh.TOC
}

func pinOf(n ast.Node) *Pin {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if p, ok := c.(*Pin); ok {
			return p
		}
	}
	return nil
}

// blockText is the text of a node and its descendants, as a reader sees
// it.
func blockText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	writeText(&b, n, src)
	return collapseSpace(b.Bytes())
}

// collapseSpace is strings.Join(strings.Fields(string(b)), " "), made in
// b itself, which it overwrites, and copied out once at its final size:
// the text of every block of every page goes through it, and much of it
// is held until the search index is built.
func collapseSpace(b []byte) string {
	w := 0 // b[:w] is collapsed; w never passes i
	space := false
	for i := 0; i < len(b); {
		r, size := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(b[i:])
		}
		if unicode.IsSpace(r) {
			space = true
		} else {
			if space && w > 0 {
				b[w] = ' '
				w++
			}
			space = false
			w += copy(b[w:], b[i:i+size])
		}
		i += size
	}
	return string(b[:w])
}

// textWriter is what writeText writes to: a reused bytes.Buffer for a
// text copied out at its size, a strings.Builder for one used as is.
type textWriter interface {
	io.Writer
	io.StringWriter
	io.ByteWriter
}

// writeText appends the text of n to b: inline text as is, blocks separated
// by spaces. Permalinks are skipped.
func writeText(b textWriter, n ast.Node, src []byte) {
	switch n := n.(type) {
	case *Pin:
		return
	case *Ref:
		b.WriteString(n.DisplayText())
		return
	case *Citation:
		b.WriteString(" [" + n.Label() + "]")
		return
	case *ast.Text:
		b.Write(n.Segment.Value(src))
		if n.SoftLineBreak() || n.HardLineBreak() {
			b.WriteByte(' ')
		}
		return
	case *ast.String:
		b.WriteString(html.UnescapeString(string(n.Value))) // typographer entities
		return
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(src))
		}
		b.WriteByte(' ')
		return
	case *ast.AutoLink:
		b.Write(n.Label(src))
		return
	case *ast.RawHTML, *ast.HTMLBlock:
		return
	case *CalloutTitle:
		// A title reads as one with the text it introduces: "Note: …".
		var t bytes.Buffer
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			writeText(&t, c, src)
		}
		title := string(bytes.TrimSpace(t.Bytes()))
		b.WriteString(title)
		if title != "" && !strings.ContainsAny(title[len(title)-1:], ".:;?!") {
			b.WriteByte(':')
		}
		b.WriteByte(' ')
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		writeText(b, c, src)
	}
	if n.Type() == ast.TypeBlock {
		b.WriteByte(' ')
	}
}

// followingText is the text after a heading up to the next heading, clipped.
func followingText(h *ast.Heading, textOf func(ast.Node) string) string {
	var parts []string
	size := 0
	for n := h.NextSibling(); n != nil && size < previewLen; n = n.NextSibling() {
		if _, ok := n.(*ast.Heading); ok {
			break
		}
		t := textOf(n)
		parts = append(parts, t)
		size += len(t)
	}
	return clip(strings.Join(parts, " "))
}

// clip shortens s to about previewLen bytes at a word boundary.
func clip(s string) string {
	if len(s) <= previewLen {
		return s
	}
	cut := strings.LastIndexByte(s[:previewLen], ' ')
	if cut < previewLen/2 {
		cut = previewLen
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + " …"
}

// blockInline is the text of a block as contextOf reads it, with where
// each of its nodes starts in it.
type blockInline struct {
	text string
	at   map[ast.Node]int
}

// contexts works out each block's text once for all the references and
// links in it.
type contexts map[ast.Node]*blockInline

// contextOf returns the sentence around an inline node, from the text of
// its enclosing block.
func (cs contexts) contextOf(n ast.Node, src []byte) string {
	block := n.Parent()
	for block != nil && block.Type() != ast.TypeBlock {
		block = block.Parent()
	}
	if block == nil {
		return ""
	}
	bi := cs[block]
	if bi == nil {
		bi = inlineText(block, src)
		cs[block] = bi
	}
	text := bi.text
	at, ok := bi.at[n]
	if !ok {
		return clip(strings.Join(strings.Fields(text), " "))
	}
	start := sentenceStart(text, at)
	end := sentenceEnd(text, at)
	return clip(strings.Join(strings.Fields(text[start:end]), " "))
}

func inlineText(block ast.Node, src []byte) *blockInline {
	var b strings.Builder
	at := map[ast.Node]int{}
	var walk func(ast.Node)
	walk = func(c ast.Node) {
		if _, seen := at[c]; !seen {
			at[c] = b.Len()
		}
		if c.Type() == ast.TypeInline {
			if _, ok := c.(*Ref); ok || c.FirstChild() == nil {
				writeText(&b, c, src)
				return
			}
		}
		for cc := c.FirstChild(); cc != nil; cc = cc.NextSibling() {
			walk(cc)
		}
	}
	walk(block)
	return &blockInline{text: b.String(), at: at}
}

func sentenceStart(s string, at int) int {
	for i := at - 1; i > 0; i-- {
		if (s[i-1] == '.' || s[i-1] == '?' || s[i-1] == '!') && s[i] == ' ' && !abbreviation(s[:i-1]) {
			return i + 1
		}
	}
	return 0
}

func sentenceEnd(s string, at int) int {
	for i := at; i < len(s)-1; i++ {
		if (s[i] == '.' || s[i] == '?' || s[i] == '!') && s[i+1] == ' ' && !abbreviation(s[:i]) {
			return i + 1
		}
	}
	return len(s)
}

// abbreviation reports whether the text before a full stop ends with a
// common legal abbreviation ("Art", "para", "e.g"), which ends no sentence.
func abbreviation(before string) bool {
	i := strings.LastIndexAny(before, " (") + 1
	switch strings.ToLower(before[i:]) {
	case "art", "arts", "para", "paras", "e.g", "i.e", "no", "cf", "etc", "vs", "p", "pp", "reg", "dir":
		return true
	}
	return false
}

func blockOffset(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	return inlineOffset(n)
}

// inlineOffset is the offset of an inline node's first text, less one for
// an opening bracket.
func inlineOffset(n ast.Node) int {
	for c := n.FirstChild(); c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			if _, link := n.(*ast.Link); link {
				return max(t.Segment.Start-1, 0)
			}
			return t.Segment.Start
		}
	}
	return 0
}

// Outline returns the document without its syntax tree: what linking, the
// link graph and search read of it, at a fraction of the memory. It cannot
// be rendered; to render, parse the source again with the same options and
// Restore the Resolutions the caller wrote into the outline's references.
func (d *Document) Outline() *Document {
	o := &Document{Source: d.Source, TOC: d.TOC, Sections: d.Sections, Problems: d.Problems, Paragraphs: d.Paragraphs,
		Refs: make([]*Ref, len(d.Refs)), Links: make([]*Link, len(d.Links)), Anchors: make([]Anchor, len(d.Anchors)),
		Cites: make([]*Citation, len(d.Cites))}
	for i, c := range d.Cites {
		o.Cites[i] = &Citation{SourceID: c.SourceID, Pinpoint: c.Pinpoint, Offset: c.Offset, Note: c.Note,
			FromAnchor: c.FromAnchor, Context: c.Context, Source: c.Source}
	}
	for i, r := range d.Refs {
		o.Refs[i] = &Ref{Target: r.Target, Label: r.Label, Term: r.Term, Offset: r.Offset,
			FromAnchor: r.FromAnchor, Context: r.Context, Resolved: r.Resolved}
	}
	for i, l := range d.Links {
		c := *l
		c.Node = nil
		o.Links[i] = &c
	}
	for i, a := range d.Anchors {
		a.Pin = nil
		o.Anchors[i] = a
	}
	return o
}

// Resolutions are what the caller wrote into a document's references and
// citations, apart from the document: all Restore reads of an outline, for
// a caller that holds many until it renders them, at a fraction of the
// outlines' memory.
type Resolutions struct {
	Refs  []Resolved    // per reference
	Cites []CitedSource // per citation
	// links and anchors count the document's, for Restore to check.
	links, anchors int
}

// Resolutions returns what the caller wrote into d's references and
// citations.
func (d *Document) Resolutions() *Resolutions {
	r := &Resolutions{Refs: make([]Resolved, len(d.Refs)), Cites: make([]CitedSource, len(d.Cites)), links: len(d.Links), anchors: len(d.Anchors)}
	for i, ref := range d.Refs {
		r.Refs[i] = ref.Resolved
	}
	for i, c := range d.Cites {
		r.Cites[i] = c.Source
	}
	return r
}

// Restore gives d's references and citations the resolutions r, of an
// outline of a document parsed from the same source with the same options:
// parsing is deterministic, so their references match one for one.
func (d *Document) Restore(r *Resolutions) error {
	if len(d.Refs) != len(r.Refs) || len(d.Links) != r.links || len(d.Anchors) != r.anchors || len(d.Cites) != len(r.Cites) {
		return errors.New("markup: the document does not match its outline")
	}
	for i, ref := range d.Refs {
		ref.Resolved = r.Refs[i]
	}
	for i, c := range d.Cites {
		c.Source = r.Cites[i]
	}
	return nil
}

// paragraphOf describes a paragraph for citation coverage.
func paragraphOf(n ast.Node, src []byte) Paragraph {
	p := Paragraph{Offset: blockOffset(n)}
	for a := n.Parent(); a != nil; a = a.Parent() {
		if c, ok := a.(*Callout); ok {
			p.Open = p.Open || c.CalloutType == "OPEN"
			p.Quoted = p.Quoted || c.CalloutType == quotationType
		}
	}
	var walk func(ast.Node)
	walk = func(c ast.Node) {
		switch c := c.(type) {
		case *Ref:
			if c.Term {
				p.Words += countWords([]byte(c.DisplayText()))
			} else {
				p.Cited = true
			}
			return
		case *Citation:
			p.Cited = true
			return
		case *ast.Link, *ast.AutoLink, *Pin, *ast.RawHTML:
			return
		case *ast.Text:
			p.Words += countWords(c.Segment.Value(src))
			return
		case *ast.String:
			p.Words += countWords(c.Value)
			return
		}
		for cc := c.FirstChild(); cc != nil; cc = cc.NextSibling() {
			walk(cc)
		}
	}
	walk(n)
	return p
}

// countWords counts the runs of non-space bytes holding a letter or digit,
// without copying: every paragraph of a large site goes through it.
func countWords(b []byte) int {
	n, counted := 0, false
	for i := 0; i < len(b); {
		r, size := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(b[i:])
		}
		i += size
		if unicode.IsSpace(r) {
			counted = false
			continue
		}
		if !counted && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			n++
			counted = true
		}
	}
	return n
}
