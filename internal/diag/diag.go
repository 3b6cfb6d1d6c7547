// Package diag holds the problems kb reports about its input: each one names
// a file, a 1-based line and column, a message and, where one helps, a hint.
//
// Every stage of the pipeline collects problems rather than stopping at the
// first, so a writer sees all of them at once.
package diag

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Problem is one thing wrong with the input.
type Problem struct {
	File    string `json:"file"` // slash-separated, relative to the site's source directory
	Line    int    `json:"line"` // 1-based; 0 when the problem concerns the whole file
	Col     int    `json:"col"`  // 1-based, in characters (Unicode code points), as editors and GitHub annotations count
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// String formats the problem as "file:line:col: message (hint)".
// Control characters (from file names or quoted input) are replaced, so
// that one problem is one line and cannot drive a terminal (see Printable).
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(Printable(p.File))
	line, col := max(p.Line, 1), max(p.Col, 1)
	fmt.Fprintf(&b, ":%d:%d: %s", line, col, Printable(p.Message))
	if p.Hint != "" {
		b.WriteString(" (")
		b.WriteString(Printable(p.Hint))
		b.WriteString(")")
	}
	return b.String()
}

// List is a set of problems; as an error it reports all of them.
type List []Problem

// Error lists every problem, one per line.
func (l List) Error() string {
	lines := make([]string, len(l))
	for i, p := range l {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Sort orders problems by file, line and column, then drops exact duplicates,
// so output is deterministic whatever order the work finished in.
func (l List) Sort() List {
	slices.SortFunc(l, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(l)
}

// Lines maps byte offsets of a text to 1-based line and column numbers,
// columns counted in characters: legal text is full of "—", "§" and
// curly quotes, and a column in bytes would land beside the mistake.
type Lines struct {
	src    []byte
	starts []int // byte offset where each line begins
}

// NewLines indexes the line starts of src.
func NewLines(src []byte) Lines {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return Lines{src: src, starts: starts}
}

// Pos returns the 1-based line and column of byte offset off.
func (l Lines) Pos(off int) (line, col int) {
	i, found := slices.BinarySearch(l.starts, off)
	if !found {
		i--
	}
	i = max(i, 0)
	start := l.starts[i]
	if off <= len(l.src) && start <= off {
		return i + 1, utf8.RuneCount(l.src[start:off]) + 1
	}
	return i + 1, off - start + 1
}

// LineText returns line n (1-based) of src without its line ending, at
// most max bytes of it; "" when there is no such line.
func LineText(src []byte, n, max int) string {
	for i := 1; i < n; i++ {
		nl := bytes.IndexByte(src, '\n')
		if nl < 0 {
			return ""
		}
		src = src[nl+1:]
	}
	if nl := bytes.IndexByte(src, '\n'); nl >= 0 {
		src = src[:nl]
	}
	src = bytes.TrimSuffix(src, []byte("\r"))
	if len(src) > max {
		src = src[:max]
		for len(src) > 0 && !utf8.Valid(src) {
			src = src[:len(src)-1]
		}
	}
	return string(src)
}
