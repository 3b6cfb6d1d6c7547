package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"hash/maphash"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/gitlog"
	"github.com/kb-legal/kb/internal/markup"
	"github.com/kb-legal/kb/internal/render"
	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/internal/site"
)

// Builder rebuilds one site again and again for the preview server, doing
// only the work an edit calls for: files whose bytes did not change are not
// parsed again, pages whose inputs did not change are not rendered again,
// and only output files whose bytes changed are reported. Linking, too,
// redoes only the pages whose references can land differently (see
// relink.go).
//
// Its output always equals Generate's for the same tree, byte for byte.
// A Builder is safe for concurrent use; builds run one at a time.
type Builder struct {
	fsys fs.FS
	opts Options

	mu    sync.Mutex
	cache *cache
	files map[string][]byte // the last good output
}

// Rebuild is the outcome of one Builder.Build.
type Rebuild struct {
	*Result
	// Output is the whole site after the build: the new one when the build
	// succeeded, the last good one when it found problems. Callers must
	// not modify it.
	Output   map[string][]byte
	Changed  []string // output files added or whose bytes changed, sorted
	Removed  []string // output files gone, sorted
	Parsed   int      // page bodies parsed anew
	Rendered int      // pages rendered anew
}

// NewBuilder returns a Builder for the site in fsys.
func NewBuilder(fsys fs.FS, opts Options) *Builder {
	return &Builder{fsys: fsys, opts: opts, cache: newCache(), files: map[string][]byte{}}
}

// Build rebuilds the site. On problems the last good site is kept (and
// returned in Output); on an error, including ctx being cancelled because a
// newer edit superseded this build, nothing is returned but the error and
// the next Build starts from the last good state.
func (b *Builder) Build(ctx context.Context) (*Rebuild, error) {
	return b.build(ctx, allChanged())
}

// BuildChanged is Build for a caller that knows which files changed since
// the last Build (slash paths relative to the site directory, files or
// folders, as package watch reports them): only those content files are
// read again, and the symbolic links among the others whose target
// changed. Build walks every folder, and reads again the files whose size
// or modification time changed.
func (b *Builder) BuildChanged(ctx context.Context, paths []string) (*Rebuild, error) {
	return b.build(ctx, pathsChanged(paths))
}

// build is Build and BuildChanged: changed says which paths changed since
// the last build.
func (b *Builder) build(ctx context.Context, changed edited) (*Rebuild, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cache.begin()
	b.cache.changed = changed
	sink := NewMemSink()
	res, err := generate(ctx, b.fsys, b.opts, sink, b.cache)
	if err != nil {
		return nil, err
	}
	rb := &Rebuild{Result: res, Output: b.files, Parsed: int(b.cache.parsed.Load()), Rendered: int(b.cache.rendered.Load())}
	if len(res.Problems) > 0 {
		return rb, nil
	}
	for name, data := range sink.Files {
		if old, ok := b.files[name]; !ok || !bytes.Equal(old, data) {
			rb.Changed = append(rb.Changed, name)
		}
	}
	for name := range b.files {
		if _, ok := sink.Files[name]; !ok {
			rb.Removed = append(rb.Removed, name)
		}
	}
	slices.Sort(rb.Changed)
	slices.Sort(rb.Removed)
	b.files = sink.Files
	rb.Output = b.files
	b.cache.sweep(sink.Files)
	b.cache.commit(sink.Files)
	return rb, nil
}

// cache is what a Builder keeps between builds: its reuse (see reuse.go),
// where Generate's is fresh, which keeps nothing.
type cache struct {
	seed maphash.Seed
	mu   sync.Mutex // guards the maps written by parallel workers

	loadCache
	parseCache
	linkCache
	renderCache
	citeCache

	seen             map[string]bool // content files read by the current build
	parsed, rendered atomic.Int64
}

// loadCache is what the load stage keeps: the files read, their front
// matter and their dates.
type loadCache struct {
	listing *listing              // the content files last read
	changed edited                // paths changed since the last build
	pages   map[string]cachedPage // by content file
	hist    *gitlog.Log           // the site's git history at its HEAD
	dates   map[string]cachedDate // by content file
}

// parseCache is what the parse stage keeps: each body's document.
type parseCache struct {
	terms  string                // the term list and options the bodies were parsed with
	bodies map[string]cachedBody // by content file
}

// linkCache is what the link stage keeps (see relink.go): the last good
// build's linking, the current build's until it succeeds, the pages
// linked since the last good build, whose documents may hold a newer
// state than it, and the texts refreshed.
type linkCache struct {
	links, nextLinks *linkState
	unsettled        map[string]bool
	texts            map[string]cachedText // by content file
}

