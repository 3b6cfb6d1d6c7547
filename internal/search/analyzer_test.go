package search

import (
	"slices"
	"testing"
)

func TestLegalAnalyzer(t *testing.T) {
	t.Parallel()
	a := newMapping().AnalyzerNamed(analyzerName)
	if a == nil {
		t.Fatal("the mapping has no legal analyzer")
	}
	tests := []struct {
		desc, give string
		want       []string
	}{
		{"kept legal words", "the same type", []string{"same", "type"}},
		{"new", "a new type", []string{"new", "type"}},
		{"own initiative", "at its own exclusive initiative", []string{"own", "exclus", "initi"}},
		{"modal verbs", "shall not, may, must, should", []string{"shall", "not", "mai", "must", "should"}},
		{"negations", "no, nor, any, all, only", []string{"no", "nor", "ani", "all", "onli"}},
		{"time and place", "before after within without under over", []string{"befor", "after", "within", "without", "under", "over"}},
		{"quantities", "more or less, each other such", []string{"more", "less", "each", "other", "such"}},
		{"plain stop words dropped", "it is of the firm", []string{"firm"}},
		{"possessive and stem", "the client's solicitations", []string{"client", "solicit"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := analyze(a, tt.give); !slices.Equal(got, tt.want) {
				t.Errorf("analyze(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
	for _, w := range keptWords() {
		if slices.Contains(legalStopWords(), w) {
			t.Errorf("%q is in the stop list", w)
		}
	}
}

// TestStemCache checks that the legal analyzer with a stem cache gives the
// tokens the analyzer gives, positions and offsets included, from its
// cache as from the stemmer.
func TestStemCache(t *testing.T) {
	t.Parallel()
	legal := newMapping().AnalyzerNamed(analyzerName)
	cached := withStemCache(legal)
	if cached == legal {
		t.Fatal("the legal analyzer has no Porter stemmer to cache")
	}
	texts := []string{ // Unicode, for the Unicode tokenizer, and ASCII, for asciiTokenizer
		"The client's own exclusive initiative: clients initiating, solicitations solicited; Ünïcode words, 61(2) and MiCA.",
		"The client's own exclusive initiative: clients initiating, solicitations solicited; e.g. 1,000.50 and MiCA's Art. 61(2).",
	}
	for round := range 4 { // the stemmer's, then the cache's stems
		text := texts[round%2]
		want, got := legal.Analyze([]byte(text)), cached.Analyze([]byte(text))
		if len(got) != len(want) {
			t.Fatalf("round %d: %d tokens, want %d", round, len(got), len(want))
		}
		for i := range want {
			if string(got[i].Term) != string(want[i].Term) || got[i].Position != want[i].Position ||
				got[i].Start != want[i].Start || got[i].End != want[i].End {
				t.Errorf("round %d: token %d is %+v, want %+v", round, i, got[i], want[i])
			}
		}
	}
}
