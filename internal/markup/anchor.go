package markup

import (
	"bytes"
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

// Pin is what an anchored heading or paragraph shows of its place: its
// number as a permalink, "copy citation", and how many pages cite it.
type Pin struct {
	ast.BaseInline
	ID string

	// Filled in by the caller before rendering.
	Label  string // the place's own number, e.g. "1(b)"; "" shows "¶"
	Copy   string // what "copy citation" copies before the address, e.g. "MiCA Art. 61(2)"; "" for no button
	URL    string // the place's address, e.g. "https://example.org/provisions/art-61/#p2"
	Ref    string // how a writer references the place, e.g. "[[mica-art-61#p2]]"
	Citers int    // how many pages cite this place: the rows of its "Cited by" list
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

// ValidAnchor reports whether anchor may be written as a marker {#anchor}
// and kept: the marker's syntax, and not a name kb reserves.
func ValidAnchor(anchor string) bool {
	id, n, ok := ParsePinMarker("{#" + anchor + "}")
	return ok && n == len(anchor)+3 && id == anchor && !ReservedID(anchor)
}

// pinTransformer gives paragraphs that start with {#id} that id, and every
// heading and marked paragraph a permalink.
type pinTransformer struct{}

func (pinTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if id, ok := n.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					// First, like a paragraph's: the number comes before the text.
					n.InsertBefore(n, n.FirstChild(), &Pin{ID: string(b)})
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			first, ok := n.FirstChild().(*ast.Text)
			if !ok {
				return ast.WalkSkipChildren, nil
			}
			value := first.Segment.Value(src)
			if !bytes.HasPrefix(value, []byte("{#")) {
				return ast.WalkSkipChildren, nil // most paragraphs: no string of their first text
			}
			id, size, ok := ParsePinMarker(string(value))
			if !ok {
				return ast.WalkSkipChildren, nil
			}
			at := first.Segment.Start
			first.Segment = first.Segment.WithStart(first.Segment.Start + size)
			if first.Segment.Len() == 0 && !first.SoftLineBreak() {
				n.RemoveChild(n, first)
			}
			if ReservedID(id) {
				reservedProblem(pc, at, id)
				return ast.WalkSkipChildren, nil
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

// ReservedID reports whether id begins with "kb", in any case: kb's own
// element ids (kb-…) and script globals (kb…) use that prefix, and a
// writer's anchor must not replace them (an element's id is also a global
// of the page's scripts).
func ReservedID(id string) bool { return len(id) >= 2 && strings.EqualFold(id[:2], "kb") }

func reservedProblem(pc parser.Context, offset int, id string) {
	addProblem(pc, offset, fmt.Sprintf("anchor %q begins with \"kb\", which kb keeps for its own page elements", id),
		"choose another name for the anchor")
}

func renderPin(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*Pin)
	place := "this place"
	if n.Copy != "" {
		place = n.Copy
	}
	if n.Label != "" {
		w.WriteString(`<span class="pin">`)
		fmt.Fprintf(w, `<a class="permalink pinpoint" href="#%s" title="Link to %s">%s</a>`, escape(n.ID), escape(place), escape(n.Label))
	} else {
		w.WriteString(`<span class="pin pin-plain">`)
		fmt.Fprintf(w, `<a class="permalink" href="#%s" aria-label="Link to %s" title="Link to %s">¶</a>`, escape(n.ID), escape(place), escape(place))
	}
	if n.Copy != "" {
		// Hidden until the script that copies is there to make it work.
		fmt.Fprintf(w, `<button type="button" class="copy-cite" data-cite="%s" data-url="%s" data-ref="%s" hidden>copy citation</button>`,
			escape(n.Copy), escape(n.URL), escape(n.Ref))
	}
	if n.Citers > 0 {
		noun := "pages"
		if n.Citers == 1 {
			noun = "page"
		}
		fmt.Fprintf(w, `<a class="citers" href="#kb-citedby-%s">cited by %d %s</a>`, escape(n.ID), n.Citers, noun)
	}
	renderOfficialLink(w, n)
	w.WriteString(`</span>`)
	return ast.WalkSkipChildren, nil
}

// headingText is the plain text of a heading, without its permalink.
func headingText(h *ast.Heading, src []byte) string {
	var b bytes.Buffer
	for c := h.FirstChild(); c != nil; c = c.NextSibling() {
		if _, pin := c.(*Pin); !pin {
			writeText(&b, c, src)
		}
	}
	return string(bytes.TrimSpace(b.Bytes())) // at its size: the build holds every heading's
}

// renderOfficialLink writes the link from a pinpoint to its official text.
func renderOfficialLink(w util.BufWriter, n *Pin) {
	if n.Official == "" {
		return
	}
	label := "Official text"
	if n.Copy != "" {
		label = "Official text of " + n.Copy
	}
	w.WriteString(` <a class="official-link" href="` + escape(n.Official) + `" rel="external" aria-label="` + escape(label) + `">Official text</a>`)
}
