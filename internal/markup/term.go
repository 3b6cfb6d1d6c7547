package markup

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Term is a defined term: the id of its page and the phrases that name it.
type Term struct {
	ID      string
	Phrases []string
}

// Terms finds defined terms in prose. Build one per site and share it.
type Terms struct {
	re    *regexp.Regexp
	terms map[string]string // lower-case phrase → term id
}

// NewTerms compiles a matcher for terms. Longer phrases win over shorter ones
// they contain ("reverse solicitation" over "solicitation").
func NewTerms(terms []Term) *Terms {
	t := &Terms{terms: map[string]string{}}
	var phrases []string
	for _, term := range terms {
		for _, p := range term.Phrases {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			lower := strings.ToLower(p)
			if _, dup := t.terms[lower]; !dup {
				t.terms[lower] = term.ID
				phrases = append(phrases, regexp.QuoteMeta(lower))
			}
		}
	}
	if len(phrases) == 0 {
		return t
	}
	slices.SortFunc(phrases, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	t.re = regexp.MustCompile(`(?i)\b(` + strings.Join(phrases, "|") + `)(?:s|es)?\b`)
	return t
}

var termsKey = parser.NewContextKey()

type termContext struct {
	terms *Terms
	self  string // the id of the page being parsed: it never links to itself
}

// termTransformer links the first occurrence of each defined term in a
// page's prose to the term's page.
type termTransformer struct{}

func (termTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	tc, _ := pc.Get(termsKey).(*termContext)
	if tc == nil || tc.terms == nil || tc.terms.re == nil {
		return
	}
	src := reader.Source()
	var texts []*ast.Text
	var inRaw rawElements // raw HTML elements open around the text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeBlock {
			inRaw = rawElements{} // inline raw HTML does not reach past its block
		}
		switch n := n.(type) {
		case *ast.Heading, *CalloutTitle, *ast.Link, *ast.AutoLink, *ast.CodeSpan, *ast.Image, *Ref, *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *Callout:
			if n.CalloutType == quotationType {
				return ast.WalkSkipChildren, nil // official wording is quoted as it stands, links and all left out
			}
		case *ast.RawHTML:
			inRaw.read(n, src)
		case *ast.Text:
			if !inRaw.any() {
				texts = append(texts, n)
			}
		}
		return ast.WalkContinue, nil
	})
	linked := map[string]bool{tc.self: true}
	for _, t := range texts {
		for t != nil {
			t = linkFirstTerm(t, src, tc.terms, linked)
		}
	}
}

// wordBoundary reports whether value[start:stop] is whole words: the
// regexp's \b knows only ASCII, so "foo" would match in "fooé". A hyphen
// joining a word on the outside makes a compound, another word:
// "solicitation" is not the term in "reverse-solicitation".
func wordBoundary(value []byte, start, stop int) bool {
	before, n := utf8.DecodeLastRune(value[:start])
	if before == '-' {
		before, _ = utf8.DecodeLastRune(value[:start-n])
	}
	after, n := utf8.DecodeRune(value[stop:])
	if after == '-' {
		after, _ = utf8.DecodeRune(value[stop+n:])
	}
	return !wordRune(before) && !wordRune(after)
}

func wordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

// rawElements counts the raw HTML elements open at a point of a block
// whose text must not get links: links and code of all kinds (a link in a
// link or in code is broken HTML or shows as markup), scripts and styles.
type rawElements map[string]int

var rawTag = regexp.MustCompile(`^<(/?)([A-Za-z][A-Za-z0-9-]*)`)

// read notes the start or end tag a raw HTML node holds.
func (e rawElements) read(n *ast.RawHTML, src []byte) {
	var tag []byte
	for i := 0; i < n.Segments.Len() && len(tag) < 64; i++ {
		seg := n.Segments.At(i)
		tag = append(tag, seg.Value(src)...)
	}
	m := rawTag.FindSubmatch(tag)
	if m == nil || bytes.HasSuffix(bytes.TrimSpace(tag), []byte("/>")) {
		return
	}
	name := strings.ToLower(string(m[2]))
	switch name {
	case "a", "code", "pre", "kbd", "samp", "script", "style", "textarea", "title", "svg", "math":
	default:
		return
	}
	if len(m[1]) == 0 {
		e[name]++
	} else if e[name] > 0 {
		e[name]--
	}
}

func (e rawElements) any() bool {
	for _, n := range e {
		if n > 0 {
			return true
		}
	}
	return false
}

// linkFirstTerm splits t around the first term not yet linked, returning the
// text after it (to keep scanning) or nil.
func linkFirstTerm(t *ast.Text, src []byte, terms *Terms, linked map[string]bool) *ast.Text {
	value := t.Segment.Value(src)
	for _, m := range terms.re.FindAllSubmatchIndex(value, -1) {
		id := terms.terms[strings.ToLower(string(value[m[2]:m[3]]))]
		if linked[id] || !wordBoundary(value, m[0], m[1]) {
			continue
		}
		linked[id] = true
		seg := t.Segment
		parent := t.Parent()
		if parent == nil {
			return nil
		}
		ref := &Ref{Target: id, Label: string(value[m[0]:m[1]]), Term: true, Offset: seg.Start + m[0]}
		after := ast.NewTextSegment(text.NewSegment(seg.Start+m[1], seg.Stop))
		after.SetSoftLineBreak(t.SoftLineBreak())
		after.SetHardLineBreak(t.HardLineBreak())
		after.SetRaw(t.IsRaw())
		t.Segment = text.NewSegment(seg.Start, seg.Start+m[0])
		t.SetSoftLineBreak(false)
		t.SetHardLineBreak(false)
		parent.InsertAfter(parent, t, ref)
		parent.InsertAfter(parent, ref, after)
		return after
	}
	return nil
}
