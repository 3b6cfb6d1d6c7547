package markup

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A citation of a source is written Pandoc's way: [@mica, Art. 61(1)] or
// [@mica]. It renders as a numbered note; the numbers go by source, in
// order of first citation, and a "Sources" list at the end of the page
// gives each cited source once, with every pinpoint cited.

// KindCitation is the AST kind of a citation of a source.
var KindCitation = ast.NewNodeKind("Citation")

// Citation is a citation of a source. The parser fills what was written;
// the caller resolves the source and fills Source before rendering.
type Citation struct {
	ast.BaseInline

	SourceID string // as written after "@"
	Pinpoint string // as written after the comma: "Art. 61(1)", "para. 13", "p. 4"; "" for none
	Offset   int    // byte offset of "[@" in the parsed source
	Note     int    // the source's number on the page, from 1

	FromAnchor string // the anchor of the enclosing section or paragraph
	Context    string // the sentence around the citation

	stop int // offset just past "]"

	// Filled in by the caller before rendering.
	Source CitedSource
}

// CitedSource is what a page shows of a source it cites.
type CitedSource struct {
	Page      string // URL of the source's page on the site; "" if unresolved
	Title     string
	Short     string // how citations name it, e.g. "MiCA"; the title if it has no cite key
	Publisher string
	Author    string
	Published string // YYYY-MM-DD
	Reference string // official reference, e.g. "CELEX 32023R1114"
	Address   string // the document's own (outbound) address
}

// Kind implements ast.Node.
func (n *Citation) Kind() ast.NodeKind { return KindCitation }

// Dump implements ast.Node.
func (n *Citation) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Source": n.SourceID, "Pinpoint": n.Pinpoint}, nil)
}

// Label is how the citation reads in text: "MiCA, Art. 61(1)".
func (n *Citation) Label() string {
	name := n.Source.Short
	if name == "" {
		name = n.SourceID
	}
	if n.Pinpoint == "" {
		return name
	}
	return name + ", " + n.Pinpoint
}

// preview is what hovering the note shows under the source's title: the
// pinpoint, who published it and when.
func (n *Citation) preview() string {
	s := n.Source
	var parts []string
	for _, p := range []string{n.Pinpoint, s.Reference, s.Author, s.Publisher, s.Published} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}

// ParseCitation reads the inside of [@…] (without "[@" and "]"): a source
// id, then optionally a comma and a pinpoint. ok is false when it cannot be
// a citation: an empty or malformed id, a line break, brackets.
func ParseCitation(inner string) (id, pinpoint string, ok bool) {
	if strings.ContainsAny(inner, "[]\n\r") {
		return "", "", false
	}
	id, pinpoint, _ = strings.Cut(inner, ",")
	id, pinpoint = strings.TrimSpace(id), strings.Join(strings.Fields(decodeText(pinpoint)), " ")
	if id == "" || id != inner[:len(id)] {
		return "", "", false // "[@ mica]" is not a citation: the id follows "@"
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return "", "", false
		}
	}
	return id, pinpoint, true
}

type citeParser struct{}

func (citeParser) Trigger() []byte { return []byte{'['} }

func (citeParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if !bytes.HasPrefix(line, []byte("[@")) {
		return nil
	}
	end := bytes.IndexAny(line[2:], "[]")
	if end < 0 || line[2+end] != ']' {
		return nil
	}
	after := line[2+end+1:]
	// A link whose text starts with "@". "[@x]:" is no definition here: the
	// block parser has taken any definition before inline parsing starts, so
	// "as [@mica, Art. 59(2)]: …" is a citation followed by a colon.
	if len(after) > 0 && (after[0] == '(' || after[0] == '[') {
		return nil
	}
	inner := string(line[2 : 2+end])
	id, pinpoint, ok := ParseCitation(inner)
	if !ok {
		return nil
	}
	if _, defined := pc.Reference(util.ToLinkReference(line[1 : 2+end])); defined {
		return nil // [@ref] with a definition [@ref]: https://… is a link
	}
	if strings.Contains(pinpoint, "@") && strings.Contains(inner, ";") {
		addProblem(pc, seg.Start, "one source per citation", "write [@a, p. 1][@b, p. 2], one note each")
	}
	block.Advance(2 + end + 1)
	// A note sits against the word it follows: "narrow [@x]" reads "narrow¹".
	if t, ok := parent.LastChild().(*ast.Text); ok && !t.SoftLineBreak() && !t.HardLineBreak() {
		src := block.Source()
		for t.Segment.Len() > 0 && (src[t.Segment.Stop-1] == ' ' || src[t.Segment.Stop-1] == '\t') {
			t.Segment = t.Segment.WithStop(t.Segment.Stop - 1)
		}
	}
	return &Citation{SourceID: id, Pinpoint: pinpoint, Offset: seg.Start, stop: seg.Start + 2 + end + 1}
}

