package lsp

import (
	"bytes"
	"regexp"
	"strings"
)

// What the cursor is on: kb's syntax, read from the live text of a
// buffer, which may be newer than the last build. Each reader looks at one
// line, as references, notes and anchors never span lines.

type spotKind int

const (
	noSpot      spotKind = iota
	refSpot              // [[target|label]]
	citeSpot             // [@source, pinpoint]
	anchorSpot           // {#anchor}, where a place is marked
	linkSpot             // [text](dest)
	idSpot               // the value of id: in front matter
	appliesSpot          // an entry of applies: in front matter
)

// spot is a piece of kb syntax in a document.
type spot struct {
	kind       spotKind
	start, end int    // the whole of it, in bytes of the document
	target     string // what it names: "page#anchor", a source id, an anchor id, a destination
	tstart     int    // where target is written
}

// tend is the end of the target.
func (s spot) tend() int { return s.tstart + len(s.target) }

// pageAndAnchor splits a reference target at "#": its page part and its
// anchor part, each with its offset in the document.
func (s spot) pageAndAnchor() (page string, pageAt int, anchor string, anchorAt int) {
	page, anchor, ok := strings.Cut(s.target, "#")
	if !ok {
		return page, s.tstart, "", -1
	}
	return page, s.tstart, anchor, s.tstart + len(page) + 1
}

// spotAt finds the syntax at byte offset off of t.
func spotAt(t *text, off int) spot {
	n := t.lineOf(off)
	lineStart := t.starts[n]
	line := t.line(n)
	col := off - lineStart
	if fm, ok := frontMatter(t); ok && n > 0 && n < fm {
		return frontSpotAt(t, n, col)
	}
	for _, find := range []func([]byte, int) (spot, bool){refIn, citeIn, anchorIn, linkIn} {
		if s, ok := find(line, col); ok {
			s.start += lineStart
			s.end += lineStart
			s.tstart += lineStart
			return s
		}
	}
	return spot{}
}

// maxLine bounds the lines read for syntax: a longer one is no prose.
const maxLine = 1 << 14

// enclosing finds the pair open…close that holds col (the last one
// opening at or before col): its span, close included.
func enclosing(line []byte, col int, open, close string) (start, end int, ok bool) {
	if len(line) > maxLine {
		return 0, 0, false
	}
	for from := 0; from <= len(line); {
		i := bytes.Index(line[from:], []byte(open))
		if i < 0 || from+i > col {
			break
		}
		s := from + i
		e := bytes.Index(line[s+len(open):], []byte(close))
		if e < 0 {
			break
		}
		if en := s + len(open) + e + len(close); col <= en {
			start, end, ok = s, en, true
		}
		from = s + 1
	}
	return start, end, ok
}

