package search

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// unicodeWords is what the analyzer's own tokenizer makes of text.
func unicodeWords(t testing.TB, text string) []string {
	a := newMapping().AnalyzerNamed(en.AnalyzerName)
	var out []string
	for _, tok := range a.(*analysis.DefaultAnalyzer).Tokenizer.Tokenize([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

func TestASCIIWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, give string
		want       []string
	}{
		{"words and spaces", "close  links apply", []string{"close", "links", "apply"}},
		{"apostrophe between letters", "the client's firm", []string{"the", "client's", "firm"}},
		{"trailing apostrophe", "clients' rights", []string{"clients", "rights"}},
		{"dotted abbreviation", "e.g. U.S.", []string{"e.g", "U.S"}},
		{"decimal and thousands", "EUR 1,000.50; 3;4", []string{"EUR", "1,000.50", "3;4"}},
		{"colon between letters", "a:b 1:2", []string{"a:b", "1", "2"}},
		{"letters and digits", "MiCA2023 art_61", []string{"MiCA2023", "art_61"}},
		{"punctuation", "(a) [b], c!", []string{"a", "b", "c"}},
		{"hyphen splits", "cross-border", []string{"cross", "border"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var got []string
			asciiWords(tt.give, func(w string) { got = append(got, w) })
			if !slices.Equal(got, tt.want) {
				t.Errorf("asciiWords(%q) = %q, want %q", tt.give, got, tt.want)
			}
			if u := unicodeWords(t, tt.give); !slices.Equal(got, u) {
				t.Errorf("asciiWords(%q) = %q, the Unicode tokenizer %q", tt.give, got, u)
			}
		})
	}
}

// FuzzASCIIWords checks asciiWords against the analyzer's tokenizer on
// any ASCII text.
func FuzzASCIIWords(f *testing.F) {
	for _, s := range []string{"the client's firm", "e.g. 1,000.50", "a:b", "x_1 'q' .5.", "Art. 61(2)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !isASCII(text) {
			return
		}
		var got []string
		asciiWords(text, func(w string) { got = append(got, w) })
		if u := unicodeWords(t, text); !slices.Equal(got, u) {
			t.Errorf("asciiWords(%q) = %q, the Unicode tokenizer %q", text, got, u)
		}
	})
}

// FuzzASCIITokenizer checks asciiTokenizer against the Unicode tokenizer
// on any text: the same tokens, offsets, positions and types.
func FuzzASCIITokenizer(f *testing.F) {
	for _, s := range []string{"the client's firm", "e.g. 1,000.50", "a:b 1_2 _ x_", "Art. 61(2)", "Zürich 3.5", ""} {
		f.Add(s)
	}
	uni := newMapping().AnalyzerNamed(en.AnalyzerName).(*analysis.DefaultAnalyzer).Tokenizer
	f.Fuzz(func(t *testing.T, text string) {
		tok := &asciiTokenizer{unicode: uni}
		for range 2 { // and with its tokens reused
			want, got := uni.Tokenize([]byte(text)), tok.Tokenize([]byte(text))
			if len(got) != len(want) {
				t.Fatalf("%q: %d tokens, want %d", text, len(got), len(want))
			}
			for i := range want {
				if string(got[i].Term) != string(want[i].Term) || got[i].Start != want[i].Start || got[i].End != want[i].End ||
					got[i].Position != want[i].Position || got[i].Type != want[i].Type {
					t.Errorf("%q: token %d is %+v, want %+v", text, i, got[i], want[i])
				}
			}
		}
	})
}
