package yamlpos

import (
	"bytes"
	"fmt"
)

// Budgets checked before the YAML parser runs: go-yaml's parser grows
// quadratically with nesting (100 KB of "[" took 5 GB before its own depth
// check), so deep or large input is refused by a cheap scan first.
const (
	MaxSize  = 32 << 10 // bytes of YAML: at most about 30 MB to parse
	MaxDepth = 64       // levels of nesting, block and flow together
)

// checkBudget refuses data larger than MaxSize or nested deeper than
// MaxDepth, at the place where the limit is crossed.
func checkBudget(data []byte) error {
	if len(data) > MaxSize {
		return &Error{Line: 1, Col: 1, Message: fmt.Sprintf("YAML is too large (%d KB; the limit is %d KB)", (len(data)+1023)>>10, MaxSize>>10)}
	}
	if line, col, ok := depthScan(data, MaxDepth); !ok {
		return &Error{Line: line, Col: col, Message: fmt.Sprintf("YAML is nested too deeply (the limit is %d levels)", MaxDepth)}
	}
	return nil
}

// depthScan estimates the nesting of data line by line, in one pass: the
// block levels open at a line (its indentation, plus one per "- " or "? "
// it starts with) and the flow brackets open within it. It skips quoted
// strings, comments and block scalars (| and >), so their text does not
// count. It is an upper bound for what the parser will build, up to a few
// levels, which is what a budget needs. It returns where the nesting first
// exceeds limit, and false; or true.
func depthScan(data []byte, limit int) (line, col int, ok bool) {
	n := &nesting{limit: limit, scalar: -1}
	for lineNo := 1; len(data) > 0; lineNo++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data)
		}
		text := data[:i]
		data = data[min(i+1, len(data)):]
		if col, ok := n.line(text); !ok {
			return lineNo, col, false
		}
	}
	return 0, 0, true
}

// nesting is depthScan's state from one line to the next.
type nesting struct {
	limit   int
	indents []int // open block levels, by indentation
	flow    int   // open flow brackets
	quote   byte  // the open quoted string's quote, or 0
	scalar  int   // a block scalar's parent indentation, or -1
}

// line scans one line. It returns the column where the nesting first
// exceeds the limit, and false; or true.
func (n *nesting) line(text []byte) (col int, ok bool) {
	indent := 0
	for indent < len(text) && text[indent] == ' ' {
		indent++
	}
	blank := indent == len(text) || text[indent] == '#'
	if n.scalar >= 0 {
		if blank || indent > n.scalar {
			return 0, true
		}
		n.scalar = -1
	}
	pos := indent
	if n.quote == 0 && n.flow == 0 && !blank {
		if pos, col, ok = n.block(text, indent); !ok {
			return col, false
		}
	}
	return n.inline(text, pos, indent)
}

// block closes the block levels deeper than the line's indentation and
// opens the line's own: one for its indentation, one per "- " or "? " it
// starts with, at their own column ("- - x"). It returns where the line's
// content starts.
func (n *nesting) block(text []byte, indent int) (pos, col int, ok bool) {
	for len(n.indents) > 0 && n.indents[len(n.indents)-1] >= indent {
		n.indents = n.indents[:len(n.indents)-1]
	}
	n.indents = append(n.indents, indent)
	pos = indent
	for pos+1 < len(text) && (text[pos] == '-' || text[pos] == '?') && text[pos+1] == ' ' {
		if len(n.indents) >= n.limit {
			return 0, pos + 1, false
		}
		pos += 2
		for pos < len(text) && text[pos] == ' ' {
			pos++
		}
		n.indents = append(n.indents, pos)
	}
	if len(n.indents) > n.limit {
		return 0, indent + 1, false
	}
	return pos, 0, true
}

// inline scans a line's content from pos: quoted strings, comments, flow
// brackets and the header of a block scalar.
func (n *nesting) inline(text []byte, pos, indent int) (col int, ok bool) {
	valueStart := true // where a flow collection or a quoted string may begin
	for ; pos < len(text); pos++ {
		c := text[pos]
		if n.quote != 0 {
			var closed bool
			if pos, closed = n.quoted(text, pos); closed {
				valueStart = false
			}
			continue
		}
		switch {
		case c == '#' && (pos == 0 || text[pos-1] == ' ' || text[pos-1] == '\t'):
			return 0, true
		case (c == '"' || c == '\'') && (valueStart || n.flow > 0 && isFlowStart(text, pos)):
			n.quote = c
			continue
		case (c == '[' || c == '{') && (valueStart || n.flow > 0):
			n.flow++
			if len(n.indents)+n.flow > n.limit {
				return pos + 1, false
			}
			valueStart = true
			continue
		case (c == ']' || c == '}') && n.flow > 0:
			n.flow--
		case n.flow == 0 && (c == '|' || c == '>') && valueStart && blockScalarHeader(text[pos+1:]):
			n.scalar = indent
			return 0, true
		case c == ':' && (pos+1 == len(text) || text[pos+1] == ' '):
			valueStart = true
			continue
		case c == ',' && n.flow > 0:
			valueStart = true
			continue
		case c == ' ' || c == '\t':
			continue
		}
		valueStart = false
	}
	return 0, true
}

// quoted scans the character at pos of an open quoted string: an escape
// ("\\x" in double quotes), a doubled single quote, or the closing quote.
// It returns the last position it read and whether the string closed.
func (n *nesting) quoted(text []byte, pos int) (int, bool) {
	c := text[pos]
	switch {
	case n.quote == '"' && c == '\\':
		return pos + 1, false
	case c == n.quote && n.quote == '\'' && pos+1 < len(text) && text[pos+1] == '\'':
		return pos + 1, false
	case c == n.quote:
		n.quote = 0
		return pos, true
	}
	return pos, false
}

// isFlowStart reports whether a quote at pos of a flow collection opens a
// quoted string: it follows a bracket, a comma, a colon or a space.
func isFlowStart(text []byte, pos int) bool {
	if pos == 0 {
		return true
	}
	switch text[pos-1] {
	case '[', '{', ',', ':', ' ', '\t':
		return true
	}
	return false
}

// blockScalarHeader reports whether rest, what follows "|" or ">", is a
// block scalar header: indicators, then nothing but a comment.
func blockScalarHeader(rest []byte) bool {
	i := 0
	for i < len(rest) && (rest[i] == '+' || rest[i] == '-' || rest[i] >= '1' && rest[i] <= '9') {
		i++
	}
	rest = bytes.TrimLeft(rest[i:], " \t")
	return len(rest) == 0 || rest[0] == '#'
}
