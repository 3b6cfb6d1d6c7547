package markup

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
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

// Callout is a blockquote that opened with a [!TYPE] marker. Its first
// child is its CalloutTitle.
type Callout struct {
	ast.BaseBlock
	CalloutType string    // upper case, e.g. "ESMA"
	Title       string    // the title's plain text, which labels the callout
	Cite        *Citation // a quotation's source and pinpoint; nil for other callouts
}

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Type": n.CalloutType, "Title": n.Title}, nil)
}

// KindCalloutTitle is the AST kind of a callout's title.
var KindCalloutTitle = ast.NewNodeKind("CalloutTitle")

// CalloutTitle holds a callout's title as inline Markdown: what follows
// the marker up to the end of its line (or of the emphasis, code span or
// link that starts on it), or the type's default title.
type CalloutTitle struct {
	ast.BaseBlock
}

// Kind implements ast.Node.
func (n *CalloutTitle) Kind() ast.NodeKind { return KindCalloutTitle }

// Dump implements ast.Node.
func (n *CalloutTitle) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

var calloutMarker = regexp.MustCompile(`^\[!([A-Za-z]+)\]([+-]?)[ \t]*(.*)$`)

// calloutMarkerIn reads the callout marker at the start of line, the
// first line of a blockquote: its type, upper-cased, whether the type is
// known, and where the title written after it starts in line. ok is false
// when the line is no marker.
func calloutMarkerIn(line []byte) (typ string, titleAt int, ok, known bool) {
	m := calloutMarker.FindSubmatchIndex(bytes.TrimRight(line, " \t\r\n"))
	if m == nil {
		return "", 0, false, false
	}
	typ = strings.ToUpper(string(line[m[2]:m[3]]))
	_, known = calloutTitles[typ]
	return typ, m[6], true, known
}

// calloutTransformer turns marked blockquotes into Callout nodes. The
// marker line is usually a paragraph's first line; it can also be the first
// term of a definition list or the text of a setext heading, when the next
// line makes one of those: the callout is made all the same.
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
		holder := markerHolder(q, src)
		if holder == nil {
			continue
		}
		first := holder.Lines().At(0)
		typ, titleAt, ok, known := calloutMarkerIn(first.Value(src))
		if !ok {
			continue
		}
		if !known {
			addProblem(pc, first.Start, "unknown callout type [!"+typ+"]",
				"use one of [!"+strings.Join(CalloutTypes(), "], [!")+"]")
			continue
		}
		title := &CalloutTitle{}
		takeTitle(holder, title, first.Start+titleAt)
		def := calloutTitles[typ]
		c := &Callout{CalloutType: typ, Title: def}
		if typ == quotationType {
			// A quotation shows its source under the words, not a title.
			c.Cite = quotationSource(pc, title, first, src)
		} else {
			if !title.HasChildren() {
				title.AppendChild(title, ast.NewString([]byte(def)))
			}
			c.Title = cmp.Or(strings.Join(strings.Fields(labelText(title, src)), " "), def)
			c.AppendChild(c, title)
		}
		if !holder.HasChildren() {
			block := holder
			if h, ok := holder.(*ast.Heading); ok {
				addProblem(pc, first.Start, "callout marker read as a heading: the "+headingUnderline(h)+" line under it underlines it",
					"put a line with just > between the marker and the "+headingUnderline(h)+" line")
			} else if _, ok := holder.(*extast.DefinitionTerm); ok && holder.NextSibling() == nil {
				block = holder.Parent()
			}
			block.Parent().RemoveChild(block.Parent(), block)
		}
		for child := q.FirstChild(); child != nil; {
			next := child.NextSibling()
			c.AppendChild(c, child)
			child = next
		}
		q.Parent().ReplaceChild(q.Parent(), q, c)
	}
}

// markerHolder is the block whose first line may be a blockquote's callout
// marker: its first paragraph, the first term of a definition list that
// opens it, or a setext heading that opens it.
func markerHolder(q *ast.Blockquote, src []byte) ast.Node {
	var holder ast.Node
	switch b := q.FirstChild().(type) {
	case *ast.Paragraph:
		holder = b
	case *extast.DefinitionList:
		if t, ok := b.FirstChild().(*extast.DefinitionTerm); ok {
			holder = t
		}
	case *ast.Heading:
		if b.Lines().Len() > 0 && !atxHeading(b, src) {
			holder = b
		}
	}
	if holder == nil || holder.Lines().Len() == 0 {
		return nil
	}
	return holder
}

// atxHeading reports whether a heading was written with #, not underlined.
func atxHeading(h *ast.Heading, src []byte) bool {
	start := h.Lines().At(0).Start
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	return bytes.IndexByte(src[lineStart:start], '#') >= 0
}

func headingUnderline(h *ast.Heading) string {
	if h.Level == 1 {
		return "==="
	}
	return "---"
}

