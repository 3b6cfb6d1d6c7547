package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Occur says how a clause takes part in a query.
type Occur int

const (
	Should  Occur = iota // plain: ranks, and at least one should match when nothing is required
	Must                 // +word: required
	MustNot              // -word: excluded
)

// Clause is one part of a query: a word or a phrase, maybe limited to a
// field.
type Clause struct {
	Occur  Occur
	Field  string // "" for every text field; title, heading, cite, summary, body, official, kind or tags
	Text   string // the word or the phrase, unescaped, not yet analyzed
	Phrase bool
	Or     bool // joined to the clause before by OR: either may match
	Col    int  // 1-based byte column of the clause in the query
}

// QueryError is a malformed query, with the column of the problem.
type QueryError struct {
	Col  int
	Msg  string
	Hint string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("query:1:%d: %s (%s)", e.Col, e.Msg, e.Hint)
}

// ParseQuery splits a query into clauses. The grammar is the part of
// Bleve's query-string syntax that a reader types:
//
//	influencer             a word
//	close links            words: all are required, unless no page has all
//	close OR links         either word
//	"close links"          a phrase: the words adjacent, in order
//	+word  -word           required, excluded
//	kind:scenario          a field (title, heading, cite, summary, body, official, kind, tags)
//	+kind:term -"own initiative"
//	\"                     a backslash escapes the next character
//
// A field name the index does not know is read as part of the word. The
// static client (search.js) implements the same grammar.
//
// A query is at most MaxQueryBytes long and holds at most MaxClauses
// clauses: each clause is a Bleve query, and a long query cost seconds of
// CPU and hundreds of MB per request.
func ParseQuery(q string) ([]Clause, error) {
	if len(q) > MaxQueryBytes {
		return nil, &QueryError{Col: MaxQueryBytes + 1, Msg: fmt.Sprintf("query is too long (%d bytes; the limit is %d)", len(q), MaxQueryBytes), Hint: "search for a few words"}
	}
	var out []Clause
	or := false // the last word read was OR
	i := 0
	for i < len(q) {
		r, n := utf8.DecodeRuneInString(q[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		c := Clause{Col: i + 1}
		switch q[i] {
		case '+':
			c.Occur = Must
			i++
		case '-':
			c.Occur = MustNot
			i++
		}
		if f, rest, ok := fieldPrefix(q[i:]); ok {
			c.Field = f
			i += len(q[i:]) - len(rest)
		}
		if i < len(q) && q[i] == '"' {
			text, n, ok := scanPhrase(q[i+1:])
			if !ok {
				return nil, &QueryError{Col: i + 1, Msg: "unterminated phrase", Hint: `close it with a second " or escape it as \"`}
			}
			c.Text, c.Phrase = text, true
			i += 1 + n
		} else {
			text, n := scanWord(q[i:])
			c.Text = text
			i += n
		}
		if strings.TrimSpace(c.Text) == "" {
			continue // a lone "+", "-", "" or "kind:"
		}
		if c.Text == "OR" && !c.Phrase && c.Field == "" && c.Occur == Should {
			or = len(out) > 0 && out[len(out)-1].Occur == Should
			continue
		}
		if len(out) == MaxClauses {
			return nil, &QueryError{Col: c.Col, Msg: fmt.Sprintf("query has too many words (the limit is %d)", MaxClauses), Hint: "search for a few words"}
		}
		c.Or = or && c.Occur == Should
		or = false
		out = append(out, c)
	}
	return out, nil
}

// Query limits: see ParseQuery.
const (
	MaxQueryBytes = 1024
	MaxClauses    = 32
)

// fieldPrefix reports whether s starts with a known field name and a
// colon, returning the field and what follows the colon.
func fieldPrefix(s string) (field, rest string, ok bool) {
	name, after, found := strings.Cut(s, ":")
	if !found || strings.ContainsFunc(name, unicode.IsSpace) {
		return "", s, false
	}
	if !isTextField(name) && !isKeywordField(name) {
		return "", s, false
	}
	return name, after, true
}

// scanPhrase reads up to the closing quote; n counts the quote.
func scanPhrase(s string) (text string, n int, ok bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), i + 1, true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, false
}

// scanWord reads up to the next unescaped space.
func scanWord(s string) (text string, n int) {
	var b strings.Builder
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			break
		}
		if r == '\\' && i+1 < len(s) {
			i++
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String(), i
}
