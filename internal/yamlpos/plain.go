package yamlpos

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// topKey matches a line that starts a top-level field: "key:" then a space
// or the end of the line.
var topKey = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]|$)`)

// plain rewrites a syntax error of the YAML parser in a writer's words,
// placed where the mistake starts rather than where the parser gave up:
// an unclosed quote is found lines later, when the next field cannot be
// read. e's position is in data; columns are counted in characters.
func plain(data []byte, e *Error) *Error {
	lines := strings.Split(string(data), "\n")
	// The mistake most often is a quote or bracket left open by a field
	// at or before the line where the parser stopped.
	if open := unclosed(lines, e.Line); open != nil {
		return open
	}
	msg := e.Message
	switch {
	case strings.Contains(msg, "found character '\\t'") || strings.Contains(msg, "found character '\t'"):
		return &Error{Line: e.Line, Col: e.Col, Message: "a tab character in front matter", Hint: "YAML indents with spaces, never tabs"}
	case strings.HasPrefix(msg, "mapping key ") && strings.Contains(msg, "already defined"):
		key, _, _ := strings.Cut(strings.TrimPrefix(msg, "mapping key "), " already")
		return &Error{Line: e.Line, Col: e.Col, Message: fmt.Sprintf("field %s is given twice", key),
			Hint: "keep one of them"}
	case strings.Contains(msg, "map key-value is pre-defined"):
		return &Error{Line: e.Line, Col: e.Col, Message: "text after the closing quote of a value",
			Hint: `put the whole value inside the quotes; write \" for a quote inside "…"`}
	case strings.Contains(msg, "mapping value is not allowed"):
		return &Error{Line: e.Line, Col: e.Col, Message: `": " inside a value that is not quoted`,
			Hint: `put the value in quotes, e.g. summary: "Article 61: scope"`}
	}
	return e
}

// unclosed finds the first quote, "[" or "{" opened by a field's value on
// a line at or before stop (1-based) and not closed before the next line
// that starts a field.
func unclosed(lines []string, stop int) *Error {
	for i := range min(stop, len(lines)) {
		m := topKey.FindStringSubmatchIndex(lines[i])
		if m == nil {
			continue
		}
		key := lines[i][m[2]:m[3]]
		rest := lines[i][m[1]:]
		value := strings.TrimLeft(rest, " \t")
		if value == "" {
			continue
		}
		col := utf8.RuneCountInString(lines[i][:len(lines[i])-len(value)]) + 1
		end := i + 1 // the value runs until the next top-level field
		for end < len(lines) && !topKey.MatchString(lines[end]) {
			end++
		}
		text := strings.Join(append([]string{value}, lines[i+1:end]...), "\n")
		switch value[0] {
		case '"', '\'':
			if !closedQuote(text) {
				return &Error{Line: i + 1, Col: col, Message: fmt.Sprintf("the quoted value of %s: that starts here is not closed", key),
					Hint: fmt.Sprintf(`end it with %c before the next field`, value[0])}
			}
		case '[', '{':
			closer := map[byte]string{'[': "]", '{': "}"}[value[0]]
			what := map[byte]string{'[': "list", '{': "mapping"}[value[0]]
			if !closedFlow(text) {
				return &Error{Line: i + 1, Col: col, Message: fmt.Sprintf("the %s of %s: that starts here is not closed", what, key),
					Hint: "end it with " + closer + ", e.g. tags: [a, b]"}
			}
		}
	}
	return nil
}

// closedQuote reports whether the quoted scalar at the start of s ends.
func closedQuote(s string) bool {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++ // '' is a quote inside '…'
		case s[i] == q:
			return true
		}
	}
	return false
}

// closedFlow reports whether the flow collection at the start of s ends,
// skipping quoted text.
func closedFlow(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return true
			}
		case '"', '\'':
			j := bytes.IndexByte([]byte(s[i+1:]), c)
			if j < 0 {
				return false
			}
			i += j + 1
		}
	}
	return false
}
