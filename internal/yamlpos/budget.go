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
	var (
		indents []int // open block levels, by indentation
		flow    int   // open flow brackets
		quote   byte  // the open quoted string's quote, or 0
		scalar  = -1  // a block scalar's parent indentation, or -1
		lineNo  int
	)
	for len(data) > 0 {
		lineNo++
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data)
		}
		text := data[:i]
		data = data[min(i+1, len(data)):]
		indent := 0
		for indent < len(text) && text[indent] == ' ' {
			indent++
		}
		blank := indent == len(text) || text[indent] == '#'
		if scalar >= 0 {
			if blank || indent > scalar {
				continue
			}
			scalar = -1
		}
		pos := indent
		if quote == 0 && flow == 0 && !blank {
			for len(indents) > 0 && indents[len(indents)-1] >= indent {
				indents = indents[:len(indents)-1]
			}
			indents = append(indents, indent)
			// "- - x" and "? x" open a level each, at their own column.
			for pos+1 < len(text) && (text[pos] == '-' || text[pos] == '?') && text[pos+1] == ' ' {
				if len(indents) >= limit {
					return lineNo, pos + 1, false
				}
				pos += 2
				for pos < len(text) && text[pos] == ' ' {
					pos++
				}
				indents = append(indents, pos)
			}
			if len(indents) > limit {
				return lineNo, indent + 1, false
			}
		}
		valueStart := true // where a flow collection or a quoted string may begin
		for ; pos < len(text); pos++ {
			c := text[pos]
			if quote != 0 {
				switch {
				case quote == '"' && c == '\\':
					pos++
				case c == quote && quote == '\'' && pos+1 < len(text) && text[pos+1] == '\'':
					pos++
				case c == quote:
					quote = 0
					valueStart = false
				}
				continue
			}
			switch {
			case c == '#' && (pos == 0 || text[pos-1] == ' ' || text[pos-1] == '\t'):
				pos = len(text)
				continue
			case (c == '"' || c == '\'') && (valueStart || flow > 0 && isFlowStart(text, pos)):
				quote = c
				continue
			case (c == '[' || c == '{') && (valueStart || flow > 0):
				flow++
				if len(indents)+flow > limit {
					return lineNo, pos + 1, false
				}
				valueStart = true
				continue
			case (c == ']' || c == '}') && flow > 0:
				flow--
			case flow == 0 && (c == '|' || c == '>') && valueStart && blockScalarHeader(text[pos+1:]):
				scalar = indent
				pos = len(text)
				continue
			case c == ':' && (pos+1 == len(text) || text[pos+1] == ' '):
				valueStart = true
				continue
			case c == ',' && flow > 0:
				valueStart = true
				continue
			case c == ' ' || c == '\t':
				continue
			}
			valueStart = false
		}
	}
	return 0, 0, true
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
