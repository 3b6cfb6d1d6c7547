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

// KindPin is the AST kind of a permalink marker.
var KindPin = ast.NewNodeKind("Pin")

// Pin is the permalink shown on an anchored heading or paragraph.
type Pin struct {
	ast.BaseInline
	ID string

	// Filled in by the caller before rendering.
	Cite   string // e.g. "MiCA Art. 61(2)", offered by "copy citation"
	Citers int    // how many pages cite this place
	// Official is the address of the place's official text, "" for none.
	Official string
}

// Kind implements ast.Node.
func (n *Pin) Kind() ast.NodeKind { return KindPin }

// Dump implements ast.Node.
func (n *Pin) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"ID": n.ID}, nil)
}

var pinMarker = regexp.MustCompile(`^\{#([A-Za-z0-9][A-Za-z0-9_.:-]*)\}[ \t]*`)

// ParsePinMarker reads a paragraph marker such as "{#p1-b} " at the start of
// s, returning the id and the marker's length.
func ParsePinMarker(s string) (id string, n int, ok bool) {
	m := pinMarker.FindStringSubmatchIndex(s)
	if m == nil {
		return "", 0, false
	}
	return s[m[2]:m[3]], m[1], true
}

// pinTransformer gives paragraphs that start with {#id} that id, and every
// heading and marked paragraph a permalink.
type pinTransformer struct{}

func (pinTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if id, ok := n.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					n.AppendChild(n, &Pin{ID: string(b)})
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			first, ok := n.FirstChild().(*ast.Text)
			if !ok {
				return ast.WalkSkipChildren, nil
			}
			id, size, ok := ParsePinMarker(string(first.Segment.Value(src)))
			if !ok {
				return ast.WalkSkipChildren, nil
			}
			first.Segment = first.Segment.WithStart(first.Segment.Start + size)
			if first.Segment.Len() == 0 && !first.SoftLineBreak() {
				n.RemoveChild(n, first)
			}
			holder := ast.Node(n)
			if _, tight := n.(*ast.TextBlock); tight && n.Parent() != nil {
				holder = n.Parent() // tight list items render no <p>: anchor the <li>
			}
			holder.SetAttributeString("id", []byte(id))
			n.InsertBefore(n, n.FirstChild(), &Pin{ID: id})
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

func renderPin(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*Pin)
	label := "Link to this place"
	if n.Cite != "" {
		label = "Link to " + n.Cite
	}
	w.WriteString(`<span class="pin">`)
	w.WriteString(`<a class="permalink" href="#` + escape(n.ID) + `" aria-label="` + escape(label) + `"`)
	if n.Cite != "" {
		w.WriteString(` data-citation="` + escape(n.Cite) + `"`)
	}
	w.WriteString(`>¶</a>`)
	if n.Citers > 0 {
		noun := "pages cite"
		if n.Citers == 1 {
			noun = "page cites"
		}
		fmt.Fprintf(w, `<a class="citers" href="#citedby-%s" title="%d %s this">%d</a>`, escape(n.ID), n.Citers, noun, n.Citers)
	}
	renderOfficialLink(w, n)
	w.WriteString(`</span>`)
	return ast.WalkSkipChildren, nil
}

// headingText is the plain text of a heading, without its permalink.
func headingText(h *ast.Heading, src []byte) string {
	var b strings.Builder
	for c := h.FirstChild(); c != nil; c = c.NextSibling() {
		if _, pin := c.(*Pin); !pin {
			writeText(&b, c, src)
		}
	}
	return strings.TrimSpace(b.String())
}

// renderOfficialLink writes the link from a pinpoint to its official text.
func renderOfficialLink(w util.BufWriter, n *Pin) {
	if n.Official == "" {
		return
	}
	label := "Official text"
	if n.Cite != "" {
		label = "Official text of " + n.Cite
	}
	w.WriteString(` <a class="official-link" href="` + escape(n.Official) + `" rel="external" aria-label="` + escape(label) + `">Official text</a>`)
}