// renderCache is what the render stage keeps: the theme, the bodies and
// pages rendered, the search documents, and the last good build for the
// dirty check (see dirty.go).
type renderCache struct {
	themeKey [32]byte
	theme    *render.Theme
	html     map[string]cachedHTML // by content file
	output   map[string]cachedOut  // by output path
	docs     map[string]cachedDocs // by content file

	last      map[string][]byte // the last good build's output
	global    uint64
	states    map[string]*pageState // by URL
	fronts    map[*site.Page]uint64
	published map[string][]byte
	next      *plan // the current build's, until it succeeds
}

type cachedPage struct {
	read  uint64 // the read of the bytes parsed, to skip hashing the very same bytes
	sum   [32]byte
	page  *site.Page
	probs diag.List
}

type cachedBody struct {
	page    *site.Page // the page last parsed or matched
	id      string
	body    []byte
	noTerms bool
	doc     *markup.Document
	line    diag.Lines
}

type cachedHTML struct {
	doc  *markup.Document
	sum  uint64 // of the document's resolved state
	html string
}

type cachedText struct {
	doc *markup.Document
	sum uint64 // of the references' display texts
}

// cachedDocs are a page's search docs, made from the page, its document
// and the state of the document's texts.
type cachedDocs struct {
	page    *site.Page
	doc     *markup.Document
	textSum uint64
	docs    []search.Document
}

type cachedOut struct {
	sum  uint64 // of the page data
	data []byte
}

func newCache() *cache {
	return &cache{seed: maphash.MakeSeed(),
		loadCache:   loadCache{pages: map[string]cachedPage{}, dates: map[string]cachedDate{}},
		parseCache:  parseCache{bodies: map[string]cachedBody{}},
		linkCache:   linkCache{texts: map[string]cachedText{}, unsettled: map[string]bool{}},
		renderCache: renderCache{html: map[string]cachedHTML{}, output: map[string]cachedOut{}, docs: map[string]cachedDocs{}}}
}

// parsePage is site.ParsePage, skipped when the file's bytes are unchanged.
func (c *cache) parsePage(src source) (*site.Page, diag.List) {
	c.mu.Lock()
	c.seen[src.File] = true
	e, ok := c.pages[src.File]
	c.mu.Unlock()
	if ok && e.read == src.read {
		return e.page, e.probs
	}
	sum := sha256.Sum256(src.Data)
	if ok && e.sum == sum {
		return e.page, e.probs
	}
	p, probs := site.ParsePage(src.Source)
	c.mu.Lock()
	c.pages[src.File] = cachedPage{read: src.read, sum: sum, page: p, probs: probs}
	c.mu.Unlock()
	return p, probs
}

// useTerms records the defined terms and options bodies are parsed with;
// when they change, every body is parsed again.
func (c *cache) useTerms(terms []markup.Term, rawHTML bool) {
	var b strings.Builder
	for _, t := range terms {
		b.WriteString(t.ID)
		for _, p := range t.Phrases {
			b.WriteString("\x00" + p)
		}
		b.WriteString("\x01")
	}
	if rawHTML {
		b.WriteString("raw")
	}
	if b.String() != c.terms {
		c.terms = b.String()
		clear(c.bodies)
		clear(c.html)
		clear(c.texts)
	}
}

// parseBody parses a page's Markdown body, reusing the document parsed
// from the same body with the same options. A reused document still holds
// the previous build's resolutions; linking overwrites every one of them.
func (c *cache) parseBody(md *markup.Markdown, p *site.Page, opts markup.ParseOptions) *parsed {
	noTerms := opts.Terms == nil
	c.mu.Lock()
	e, ok := c.bodies[p.File]
	c.mu.Unlock()
	// The same page (same file bytes) needs no comparing of bodies.
	kept := ok && e.noTerms == noTerms && e.page == p
	if !kept && (!ok || e.noTerms != noTerms || e.id != p.ID || !bytes.Equal(e.body, p.Body)) {
		c.parsed.Add(1)
		e = cachedBody{id: p.ID, body: p.Body, noTerms: noTerms, doc: md.Parse(p.Body, opts), line: diag.NewLines(p.Body)}
	}
	e.page = p
	c.mu.Lock()
	c.bodies[p.File] = e
	c.mu.Unlock()
	return &parsed{page: p, doc: e.doc, lines: &e.line, kept: kept}
}

// loadTheme loads the theme again only when its files changed.
func (c *cache) loadTheme(g *generation, fsys fs.FS) (*render.Theme, error) {
	key := themeKey(fsys, path.Join("themes", g.site.Config.Theme))
	if c.theme != nil && key == c.themeKey {
		return c.theme, nil
	}
	t, err := g.loadTheme(fsys)
	if err != nil {
		return nil, err
	}
	c.theme, c.themeKey = t, key
	clear(c.output)
	return t, nil
}

