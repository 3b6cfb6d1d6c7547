package search

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	index "github.com/blevesearch/bleve_index_api"
)

// The static index, written under ExportOptions.Dir (public/search/):
//
//	meta.json    the document count, each page's kind and number of
//	             sections, the first document of each chunk, the shard
//	             keys, the stop words and a content hash
//	w/N.kbz      shard N of the vocabulary (gzip-compressed JSON): {"w": {surface: term}, "t":
//	             {term: [Δdoc, impact, Δdoc, impact, …]}} for every word
//	             whose longest shard key is keys[N]; surfaces equal to their
//	             term are left out of "w"
//	d/N.kbz      chunk N of the documents (in ID order, from chunks[N]):
//	             [{url, anchor, title, kind, text}, …] as gzip-compressed
//	             JSON, fetched only for the hits shown. The client
//	             decompresses it (DecompressionStream), as Pagefind does
//	             its fragments, so a query's bytes do not depend on whether
//	             the host compresses; the extension is one no host marks
//	             with a Content-Encoding of its own.
//
// A one-word query fetches meta.json, one shard and the chunks of the
// shown hits. Chunks of about ChunkBytes keep the file count low (a build
// creates a few thousand files, not one per section) while a first query
// still fetches far less than the whole index.
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
	ChunkBytes  int    // documents are packed into files of about this size; 64 KiB when zero
}

// ExportStats describe what Export wrote.
type ExportStats struct {
	Files, Shards, Chunks, Docs, Words int
	Bytes                              int64
}

// Scale is the factor by which impacts are stored as integers.
const Scale = 1000

// maxKeyLen bounds a shard key, in runes.
const maxKeyLen = 6

// maxText bounds the text a document file keeps for snippets, in bytes.
const maxText = 3000

type meta struct {
	Version  int         `json:"v"`
	Hash     string      `json:"hash"`
	Docs     int         `json:"docs"`
	Scale    int         `json:"scale"`
	Kinds    []string    `json:"kinds"`
	PageKind []int       `json:"pageKind"` // per page, in doc order: index into Kinds
	PageDocs []int       `json:"pageDocs"` // per page: its number of consecutive docs
	Chunks   []int       `json:"chunks"`   // per chunk: its first doc; d/N.kbz holds docs chunks[N]…
	Keys     []string    `json:"keys"`     // shard keys: w/N.kbz holds keys[N]
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

// exporter writes the files of one export, hashing them as it goes.
type exporter struct {
	ctx   context.Context
	dir   string
	write func(name string, data []byte) error
	hash  hash.Hash
	stats ExportStats
}

func (e *exporter) emit(name string, data []byte) error {
	if err := e.ctx.Err(); err != nil {
		return err
	}
	e.hash.Write([]byte(name))
	e.hash.Write(data)
	if err := e.write(e.dir+"/"+name, data); err != nil {
		return err
	}
	e.stats.Files++
	e.stats.Bytes += int64(len(data))
	return nil
}

// Export writes the static index of x with write (names are slash paths
// relative to the site root). The output depends only on the indexed
// documents: the same documents give the same bytes. It streams the
// documents from the index, holding one chunk of them at a time.
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
	if opts.ChunkBytes <= 0 {
		opts.ChunkBytes = 64 << 10
	}
	adv, err := x.bleve.Advanced()
	if err != nil {
		return ExportStats{}, err
	}
	r, err := adv.Reader()
	if err != nil {
		return ExportStats{}, err
	}
	defer r.Close()

	e := &exporter{ctx: ctx, dir: opts.Dir, write: write, hash: sha256.New()}
	analyzer := x.bleve.Mapping().AnalyzerNamed(en.AnalyzerName)
	m := meta{Version: 2, Scale: Scale, Stop: stopWords(analyzer), Infl: inflections()}
	num, text, err := e.writeDocs(r, analyzer.(*analysis.DefaultAnalyzer).Tokenizer, &m, opts.ChunkBytes)
	if err != nil {
		return e.stats, err
	}
	postings, err := impacts(ctx, r, num, opts.MaxPostings)
	if err != nil {
		return e.stats, err
	}
	words := vocabulary(analyzer, text, postings)

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
		if err == nil {
			data, err = gzipped(data)
		}
		if err != nil {
			return e.stats, err
		}
		if err := e.emit(fmt.Sprintf("w/%d.kbz", i), data); err != nil {
			return e.stats, err
		}
	}
	m.Hash = hex.EncodeToString(e.hash.Sum(nil))[:12]
	data, err := json.Marshal(m)
	if err != nil {
		return e.stats, err
	}
	if err := e.emit("meta.json", data); err != nil {
		return e.stats, err
	}
	e.stats.Shards, e.stats.Words = len(shards), len(words)
	return e.stats, nil
}