// takeTitle moves the inline nodes of holder's first line, after the
// marker (which ends at markerEnd), into title. A node that starts on the
// line goes whole, with what of it lies on later lines: nothing is cut.
func takeTitle(holder ast.Node, title *CalloutTitle, markerEnd int) {
	end := markerEnd
	for child := holder.FirstChild(); child != nil; {
		next := child.NextSibling()
		t, isText := child.(*ast.Text)
		lineEnds := isText && (t.SoftLineBreak() || t.HardLineBreak())
		switch {
		case isText && t.Segment.Stop <= markerEnd:
			holder.RemoveChild(holder, child) // the marker
		case isText && t.Segment.Start < markerEnd:
			t.Segment = t.Segment.WithStart(markerEnd)
			fallthrough
		default:
			if start := nodeStart(child); !isText && start >= 0 && start < markerEnd {
				holder.RemoveChild(holder, child) // the marker, read as a link
				break
			}
			if isText {
				t.SetSoftLineBreak(false)
				t.SetHardLineBreak(false)
			}
			title.AppendChild(title, child)
		}
		end = max(end, nodeStop(child))
		if lineEnds {
			break
		}
		child = next
	}
	lines := holder.Lines()
	rest := text.NewSegments()
	for i := 0; i < lines.Len(); i++ {
		if seg := lines.At(i); seg.Start >= end {
			rest.Append(seg)
		}
	}
	holder.SetLines(rest)
}

// nodeStart and nodeStop are where an inline node's text starts and ends
// in the source (-1 when it has none).
func nodeStart(n ast.Node) int {
	start := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			start = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return start
}

func nodeStop(n ast.Node) int {
	stop := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			stop = max(stop, t.Segment.Stop)
		}
		return ast.WalkContinue, nil
	})
	return stop
}

// labelText is the text of inline nodes as a reader sees it, for a label:
// escapes and character references decoded, footnote numbers left out.
func labelText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.CodeSpan:
			b.WriteString(blockText(c, src))
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if c.IsRaw() {
				b.Write(c.Segment.Value(src))
			} else {
				b.WriteString(decodeText(string(c.Segment.Value(src))))
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.WriteString(html.UnescapeString(string(c.Value)))
		case *Ref:
			b.WriteString(c.DisplayText())
		case *ast.RawHTML, *extast.FootnoteLink:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// quotationSource returns the citation on a quotation's marker line, or
// reports that it lacks one or its pinpoint. The line holds the source
// alone: other words there would be neither the quotation nor shown.
func quotationSource(pc parser.Context, title *CalloutTitle, first text.Segment, src []byte) *Citation {
	var cite *Citation
	for c := title.FirstChild(); c != nil; c = c.NextSibling() {
		if ct, ok := c.(*Citation); ok && cite == nil {
			cite = ct
			title.RemoveChild(title, ct)
			break
		}
	}
	if rest := strings.TrimSpace(labelText(title, src)); rest != "" {
		addProblem(pc, first.Start, "a quotation's marker line holds only its source, not "+strconv.Quote(rest),
			"put your own words outside the quotation: > [!TEXT] [@mica, Art. 61(2)], then the exact words on the next lines")
	}
	if cite == nil {
		addProblem(pc, first.Start, "a quotation needs its source: > [!TEXT] [@source, pinpoint]",
			"quote only official wording, and say whose and where: > [!TEXT] [@mica, Art. 61(2)]")
		return nil
	}
	if cite.Pinpoint == "" {
		addProblem(pc, cite.Offset, "a quotation needs a pinpoint: [@"+cite.SourceID+", …]",
			"say where the words are: > [!TEXT] [@"+cite.SourceID+", Art. 61(2)]")
	}
	return cite
}

// quotedText is the text of a quotation, without its source.
func quotedText(c *Callout, src []byte) string {
	var b bytes.Buffer
	for n := c.FirstChild(); n != nil; n = n.NextSibling() {
		writeText(&b, n, src)
	}
	return collapseSpace(b.Bytes())
}

func renderCallout(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Callout)
	if n.CalloutType == quotationType {
		return renderQuotation(w, n, entering)
	}
	if entering {
		typ := strings.ToLower(n.CalloutType)
		w.WriteString(`<aside class="callout callout-` + typ + `" aria-label="` + escape(n.Title) + `">` + "\n")
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
			fmt.Fprintf(w, `<sup class="source-note"><a href="#kb-source-%d" aria-label="Source %d">%d</a></sup>`, c.Note, c.Note, c.Note)
			if c.Source.Address != "" {
				w.WriteString(` <a class="official-link" href="` + escape(c.Source.Address) + `" rel="external">Official text</a>`)
			}
		}
		w.WriteString("</figcaption>\n")
	}
	w.WriteString("</figure>\n")
	return ast.WalkContinue, nil
}

func renderCalloutTitle(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(`<p class="callout-title">`)
	} else {
		w.WriteString("</p>\n")
	}
	return ast.WalkContinue, nil
}
