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

// maxStems bounds the stems a stemCache keeps.
const maxStems = 1 << 17

// stemCache is a Porter stemmer that remembers its stems, for one
// goroutine: a site repeats few words many times, and stemming each
// occurrence again was a fifth of the analysis of a build. Its stems are
// the stemmer's, so the index is the same.
//
// The tokens share its stems, uncopied: it is the analyzer's last filter,
// and nothing changes a term in place after it (a copy per token was
// 370 MB of garbage at 50k pages). A term it returns never lies in the
// text it was given: the stemmer makes a new one.
type stemCache struct {
	porter analysis.TokenFilter
	stems  map[string][]byte
}

func (c *stemCache) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if t.KeyWord { // as the stemmer does
			continue
		}
		if stem, ok := c.stems[string(t.Term)]; ok {
			t.Term = stem
			continue
		}
		word := string(t.Term)
		c.porter.Filter(analysis.TokenStream{t})
		if len(c.stems) < maxStems {
			c.stems[word] = t.Term
		}
	}
	return input
}

// withStemCache returns the legal analyzer a, for one goroutine: with a
// stemCache of its own in place of its Porter stemmer, and an
// asciiTokenizer in place of its Unicode tokenizer; or a itself, if it is
// not made as addLegalAnalyzer makes it.
func withStemCache(a analysis.Analyzer) analysis.Analyzer {
	da, ok := a.(*analysis.DefaultAnalyzer)
	if !ok || len(da.TokenFilters) == 0 {
		return a
	}
	last := len(da.TokenFilters) - 1
	if _, ok := da.TokenFilters[last].(*porter.PorterStemmer); !ok {
		return a
	}
	c := *da
	c.TokenFilters = slices.Clone(da.TokenFilters)
	c.TokenFilters[last] = &stemCache{porter: da.TokenFilters[last], stems: map[string][]byte{}}
	if u, ok := da.Tokenizer.(*unicode.UnicodeTokenizer); ok {
		c.Tokenizer = &asciiTokenizer{unicode: u}
	}
	return &c
}
