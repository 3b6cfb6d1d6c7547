package search

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// addWords adds the lowercased words of text to seen, as the analyzer's
// tokenizer splits them, allocating only for words not seen before. ASCII
// text, nearly all of it, is split by asciiWords, several times faster than
// the Unicode tokenizer; other text goes to the tokenizer.
func addWords(seen map[string]struct{}, tok analysis.Tokenizer, text string) {
	add := func(w []byte) {
		if isLowerASCII(w) {
			if _, ok := seen[string(w)]; !ok {
				seen[string(w)] = struct{}{}
			}
			return
		}
		seen[strings.ToLower(string(w))] = struct{}{}
	}
	if !isASCII(text) {
		for _, t := range tok.Tokenize([]byte(text)) {
			add(t.Term)
		}
		return
	}
	asciiWords(text, func(w string) { add([]byte(w)) })
}

// asciiWords calls fn with each word of ASCII text as Unicode word
// segmentation (UAX #29, which Bleve's tokenizer follows) finds them:
// runs of letters, digits and "_", joined across one "'", "." or ":"
// between letters, and one "'", ".", "," or ";" between digits.
func asciiWords(text string, fn func(string)) {
	asciiSpans(text, func(start, end int) { fn(text[start:end]) })
}

// asciiSpans calls fn with the start and end of each word of ASCII text
// (see asciiWords).
func asciiSpans[T string | []byte](text T, fn func(start, end int)) {
	i := 0
	for i < len(text) {
		if !isWordByte(text[i]) {
			i++
			continue
		}
		start := i
		for i < len(text) {
			c := text[i]
			if isWordByte(c) {
				i++
				continue
			}
			if i+1 < len(text) && i > start {
				prev, next := text[i-1], text[i+1]
				if isLetter(prev) && isLetter(next) && (c == '\'' || c == '.' || c == ':') ||
					isDigit(prev) && isDigit(next) && (c == '\'' || c == '.' || c == ',' || c == ';') {
					i++
					continue
				}
			}
			break
		}
		fn(start, i)
	}
}

// asciiTokenizer is Bleve's Unicode tokenizer for ASCII text, several
// times faster, and the tokenizer itself for other text: the same tokens
// (terms, offsets and positions). It reuses its tokens from call to call,
// so it serves one goroutine, and an analysis that reads the tokens
// before tokenizing again, as a field's does.
type asciiTokenizer struct {
	unicode analysis.Tokenizer
	tokens  []analysis.Token
	stream  analysis.TokenStream
}

func (t *asciiTokenizer) Tokenize(input []byte) analysis.TokenStream {
	if !isASCII(input) {
		return t.unicode.Tokenize(input)
	}
	t.tokens = t.tokens[:0]
	asciiSpans(input, func(start, end int) {
		typ := analysis.AlphaNumeric
		if w := input[start:end]; slices.ContainsFunc(w, isDigit) && !slices.ContainsFunc(w, isLetter) {
			typ = analysis.Numeric
		}
		t.tokens = append(t.tokens, analysis.Token{Term: input[start:end:end], Start: start, End: end,
			Position: len(t.tokens) + 1, Type: typ})
	})
	t.stream = t.stream[:0]
	for i := range t.tokens {
		t.stream = append(t.stream, &t.tokens[i])
	}
	return t.stream
}

func isLetter(c byte) bool   { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isWordByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

func isASCII[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isLowerASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
