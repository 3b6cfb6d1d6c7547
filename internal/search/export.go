package search

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/kb-legal/kb/internal/site"
)

// The static index, written under ExportOptions.Dir (public/search/):
//
//	meta.kbz     (gzip-compressed JSON) the document count, each page's
//	             kind and number of sections, the documents per chunk,
//	             the shard keys, the stop words, the citation grammar and a
//	             content hash
//	w/N.kbz      shard N of the vocabulary (gzip-compressed JSON): {"w": {surface: term}, "t":
//	             {term: [impacts, Δdocs, ranks]}} for every word whose
//	             longest shard key is keys[N]; surfaces equal to their term
//	             are left out of "w". A term's postings (packPostings) are
//	             its distinct impacts, most frequent first, and two strings
//	             of numbers (postingDigits): the Δdoc of each posting, and
//	             the rank of its impact among the impacts
//	p/N.kbz      the positions of shard N's terms, fetched only for a
//	             phrase: {term: [count, Δpos, …, count, Δpos, …]}, a run per
//	             posting, in the order of the postings; a position is its
//	             field's index (phraseFields) × fieldSpan + the token's
//	             position in that field
//	c/G.kbz      the pinpoints a query may cite and the sections citing
//	             them (citeFile), grouped by unit and number ("art-61" holds
//	             "mica art 61(2)" and "art 61(1) sub2"); fetched only for a
//	             query with a citation, and missing for a group no page has
//	d/N.kbz      chunk N of the documents (in ID order, from N × chunk):
//	             [docFile, …]: {u, a, t, h, k, s, b, o} as gzip-compressed
//	             JSON, fetched only for the hits shown; o, the outline of
//	             a page with sections ([anchor, heading] of each of its
//	             documents), is on the page's first document in the chunk,
//	             so a hit's sections come with its own chunk. The client
//	             decompresses it (DecompressionStream), as Pagefind does
//	             its fragments, so a query's bytes do not depend on whether
//	             the host compresses; the extension is one no host marks
//	             with a Content-Encoding of its own.
//
// A one-word query fetches meta.kbz, one shard and a chunk per hit
// shown. Chunks of ChunkDocs documents keep the file count below one
// per section, while a hit costs the reader a few kilobytes, not a large
// file of other documents.
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
	MaxPostings int    // postings kept per term, the highest impacts; all when zero (counts are then exact)
	ShardBytes  int    // a shard larger than this is split by a longer prefix; 24 KiB when zero
	ChunkDocs   int    // documents are packed into files of this many; 4 when zero
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
	Step     float64     `json:"step"` // an impact v stands for (e^(v·step) − 1) / scale (encodeImpact)
	Kinds    []string    `json:"kinds"`
	PageKind []int       `json:"pageKind"` // per page, in doc order: index into Kinds
	PageDocs []int       `json:"pageDocs"` // per page: its number of consecutive docs
	Chunk    int         `json:"chunk"`    // documents per chunk: d/N.kbz holds docs N×chunk…
	Chunks   []int       `json:"-"`        // per chunk: its first doc
	Keys     []string    `json:"keys"`     // shard keys: w/N.kbz holds keys[N]
	Stop     []string    `json:"stop"`
	Infl     [][2]string `json:"infl"`           // [drop, add]: the word is the term without drop, plus add
	Cite     string      `json:"cite"`           // site.CitationPattern: the grammar of citations in a query
	Pins     bool        `json:"pins,omitempty"` // c/ holds the pinpoints and their citers
}

// citeGroup is the file of a citation key: its unit and number,
// "art-61" for "mica art 61(1) sub2" (see site.Citation.Key).
func citeGroup(key string) string {
	f := strings.Fields(key)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "art" || f[i] == "recital" || f[i] == "para" {
			num, _, _ := strings.Cut(f[i+1], "(")
			return f[i] + "-" + num
		}
	}
	return "other"
}

// citeFile is c/G.kbz: the pinpoints by key, and the postings of the
// sections citing each key.
type citeFile struct {
	Pins  map[string][]json.RawMessage `json:"p"` // key → [[doc, anchor, label, text], …] (pinRow) in doc order
	Cites map[string]json.RawMessage   `json:"t"` // key → [Δdoc, impact, …]
}

