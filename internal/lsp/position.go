package lsp

import (
	"slices"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// encoding is what a position's character counts, as the client and the
// server agreed at initialize: UTF-16 code units unless the client offers
// another (LSP 3.17 general.positionEncodings). kb reports columns in
// characters (code points); the conversion happens here, at the edge.
type encoding string

const (
	utf16 encoding = "utf-16"
	utf8e encoding = "utf-8"
	utf32 encoding = "utf-32"
)

// negotiate picks the encoding from those the client offers, in the
// client's order of preference: UTF-8 is free for us, UTF-32 cheap,
// UTF-16 the default every client supports.
func negotiate(offered []string) encoding {
	for _, e := range offered {
		switch encoding(e) {
		case utf8e, utf32, utf16:
			return encoding(e)
		}
	}
	return utf16
}

// units is how many units of enc the rune r, written in size bytes,
// takes.
func (enc encoding) units(r rune, size int) int {
	switch enc {
	case utf8e:
		return size
	case utf32:
		return 1
	}
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// text is a document's bytes and where its lines start, to convert
// between byte offsets and protocol positions.
type text struct {
	src    []byte
	starts []int // byte offset where each line begins
}

func newText(src []byte) *text {
	starts := make([]int, 1, 1+len(src)/40)
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &text{src: src, starts: starts}
}

// lines is the number of lines; a text ending in a line break has an
// empty last line.
func (t *text) lines() int { return len(t.starts) }

// line returns line n (from 0) without its line ending.
func (t *text) line(n int) []byte {
	if n < 0 || n >= len(t.starts) {
		return nil
	}
	start, end := t.starts[n], len(t.src)
	if n+1 < len(t.starts) {
		end = t.starts[n+1] - 1
	}
	if end > start && t.src[end-1] == '\r' {
		end--
	}
	return t.src[start:end]
}

// lineOf returns the line (from 0) holding byte offset off.
func (t *text) lineOf(off int) int {
	i, found := slices.BinarySearch(t.starts, off)
	if !found {
		i--
	}
	return max(i, 0)
}

// position converts a byte offset to a position. An offset inside a
// character is taken as that character's start; one past the end of the
// text is its end.
func (t *text) position(off int, enc encoding) protocol.Position {
	off = min(max(off, 0), len(t.src))
	n := t.lineOf(off)
	line := t.line(n)
	col := min(off-t.starts[n], len(line))
	for col > 0 && col < len(line) && !utf8.RuneStart(line[col]) {
		col--
	}
	return protocol.Position{Line: uint32(n), Character: uint32(count(line[:col], enc))}
}

// offset converts a position to a byte offset. As LSP says, a character
// past the end of its line means the line's end, and a line past the last
// means the end of the text.
func (t *text) offset(p protocol.Position, enc encoding) int {
	n := int(p.Line)
	if n >= len(t.starts) {
		return len(t.src)
	}
	line := t.line(n)
	return t.starts[n] + byteIndex(line, int(p.Character), enc)
}

// rangeOf converts the byte offsets [start, end) to a range.
func (t *text) rangeOf(start, end int, enc encoding) protocol.Range {
	return protocol.Range{Start: t.position(start, enc), End: t.position(end, enc)}
}

// count is how many units of enc b takes.
func count(b []byte, enc encoding) int {
	if enc == utf8e {
		return len(b)
	}
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		n += enc.units(r, size)
		b = b[size:]
	}
	return n
}

// byteIndex is the byte offset in line of the character that starts n
// units of enc in; len(line) when the line is shorter. A unit inside a
// character (the second half of a UTF-16 surrogate pair) rounds down.
func byteIndex(line []byte, n int, enc encoding) int {
	off := 0
	for off < len(line) {
		r, size := utf8.DecodeRune(line[off:])
		u := enc.units(r, size)
		if n < u {
			return off
		}
		n -= u
		off += size
	}
	return off
}

// charIndex is the byte offset in line of character (code point) col,
// counted from 1 as kb's problems count them.
func charIndex(line []byte, col int) int {
	return byteIndex(line, col-1, utf32)
}
