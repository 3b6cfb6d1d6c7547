package search

import (
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// vocabulary maps every word a reader may type to the indexed term the
// analyzer makes of it: the words of the indexed text (text), and
// inflections of the indexed terms (the keys of postings, which holds
// their postings' sizes) that analyze back to them. The words are
// analyzed in parallel (an analyzer is safe for concurrent use, as
// Bleve's own indexing relies on).
func vocabulary(a analysis.Analyzer, text map[string]struct{}, postings map[string]int) map[string]string {
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
				if t := string(ts[0].Term); postings[t] > 0 {
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
func shardWords(words map[string]string, postings map[string]int, limit int) []shard {
	sh := sharder{words: words, postings: postings, limit: limit, infl: inflections()}
	all := slices.Sorted(maps.Keys(words))
	for _, g := range groupByPrefix(all, 0) {
		sh.split(g.key, g.words)
	}
	sort.Slice(sh.out, func(i, j int) bool { return sh.out[i].key < sh.out[j].key })
	return sh.out
}

type sharder struct {
	words    map[string]string
	postings map[string]int // the length of a term's postings as JSON
	limit    int
	infl     [][2]string
	out      []shard
}

// size estimates the bytes of a shard of ws.
func (sh *sharder) size(ws []string) int {
	n := 0
	seen := map[string]bool{}
	for _, w := range ws {
		t := sh.words[w]
		if w != t && inflectionOf(w, t, sh.infl) < 0 {
			n += len(w) + len(t) + 6
		}
		if !seen[t] {
			seen[t] = true
			n += len(t) + 6 + sh.postings[t] - 1 // the numbers and their commas
		}
	}
	return n
}

// split adds the shard of key, holding ws, or, while it is too large,
// the words no longer than key and the shards of longer keys.
func (sh *sharder) split(key string, ws []string) {
	k := utf8.RuneCountInString(key)
	if sh.size(ws) <= sh.limit || k >= maxKeyLen {
		sh.out = append(sh.out, shard{key, ws})
		return
	}
	var stay []string
	for _, w := range ws {
		if utf8.RuneCountInString(w) <= k {
			stay = append(stay, w)
		}
	}
	if len(stay) > 0 {
		sh.out = append(sh.out, shard{key, stay})
	}
	for _, g := range groupByPrefix(ws, k) {
		sh.split(g.key, g.words)
	}
}

// groupByPrefix groups the words longer than k runes by their first k+1
// runes, in the order of their first word.
func groupByPrefix(ws []string, k int) []shard {
	var out []shard
	at := map[string]int{}
	for _, w := range ws {
		rs := []rune(w)
		if len(rs) <= k {
			continue
		}
		key := string(rs[:k+1])
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, shard{key: key})
		}
		out[i].words = append(out[i].words, w)
	}
	return out
}