// pinRows are the rows of c/G.kbz, from the documents' pass, which meets
// them, to the citations', which writes them once the sections citing
// them are scored: each as its key and its row's JSON, in a spill file
// (or in memory, with none), indexed by a slice without pointers. The
// documents' pinpoints are then released with their text: at 50k pages,
// held through the index phase with a map of every key, they took
// ~220 MB of the heap.
type pinRows struct {
	dir    string // of the file, made at the first row: "" for the system's temp dir
	inFile bool
	f      *os.File
	w      *bufio.Writer
	mem    []byte
	size   int64
	rows   []pinSpan        // in document order
	groups map[string]int32 // citeGroup → its number, in names
	names  []string
	buf    []byte
	err    error
}

// pinSpan is a row in pinRows: uvarint(len(key)), key, row.
type pinSpan struct {
	off   int64
	n     int32
	group int32
}

// newPinRows keeps the rows in a file in dir when inFile ("" for the
// system's temp dir), in memory otherwise.
func newPinRows(dir string, inFile bool) *pinRows {
	return &pinRows{dir: dir, inFile: inFile, groups: map[string]int32{}}
}

// add adds key's row r.
func (p *pinRows) add(key string, r pinRow) {
	if p.inFile && p.f == nil && p.err == nil {
		if p.f, p.err = os.CreateTemp(p.dir, "kb-pins-*"); p.err == nil {
			p.w = bufio.NewWriterSize(p.f, 64<<10)
		}
	}
	if p.err != nil {
		return
	}
	g := citeGroup(key)
	k, ok := p.groups[g]
	if !ok {
		k = int32(len(p.names))
		p.groups[g] = k
		p.names = append(p.names, g)
	}
	rec := r.appendJSON(append(binary.AppendUvarint(p.buf[:0], uint64(len(key))), key...))
	p.buf = rec
	if p.w != nil {
		_, p.err = p.w.Write(rec)
	} else {
		p.mem = append(p.mem, rec...)
	}
	p.rows = append(p.rows, pinSpan{p.size, int32(len(rec)), k})
	p.size += int64(len(rec))
}

// byGroup calls fn with each group's name and its rows (key → rows in
// document order), group by group in the order of their names.
func (p *pinRows) byGroup(fn func(group string, rows map[string][]json.RawMessage) error) error {
	if p.w != nil && p.err == nil {
		p.err = p.w.Flush()
	}
	if p.err != nil {
		return fmt.Errorf("search: spilling pinpoints: %w", p.err)
	}
	slices.SortStableFunc(p.rows, func(a, b pinSpan) int { return cmp.Compare(a.group, b.group) })
	starts := make([]int, len(p.names)+1)
	for _, r := range p.rows {
		starts[r.group+1]++
	}
	for g := range p.names {
		starts[g+1] += starts[g]
	}
	order := make([]int32, len(p.names))
	for g := range order {
		order[g] = int32(g)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(p.names[a], p.names[b]) })
	for _, g := range order {
		spans := p.rows[starts[g]:starts[g+1]]
		size := 0
		for _, r := range spans {
			size += int(r.n)
		}
		data := make([]byte, size) // the group's rows: held by the map
		rows := map[string][]json.RawMessage{}
		at := 0
		for _, r := range spans {
			rec := data[at : at+int(r.n) : at+int(r.n)]
			at += int(r.n)
			if p.f != nil {
				if _, err := p.f.ReadAt(rec, r.off); err != nil {
					return fmt.Errorf("search: reading spilled pinpoints: %w", err)
				}
			} else {
				copy(rec, p.mem[r.off:])
			}
			n, w := binary.Uvarint(rec)
			key := string(rec[w : w+int(n)])
			rows[key] = append(rows[key], json.RawMessage(rec[w+int(n):]))
		}
		if err := fn(p.names[g], rows); err != nil {
			return err
		}
	}
	return nil
}

// close removes the file, if any.
func (p *pinRows) close() {
	if p.f != nil {
		p.f.Close()
		os.Remove(p.f.Name())
		p.f = nil
	}
}

// pinRow is a pinpoint in c/G.kbz: [doc, anchor, label, text].
type pinRow struct {
	doc                 int
	anchor, label, text string
}

// MarshalJSON writes the row as encoding/json writes a []any of its fields.
func (r pinRow) MarshalJSON() ([]byte, error) { return r.appendJSON(nil), nil }

