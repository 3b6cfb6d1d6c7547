package search

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	index "github.com/blevesearch/bleve_index_api"
)

// The static index, written under ExportOptions.Dir (public/search/):
//
//	meta.json    the document count, each page's kind and number of
//	             sections, the shard keys, the stop words and a content hash
//	w/N.json     shard N of the vocabulary: {"w": {surface: term}, "t":
//	             {term: [Δdoc, impact, Δdoc, impact, …]}} for every word
//	             whose longest shard key is keys[N]; surfaces equal to their
//	             term are left out of "w"
//	d/N.json     document N (by ID order): url, anchor, title, kind and text,
//	             fetched only for the hits shown
//
// A one-word query fetches meta.json, one shard and the shown hits.
//
// The vocabulary is the index's own: every word of the indexed text, and
// common inflections of every indexed term, mapped to the term Bleve's
// English analyzer makes of it, so the client needs no stemmer of its own.
// An impact is the score Bleve gives the term's disjunction over the text
// fields (see compile) for that document, less the query norm (the same
// for every document of a query): Σ sqrt(freq)·norm·idf²·boost over the
// fields matched, times matched/len(textFields). It is read from Bleve's
// postings, stored as an integer (×Scale).

// ExportOptions tune the static index.
type ExportOptions struct {
	Dir         string // under the site root; "search" when empty
	MaxPostings int    // postings kept per term, the highest impacts; 500 when zero
	ShardBytes  int    // a shard larger than this is split by a longer prefix; 24 KiB when zero
}

// ExportStats describe what Export wrote.
type ExportStats struct {
	Files, Shards, Docs, Words int
	Bytes                      int64
}

// Scale is the factor by which impacts are stored as integers.
const Scale = 1000

// maxKeyLen bounds a shard key, in runes.
const maxKeyLen = 6

type meta struct {
	Version  int         `json:"v"`
	Hash     string      `json:"hash"`
	Docs     int         `json:"docs"`
	Scale    int         `json:"scale"`
	Kinds    []string    `json:"kinds"`
	PageKind []int       `json:"pageKind"` // per page, in doc order: index into Kinds
	PageDocs []int       `json:"pageDocs"` // per page: its number of consecutive docs
	Keys     []string    `json:"keys"`     // shard keys: w/N.json holds keys[N]
	Stop     []string    `json:"stop"`
	Infl     [][2]string `json:"infl"` // [drop, add]: the word is the term without drop, plus add
}

type docFile struct {
	URL     string `json:"u"`
	Anchor  string `json:"a,omitempty"`
	Title   string `json:"t"`
	Kind    string `json:"k"`
	Summary string `json:"s,omitempty"`
	Body    string `json:"b,omitempty"`
}

type shardFile struct {
	Words map[string]string `json:"w,omitempty"` // word → term, unless the word is the term or an inflection of it
	Infl  map[string]int    `json:"i,omitempty"` // term → bit j set when term's inflection j (meta's infl) is a word
	Terms map[string][]int  `json:"t"`
}

