package diag

import "testing"

func TestLinesPos(t *testing.T) {
	t.Parallel()
	src := []byte("ab\ncd\n\nxyz")
	lines := NewLines(src)
	tests := []struct{ off, line, col int }{
		{0, 1, 1}, {1, 1, 2}, {2, 1, 3}, // the newline belongs to its line
		{3, 2, 1}, {5, 2, 3},
		{6, 3, 1},
		{7, 4, 1}, {9, 4, 3},
		{10, 4, 4}, // end of text
	}
	for _, tt := range tests {
		if line, col := lines.Pos(tt.off); line != tt.line || col != tt.col {
			t.Errorf("Pos(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}

func TestListSortAndString(t *testing.T) {
	t.Parallel()
	l := List{
		{File: "b.md", Line: 1, Col: 1, Message: "m"},
		{File: "a.md", Line: 3, Col: 2, Message: "z", Hint: "h"},
		{File: "a.md", Line: 3, Col: 1, Message: "y"},
		{File: "b.md", Line: 1, Col: 1, Message: "m"}, // duplicate
		{File: "a.md", Message: "whole file"},
	}.Sort()
	want := "a.md:1:1: whole file\na.md:3:1: y\na.md:3:2: z (h)\nb.md:1:1: m"
	if got := l.Error(); got != want {
		t.Errorf("sorted list:\n%s\nwant:\n%s", got, want)
	}
}