// refIn finds a reference [[target|label]] around col.
func refIn(line []byte, col int) (spot, bool) {
	start, end, ok := enclosing(line, col, "[[", "]]")
	if !ok || start > 0 && line[start-1] == '\\' {
		return spot{}, false
	}
	inner := string(line[start+2 : end-2])
	if strings.ContainsAny(inner, "[]") {
		return spot{}, false
	}
	target := inner
	if i := strings.IndexByte(inner, '|'); i >= 0 {
		target = strings.TrimSuffix(inner[:i], `\`) // "\|" separates the label in a table cell
	}
	lead := len(target) - len(strings.TrimLeft(target, " \t"))
	target = strings.TrimSpace(target)
	if target == "" {
		return spot{}, false
	}
	return spot{kind: refSpot, start: start, end: end, target: target, tstart: start + 2 + lead}, true
}

// citeIn finds a source note [@id, pinpoint] around col.
func citeIn(line []byte, col int) (spot, bool) {
	start, end, ok := enclosing(line, col, "[@", "]")
	if !ok || start > 0 && line[start-1] == '\\' {
		return spot{}, false
	}
	inner := string(line[start+2 : end-1])
	id, _, _ := strings.Cut(inner, ",")
	id = strings.TrimSpace(id)
	if id == "" {
		return spot{}, false
	}
	return spot{kind: citeSpot, start: start, end: end, target: id, tstart: start + 2 + strings.Index(inner, id)}, true
}

// anchorIn finds an anchor {#id} around col.
func anchorIn(line []byte, col int) (spot, bool) {
	start, end, ok := enclosing(line, col, "{#", "}")
	if !ok || start > 0 && line[start-1] == '\\' {
		return spot{}, false
	}
	id := string(line[start+2 : end-1])
	if id == "" || strings.ContainsAny(id, " \t") {
		return spot{}, false
	}
	return spot{kind: anchorSpot, start: start, end: end, target: id, tstart: start + 2}, true
}

var linkDest = regexp.MustCompile(`\]\(([^()\s]+)(?:\s+"[^"]*")?\)`)

// linkIn finds the destination of a Markdown link [text](dest) around col.
func linkIn(line []byte, col int) (spot, bool) {
	if len(line) > maxLine {
		return spot{}, false
	}
	for _, m := range linkDest.FindAllSubmatchIndex(line, -1) {
		open := bytes.LastIndexByte(line[:m[0]], '[')
		if open < 0 {
			open = m[0]
		}
		if col < open || col > m[1] {
			continue
		}
		return spot{kind: linkSpot, start: open, end: m[1], target: string(line[m[2]:m[3]]), tstart: m[2]}, true
	}
	return spot{}, false
}

// frontMatter reports whether t starts with front matter, and the line
// (from 0) of its closing "---".
func frontMatter(t *text) (closing int, ok bool) {
	if string(bytes.TrimRight(t.line(0), " \t")) != "---" {
		return 0, false
	}
	for n := 1; n < t.lines(); n++ {
		if string(bytes.TrimRight(t.line(n), " \t")) == "---" {
			return n, true
		}
	}
	return t.lines(), true // not closed yet: the writer is typing it
}

var frontKey = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*):`)

// keyOf returns the top-level front matter key that line n belongs to:
// its own, or that of the nearest line above it that starts one.
func keyOf(t *text, n int) (key string, line int) {
	for ; n > 0; n-- {
		if m := frontKey.FindSubmatch(t.line(n)); m != nil {
			return string(m[1]), n
		}
		if l := t.line(n); len(l) > 0 && l[0] != ' ' && l[0] != '\t' && l[0] != '-' && l[0] != '#' {
			return "", n
		}
	}
	return "", 0
}

// frontSpotAt finds what col of front matter line n names: the page's id,
// or an entry of applies:.
func frontSpotAt(t *text, n, col int) spot {
	key, _ := keyOf(t, n)
	line := t.line(n)
	lineStart := t.starts[n]
	switch key {
	case "id":
		m := frontKey.FindIndex(line)
		if m == nil {
			return spot{}
		}
		v, at := yamlScalar(line, m[1])
		if v == "" || col < m[1] {
			return spot{}
		}
		return spot{kind: idSpot, start: lineStart + at, end: lineStart + at + len(v), target: v, tstart: lineStart + at}
	case "applies":
		v, at, ok := entryAt(line, col)
		if !ok {
			return spot{}
		}
		target, _, _ := strings.Cut(v, "|")
		target = strings.TrimRight(target, " ")
		return spot{kind: appliesSpot, start: lineStart + at, end: lineStart + at + len(v), target: target, tstart: lineStart + at}
	}
	return spot{}
}

// yamlScalar reads the plain or quoted scalar after the key ending at
// from: its text and offset, without quotes or a trailing comment.
func yamlScalar(line []byte, from int) (string, int) {
	rest := line[from:]
	at := from + len(rest) - len(bytes.TrimLeft(rest, " \t"))
	rest = line[at:]
	if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
		if e := bytes.IndexByte(rest[1:], rest[0]); e >= 0 {
			return string(rest[1 : 1+e]), at + 1
		}
		return string(rest[1:]), at + 1
	}
	if i := bytes.Index(rest, []byte(" #")); i >= 0 {
		rest = rest[:i]
	}
	return string(bytes.TrimRight(rest, " \t")), at
}

// entryAt finds the list entry of a flow list ["a", "b"] or a block list
// item (- "a") that col is in: its text, unquoted, and offset.
func entryAt(line []byte, col int) (string, int, bool) {
	start := 0
	if m := frontKey.FindIndex(line); m != nil {
		start = m[1]
	}
	for i := start; i <= len(line); i++ {
		if i < len(line) && line[i] != '"' && line[i] != '\'' {
			continue
		}
		if i == len(line) {
			break
		}
		q := line[i]
		e := bytes.IndexByte(line[i+1:], q)
		if e < 0 {
			if col > i {
				return string(line[i+1:]), i + 1, true // not closed yet
			}
			break
		}
		if col > i && col <= i+1+e {
			return string(line[i+1 : i+1+e]), i + 1, true
		}
		i += 1 + e
	}
	// An unquoted entry: between delimiters.
	lo := start
	for i := min(col, len(line)) - 1; i >= start; i-- {
		if c := line[i]; c == '[' || c == ',' || c == '-' && bytes.TrimSpace(line[:i]) == nil {
			lo = i + 1
			break
		}
	}
	hi := len(line)
	if i := bytes.IndexAny(line[min(col, len(line)):], ",]"); i >= 0 {
		hi = min(col, len(line)) + i
	}
	if lo > hi {
		return "", 0, false
	}
	raw := line[lo:hi]
	v := bytes.TrimSpace(raw)
	if len(v) == 0 || v[0] == '"' || v[0] == '\'' {
		return "", 0, false
	}
	return string(v), lo + bytes.Index(raw, v), true
}