// Export writes the static index of x with write (names are slash paths
// relative to the site root). The output depends only on the indexed
// documents: the same documents give the same bytes.
func (x *Index) Export(ctx context.Context, write func(name string, data []byte) error, opts ExportOptions) (ExportStats, error) {
	if opts.Dir == "" {
		opts.Dir = "search"
	}
	if opts.MaxPostings <= 0 {
		opts.MaxPostings = 500
	}
	if opts.ShardBytes <= 0 {
		opts.ShardBytes = 24 << 10
	}
	docs, err := x.storedDocs(ctx)
	if err != nil {
		return ExportStats{}, err
	}
	num := make(map[string]int, len(docs))
	for i, d := range docs {
		num[d.ID] = i
	}
	postings, err := x.impacts(ctx, num, opts.MaxPostings)
	if err != nil {
		return ExportStats{}, err
	}
	analyzer := x.bleve.Mapping().AnalyzerNamed(en.AnalyzerName)
	words := vocabulary(analyzer, docs, postings)

	files := map[string][]byte{}
	m := meta{Version: 1, Docs: len(docs), Scale: Scale, Stop: stopWords(analyzer), Infl: inflections()}
	kinds := map[string]int{}
	for i, d := range docs {
		if i == 0 || docs[i-1].URL != d.URL {
			if _, ok := kinds[d.Kind]; !ok {
				kinds[d.Kind] = len(m.Kinds)
				m.Kinds = append(m.Kinds, d.Kind)
			}
			m.PageKind = append(m.PageKind, kinds[d.Kind])
			m.PageDocs = append(m.PageDocs, 0)
		}
		m.PageDocs[len(m.PageDocs)-1]++
		data, err := json.Marshal(docFile{URL: d.URL, Anchor: d.Anchor, Title: displayTitle(d.Title, d.Heading), Kind: d.Kind, Summary: d.Summary, Body: clip(d.Body, 3000)})
		if err != nil {
			return ExportStats{}, err
		}
		files[fmt.Sprintf("d/%d.json", i)] = data
	}
	shards := shardWords(words, postings, opts.ShardBytes)
	for i, s := range shards {
		m.Keys = append(m.Keys, s.key)
		sf := shardFile{Words: map[string]string{}, Infl: map[string]int{}, Terms: map[string][]int{}}
		for _, w := range s.words {
			t := words[w]
			if j := inflectionOf(w, t, m.Infl); j >= 0 {
				sf.Infl[t] |= 1 << j
			} else if w != t {
				sf.Words[w] = t
			}
			sf.Terms[t] = postings[t]
		}
		data, err := json.Marshal(sf)
		if err != nil {
			return ExportStats{}, err
		}
		files[fmt.Sprintf("w/%d.json", i)] = data
	}
	m.Hash = hashFiles(files)
	data, err := json.Marshal(m)
	if err != nil {
		return ExportStats{}, err
	}
	files["meta.json"] = data

	st := ExportStats{Shards: len(shards), Docs: len(docs), Words: len(words)}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if err := write(opts.Dir+"/"+name, files[name]); err != nil {
			return st, err
		}
		st.Files++
		st.Bytes += int64(len(files[name]))
	}
	return st, nil
}