// themeKey hashes the names and bytes of a site's theme directory.
func themeKey(fsys fs.FS, dir string) [32]byte {
	h := sha256.New()
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			h.Write([]byte("!" + p))
			return nil
		}
		h.Write([]byte(p + "\x00"))
		if !d.IsDir() {
			data, _ := fs.ReadFile(fsys, p)
			h.Write(data)
		}
		return nil
	})
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// refresh recomputes a document's texts once its references are
// resolved, unless it was last refreshed with the same reference texts:
// the texts depend on nothing else.
func (c *cache) refresh(_ *generation, pp *parsed) error {
	sum := textSum(c.seed, pp.doc)
	pp.textSum = sum
	c.mu.Lock()
	e, ok := c.texts[pp.page.File]
	c.mu.Unlock()
	if ok && e.doc == pp.doc && e.sum == sum {
		return nil
	}
	pp.doc.RefreshText()
	c.mu.Lock()
	c.texts[pp.page.File] = cachedText{doc: pp.doc, sum: sum}
	c.mu.Unlock()
	return nil
}

// textSum hashes what a document's texts are made of besides its syntax
// tree: how its references and citations read.
func textSum(seed maphash.Seed, doc *markup.Document) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, r := range doc.Refs {
		h.WriteString(r.DisplayText())
		h.WriteByte(0)
	}
	for _, c := range doc.Cites {
		h.WriteString(c.Label()) // how a citation reads in the page's texts
		h.WriteByte(0)
	}
	return h.Sum64()
}

// renderBody renders doc, page pp's document with its syntax tree (see
// generation.tree), reusing the HTML when neither the document nor
// anything linking wrote into it changed.
func (c *cache) renderBody(md *markup.Markdown, pp *parsed, doc *markup.Document) (string, error) {
	sum := c.resolvedSum(pp.doc)
	c.mu.Lock()
	e, ok := c.html[pp.page.File]
	c.mu.Unlock()
	if ok && e.doc == pp.doc && e.sum == sum {
		return e.html, nil
	}
	html, err := md.RenderString(pp.doc)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.html[pp.page.File] = cachedHTML{doc: pp.doc, sum: sum, html: html}
	c.mu.Unlock()
	return html, nil
}

// resolvedSum hashes what linking wrote into a document: every reference's
// resolution, every link's destination and every permalink's citation.
func (c *cache) resolvedSum(doc *markup.Document) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, r := range doc.Refs {
		for _, s := range []string{r.URL, r.Title, r.TargetKind, r.Preview, r.Cite} {
			h.WriteString(s)
			h.WriteByte(0)
		}
	}
	for _, l := range doc.Links {
		h.Write(l.Node.Destination)
		h.WriteByte(0)
	}
	for _, c := range doc.Cites {
		s := c.Source
		for _, f := range [...]string{s.Page, s.Title, s.Short, s.Publisher, s.Author, s.Published, s.Reference, s.Address} {
			h.WriteString(f)
			h.WriteByte(0)
		}
	}
	for _, a := range doc.Anchors {
		if a.Pin != nil {
			for _, s := range [...]string{a.Pin.Label, a.Pin.Copy, a.Pin.URL, a.Pin.Ref, a.Pin.Official} {
				h.WriteString(s)
				h.WriteByte(0)
			}
			h.WriteString(strconv.Itoa(a.Pin.Citers))
			h.WriteByte(0)
		}
	}
	return h.Sum64()
}

// renderPage renders page data with the theme, reusing the previous output
// of the same path when the data is the same.
func (c *cache) renderPage(t *render.Theme, name string, d *render.Page) ([]byte, error) {
	var h maphash.Hash
	h.SetSeed(c.seed)
	content := d.Content
	d.Content = ""
	err := json.NewEncoder(&h).Encode(d)
	d.Content = content
	if err != nil {
		return nil, err
	}
	h.WriteString(string(content))
	sum := h.Sum64()
	c.mu.Lock()
	e, ok := c.output[name]
	c.mu.Unlock()
	if ok && e.sum == sum {
		return e.data, nil
	}
	c.rendered.Add(1)
	out, err := t.RenderBytes(d)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.output[name] = cachedOut{sum: sum, data: out}
	c.mu.Unlock()
	return out, nil
}

// begin starts a build's bookkeeping.
func (c *cache) begin() {
	c.parsed.Store(0)
	c.rendered.Store(0)
	c.seen = map[string]bool{}
	c.next = nil
	c.nextLinks = nil
}

// sweep forgets the files and outputs a successful build no longer has.
func (c *cache) sweep(files map[string][]byte) {
	for name := range c.output {
		if _, ok := files[name]; !ok {
			delete(c.output, name)
		}
	}
	for file := range c.pages {
		if !c.seen[file] {
			delete(c.pages, file)
			delete(c.bodies, file)
			delete(c.html, file)
			delete(c.texts, file)
			delete(c.docs, file)
			delete(c.dates, file)
		}
	}
}