// writeDocs writes the document chunks, in ID order, and fills m's pages
// and chunks. It returns each live document's number by internal ID, and
// the lowercased words of the indexed text (the vocabulary's candidates).
func (e *exporter) writeDocs(r index.IndexReader, tok analysis.Tokenizer, m *meta, chunkBytes int) (map[string]int, map[string]struct{}, error) {
	ids, err := liveIDs(r)
	if err != nil {
		return nil, nil, err
	}
	num := make(map[string]int, len(ids))
	// Tokenizing runs beside the reading and encoding of documents.
	texts := make(chan []string, 4)
	words := make(chan map[string]struct{})
	go func() {
		seen := map[string]struct{}{}
		for batch := range texts {
			for _, text := range batch {
				addWords(seen, tok, text)
			}
		}
		words <- seen
	}()
	var batch []string
	var chunk bytes.Buffer
	kinds := map[string]int{}
	prevURL := ""
	flush := func() error {
		if chunk.Len() == 0 {
			return nil
		}
		chunk.WriteByte(']')
		data, err := gzipped(chunk.Bytes())
		if err != nil {
			return err
		}
		chunk.Reset()
		return e.emit(fmt.Sprintf("d/%d.kbz", len(m.Chunks)-1), data)
	}
	fail := func(err error) (map[string]int, map[string]struct{}, error) {
		close(texts)
		<-words
		return nil, nil, err
	}
	for n, id := range ids {
		if err := e.ctx.Err(); err != nil {
			return fail(err)
		}
		d, err := storedDoc(r, id.external)
		if err != nil {
			return fail(err)
		}
		num[string(id.internal)] = n
		if n == 0 || d.URL != prevURL {
			if _, ok := kinds[d.Kind]; !ok {
				kinds[d.Kind] = len(m.Kinds)
				m.Kinds = append(m.Kinds, d.Kind)
			}
			m.PageKind = append(m.PageKind, kinds[d.Kind])
			m.PageDocs = append(m.PageDocs, 0)
			prevURL = d.URL
		}
		m.PageDocs[len(m.PageDocs)-1]++
		data, err := json.Marshal(docFile{URL: d.URL, Anchor: d.Anchor, Title: displayTitle(d.Title, d.Heading), Kind: d.Kind, Summary: d.Summary, Body: clip(d.Body, maxText)})
		if err != nil {
			return fail(err)
		}
		if chunk.Len() == 0 {
			m.Chunks = append(m.Chunks, n)
			chunk.WriteByte('[')
		} else {
			chunk.WriteByte(',')
		}
		chunk.Write(data)
		if chunk.Len() >= chunkBytes {
			if err := flush(); err != nil {
				return fail(err)
			}
		}
		batch = append(batch, d.Title, d.Heading, d.Cite, d.Summary, d.Body)
		if len(batch) >= 500 {
			texts <- batch
			batch = nil
		}
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	texts <- batch
	close(texts)
	m.Docs = len(ids)
	e.stats.Docs, e.stats.Chunks = len(ids), len(m.Chunks)
	return num, <-words, nil
}

type docID struct {
	internal index.IndexInternalID
	external string
}

// liveIDs returns the index's live documents in ID order.
func liveIDs(r index.IndexReader) ([]docID, error) {
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer all.Close()
	var ids []docID
	for {
		in, err := all.Next()
		if err != nil {
			return nil, err
		}
		if in == nil {
			break
		}
		ext, err := r.ExternalID(in)
		if err != nil {
			return nil, err
		}
		ids = append(ids, docID{slices.Clone(in), ext})
	}
	slices.SortFunc(ids, func(a, b docID) int { return strings.Compare(a.external, b.external) })
	return ids, nil
}

// storedDoc reads a document's stored fields back from the index.
func storedDoc(r index.IndexReader, id string) (Document, error) {
	doc, err := r.Document(id)
	if err != nil {
		return Document{}, err
	}
	if doc == nil {
		return Document{}, fmt.Errorf("search: document %s vanished", id)
	}
	d := Document{ID: id}
	doc.VisitFields(func(f index.Field) {
		v := string(f.Value())
		switch f.Name() {
		case fieldURL:
			d.URL = v
		case fieldAnchor:
			d.Anchor = v
		case fieldTitle:
			d.Title = v
		case fieldHeading:
			d.Heading = v
		case fieldKind:
			d.Kind = v
		case fieldCite:
			d.Cite = v
		case fieldAsOf:
			d.AsOf = v
		case fieldSummary:
			d.Summary = v
		case fieldBody:
			d.Body = v
		case fieldTags:
			d.Tags = append(d.Tags, v)
		}
	})
	return d, nil
}

// storedDocs reads every live document back from the index, in ID order.
func (x *Index) storedDocs(ctx context.Context) ([]Document, error) {
	adv, err := x.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ids, err := liveIDs(r)
	if err != nil {
		return nil, err
	}
	out := make([]Document, 0, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := storedDoc(r, id.external)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// gzipped compresses data deterministically (no name, no time in the header).
func gzipped(data []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
