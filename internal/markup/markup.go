// Package markup turns kb's Markdown into HTML: goldmark configured once
// with GFM, footnotes, definition lists, typographer, heading attributes and
// chroma highlighting, plus kb's own extensions — cross-references
// ([[id#anchor|label]] and citations such as [[MiCA Art. 61(2)]]),
// callouts (> [!ESMA]), paragraph anchors ({#p1-b}) with permalinks, and
// links to defined terms.
//
// Parsing and rendering are separate steps: Parse returns a Document whose
// references and links the caller resolves (it knows the site; this package
// does not) before Render writes the HTML. It reads no files and knows no
// themes. It is the only importer of goldmark and chroma.
package markup

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure a Markdown converter.
type Options struct {
	// RawHTML passes raw HTML in Markdown through. Off, it is dropped.
	RawHTML bool
}

// Markdown converts kb Markdown. It is safe for concurrent use.
type Markdown struct {
	md   goldmark.Markdown
	bufs sync.Pool // of *renderBuf
}

// New configures a converter.
func New(opts Options) *Markdown {
	rendererOpts := []renderer.Option{
		renderer.WithNodeRenderers(
			util.Prioritized(nodeRenderers{}, 100),
		),
	}
	if opts.RawHTML {
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	}
	parserOpts := append(baseParserOptions(),
		parser.WithInlineParsers(util.Prioritized(refParser{}, 199), util.Prioritized(citeParser{}, 198)),
		parser.WithASTTransformers(
			util.Prioritized(refInLinkTransformer{}, 50),
			util.Prioritized(calloutTransformer{}, 100),
			util.Prioritized(pinTransformer{}, 200),
			util.Prioritized(termTransformer{}, 300),
			util.Prioritized(sourceListTransformer{}, 400),
		),
	)
	patientLexers()
	md := goldmark.New(
		goldmark.WithExtensions(baseExtensions()...),
		goldmark.WithParserOptions(parserOpts...),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return &Markdown{md: md}
}

// baseExtensions are the goldmark extensions kb builds on, before its own.
// The spec suite runs goldmark with these alone as its reference.
func baseExtensions() []goldmark.Extender {
	return []goldmark.Extender{
		// GFM, with table alignment as classes (see alignTransformer).
		extension.Linkify,
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
		extension.Strikethrough,
		extension.TaskList,
		extension.Footnote,
		extension.DefinitionList,
		extension.Typographer,
		highlighting.NewHighlighting(
			highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
			highlighting.WithGuessLanguage(false),
		),
	}
}

// baseParserOptions are the parser options kb's Markdown starts from:
// headings with automatic ids and {#anchor} attributes, read by kb's own
// wrapper of goldmark's heading parsers (see headingParser).
func baseParserOptions() []parser.Option {
	return []parser.Option{
		parser.WithBlockParsers(headingParsers()...),
		parser.WithASTTransformers(util.Prioritized(alignTransformer{}, 150)),
	}
}

// nodeRenderers draws kb's own nodes: references, callouts and permalinks.
type nodeRenderers struct{}

func (nodeRenderers) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindRef, renderRef)
	reg.Register(KindCallout, renderCallout)
	reg.Register(KindCalloutTitle, renderCalloutTitle)
	reg.Register(KindPin, renderPin)
	reg.Register(KindCitation, renderCitation)
	reg.Register(KindSourceList, renderSourceList)
}

// ParseOptions are per-document inputs to parsing.
type ParseOptions struct {
	Terms  *Terms // defined terms to link; nil for none
	SelfID string // the page's own id, so a term's page does not link to itself
	// Bare leaves the texts out of the document — search sections,
	// previews of anchors, contexts of references, links and citations —
	// for a caller that makes them later (RefreshText) or only renders,
	// which reads none of them. Its structure is a full parse's.
	Bare bool
	// Render is for a caller that only renders the document: bare, and
	// without the paragraphs and syntax problems, which it reads neither.
	Render bool
}

