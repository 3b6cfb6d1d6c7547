package markup

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindRef is the AST kind of a cross-reference.
var KindRef = ast.NewNodeKind("Ref")

// Ref is a cross-reference: [[target]], [[target|label]], or a defined term
// found in prose. The parser fills what was written; the build resolves it
// and fills the link fields before rendering.
type Ref struct {
	ast.BaseInline

	Target string // as written before "|": "id", "id#anchor" or a citation
	Label  string // as written after "|", or "" for the default label
	Term   bool   // made by term linking, not written by the author
	Offset int    // byte offset of "[[" (or of the term) in the parsed source
	stop   int    // byte offset just after "]]"

	FromAnchor string // the anchor of the enclosing section or paragraph
	Context    string // the sentence around the reference

	// Filled in by the caller before rendering.
	Resolved
}

// Resolved is what rendering needs to know about a reference's target.
type Resolved struct {
	URL        string // "" if unresolved: rendered as plain text marked broken
	Title      string // the target's title, the default label for [[id]]
	TargetKind string // the target's kind
	Preview    string // plain text of the cited paragraph or the page summary
	Cite       string // the citation of the target place, e.g. "MiCA Art. 61(2)"
}

// Kind implements ast.Node.
func (n *Ref) Kind() ast.NodeKind { return KindRef }

// Dump implements ast.Node.
func (n *Ref) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Target": n.Target, "Label": n.Label}, nil)
}

// Text is what the reader sees as the link text.
func (n *Ref) DisplayText() string {
	switch {
	case n.Label != "":
		return n.Label
	case looksLikeCitation(n.Target):
		return n.Target
	case n.Cite != "":
		return n.Cite
	case n.Title != "":
		return n.Title
	}
	return n.Target
}

// looksLikeCitation reports whether a target was written as a citation
// ("MiCA Art. 61(2)") rather than an id ("mica-art-61"): ids have no spaces.
func looksLikeCitation(target string) bool { return strings.ContainsAny(target, " ()") }

// ParseRef splits the inside of [[…]] into target and label. ok is false
// when the text cannot be a reference (empty, or containing brackets or a
// line break). The label is read like a link's text: backslash escapes and
// character references are decoded ("R\&D", "&amp;" give "R&D", "&").
func ParseRef(inner string) (target, label string, ok bool) {
	if strings.ContainsAny(inner, "[]\n\r") {
		return "", "", false
	}
	inner = strings.ReplaceAll(inner, `\|`, "|") // escaped inside a table cell
	target, label, _ = strings.Cut(inner, "|")
	target, label = strings.TrimSpace(target), strings.TrimSpace(decodeText(label))
	if target == "" || strings.HasPrefix(target, "#") && len(target) == 1 {
		return "", "", false
	}
	return target, label, true
}

type refParser struct{}

func (refParser) Trigger() []byte { return []byte{'['} }

func (refParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if !bytes.HasPrefix(line, []byte("[[")) {
		return nil
	}
	// A reference holds no brackets, so the first one must close it; looking
	// further for "]]" made a long line of "[[" quadratic.
	end := bytes.IndexAny(line[2:], "[]")
	if end < 0 || !bytes.HasPrefix(line[2+end:], []byte("]]")) {
		return nil
	}
	target, label, ok := ParseRef(string(line[2 : 2+end]))
	if !ok {
		return nil
	}
	block.Advance(2 + end + 2)
	return &Ref{Target: target, Label: label, Offset: seg.Start, stop: seg.Start + 2 + end + 2}
}

// decodeText decodes backslash escapes and character references as
// CommonMark does in text.
func decodeText(s string) string {
	if !strings.ContainsAny(s, `\&`) {
		return s
	}
	b := util.UnescapePunctuations([]byte(s))
	b = util.ResolveNumericReferences(b)
	return string(util.ResolveEntityNames(b))
}

// refInLinkTransformer keeps references out of links' text and images'
// alternative text: a link cannot hold another link, and alternative text
// is plain. Such a reference is a problem, and stays the text it was.
type refInLinkTransformer struct{}

func (refInLinkTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var nested []*Ref
	var cites []*Citation
	depth := 0 // of links and images around the node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Link, *ast.Image:
			if entering {
				depth++
			} else {
				depth--
			}
		case *Ref:
			if entering && depth > 0 {
				nested = append(nested, n)
			}
		case *Citation:
			if entering && depth > 0 {
				cites = append(cites, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, r := range nested {
		where := "a link's text"
		for p := r.Parent(); p != nil; p = p.Parent() {
			if _, ok := p.(*ast.Image); ok {
				where = "an image's description"
				break
			}
		}
		addProblem(pc, r.Offset, "cross-reference inside "+where+": a link cannot hold another link",
			`move [[…]] out of the brackets, or write \[[ for literal brackets`)
		literal := ast.NewString(src[r.Offset:r.stop])
		literal.SetRaw(true) // as written, escaped for HTML
		r.Parent().ReplaceChild(r.Parent(), r, literal)
	}
	for _, c := range cites {
		addProblem(pc, c.Offset, "citation inside a link's text: a link cannot hold a note",
			`move [@…] out of the brackets, or write \[@ for literal brackets`)
		literal := ast.NewString(src[c.Offset:c.stop])
		literal.SetRaw(true)
		c.Parent().ReplaceChild(c.Parent(), c, literal)
	}
}

func renderRef(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*Ref)
	if n.URL == "" {
		w.WriteString(`<span class="xref-broken" title="unresolved reference">`)
		w.WriteString(escape(n.DisplayText()))
		w.WriteString(`</span>`)
		return ast.WalkSkipChildren, nil
	}
	class := "xref"
	if n.Term {
		class = "term"
	}
	w.WriteString(`<a class="` + class + `" href="` + escape(n.URL) + `"`)
	attr := func(name, v string) {
		if v != "" {
			w.WriteString(` ` + name + `="` + escape(v) + `"`)
		}
	}
	attr("data-kind", n.TargetKind)
	attr("data-title", n.Title)
	attr("data-citation", n.Cite)
	attr("data-preview", n.Preview)
	w.WriteString(`>`)
	w.WriteString(escape(n.DisplayText()))
	w.WriteString(`</a>`)
	return ast.WalkSkipChildren, nil
}

// escape escapes text for HTML content and attribute values.
func escape(s string) string {
	return string(util.EscapeHTML([]byte(s)))
}
