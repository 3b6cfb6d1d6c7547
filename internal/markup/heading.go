package markup

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// headingParser wraps goldmark's ATX or setext heading parser, configured
// without attributes or automatic ids, and does both itself when the
// heading closes: goldmark's own attribute handling panics on an id that
// is not text ({id=5}) and keeps style, class and data-* attributes, which
// would let a page restyle or overlay the whole site. Here only an id
// survives; anything else is a problem at the attribute block.
type headingParser struct {
	parser.BlockParser
	atx bool // trim a closing sequence of #s left before the attributes
}

// headingParsers replace goldmark's (priorities 100 and 600) by running
// just before them.
func headingParsers() []util.PrioritizedValue {
	return []util.PrioritizedValue{
		util.Prioritized(headingParser{BlockParser: parser.NewSetextHeadingParser()}, 99),
		util.Prioritized(headingParser{BlockParser: parser.NewATXHeadingParser(), atx: true}, 599),
	}
}

func (p headingParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	p.BlockParser.Close(node, reader, pc)
	h, ok := node.(*ast.Heading)
	if !ok || h.Parent() == nil { // a setext underline that made no heading
		return
	}
	p.attributes(h, reader.Source(), pc)
	if id, ok := h.AttributeString("id"); ok {
		if b, ok := id.([]byte); ok {
			pc.IDs().Put(b)
			return
		}
	}
	var last []byte
	if n := h.Lines().Len(); n > 0 {
		seg := h.Lines().At(n - 1)
		last = seg.Value(reader.Source())
	}
	id := pc.IDs().Generate(last, ast.KindHeading)
	if ReservedID(string(id)) { // "## KB basics": not kb's own "kb-basics"
		id = pc.IDs().Generate(append([]byte("h-"), id...), ast.KindHeading)
	}
	h.SetAttributeString("id", id)
}

// attributes reads a trailing {…} block of the heading's last line, as
// goldmark does, keeps its id and reports everything else.
func (p headingParser) attributes(h *ast.Heading, src []byte, pc parser.Context) {
	n := h.Lines().Len()
	if n == 0 {
		return
	}
	last := h.Lines().At(n - 1)
	line := last.Value(src)
	lr := text.NewReader(line)
	for {
		c := lr.Peek()
		if c == text.EOF || c == '\n' {
			return
		}
		if c == '\\' {
			lr.Advance(1)
			if util.IsPunct(lr.Peek()) {
				lr.Advance(1)
			}
			continue
		}
		if c == '{' {
			sl, start := lr.Position()
			attrs, ok := parseAttributes(lr)
			if rest, _ := lr.PeekLine(); ok && (rest == nil || util.IsBlank(rest)) {
				p.keepID(h, attrs, last.Start+start.Start, pc)
				last.Stop = last.Start + start.Start
				last = last.TrimRightSpace(src)
				if p.atx {
					last = trimClosingHashes(last, src)
				}
				h.Lines().Set(n-1, last)
				return
			}
			lr.SetPosition(sl, start)
		}
		lr.Advance(1)
	}
}

// parseAttributes is goldmark's ParseAttributes, which panics on some
// malformed input ({class=5 class=x}): such input is not attributes.
func parseAttributes(r text.Reader) (attrs parser.Attributes, ok bool) {
	defer func() {
		if recover() != nil {
			attrs, ok = nil, false
		}
	}()
	return parser.ParseAttributes(r)
}

// keepID sets the heading's id from attrs and reports every other
// attribute, and an id that is not text, at offset.
func (headingParser) keepID(h *ast.Heading, attrs parser.Attributes, offset int, pc parser.Context) {
	for _, a := range attrs {
		if !bytes.Equal(a.Name, []byte("id")) {
			addProblem(pc, offset, fmt.Sprintf("heading attribute %q is not allowed", a.Name),
				"a heading takes only an anchor, as {#name}")
			continue
		}
		id, ok := a.Value.([]byte)
		if !ok || len(id) == 0 {
			addProblem(pc, offset, fmt.Sprintf("heading id %v is not a name", a.Value),
				fmt.Sprintf("write the anchor as {#%v}", a.Value))
			continue
		}
		if ReservedID(string(id)) {
			reservedProblem(pc, offset, string(id))
			continue
		}
		h.SetAttribute(a.Name, id)
	}
}

// trimClosingHashes drops an ATX heading's closing sequence ("## Title ##").
func trimClosingHashes(s text.Segment, src []byte) text.Segment {
	v := s.Value(src)
	i := len(v)
	for i > 0 && v[i-1] == '#' {
		i--
	}
	if i == len(v) || (i > 0 && !util.IsSpace(v[i-1])) {
		return s
	}
	s.Stop = s.Start + i
	return s.TrimRightSpace(src)
}

// alignTransformer gives aligned table cells a class (align-left,
// align-center, align-right) where goldmark writes a style attribute: the
// published pages' Content-Security-Policy allows no inline style, and the
// theme's stylesheet aligns the classes.
type alignTransformer struct{}

func (alignTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if cell, ok := n.(*east.TableCell); ok && entering && cell.Alignment != east.AlignNone {
			cell.SetAttributeString("class", []byte("align-"+cell.Alignment.String()))
		}
		return ast.WalkContinue, nil
	})
}