// Document is a parsed Markdown body.
type Document struct {
	Source   []byte
	Root     ast.Node
	Refs     []*Ref      // [[…]] references and term links, in document order
	Cites    []*Citation // [@source, pinpoint] citations, quotations' included, in document order
	Links    []*Link     // plain Markdown links, in document order
	Anchors  []Anchor    // headings with ids and marked paragraphs, in order
	TOC      []Heading   // level 2 and 3 headings
	Sections []Section   // the text split at headings, for search
	Problems []Problem   // syntax problems found while parsing
	// Paragraphs are the document's paragraphs, with what citation
	// coverage needs to know of each.
	Paragraphs []Paragraph
}

// Paragraph is what citation coverage needs to know of a paragraph.
type Paragraph struct {
	Offset int
	Words  int    // words of its own prose: not in references, links or citations
	Cited  bool   // it holds a reference ([[…]]) or a citation ([@…])
	Within string // the anchor of the paragraph or section it is in: its own ({#p1}), or its heading's
	Open   bool   // inside an open point: > [!OPEN]
	Quoted bool   // inside a quotation of official wording: > [!TEXT]
}

// Link is a plain Markdown link; the caller may rewrite Node.Destination.
type Link struct {
	Node       *ast.Link
	Dest       string // the destination as written
	Offset     int
	FromAnchor string // the anchor of the enclosing section
	Context    string // the sentence around the link
}

// Anchor is a linkable place in a document.
type Anchor struct {
	ID     string
	Label  string // heading text, or "" for a marked paragraph
	Text   string // the place's text, for previews
	Offset int
	Pin    *Pin // its permalink, for the caller to fill in (see Pin)
}

// Heading is an entry of the table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Section is a run of text under one heading.
type Section struct {
	Anchor string // "" for the text before the first heading
	Title  string
	Text   string
	// Official is the part of Text quoted as official wording (> [!TEXT]
	// blocks), for search to tell the law's words from commentary.
	Official string
}

// Problem is a syntax problem at a byte offset of the source.
type Problem struct {
	Offset  int
	Message string
	Hint    string
}

var problemsKey = parser.NewContextKey()

func addProblem(pc parser.Context, offset int, msg, hint string) {
	probs, _ := pc.Get(problemsKey).([]Problem)
	pc.Set(problemsKey, append(probs, Problem{Offset: offset, Message: msg, Hint: hint}))
}

// Parse parses src. The returned Document keeps src; do not modify it. A
// panic in a parser becomes a problem of the document, which is then empty:
// one page must not take down a build or the preview.
func (m *Markdown) Parse(src []byte, opts ParseOptions) (doc *Document) {
	defer func() {
		if r := recover(); r != nil {
			doc = &Document{Source: src, Root: ast.NewDocument(), Problems: []Problem{{
				Message: fmt.Sprintf("the Markdown parser failed: %v", r),
				Hint:    "remove parts of the page until it builds, and report the part that fails",
			}}}
			collect(doc, opts)
		}
	}()
	pc := parser.NewContext()
	if opts.Terms != nil {
		pc.Set(termsKey, &termContext{terms: opts.Terms, self: opts.SelfID})
	}
	root := m.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	doc = &Document{Source: src, Root: root}
	doc.Problems, _ = pc.Get(problemsKey).([]Problem)
	if !opts.Render {
		checkMalformed(doc)
	}
	collect(doc, opts)
	return doc
}

// Render writes the document's HTML to w. A panic in a renderer is an
// error.
func (m *Markdown) Render(w io.Writer, doc *Document) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the Markdown renderer failed: %v", r)
		}
	}()
	return m.md.Renderer().Render(w, doc.Source, doc.Root)
}

// RenderString renders a document to a string.
func (m *Markdown) RenderString(doc *Document) (string, error) {
	b, _ := m.bufs.Get().(*renderBuf)
	if b == nil {
		b = &renderBuf{}
		b.w = bufio.NewWriter(&b.html)
	}
	b.html.Reset()
	b.w.Reset(&b.html) // what a failed render left unflushed
	err := m.Render(b.w, doc)
	html := b.html.String()
	m.bufs.Put(b)
	return html, err
}

// renderBuf is what RenderString renders into, kept for the next
// document: a buffer grown from nothing for every page was a tenth of what
// a full build allocates.
type renderBuf struct {
	html bytes.Buffer
	w    *bufio.Writer // goldmark's renderer takes one, or makes one
}
