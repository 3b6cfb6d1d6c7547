package search

import (
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// vocabulary maps every word a reader may type to the indexed term the
// analyzer makes of it: the words of the indexed text (text), and
// inflections of the indexed terms that analyze back to them. The words
// are analyzed in parallel (an analyzer is safe for concurrent use, as
// Bleve's own indexing relies on).
func vocabulary(a analysis.Analyzer, text map[string]struct{}, postings map[string][]byte) map[string]string {
	cands := make(map[string]struct{}, len(text)+len(postings)*4)
	for w := range text {
		cands[w] = struct{}{}
	}
	for t := range postings {
		cands[t] = struct{}{}
		for _, in := range inflections() {
			if stem, ok := strings.CutSuffix(t, in[0]); ok {
				cands[stem+in[1]] = struct{}{}
			}
		}
	}
	all := make([]string, 0, len(cands))
	for w := range cands {
		all = append(all, w)
	}
	workers := runtime.GOMAXPROCS(0)
	parts := make([]map[string]string, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			part := map[string]string{}
			for j := i; j < len(all); j += workers {
				w := all[j]
				ts := a.Analyze([]byte(w))
				if len(ts) != 1 {
					continue
				}
				if t := string(ts[0].Term); postings[t] != nil {
					part[w] = t
				}
			}
			parts[i] = part
		})
	}
	wg.Wait()
	words := make(map[string]string, len(all))
	for _, p := range parts {
		for w, t := range p {
			words[w] = t
		}
	}
	return words
}

// inflections are the endings tried on every indexed term to find the
// words, unseen in the text, that a reader may type for it ("localized"
// for the term "local" of a text that spells it "localised"), as [drop,
// add]: drop the first from the term's end, add the second. A shard
// stores which of them are words as a bit mask per term, far smaller than
// listing the words.
func inflections() [][2]string {
	var out [][2]string
	for _, add := range []string{"s", "es", "ed", "ing", "er", "ers", "ion", "ions", "ly", "al", "ize", "ized", "izing",
		"ization", "ise", "ised", "ising", "isation", "ation", "ations", "ment", "ments", "ness", "ity", "ive", "e",
		"ence", "ent", "ency"} {
		out = append(out, [2]string{"", add})
	}
	return append(out, [2]string{"i", "y"}, [2]string{"i", "ies"})
}

// inflectionOf returns j when word is term's inflection j, else -1.
func inflectionOf(word, term string, infl [][2]string) int {
	for j, in := range infl {
		if stem, ok := strings.CutSuffix(term, in[0]); ok && word == stem+in[1] {
			return j
		}
	}
	return -1
}

// stopWords are the words the analyzer drops, which a query ignores.
func stopWords(a analysis.Analyzer) []string {
	tm := analysis.NewTokenMap()
	_ = tm.LoadBytes(en.EnglishStopWords)
	var out []string
	for w := range tm {
		if len(a.Analyze([]byte(w))) == 0 {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

type shard struct {
	key   string
	words []string
}

// shardWords groups the words by prefix, splitting a group by a longer
// prefix while it is larger than limit bytes. A word belongs to the longest
// key that is a prefix of it.
func shardWords(words map[string]string, postings map[string][]byte, limit int) []shard {
	infl := inflections()
	size := func(ws []string) int {
		n := 0
		seen := map[string]bool{}
		for _, w := range ws {
			t := words[w]
			if w != t && inflectionOf(w, t, infl) < 0 {
				n += len(w) + len(t) + 6
			}
			if !seen[t] {
				seen[t] = true
				n += len(t) + 6 + len(postings[t]) - 1 // the numbers and their commas
			}
		}
		return n
	}
	var out []shard
	var split func(key string, ws []string)
	split = func(key string, ws []string) {
		if size(ws) <= limit || len([]rune(key)) >= maxKeyLen {
			out = append(out, shard{key, ws})
			return
		}
		var stay []string
		groups := map[string][]string{}
		var order []string
		for _, w := range ws {
			rs := []rune(w)
			k := len([]rune(key))
			if len(rs) <= k {
				stay = append(stay, w)
				continue
			}
			child := string(rs[:k+1])
			if groups[child] == nil {
				order = append(order, child)
			}
			groups[child] = append(groups[child], w)
		}
		if len(stay) > 0 {
			out = append(out, shard{key, stay})
		}
		for _, child := range order {
			split(child, groups[child])
		}
	}
	all := make([]string, 0, len(words))
	for w := range words {
		all = append(all, w)
	}
	slices.Sort(all)
	top := map[string][]string{}
	var order []string
	for _, w := range all {
		k := string([]rune(w)[:1])
		if top[k] == nil {
			order = append(order, k)
		}
		top[k] = append(top[k], w)
	}
	for _, k := range order {
		split(k, top[k])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}
