package markup

import (
	"bytes"
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

// checkMalformed adds a problem for each "[[", "]]" or "{#" left in the
// text of doc: the well-formed ones became references and anchors.
func checkMalformed(doc *Document) {
	src := doc.Source
	seen := map[int]bool{}
	report := func(off int, msg, hint string) {
		if !seen[off] {
			seen[off] = true
			doc.Problems = append(doc.Problems, Problem{Offset: off, Message: msg, Hint: hint})
		}
	}
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
		for i := seg.Start; i < seg.Stop && i < len(src); i++ {
			if i > 0 && src[i-1] == '\\' {
				continue // escaped: the writer means the characters
			}
			rest := src[i:]
			switch {
			case bytes.HasPrefix(rest, []byte("[[")):
				line, _, _ := bytes.Cut(rest, []byte("\n"))
				if end := bytes.Index(line[2:], []byte("]]")); end >= 0 && len(bytes.TrimSpace(line[2:2+end])) == 0 {
					report(i, "empty reference "+string(line[:2+end+2]), "write [[page-id]], [[page-id#anchor]] or [[MiCA Art. 61(2)]]")
					i += 2 + end + 1
					continue
				} else {
					report(i, `"[[" without a matching "]]" on the same line`,
						`close the reference: [[page-id]] or [[page-id#anchor|label]]; for the brackets themselves write \[[`)
				}
				i++
			case bytes.HasPrefix(rest, []byte("]]")):
				lineStart := bytes.LastIndexByte(src[:i], '\n') + 1
				if before := src[lineStart:i]; bytes.Count(before, []byte("[[")) > bytes.Count(before, []byte("]]")) {
					i++ // closes an escaped \[[, or one reported already
					continue
				}
				report(i, `"]]" without a matching "[[" before it`, `a reference is [[page-id]]; for the brackets themselves write \]]`)
				i++
			case bytes.HasPrefix(rest, []byte("{#")):
				m := anchorLike.Find(rest)
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
}
