package lsp

import (
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

func TestPositions(t *testing.T) {
	t.Parallel()
	// "—" is 3 bytes and 1 UTF-16 unit, "𝔄" 4 bytes and 2 units.
	src := "a—b𝔄c\r\nxy\n"
	tests := []struct {
		desc string
		off  int // byte offset
		enc  encoding
		want protocol.Position
	}{
		{desc: "start", off: 0, enc: utf16, want: protocol.Position{}},
		{desc: "after a dash, UTF-16", off: 4, enc: utf16, want: protocol.Position{Character: 2}},
		{desc: "after a dash, UTF-8", off: 4, enc: utf8e, want: protocol.Position{Character: 4}},
		{desc: "after a dash, UTF-32", off: 4, enc: utf32, want: protocol.Position{Character: 2}},
		{desc: "after an astral character, UTF-16", off: 9, enc: utf16, want: protocol.Position{Character: 5}},
		{desc: "after an astral character, UTF-32", off: 9, enc: utf32, want: protocol.Position{Character: 4}},
		{desc: "inside a character: its start", off: 6, enc: utf16, want: protocol.Position{Character: 3}},
		{desc: "before CRLF", off: 10, enc: utf16, want: protocol.Position{Character: 6}},
		{desc: "on the CR: the line's end", off: 11, enc: utf16, want: protocol.Position{Character: 6}},
		{desc: "second line", off: 13, enc: utf16, want: protocol.Position{Line: 1, Character: 1}},
		{desc: "the end", off: len(src), enc: utf16, want: protocol.Position{Line: 2}},
		{desc: "past the end", off: len(src) + 5, enc: utf16, want: protocol.Position{Line: 2}},
	}
	tx := newText([]byte(src))
	for _, tt := range tests {
		if got := tx.position(tt.off, tt.enc); got != tt.want {
			t.Errorf("%s: position(%d, %s) = %+v, want %+v", tt.desc, tt.off, tt.enc, got, tt.want)
		}
	}

	back := []struct {
		desc string
		pos  protocol.Position
		enc  encoding
		want int
	}{
		{desc: "after a dash", pos: protocol.Position{Character: 2}, enc: utf16, want: 4},
		{desc: "half an astral character: its start", pos: protocol.Position{Character: 4}, enc: utf16, want: 5},
		{desc: "past the line's end: the end", pos: protocol.Position{Character: 99}, enc: utf16, want: 10},
		{desc: "past the last line: the text's end", pos: protocol.Position{Line: 9}, enc: utf16, want: len(src)},
		{desc: "UTF-8 inside a character: its start", pos: protocol.Position{Character: 2}, enc: utf8e, want: 1},
	}
	for _, tt := range back {
		if got := tx.offset(tt.pos, tt.enc); got != tt.want {
			t.Errorf("%s: offset(%+v, %s) = %d, want %d", tt.desc, tt.pos, tt.enc, got, tt.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give []string
		want encoding
	}{
		{nil, utf16},
		{[]string{"utf-8", "utf-16"}, utf8e},
		{[]string{"utf-32", "utf-8"}, utf32},
		{[]string{"latin-1"}, utf16},
	}
	for _, tt := range tests {
		if got := negotiate(tt.give); got != tt.want {
			t.Errorf("negotiate(%q) = %s, want %s", tt.give, got, tt.want)
		}
	}
}
