package markup

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// CalloutTypes maps each callout type to its default title. GitHub's five
// are joined by the domain's own: ESMA's reading, practice points and open
// points.
var calloutTitles = map[string]string{
	"NOTE":      "Note",
	"TIP":       "Tip",
	"IMPORTANT": "Important",
	"WARNING":   "Warning",
	"CAUTION":   "Caution",
	"ESMA":      "ESMA's reading",
	"PRACTICE":  "Practice point",
	"OPEN":      "Open point",
	"TEXT":      "Official wording",
}

// quotationType is the callout type of a quotation of official wording:
// > [!TEXT] [@mica, Art. 61(2)], then the exact words.
const quotationType = "TEXT"

// CalloutTypes lists the callout types writers may use.
func CalloutTypes() []string {
	return []string{"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION", "ESMA", "PRACTICE", "OPEN", "TEXT"}
}

// KindCallout is the AST kind of a callout block.
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a blockquote that opened with a [!TYPE] marker.
type Callout struct {
	ast.BaseBlock
	CalloutType string // upper case, e.g. "ESMA"
	Title       string
	Cite        *Citation // a quotation's source and pinpoint; nil for other callouts
}

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Type": n.CalloutType, "Title": n.Title}, nil)
}

var calloutMarker = regexp.MustCompile(`^\[!([A-Za-z]+)\]([+-]?)[ \t]*(.*)$`)

// ParseCalloutMarker reads the first line of a blockquote. ok is false when
// the line is not a callout marker; known is false for an unknown type.
func ParseCalloutMarker(line string) (typ, title string, ok, known bool) {
	m := calloutMarker.FindStringSubmatch(strings.TrimRight(line, " \t\r\n"))
	if m == nil {
		return "", "", false, false
	}
	typ = strings.ToUpper(m[1])
	def, known := calloutTitles[typ]
	title = strings.TrimSpace(m[3])
	if title == "" {
		title = def
	}
	return typ, title, true, known
}

// calloutTransformer turns marked blockquotes into Callout nodes.
type calloutTransformer struct{}

func (calloutTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if q, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, q)
		}
		return ast.WalkContinue, nil
	})
	for _, q := range quotes {
		para, ok := q.FirstChild().(*ast.Paragraph)
		if !ok || para.Lines().Len() == 0 {
			continue
		}
		first := para.Lines().At(0)
		typ, title, ok, known := ParseCalloutMarker(string(first.Value(src)))
		if !ok {
			continue
		}
		if !known {
			addProblem(pc, first.Start, "unknown callout type [!"+typ+"]",
				"use one of [!"+strings.Join(CalloutTypes(), "], [!")+"]")
			continue
		}
		c := &Callout{CalloutType: typ, Title: title}
		if typ == quotationType {
			c.Title = calloutTitles[typ]
			c.Cite = quotationSource(pc, para, first)
		}
		// Drop the marker line: its inline nodes are those on line one.
		dropFirstLine(para, first)
		if para.ChildCount() == 0 {
			q.RemoveChild(q, para)
		}
		for child := q.FirstChild(); child != nil; {
			next := child.NextSibling()
			c.AppendChild(c, child)
			child = next
		}
		q.Parent().ReplaceChild(q.Parent(), q, c)
	}
}

// dropFirstLine removes the inline nodes that lie on the paragraph's first
// line (up to and including its line break).
func dropFirstLine(para *ast.Paragraph, first text.Segment) {
	for child := para.FirstChild(); child != nil; {
		next := child.NextSibling()
		t, isText := child.(*ast.Text)
		if isText && t.Segment.Start >= first.Stop {
			break
		}
		if !isText && !inLine(child, first) {
			break
		}
		para.RemoveChild(para, child)
		if isText && (t.SoftLineBreak() || t.HardLineBreak()) {
			break
		}
		child = next
	}
	lines := para.Lines()
	rest := text.NewSegments()
	for i := 1; i < lines.Len(); i++ {
		rest.Append(lines.At(i))
	}
	para.SetLines(rest)
}

// inLine reports whether an inline node's text starts on the given line.
func inLine(n ast.Node, line text.Segment) bool {
	for c := n.FirstChild(); c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start < line.Stop
		}
	}
	return true
}

// quotationSource returns the citation on a quotation's marker line, or
// reports that it lacks one or its pinpoint.
func quotationSource(pc parser.Context, para *ast.Paragraph, first text.Segment) *Citation {
	for c := para.FirstChild(); c != nil; c = c.NextSibling() {
		if cite, ok := c.(*Citation); ok && cite.Offset < first.Stop {
			if cite.Pinpoint == "" {
				addProblem(pc, cite.Offset, "a quotation needs a pinpoint: [@"+cite.SourceID+", …]",
					"say where the words are: > [!TEXT] [@"+cite.SourceID+", Art. 61(2)]")
			}
			return cite
		}
	}
	addProblem(pc, first.Start, "a quotation needs its source: > [!TEXT] [@source, pinpoint]",
		"quote only official wording, and say whose and where: > [!TEXT] [@mica, Art. 61(2)]")
	return nil
}

// quotedText is the text of a quotation, without its source.
func quotedText(c *Callout, src []byte) string {
	var b strings.Builder
	for n := c.FirstChild(); n != nil; n = n.NextSibling() {
		writeText(&b, n, src)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func renderCallout(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Callout)
	if n.CalloutType == quotationType {
		return renderQuotation(w, n, entering)
	}
	if entering {
		typ := strings.ToLower(n.CalloutType)
		w.WriteString(`<aside class="callout callout-` + typ + `" aria-label="` + escape(n.Title) + `">` + "\n")
		w.WriteString(`<p class="callout-title">` + escape(n.Title) + "</p>\n")
	} else {
		w.WriteString("</aside>\n")
	}
	return ast.WalkContinue, nil
}

// renderQuotation draws official wording apart from commentary, with its
// source and pinpoint under it.
func renderQuotation(w util.BufWriter, n *Callout, entering bool) (ast.WalkStatus, error) {
	c := n.Cite
	if entering {
		w.WriteString(`<figure class="quotation">` + "\n<blockquote class=\"official-wording\"")
		if c != nil && c.Source.Address != "" {
			w.WriteString(` cite="` + escape(c.Source.Address) + `"`)
		}
		w.WriteString(">\n")
		return ast.WalkContinue, nil
	}
	w.WriteString("</blockquote>\n")
	if c != nil {
		w.WriteString(`<figcaption>Quoted from `)
		if c.Source.Page == "" {
			w.WriteString(`<span class="xref-broken">` + escape(c.Label()) + `</span>`)
		} else {
			w.WriteString(`<cite><a href="` + escape(c.Source.Page) + `">` + escape(c.Source.Short) + `</a></cite>`)
			if c.Pinpoint != "" {
				w.WriteString(", " + escape(c.Pinpoint))
			}
			fmt.Fprintf(w, `<sup class="source-note"><a href="#source-%d" aria-label="Source %d">%d</a></sup>`, c.Note, c.Note, c.Note)
			if c.Source.Address != "" {
				w.WriteString(` <a class="official-link" href="` + escape(c.Source.Address) + `" rel="external">Official text</a>`)
			}
		}
		w.WriteString("</figcaption>\n")
	}
	w.WriteString("</figure>\n")
	return ast.WalkContinue, nil
}