// numberNotes gives each citation its source's number on the page, by
// order of first citation, and returns the sources cited, in that order.
func numberNotes(cites []*Citation) []*Citation {
	var first []*Citation
	seen := map[string]int{}
	for _, c := range cites {
		n, ok := seen[c.SourceID]
		if !ok {
			first = append(first, c)
			n = len(first)
			seen[c.SourceID] = n
		}
		c.Note = n
	}
	return first
}

func renderCitation(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*Citation)
	if n.Source.Page == "" {
		w.WriteString(`<span class="xref-broken" title="unknown source">[@` + escape(n.SourceID))
		if n.Pinpoint != "" {
			w.WriteString(", " + escape(n.Pinpoint))
		}
		w.WriteString(`]</span>`)
		return ast.WalkSkipChildren, nil
	}
	fmt.Fprintf(w, `<sup class="source-note"><a href="#kb-source-%d" aria-label="Source %d: %s" data-title="%s" data-preview="%s">%d</a></sup>`,
		n.Note, n.Note, escape(n.Label()), escape(n.Source.Title), escape(n.preview()), n.Note)
	return ast.WalkSkipChildren, nil
}

// KindSourceList is the AST kind of the list of sources ending a page.
var KindSourceList = ast.NewNodeKind("SourceList")

// SourceList is the "Sources" list at the end of a document that cites
// sources: one entry per source, with every pinpoint cited.
type SourceList struct {
	ast.BaseBlock
	cites []*Citation // every citation of the document, in order
}

// Kind implements ast.Node.
func (n *SourceList) Kind() ast.NodeKind { return KindSourceList }

// Dump implements ast.Node.
func (n *SourceList) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// Entries groups the citations by source, in note order: for each source,
// its first citation and the distinct pinpoints cited, in order.
func (n *SourceList) Entries() []SourceEntry {
	var out []SourceEntry
	for _, c := range n.cites {
		if c.Note > len(out) {
			out = append(out, SourceEntry{Note: c.Note, Source: c.Source, ID: c.SourceID})
		}
		e := &out[c.Note-1]
		if c.Pinpoint != "" && !contains(e.Pinpoints, c.Pinpoint) {
			e.Pinpoints = append(e.Pinpoints, c.Pinpoint)
		}
	}
	return out
}

// SourceEntry is one source of a page's list.
type SourceEntry struct {
	Note      int
	ID        string
	Source    CitedSource
	Pinpoints []string
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sourceListTransformer ends a document that cites sources with their list.
type sourceListTransformer struct{}

func (sourceListTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var cites []*Citation
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *Citation:
			cites = append(cites, n)
		case *Callout:
			if n.Cite != nil {
				cites = append(cites, n.Cite)
			}
		}
		return ast.WalkContinue, nil
	})
	if len(cites) == 0 {
		return
	}
	numberNotes(cites)
	doc.AppendChild(doc, &SourceList{cites: cites})
}

func renderSourceList(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*SourceList)
	w.WriteString(`<section class="sources" aria-labelledby="kb-sources">` + "\n")
	w.WriteString(`<h2 id="kb-sources">Sources</h2>` + "\n<ol>\n")
	for _, e := range n.Entries() {
		s := e.Source
		fmt.Fprintf(w, `<li id="kb-source-%d">`, e.Note)
		if s.Page == "" {
			w.WriteString(`<span class="xref-broken">` + escape(e.ID) + "</span></li>\n")
			continue
		}
		w.WriteString(`<cite><a href="` + escape(s.Page) + `">` + escape(s.Title) + `</a></cite>`)
		for _, part := range []string{s.Author, s.Publisher} {
			if part != "" {
				w.WriteString(", " + escape(part))
			}
		}
		if s.Published != "" {
			w.WriteString(`, <time datetime="` + escape(s.Published) + `">` + escape(s.Published) + `</time>`)
		}
		if s.Reference != "" {
			w.WriteString(`, <span class="reference">` + escape(s.Reference) + `</span>`)
		}
		w.WriteString(".")
		if len(e.Pinpoints) > 0 {
			w.WriteString(` <span class="pinpoints">Cited at ` + escape(strings.Join(e.Pinpoints, "; ")) + ".</span>")
		}
		if s.Address != "" {
			w.WriteString(` <a class="source-out" href="` + escape(s.Address) + `" rel="external" aria-label="Document: ` + escape(s.Title) + `">Document</a>`)
		}
		w.WriteString("</li>\n")
	}
	w.WriteString("</ol>\n</section>\n")
	return ast.WalkSkipChildren, nil
}
