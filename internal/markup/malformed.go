package markup

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Reference and anchor syntax that did not parse stays in the text as it
// was typed: "[[scenario-x." without its "]]", "[[x|label]" with one
// bracket, "[[ ]]", or "{#p 2}". Published like that, it is a reference
// nobody checked; so each is a problem at its position. The literal forms
// stay possible with a backslash: \[[, \]], \{#.

// anchorLike matches what a writer meant as an anchor: "{#" up to the
// next "}" on the line.
var anchorLike = regexp.MustCompile(`^\{#[^}\n]*\}?`)

// maxMalformed bounds the problems of this kind one page reports: a line
// of ten thousand "[" is one mistake, not ten thousand.
const maxMalformed = 20

// checkMalformed adds a problem for each "[[", "]]" or "{#" left in the
// text of doc: the well-formed ones became references and anchors. It
// runs in time linear in the source.
func checkMalformed(doc *Document) {
	sc := &malformedScan{doc: doc, src: doc.Source, lineEnd: -1}
	_ = ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindCodeSpan, ast.KindRawHTML, ast.KindAutoLink, ast.KindCodeBlock, ast.KindFencedCodeBlock, ast.KindHTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		if t, ok := n.(*ast.Text); ok {
			sc.text(t.Segment)
		}
		return ast.WalkContinue, nil
	})
	if sc.found > maxMalformed {
		last := &doc.Problems[len(doc.Problems)-1]
		last.Hint += fmt.Sprintf(" (and %d more such problems on this page)", sc.found-maxMalformed)
	}
}

// malformedScan is checkMalformed's pass over the text of a document.
type malformedScan struct {
	doc   *Document
	src   []byte
	found int // problems found, reported or not (see maxMalformed)
	// open counts the "[[" of the current line not closed yet (escaped or
	// reported ones included), so that their "]]" is not reported again.
	open, lineEnd int
	done          int // text before this offset is checked: goldmark splits text at brackets
}

// report adds a problem, up to maxMalformed of them.
func (sc *malformedScan) report(off int, msg, hint string) {
	if sc.found < maxMalformed {
		sc.doc.Problems = append(sc.doc.Problems, Problem{Offset: off, Message: msg, Hint: hint})
	}
	sc.found++
}

// text checks one text segment for what is left of references and
// anchors.
func (sc *malformedScan) text(seg text.Segment) {
	src := sc.src
	for i := max(seg.Start, sc.done); i < seg.Stop && i+1 < len(src); i++ {
		sc.done = i + 1
		if i > sc.lineEnd {
			sc.open = 0
			sc.lineEnd = i + bytes.IndexByte(src[i:], '\n')
			if sc.lineEnd < i {
				sc.lineEnd = len(src)
			}
		}
		escaped := i > 0 && src[i-1] == '\\'
		switch {
		case src[i] == '[' && src[i+1] == '[':
			i = sc.opening(i, escaped)
		case src[i] == ']' && src[i+1] == ']':
			i = sc.closing(i, escaped)
		case src[i] == '{' && src[i+1] == '#' && !escaped:
			sc.anchor(i)
			i++
		}
	}
}

// opening checks the run of "[" at i: an empty reference, or one not
// closed on its line. It returns the offset of the run's last byte
// checked.
func (sc *malformedScan) opening(i int, escaped bool) int {
	src := sc.src
	sc.open++
	run := i + 2
	for run < len(src) && src[run] == '[' {
		run++
	}
	if !escaped {
		// A reference holds no brackets: the next one decides.
		next := bytes.IndexAny(src[run:min(sc.lineEnd, len(src))], "[]")
		if next >= 0 && bytes.HasPrefix(src[run+next:], []byte("]]")) && len(bytes.TrimSpace(src[run:run+next])) == 0 {
			sc.report(i, "empty reference "+string(src[i:run+next+2]), "write [[page-id]], [[page-id#anchor]] or [[MiCA Art. 61(2)]]")
			sc.open--
			end := run + next + 1
			sc.done = end + 1
			return end
		}
		sc.report(i, `"[[" without a matching "]]" on the same line`,
			`close the reference: [[page-id]] or [[page-id#anchor|label]]; for the brackets themselves write \[[`)
	}
	sc.done = run
	return run - 1
}

// closing checks the run of "]" at i: it closes an escaped or reported
// "[[", or it is a problem. It returns the offset of the last byte
// checked.
func (sc *malformedScan) closing(i int, escaped bool) int {
	src := sc.src
	if sc.open > 0 {
		sc.open-- // closes an escaped \[[, or one reported already
		sc.done = i + 2
		return i + 1
	}
	if !escaped {
		sc.report(i, `"]]" without a matching "[[" before it`, `a reference is [[page-id]]; for the brackets themselves write \]]`)
	}
	run := i + 2
	for run < len(src) && src[run] == ']' {
		run++
	}
	sc.done = run
	return run - 1
}

// anchor reports the "{#" at i: a pin marker out of place, or a
// malformed anchor.
func (sc *malformedScan) anchor(i int) {
	src := sc.src
	m := anchorLike.Find(src[i:min(i+200, sc.lineEnd, len(src))])
	if _, _, ok := ParsePinMarker(string(m)); ok {
		sc.report(i, string(m)+" is not an anchor here",
			`an anchor goes at the start of a paragraph or list item, or at the end of a heading; for the text itself write \{#`)
	} else {
		sc.report(i, "malformed anchor "+string(m),
			`an anchor is {#id}: letters, digits and dashes, no spaces; for the text itself write \{#`)
	}
}
