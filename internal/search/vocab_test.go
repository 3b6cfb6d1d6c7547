package search

import (
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// TestVocabularyInflections checks that a word a reader may type, unseen in
// the indexed text, reaches the term of a word that is: the static client
// has no stemmer, so without the inflection its query finds nothing where
// kb search finds the page.
func TestVocabularyInflections(t *testing.T) {
	t.Parallel()
	a := mapping.NewIndexMapping().AnalyzerNamed(en.AnalyzerName)
	if a == nil {
		t.Fatal("no English analyzer")
	}
	tests := []struct {
		desc string
		text string // the one word of the indexed text
		give string // the word typed
	}{
		{desc: "-ence typed, -ent indexed", text: "convergent", give: "convergence"},
		{desc: "-ency typed, -ent indexed", text: "dependent", give: "dependency"},
		{desc: "-ent typed, -ence indexed", text: "insolvence", give: "insolvent"},
		{desc: "plural typed, singular indexed", text: "influencer", give: "influencers"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			ts := a.Analyze([]byte(tt.text))
			if len(ts) != 1 {
				t.Fatalf("%q analyzes to %d terms", tt.text, len(ts))
			}
			term := string(ts[0].Term)
			words := vocabulary(a, map[string]struct{}{tt.text: {}}, map[string]int{term: len("[0,1]")})
			if got := words[tt.give]; got != term {
				t.Errorf("vocabulary maps %q to %q, want %q (the term of %q)", tt.give, got, term, tt.text)
			}
		})
	}
}
