package search

import (
	"slices"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
)

// analyzerName is kb's one analyzer of legal text. It is declared in the
// index mapping (addLegalAnalyzer), so an index carries its definition:
// `kb search` and the static export, which reads its vocabulary through
// the same mapping, analyse text exactly as the index did.
const analyzerName = "kb_legal"

const legalStopName = "kb_legal_stop"

// keptWords are English stop words that carry legal meaning: "same type"
// is not "new type", "own initiative" is not "initiative", "shall" is not
// "may". The analyzer keeps them.
func keptWords() []string {
	return []string{
		"same", "own", "new", "not", "no", "nor", "any", "all", "only", "other", "each", "such",
		"before", "after", "within", "without", "under", "over", "more", "less", "must", "may", "shall", "should",
		"against", "between", "during", "until", "above", "below", "both", "some", "few", "most", "again",
	}
}

// legalStopWords is the snowball English stop list (Bleve's en analyzer's)
// less keptWords, sorted.
func legalStopWords() []string {
	tm := analysis.NewTokenMap()
	_ = tm.LoadBytes(en.EnglishStopWords) // a constant list: it parses
	for _, w := range keptWords() {
		delete(tm, w)
	}
	out := make([]string, 0, len(tm))
	for w := range tm {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// addLegalAnalyzer declares the analyzer in m: Unicode words, English
// possessives stripped, lower case, legalStopWords dropped, Porter stems,
// as Bleve's en analyzer but for the stop list.
func addLegalAnalyzer(m *mapping.IndexMappingImpl) {
	words := legalStopWords()
	tokens := make([]any, len(words))
	for i, w := range words {
		tokens[i] = w
	}
	must(m.AddCustomTokenMap(legalStopName, map[string]any{"type": tokenmap.Name, "tokens": tokens}))
	must(m.AddCustomTokenFilter(legalStopName, map[string]any{"type": stop.Name, "stop_token_map": legalStopName}))
	must(m.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{en.PossessiveName, lowercase.Name, legalStopName, porter.Name},
	}))
}

// must panics on an error in a definition that is constant: a test runs it.
func must(err error) {
	if err != nil {
		panic("search: analyzer definition: " + err.Error())
	}
}
