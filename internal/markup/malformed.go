package markup

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/yuin/goldmark/ast"
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
	src := doc.Source
	found := 0
	report := func(off int, msg, hint string) {
		if found < maxMalformed {
			doc.Problems = append(doc.Problems, Problem{Offset: off, Message: msg, Hint: hint})
		}
		found++
	}
	// open counts the "[[" of the current line not closed yet (escaped or
	// reported ones included), so that their "]]" is not reported again.
	open, lineEnd := 0, -1
	done := 0 // text before this offset is checked: goldmark splits text at brackets
	_ = ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindCodeSpan, ast.KindRawHTML, ast.KindAutoLink, ast.KindCodeBlock, ast.KindFencedCodeBlock, ast.KindHTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		t, ok := n.(*ast.Text)
		if !ok {
			return ast.WalkContinue, nil
		}
		seg := t.Segment
		for i := max(seg.Start, done); i < seg.Stop && i+1 < len(src); i++ {
			done = i + 1
			if i > lineEnd {
				open = 0
				lineEnd = i + bytes.IndexByte(src[i:], '\n')
				if lineEnd < i {
					lineEnd = len(src)
				}
			}
			escaped := i > 0 && src[i-1] == '\\'
			switch {
			case src[i] == '[' && src[i+1] == '[':
				open++
				run := i + 2
				for run < len(src) && src[run] == '[' {
					run++
				}
				if !escaped {
					// A reference holds no brackets: the next one decides.
					next := bytes.IndexAny(src[run:min(lineEnd, len(src))], "[]")
					if next >= 0 && bytes.HasPrefix(src[run+next:], []byte("]]")) && len(bytes.TrimSpace(src[run:run+next])) == 0 {
						report(i, "empty reference "+string(src[i:run+next+2]), "write [[page-id]], [[page-id#anchor]] or [[MiCA Art. 61(2)]]")
						open--
						i = run + next + 1
						done = i + 1
						continue
					}
					report(i, `"[[" without a matching "]]" on the same line`,
						`close the reference: [[page-id]] or [[page-id#anchor|label]]; for the brackets themselves write \[[`)
				}
				i = run - 1
				done = run
			case src[i] == ']' && src[i+1] == ']':
				if open > 0 {
					open-- // closes an escaped \[[, or one reported already
					i++
					done = i + 1
					continue
				}
				if !escaped {
					report(i, `"]]" without a matching "[[" before it`, `a reference is [[page-id]]; for the brackets themselves write \]]`)
				}
				run := i + 2
				for run < len(src) && src[run] == ']' {
					run++
				}
				i = run - 1
				done = run
			case src[i] == '{' && src[i+1] == '#' && !escaped:
				m := anchorLike.Find(src[i:min(i+200, lineEnd, len(src))])
				if _, _, ok := ParsePinMarker(string(m)); ok {
					report(i, string(m)+" is not an anchor here",
						`an anchor goes at the start of a paragraph or list item, or at the end of a heading; for the text itself write \{#`)
				} else {
					report(i, "malformed anchor "+string(m),
						`an anchor is {#id}: letters, digits and dashes, no spaces; for the text itself write \{#`)
				}
				i++
			}
		}
		return ast.WalkContinue, nil
	})
	if found > maxMalformed {
		last := &doc.Problems[len(doc.Problems)-1]
		last.Hint += fmt.Sprintf(" (and %d more such problems on this page)", found-maxMalformed)
	}
}