// appendJSON appends the row's JSON (MarshalJSON's) to b.
func (r pinRow) appendJSON(b []byte) []byte {
	b = append(strconv.AppendInt(append(b, '['), int64(r.doc), 10), ',')
	b = append(appendString(b, r.anchor), ',')
	b = append(appendString(b, r.label), ',')
	return append(appendString(b, r.text), ']')
}

// docFile is a document as the client shows it in a hit.
type docFile struct {
	URL     string `json:"u"`
	Anchor  string `json:"a,omitempty"`
	Title   string `json:"t"`           // the page's
	Heading string `json:"h,omitempty"` // the section's, "" for a page's lead
	Kind    string `json:"k"`
	Summary string `json:"s,omitempty"`
	Body    string `json:"b,omitempty"` // clipped to maxText
	// Outline is the anchor and heading of each document of the page, on
	// the page's first document in a chunk, when the page has sections:
	// a hit shows its sections' headings without fetching their chunks.
	Outline [][2]string `json:"o,omitempty"`
}

// appendJSON appends the document as encoding/json writes it: Marshal's
// copy of each document, appended to a chunk grown anew for every chunk,
// made 1.4 GB of garbage at 50k pages.
func (d *docFile) appendJSON(b []byte) []byte {
	field := func(b []byte, key, v string, omitEmpty bool) []byte {
		if omitEmpty && v == "" {
			return b
		}
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		return appendString(append(b, key...), v)
	}
	b = field(append(b, '{'), `"u":`, d.URL, false)
	b = field(b, `"a":`, d.Anchor, true)
	b = field(b, `"t":`, d.Title, false)
	b = field(b, `"h":`, d.Heading, true)
	b = field(b, `"k":`, d.Kind, false)
	b = field(b, `"s":`, d.Summary, true)
	b = field(b, `"b":`, d.Body, true)
	if len(d.Outline) > 0 {
		b = append(b, `,"o":[`...)
		for i, o := range d.Outline {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(appendString(append(appendString(append(b, '['), o[0]), ','), o[1]), ']')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

type shardFile struct {
	Words map[string]string          `json:"w,omitempty"` // word → term, unless the word is the term or an inflection of it
	Infl  map[string]int             `json:"i,omitempty"` // term → bit j set when term's inflection j (meta's infl) is a word
	Terms map[string]json.RawMessage `json:"t"`           // term → [impacts, Δdocs, ranks] (packPostings)
}

// exporter writes the files of one export, compressed, hashing them as
// it goes.
type exporter struct {
	ctx   context.Context
	dir   string
	pack  *packer
	stats ExportStats
}

// emit compresses raw at a level and writes it as name, under the
// export's folder; raw must not change afterwards.
func (e *exporter) emit(name string, raw []byte, level int) error {
	return e.pack.add(e.dir+"/"+name, raw, level)
}

// Export writes the static index of x with write (names are slash paths
// relative to the site root). The output depends only on the indexed
// documents: the same documents give the same bytes. It streams the
// documents from the index, holding one chunk of them at a time.
func (x *Index) Export(ctx context.Context, write func(name string, data []byte) error, opts ExportOptions) (ExportStats, error) {
	adv, err := x.bleve.Advanced()
	if err != nil {
		return ExportStats{}, err
	}
	r, err := adv.Reader()
	if err != nil {
		return ExportStats{}, err
	}
	defer r.Close()
	ids, err := liveIDs(r)
	if err != nil {
		return ExportStats{}, err
	}
	total, err := r.DocCount()
	if err != nil {
		return ExportStats{}, err
	}
	num := make(map[string]int, len(ids))
	for n, id := range ids {
		num[string(id.internal)] = n
	}
	src := &indexSource{r: r, ids: ids, num: num, docCount: float64(total)}
	return export(ctx, x.bleve.Mapping().AnalyzerNamed(analyzerName), src, write, opts)
}

// exportSource is what an export reads: the documents, numbered in ID
// order, and their postings.
type exportSource interface {
	len() int
	doc(n int) (Document, error) // called once per document, in order
	postingSource(ctx context.Context) (postingSource, error)
	// spillDir is where the export may spill what it holds, when inFile.
	spillDir() (dir string, inFile bool)
}

// indexSource reads the documents and postings back from an index.
type indexSource struct {
	r        index.IndexReader
	ids      []docID
	num      map[string]int // document number by internal ID
	docCount float64
}

func (s *indexSource) len() int { return len(s.ids) }

func (s *indexSource) doc(n int) (Document, error) { return storedDoc(s.r, s.ids[n].external) }

func (s *indexSource) postingSource(context.Context) (postingSource, error) { return s, nil }

func (s *indexSource) spillDir() (string, bool) { return "", false }

// withDefaults fills the options left zero.
func (o ExportOptions) withDefaults() ExportOptions {
	if o.Dir == "" {
		o.Dir = "search"
	}
	if o.ShardBytes <= 0 {
		o.ShardBytes = 24 << 10
	}
	if o.ChunkDocs <= 0 {
		o.ChunkDocs = 4
	}
	return o
}

// export writes the static index of src's documents; analyzer is the
// index's text analyzer.
func export(ctx context.Context, analyzer analysis.Analyzer, src exportSource, write func(name string, data []byte) error, opts ExportOptions) (ExportStats, error) {
	opts = opts.withDefaults()
	h := sha256.New()
	e := &exporter{ctx: ctx, dir: opts.Dir, pack: newPacker(ctx, write, h)}
	defer e.pack.close() // when it fails before the end
	m := meta{Version: 7, Scale: Scale, Step: impactStep, Stop: stopWords(analyzer), Infl: inflections(),
		Cite: site.CitationPattern, Chunk: opts.ChunkDocs}
	pins := newPinRows(src.spillDir())
	defer pins.close()
	text, err := e.writeDocs(src, analyzer.(*analysis.DefaultAnalyzer).Tokenizer, &m, pins)
	if err != nil {
		return e.stats, err
	}
	ps, err := src.postingSource(ctx)
	if err != nil {
		return e.stats, err
	}
	if len(pins.rows) > 0 {
		if err := e.writeCites(newScorer(ps, src.len(), []textField{{fieldCites, 1}}, 0), pins); err != nil {
			return e.stats, err
		}
		m.Pins = true
	}
	sc := newScorer(ps, src.len(), textFields(), opts.MaxPostings)
	// The postings are scored twice: here for their sizes, which shape the
	// shards, and shard by shard as they are written, so that they are
	// never all held at once (135 MB on the 10k-page corpus).
	sizes := map[string]int{}
	if err := sc.scoreAll(ctx, func(t string, enc []byte) { sizes[t] = len(enc) }); err != nil {
		return e.stats, err
	}
	words := vocabulary(analyzer, text, sizes)
	shards := shardWords(words, sizes, opts.ShardBytes)
	if err := e.writeShards(sc, shards, words, &m); err != nil {
		return e.stats, err
	}
	e.stats.Shards, e.stats.Words = len(shards), len(words)
	return e.stats, e.writeMeta(write, h, &m)
}

// scoreAll scores every term (see score) and calls keep with the
// postings of each that has any.
func (s *scorer) scoreAll(ctx context.Context, keep func(term string, postings []byte)) error {
	terms, err := s.terms()
	if err != nil {
		return err
	}
	for _, t := range terms {
		if err := ctx.Err(); err != nil {
			return err
		}
		enc, err := s.score(ctx, t)
		if err != nil {
			return err
		}
		if enc != nil {
			keep(t, enc)
		}
	}
	return nil
}

// writeCites writes c/G.kbz: the pinpoints, grouped, and the postings of
// the sections citing them, scored by sc, a group at a time.
func (e *exporter) writeCites(sc *scorer, pins *pinRows) error {
	return pins.byGroup(func(g string, rows map[string][]json.RawMessage) error {
		f := citeFile{Pins: rows, Cites: map[string]json.RawMessage{}}
		for k := range rows {
			c, err := sc.score(e.ctx, k)
			if err != nil {
				return err
			}
			if c != nil {
				f.Cites[k] = c
			}
		}
		data, err := json.Marshal(f)
		if err != nil {
			return err
		}
		return e.emit("c/"+g+".kbz", data, packBest)
	})
}

// writeShards writes each shard's vocabulary and postings (w/N.kbz) and
// positions (p/N.kbz), and the shard keys into m.
func (e *exporter) writeShards(sc *scorer, shards []shard, words map[string]string, m *meta) error {
	var pp postingPacker
	z := newStreamed(packDefault)
	for i, s := range shards {
		m.Keys = append(m.Keys, s.key)
		sf := shardFile{Words: map[string]string{}, Infl: map[string]int{}, Terms: map[string]json.RawMessage{}}
		for _, w := range s.words {
			t := words[w]
			if j := inflectionOf(w, t, m.Infl); j >= 0 {
				sf.Infl[t] |= 1 << j
			} else if w != t {
				sf.Words[w] = t
			}
			sf.Terms[t] = nil
		}
		// The positions follow the scorer's postings; the shard packs them.
		postings := make(map[string][]byte, len(sf.Terms))
		for t := range sf.Terms {
			p, err := sc.score(e.ctx, t)
			if err != nil {
				return err
			}
			postings[t] = p
			sf.Terms[t] = pp.pack(p)
		}
		if err := e.emit(fmt.Sprintf("w/%d.kbz", i), sf.appendJSON(make([]byte, 0, objectSize(sf.Terms)+objectSize(sf.Words)+16*len(sf.Infl)+16)), packDefault); err != nil {
			return err
		}
		// The positions are compressed as they are made, a piece at a time
		// (the output does not depend on how the input is cut, see
		// TestStreamedIsGzipped): the file of the largest shard took 128 MB
		// at 10k pages, held whole until compressed.
		pf := append(z.begin(), '{')
		for j, t := range slices.Sorted(maps.Keys(postings)) {
			if j > 0 {
				pf = append(pf, ',')
			}
			var err error
			if pf, err = sc.appendPositions(e.ctx, append(appendString(pf, t), ':'), t, postings[t], z.flush); err != nil {
				return err
			}
		}
		data, err := z.close(append(pf, '}'))
		if err == nil {
			err = e.pack.addPacked(e.dir+fmt.Sprintf("/p/%d.kbz", i), data)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// appendJSON appends the shard file as encoding/json writes it, without
// its cost of checking and copying every posting (most of a shard's bytes).
func (sf *shardFile) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if len(sf.Words) > 0 {
		b = append(b, `"w":`...)
		b = append(appendObject(b, sf.Words, appendString), ',')
	}
	if len(sf.Infl) > 0 {
		b = append(b, `"i":`...)
		b = append(appendObject(b, sf.Infl, appendInt), ',')
	}
	b = append(b, `"t":`...)
	return append(appendObject(b, sf.Terms, appendRaw), '}')
}

// appendObject appends m as a JSON object, as encoding/json writes a map:
// its keys sorted.
func appendObject[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
	b = append(b, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, k), ':')
		b = value(b, m[k])
	}
	return append(b, '}')
}

// objectSize is about the length of m as a JSON object, for sizing the
// buffer appendObject appends it to: growing by appends made twice the
// garbage of a shard's files.
func objectSize[V ~string | ~[]byte](m map[string]V) int {
	n := 2
	for k, v := range m {
		n += len(k) + len(v) + 4
	}
	return n
}

// appendString appends s as a JSON string, as encoding/json writes it
// (escaping <, > and &, U+2028 and U+2029, and invalid UTF-8 as U+FFFD),
// without its allocation for each string.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

func appendInt(b []byte, v int) []byte { return strconv.AppendInt(b, int64(v), 10) }

func appendRaw(b []byte, v json.RawMessage) []byte { return append(b, v...) }

// writeMeta writes meta.kbz, once every other file is written: it holds
// their hash.
func (e *exporter) writeMeta(write func(name string, data []byte) error, h hash.Hash, m *meta) error {
	packed, err := e.pack.close()
	e.stats.Files, e.stats.Bytes = packed.Files, packed.Bytes
	if err != nil {
		return err
	}
	m.Hash = hex.EncodeToString(h.Sum(nil))[:12]
	data, err := json.Marshal(m)
	if err == nil {
		data, err = gzipped(data, packBest)
	}
	if err == nil {
		err = write(e.dir+"/meta.kbz", data)
	}
	if err != nil {
		return err
	}
	e.stats.Files++
	e.stats.Bytes += int64(len(data))
	return nil
}

// writeDocs writes the document chunks, in ID order, and fills m's pages
// and chunks and the pinpoints. It returns the lowercased words of the
// indexed text (the vocabulary's candidates), which it tokenizes beside
// the reading and encoding of documents.
func (e *exporter) writeDocs(src exportSource, tok analysis.Tokenizer, m *meta, pins *pinRows) (map[string]struct{}, error) {
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
	stopped := false
	defer func() {
		if !stopped {
			close(texts)
			<-words
		}
	}()
	w := docWriter{e: e, m: m, kinds: map[string]int{}}
	var batch []string
	for n := range src.len() {
		if err := e.ctx.Err(); err != nil {
			return nil, err
		}
		d, err := src.doc(n)
		if err != nil {
			return nil, err
		}
		for _, p := range d.Pins {
			pins.add(p.Key, pinRow{n, p.Anchor, p.Label, p.Text})
		}
		if err := w.add(n, d); err != nil {
			return nil, err
		}
		if batch = append(batch, d.Title, d.Heading, d.Cite, d.Summary, d.Body); len(batch) >= 500 {
			texts <- batch
			batch = nil
		}
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	texts <- batch
	close(texts)
	stopped = true
	m.Docs = src.len()
	e.stats.Docs, e.stats.Chunks = m.Docs, len(m.Chunks)
	return <-words, nil
}

// docWriter packs documents into chunks (d/N.kbz) and fills meta's pages.
// It holds a page's documents until the page ends: the first of them in
// each chunk carries the page's outline.
type docWriter struct {
	e     *exporter
	m     *meta
	kinds map[string]int // index in m.Kinds
	page  []docFile      // the documents of the page begun
	first int            // the number of page[0]
	chunk []byte         // the chunk begun, reused from chunk to chunk
}

// add adds document n.
func (w *docWriter) add(n int, d Document) error {
	if len(w.page) > 0 && d.URL != w.page[0].URL {
		if err := w.endPage(); err != nil {
			return err
		}
	}
	if len(w.page) == 0 {
		w.first = n
	}
	w.page = append(w.page, docFile{URL: d.URL, Anchor: d.Anchor, Title: d.Title, Heading: d.Heading, Kind: d.Kind, Summary: d.Summary, Body: clip(d.Body, maxText)})
	return nil
}

// endPage adds the page begun to meta's pages and its documents to the
// chunks.
func (w *docWriter) endPage() error {
	m := w.m
	kind := w.page[0].Kind
	if _, ok := w.kinds[kind]; !ok {
		w.kinds[kind] = len(m.Kinds)
		m.Kinds = append(m.Kinds, kind)
	}
	m.PageKind = append(m.PageKind, w.kinds[kind])
	m.PageDocs = append(m.PageDocs, len(w.page))
	var outline [][2]string
	if len(w.page) > 1 {
		for _, d := range w.page {
			outline = append(outline, [2]string{d.Anchor, d.Heading})
		}
	}
	for i := range w.page {
		n := w.first + i
		d := &w.page[i]
		if i == 0 || n%m.Chunk == 0 {
			d.Outline = outline
		}
		if len(w.chunk) == 0 {
			m.Chunks = append(m.Chunks, n)
			w.chunk = append(w.chunk, '[')
		} else {
			w.chunk = append(w.chunk, ',')
		}
		w.chunk = d.appendJSON(w.chunk)
		if n%m.Chunk == m.Chunk-1 {
			if err := w.writeChunk(); err != nil {
				return err
			}
		}
	}
	w.page = w.page[:0]
	return nil
}

// flush writes the page and the chunk begun, if any.
func (w *docWriter) flush() error {
	if len(w.page) > 0 {
		if err := w.endPage(); err != nil {
			return err
		}
	}
	return w.writeChunk()
}

// writeChunk writes the chunk begun, if any.
func (w *docWriter) writeChunk() error {
	if len(w.chunk) == 0 {
		return nil
	}
	data := append(make([]byte, 0, len(w.chunk)+1), w.chunk...) // the packer's
	data = append(data, ']')
	w.chunk = w.chunk[:0]
	return w.e.emit(fmt.Sprintf("d/%d.kbz", len(w.m.Chunks)-1), data, packBest)
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
		case fieldPinAt:
			d.Pins = append(d.Pins, parsePin(v))
		}
	})
	return d, nil
}
