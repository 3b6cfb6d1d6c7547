package search

import (
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
		fn(text[start:i])
	}
}

func isLetter(c byte) bool   { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isWordByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

func isASCII(s string) bool {
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