func hashFiles(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write(files[n])
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// storedDocs reads every document back from the index, in ID order.
func (x *Index) storedDocs(ctx context.Context) ([]Document, error) {
	var out []Document
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1000, 0, false)
		req.SortBy([]string{"_id"})
		req.Fields = []string{"*"}
		if after != nil {
			req.SearchAfter = after
		}
		res, err := x.bleve.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			d := Document{ID: h.ID, URL: str(h.Fields[fieldURL]), Anchor: str(h.Fields[fieldAnchor]),
				Title: str(h.Fields[fieldTitle]), Heading: str(h.Fields[fieldHeading]), Kind: str(h.Fields[fieldKind]), Cite: str(h.Fields[fieldCite]),
				AsOf: str(h.Fields[fieldAsOf]), Summary: str(h.Fields[fieldSummary]), Body: str(h.Fields[fieldBody])}
			switch t := h.Fields[fieldTags].(type) {
			case string:
				d.Tags = []string{t}
			case []any:
				for _, v := range t {
					d.Tags = append(d.Tags, str(v))
				}
			}
			out = append(out, d)
		}
		if len(res.Hits) < 1000 {
			return out, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// impacts reads the postings of every term of the text fields and returns,
// per term, [Δdoc, impact, …] for its MaxPostings highest-impact docs, in
// doc order.
func (x *Index) impacts(ctx context.Context, num map[string]int, maxPostings int) (map[string][]int, error) {
	adv, err := x.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	total, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	type acc struct {
		sum     float64
		matched int
	}
	byTerm := map[string]map[int]*acc{}
	fields := textFields()
	for _, f := range fields {
		dict, err := r.FieldDict(f.name)
		if err != nil {
			return nil, err
		}
		var terms []*index.DictEntry
		for {
			e, err := dict.Next()
			if err != nil {
				dict.Close()
				return nil, err
			}
			if e == nil {
				break
			}
			terms = append(terms, &index.DictEntry{Term: e.Term, Count: e.Count})
		}
		dict.Close()
		for _, e := range terms {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			tfr, err := r.TermFieldReader(ctx, []byte(e.Term), f.name, true, true, false)
			if err != nil {
				return nil, err
			}
			type hit struct {
				doc  int
				freq uint64
				norm float64
			}
			var hits []hit
			for {
				tfd, err := tfr.Next(nil)
				if err != nil {
					tfr.Close()
					return nil, err
				}
				if tfd == nil {
					break
				}
				id, err := r.ExternalID(tfd.ID)
				if err != nil {
					tfr.Close()
					return nil, err
				}
				if n, ok := num[id]; ok {
					hits = append(hits, hit{n, tfd.Freq, tfd.Norm})
				}
			}
			tfr.Close()
			if len(hits) == 0 {
				continue // only in deleted documents
			}
			// Bleve's idf counts the term's postings; counting the live ones
			// makes an updated index export what a fresh one does.
			idf := 1 + math.Log(float64(total)/float64(len(hits)+1))
			docs := byTerm[e.Term]
			if docs == nil {
				docs = map[int]*acc{}
				byTerm[e.Term] = docs
			}
			for _, h := range hits {
				a := docs[h.doc]
				if a == nil {
					a = &acc{}
					docs[h.doc] = a
				}
				a.sum += math.Sqrt(float64(h.freq)) * h.norm * idf * idf * f.boost
				a.matched++
			}
		}
	}
	out := make(map[string][]int, len(byTerm))
	type posting struct{ doc, impact int }
	for term, docs := range byTerm {
		ps := make([]posting, 0, len(docs))
		for n, a := range docs {
			imp := a.sum * float64(a.matched) / float64(len(fields))
			ps = append(ps, posting{n, max(1, int(math.Round(imp*Scale)))})
		}
		if len(ps) > maxPostings {
			sort.Slice(ps, func(i, j int) bool {
				if ps[i].impact != ps[j].impact {
					return ps[i].impact > ps[j].impact
				}
				return ps[i].doc < ps[j].doc
			})
			ps = ps[:maxPostings]
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].doc < ps[j].doc })
		enc := make([]int, 0, 2*len(ps))
		prev := 0
		for _, p := range ps {
			enc = append(enc, p.doc-prev, p.impact)
			prev = p.doc
		}
		out[term] = enc
	}
	return out, nil
}

// vocabulary maps every word a reader may type to the indexed term the
// analyzer makes of it: the words of the indexed text, and inflections of
// the indexed terms that analyze back to them.
func vocabulary(a analysis.Analyzer, docs []Document, postings map[string][]int) map[string]string {
	words := map[string]string{}
	try := func(w string) {
		if _, ok := words[w]; ok {
			return
		}
		ts := a.Analyze([]byte(w))
		if len(ts) != 1 {
			return
		}
		if t := string(ts[0].Term); postings[t] != nil {
			words[w] = t
		}
	}
	tok := a.(*analysis.DefaultAnalyzer).Tokenizer
	for _, d := range docs {
		for _, text := range []string{d.Title, d.Heading, d.Cite, d.Summary, d.Body} {
			for _, t := range tok.Tokenize([]byte(text)) {
				try(strings.ToLower(string(t.Term)))
			}
		}
	}
	for t := range postings {
		try(t)
		for _, in := range inflections() {
			if stem, ok := strings.CutSuffix(t, in[0]); ok {
				try(stem + in[1])
			}
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
		"ization", "ise", "ised", "ising", "isation", "ation", "ations", "ment", "ments", "ness", "ity", "ive", "e"} {
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
func shardWords(words map[string]string, postings map[string][]int, limit int) []shard {
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
				n += len(t) + 6 + postingsLen(postings[t])
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

func postingsLen(p []int) int {
	var b bytes.Buffer
	for _, v := range p {
		b.WriteString(strconv.Itoa(v))
		b.WriteByte(',')
	}
	return b.Len()
}
