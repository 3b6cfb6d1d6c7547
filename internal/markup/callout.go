package markup

import (
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
}

// CalloutTypes lists the callout types writers may use.
func CalloutTypes() []string {
	return []string{"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION", "ESMA", "PRACTICE", "OPEN"}
}

// KindCallout is the AST kind of a callout block.
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a blockquote that opened with a [!TYPE] marker.
type Callout struct {
	ast.BaseBlock
	CalloutType string // upper case, e.g. "ESMA"
	Title       string
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

func renderCallout(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Callout)
	if entering {
		typ := strings.ToLower(n.CalloutType)
		w.WriteString(`<aside class="callout callout-` + typ + `" aria-label="` + escape(n.Title) + `">` + "\n")
		w.WriteString(`<p class="callout-title">` + escape(n.Title) + "</p>\n")
	} else {
		w.WriteString("</aside>\n")
	}
	return ast.WalkContinue, nil
}
