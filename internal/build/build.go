// Package build is kb's pipeline: load the content, parse it, resolve every
// reference into the link graph, render pages with the theme, write them,
// and hand the text to the search index.
//
// A build writes nothing until it has succeeded: RunWithIndex stages the
// site and the index in temp dirs beside their final places and swaps them
// in only when there are no problems. Generate does the work for any Sink, so the
// preview server can build into memory.
package build

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/markup"
	"github.com/kb-legal/kb/internal/render"
	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/internal/site"
	"github.com/kb-legal/kb/internal/sitefs"
	"github.com/kb-legal/kb/themes"
)

// Options configure a build.
type Options struct {
	Source  string // the site directory, holding kb.yaml, content/ and themes/
	BaseURL string // overrides kb.yaml's base_url when set
	Drafts  bool   // include pages with draft: true
	Refs    bool   // fill Result.Refs: every page's id, cite key and anchors
	Model   bool   // fill Result.Model, problems or not: the site and every reference, for kb lsp
	// Citations lists every uncited paragraph in Result.Coverage (kb
	// check --citations); the counts are made either way.
	Citations bool
	// Epoch, when not zero, dates files not committed to git in place of
	// their modification time (SOURCE_DATE_EPOCH), for reproducible output.
	Epoch time.Time
	// Today is the day change notes may not be later than and pages'
	// review is due by; zero: the clock's (UTC). Tests and --today set it.
	Today time.Time
	// Stale fills Result.Stale (kb check --stale); Review shows pages
	// due for review a banner (the preview only).
	Stale, Review bool

	Logger *slog.Logger
}

// Result is what a generation produced.
type Result struct {
	Problems diag.List
	// Warnings are problems that do not block publishing: tags that group
	// nothing (site.CheckTags), and those of draft
	// pages a build leaves out.
	Warnings diag.List
	Drafts   []string          // the draft pages' files (content/…), included or not
	Pages    int               // pages rendered from content
	Files    []string          // every file written, sorted
	Docs     []search.Document // the text of every page section, for the search index
	Coverage Coverage          // how much of the prose cites (see coverage)
	Refs     []PageRefs        // with Options.Refs: what a writer can cite, by URL
	// Shallow: the site is a shallow git clone, so pages last changed
	// before its first commit are dated by that commit ("on or before").
	Shallow bool
	// Stale lists the pages due for review, with Options.Stale.
	Stale    diag.List
	Model    *Model // with Options.Model: the site and its references, for an editor
	Duration time.Duration
}

// generation is the state of one build.
type generation struct {
	opts       Options
	fsys       fs.FS // the site directory
	site       *site.Site
	graph      *site.Graph
	related    func() *site.Relatedness // made when first needed
	tags       map[string][]*site.Page
	parsed     map[*site.Page]*parsed
	linker     *linker
	basePath   string
	renderSite *render.Site
	theme      *render.Theme
	md         *markup.Markdown
	seed       maphash.Seed // for textSum
	reuse      reuse        // of earlier builds: fresh, or a Builder's cache
	relinked   *relinked    // what the cache linked again (set by its link)

	updated map[string]lastUpdated // by content file: when it last changed
	review  func() map[string]diag.List
}

// Generate builds the site from fsys (the site directory) into sink. It
// returns every problem found; when there are any, the sink's content is
// incomplete and must not be published.
func Generate(ctx context.Context, fsys fs.FS, opts Options, sink Sink) (*Result, error) {
	return generate(ctx, fsys, opts, sink, fresh{})
}

// generate is Generate, reusing what r kept of earlier builds: nothing
// (fresh), or a Builder's cache.
func generate(ctx context.Context, fsys fs.FS, opts Options, sink Sink, r reuse) (*Result, error) {
	start := time.Now()
	res := &Result{}
	cfg, probs := site.LoadConfig(fsys)
	res.Problems = append(res.Problems, probs...)
	if opts.BaseURL != "" {
		if err := cfg.SetBaseURL(opts.BaseURL); err != nil {
			return nil, fmt.Errorf("base URL: %w", err)
		}
	}

	ld, err := load(ctx, fsys, opts, r, res)
	if err != nil {
		return nil, err
	}
	s, probs := site.New(cfg, withGenerated(ld.kept))
	s.SetDrafts(ld.drafts)
	res.Problems = append(res.Problems, probs...)

	g, probs := newGeneration(opts, s, r, ld.updated)
	g.fsys = fsys
	res.Problems = append(res.Problems, probs...)

	theme, err := r.loadTheme(g, fsys)
	if err != nil {
		res.Problems = append(res.Problems, themeProblem(cfg.Theme, err))
		return res, nil
	}
	g.theme = theme

	if err := g.parse(ctx); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	graph, probs, err := g.linkPages(ctx)
	if err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}
	res.Problems = append(res.Problems, probs...)
	res.Problems = append(res.Problems, g.checkChanges()...)
	g.graph = graph
	g.survey(res)
	res.Problems = res.Problems.Sort()
	if len(res.Problems) > 0 {
		return res, nil
	}

	r.planFor(g)
	if g.lean() {
		g.lighten()
	} else {
		// The documents are made of the linked outlines, before writing
		// releases them.
		res.Docs = g.docs()
	}
	files, err := g.write(ctx, sink)
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	if g.lean() {
		res.Docs = g.docs() // of the sections made as each page was written
	}
	res.Files = files
	res.Pages = len(g.parsed)
	res.Duration = time.Since(start)
	return res, nil
}

// lean reports whether the build holds as little as it can of its pages:
// a one-shot build, for which no cache keeps their syntax trees and no
// editor their model. It keeps their outlines, without the search
// sections, which it makes as it writes each page (see renderContent).
func (g *generation) lean() bool { return !g.reuse.keepsTrees() && !g.opts.Model }

// survey adds to res what the linked site tells of itself: its citation
// coverage, what a writer can cite, and the pages due for review.
func (g *generation) survey(res *Result) {
	if len(res.Problems) == 0 {
		res.Coverage = g.coverage()
	}
	if g.opts.Model {
		res.Model = g.model()
	}
	if g.opts.Refs && len(res.Problems) == 0 {
		res.Refs = g.refs()
	}
	g.related = sync.OnceValue(func() *site.Relatedness { return site.NewRelatedness(g.graph, g.tags) })
	g.review = sync.OnceValue(g.stale)
	if g.opts.Stale {
		for _, probs := range g.review() {
			res.Stale = append(res.Stale, probs...)
		}
		res.Stale = res.Stale.Sort()
	}
}

// newGeneration starts the build of site s after loading; the problems
// are those of the site's menu.
func newGeneration(opts Options, s *site.Site, r reuse, updated map[string]lastUpdated) (*generation, diag.List) {
	cfg := s.Config
	g := &generation{opts: opts, site: s, tags: s.Tags(), parsed: make(map[*site.Page]*parsed, len(s.Pages)), reuse: r, updated: updated,
		basePath: cfg.BasePath(), md: markup.New(markup.Options{RawHTML: cfg.RawHTML}), seed: maphash.MakeSeed()}
	g.linker = &linker{site: s, basePath: g.basePath, reread: g.reread}
	g.renderSite = &render.Site{Title: cfg.Title, Description: cfg.Description, Language: cfg.Language,
		BasePath: g.basePath, Notice: cfg.Notice, Generator: "kb"}
	var probs diag.List
	g.renderSite.Menu, g.renderSite.About, probs = g.navigation()
	g.renderSite.WhatsNew = slices.ContainsFunc(s.Pages, func(p *site.Page) bool { return len(p.Changes) > 0 })
	return g, probs
}

// loaded is what the load stage gives the others: the pages kept, the
// drafts left out, and each content file's last-updated date.
type loaded struct {
	kept, drafts []*site.Page
	updated      map[string]lastUpdated // by content file
}

// load reads, dates and parses the front matter of every content file,
// adding their problems to res.
func load(ctx context.Context, fsys fs.FS, opts Options, r reuse, res *Result) (*loaded, error) {
	srcs, probs := r.readSources(fsys)
	res.Problems = append(res.Problems, probs...)
	log := r.history(ctx, opts.Source)
	res.Shallow = log != nil && log.Shallow
	updated, err := updatedDates(ctx, r, srcs, log, opts.Epoch)
	if err != nil {
		return nil, fmt.Errorf("dates: %w", err)
	}
	pages := make([]*site.Page, len(srcs))
	pageProbs := make([]diag.List, len(srcs))
	if err := parallel(ctx, len(srcs), func(i int) {
		pages[i], pageProbs[i] = r.parsePage(srcs[i])
	}); err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	ld := &loaded{updated: updated}
	for i, p := range pages {
		draft := p != nil && p.Draft || p == nil && looksDraft(srcs[i].Data)
		if draft {
			res.Drafts = append(res.Drafts, contentPath(srcs[i].File))
		}
		switch {
		case draft && !opts.Drafts: // its problems do not block publishing
			res.Warnings = append(res.Warnings, pageProbs[i]...)
			if p != nil {
				ld.drafts = append(ld.drafts, p)
			}
		case p != nil:
			ld.kept = append(ld.kept, p)
			fallthrough
		default:
			res.Problems = append(res.Problems, pageProbs[i]...)
		}
	}
	res.Warnings = append(res.Warnings, site.CheckTags(ld.kept, sourceOf(srcs))...).Sort()
	return ld, nil
}

// sourceOf looks up content files as read, by their path under content/.
func sourceOf(srcs []source) func(file string) []byte {
	byFile := make(map[string][]byte, len(srcs))
	for _, s := range srcs {
		byFile[s.File] = s.Data
	}
	return func(file string) []byte { return byFile[file] }
}

// draftLine finds "draft: true" in front matter that did not parse.
var draftLine = regexp.MustCompile(`(?m)^draft:[ \t]*(true|yes|True)[ \t]*\r?$`)

// looksDraft reports whether a content file whose front matter did not
// parse says it is a draft: its problems then do not block publishing.
func looksDraft(src []byte) bool {
	yml, _, _, _, err := site.Split(src)
	return err == nil && draftLine.Match(yml)
}

// themeProblem reports a theme that did not load: at the file the source
// gate refused, or else at the theme.
func themeProblem(theme string, err error) diag.Problem {
	dir := path.Join("themes", theme)
	var pe *fs.PathError
	if errors.As(err, &pe) && (errors.Is(err, sitefs.ErrOutside) || errors.Is(err, sitefs.ErrNotRegular) || errors.Is(err, sitefs.ErrTooLarge)) {
		return diag.Problem{File: path.Join(dir, pe.Path), Message: "cannot read: " + pe.Err.Error(), Hint: readHint(err, "")}
	}
	return diag.Problem{File: dir, Message: err.Error(), Hint: "fix the template; the default theme's layouts show the expected shape"}
}

// withGenerated adds the pages the build makes — glossary, tag index and
// tag pages, scenario matrix, search — unless content already has a page at
// that address, or names it as its old one (a section of terms that says
// moved_from: [/glossary/] is the glossary), so references and links to
// them resolve like any other.
func withGenerated(pages []*site.Page) []*site.Page {
	taken := map[string]bool{} // of the addresses generated pages would take
	tags := map[string]bool{}
	for _, p := range pages {
		for _, url := range append([]string{p.URL}, p.MovedFrom...) { // a page, or a page's old address
			switch {
			case url == "/glossary/", url == "/matrix/", url == "/search/", url == "/whats-new/", strings.HasPrefix(url, "/tags/"):
				taken[url] = true
			}
		}
		if p.ForWriters() {
			continue // on no tag page
		}
		for _, t := range p.Tags {
			tags[t] = true
		}
	}
	out := slices.Clone(pages)
	add := func(p *site.Page) {
		if !taken[p.URL] {
			out = append(out, p)
		}
	}
	add(site.Generated("glossary", "Glossary", "/glossary/", "glossary"))
	add(site.Generated("tags", "Tags", "/tags/", "tags"))
	add(site.Generated("matrix", "Scenario matrix", "/matrix/", "matrix"))
	add(site.Generated("search", "Search", "/search/", "search"))
	add(site.Generated("whats-new", "What's new", "/whats-new/", "whatsnew"))
	for _, t := range slices.Sorted(maps.Keys(tags)) {
		add(site.Generated("tag-"+t, "Tag: "+t, "/tags/"+t+"/", "tag"))
	}
	return out
}

func (g *generation) loadTheme(fsys fs.FS) (*render.Theme, error) {
	var own fs.FS
	dir := path.Join("themes", g.site.Config.Theme)
	if info, err := fs.Stat(fsys, dir); err == nil && info.IsDir() {
		own, _ = fs.Sub(fsys, dir)
	}
	css, err := markup.HighlightCSS()
	if err != nil {
		return nil, err
	}
	return render.Load(themes.Default(), own, map[string][]byte{"chroma.css": css})
}

// parse parses every content page's body in parallel.
func (g *generation) parse(ctx context.Context) error {
	var terms []markup.Term
	for _, t := range g.site.OfKind("term") {
		terms = append(terms, markup.Term{ID: t.ID, Phrases: append([]string{t.Term}, t.Aliases...)})
	}
	matcher := markup.NewTerms(terms)
	g.reuse.useTerms(terms, g.site.Config.RawHTML)
	var pages []*site.Page
	for _, p := range g.site.Pages {
		if p.File != "" {
			pages = append(pages, p)
		}
	}
	// Without the trees, the texts are made once references resolve (see
	// refresh), or here with references guessed: the parse leaves them
	// out (bare), unless an editor is to see them although references may
	// not resolve (Options.Model).
	bare := g.lean()
	var labels headingLabels
	if bare {
		var err error
		if labels, err = headingLabelsOf(ctx, pages); err != nil {
			return err
		}
	}
	out := make([]*parsed, len(pages))
	err := parallel(ctx, len(pages), func(i int) {
		p := pages[i]
		opts := markup.ParseOptions{SelfID: p.ID, Bare: bare}
		if !p.NoTermLinks {
			opts.Terms = matcher
		}
		pp := g.reuse.parseBody(g.md, p, opts)
		pp.opts = opts
		if bare {
			// Make the texts now, from the tree at hand, with references
			// read as they most likely will: refresh need not parse
			// again when they do.
			g.linker.guess(pp.doc, labels)
			pp.doc.RefreshPreviews() // the sections are made as it is written
			pp.guessed, pp.guess = true, textSum(g.seed, pp.doc)
		}
		if !pp.kept {
			p.Anchors = anchorsOf(pp)
		}
		if !g.reuse.keepsTrees() {
			// Every page's syntax tree at once is most of a full build's
			// memory; it keeps the outline and parses again (cheaply) where
			// it needs the tree (see tree).
			pp.doc = pp.doc.Outline()
		}
		if bare {
			g.letGoOfBody(pp)
		}
		out[i] = pp
	})
	for _, pp := range out {
		if pp != nil {
			g.parsed[pp.page] = pp
		}
	}
	return err
}

// linkPages resolves every page's references and makes the link graph; a
// Builder's cache does only what changed (see relink.go).
func (g *generation) linkPages(ctx context.Context) (*site.Graph, diag.List, error) {
	return g.reuse.link(ctx, g)
}

// linkList resolves the references of the pages in list, refreshes their
// texts and returns their edges, or the problems found resolving.
func (g *generation) linkList(ctx context.Context, list []*parsed) ([][]site.Edge, diag.List, error) {
	probs, err := g.resolvePages(ctx, list)
	if err != nil || len(probs) > 0 {
		return nil, probs, err
	}
	if err := g.refreshPages(ctx, list); err != nil {
		return nil, nil, err
	}
	edges, err := g.edgesOf(ctx, list)
	return edges, nil, err
}

// resolvePages resolves the references and links of pages.
func (g *generation) resolvePages(ctx context.Context, list []*parsed) (diag.List, error) {
	probs := make([]diag.List, len(list))
	err := parallel(ctx, len(list), func(i int) {
		probs[i] = g.linker.resolve(list[i])
	})
	return slices.Concat(probs...), err
}

// refreshPages recomputes the texts of pages whose references are
// resolved, and their anchors, which are made of those texts.
func (g *generation) refreshPages(ctx context.Context, list []*parsed) error {
	errs := make([]error, len(list))
	if err := parallel(ctx, len(list), func(i int) {
		errs[i] = g.reuse.refresh(g, list[i])
		list[i].page.Anchors = anchorsOf(list[i])
	}); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// edgesOf returns the graph edges of pages, once every page's texts are
// final.
func (g *generation) edgesOf(ctx context.Context, list []*parsed) ([][]site.Edge, error) {
	edges := make([][]site.Edge, len(list))
	err := parallel(ctx, len(list), func(i int) {
		edges[i] = g.linker.edges(list[i])
	})
	return edges, err
}

// tree returns pp's document with its syntax tree, holding what linking
// wrote into it. A full build keeps only outlines, so it parses the body
// again: the same source and options give the same references and links,
// in the same order. It parses bare: refresh makes the texts again, and
// rendering reads none, nor the paragraphs (render).
func (g *generation) tree(pp *parsed, render bool) (*markup.Document, error) {
	if pp.doc.Root != nil {
		return pp.doc, nil
	}
	opts := pp.opts
	opts.Bare, opts.Render = true, render
	body := pp.page.Body
	if pp.reread {
		var err error
		if body, err = g.reread(pp); err != nil {
			return nil, err
		}
	}
	doc := g.md.Parse(body, opts)
	resolved := pp.resolved
	if resolved == nil {
		resolved = pp.doc.Resolutions()
	}
	if err := doc.Restore(resolved); err != nil {
		return nil, fmt.Errorf("%s: %w", contentPath(pp.page.File), err)
	}
	for i, lk := range doc.Links {
		if t := pp.linkTargets[i]; t.Page != nil {
			lk.Node.Destination = []byte(g.linker.url(t))
		}
	}
	return doc, nil
}

// letGoOfBody lets go of page pp's body once a lean build has parsed it:
// every page's source held until it is written was a quarter of a large
// site's live heap. Where the build needs the syntax tree again, it reads
// the body anew (see reread).
func (g *generation) letGoOfBody(pp *parsed) {
	pp.bodySum, pp.reread = maphash.Bytes(g.seed, pp.page.Body), true
	pp.page.Body, pp.doc.Source, pp.lines = nil, nil, nil // the outline's too, and the table's
}

// lighten lets go of what a lean build reads no more once its pages are
// linked: of each page's outline, all but its table of contents and what
// linking wrote into its references and citations (pp.resolved), which is
// all writing reads of it (~90 MB at 50k pages when writing begins); the
// targets of its references and citations, of which the graph is made;
// the line tables of pages with problems placed (see linker.problem); and
// where the front matter's keys sit, which only problems point at (~70 MB
// at 50k pages), unless pages due for review are yet to be found (see
// stale).
func (g *generation) lighten() {
	for _, pp := range g.parsed {
		pp.resolved = pp.doc.Resolutions()
		pp.doc = &markup.Document{TOC: pp.doc.TOC}
		pp.lines, pp.refTargets, pp.citeTargets = nil, nil, nil
	}
	if !g.opts.Review {
		for _, p := range g.site.Pages {
			p.Pos = nil
		}
	}
	g.dropPreviews()
}

// dropPreviews lets go of the previews of the places of a lean build's
// pages that nothing reads once they are linked (a quarter of them in
// the benchmark corpus, its commentary's and scenarios' sections):
// writing reads only those of the places scenarios apply (scenarioOf),
// and the search documents those of pinpoints (cite).
func (g *generation) dropPreviews() {
	applied := map[*site.Page]map[string]bool{}
	for _, p := range g.site.Pages {
		for _, a := range p.Applies {
			if t, _, err := g.linker.resolveApplies(a); err == nil {
				if applied[t.Page] == nil {
					applied[t.Page] = map[string]bool{}
				}
				applied[t.Page][t.Anchor] = true
			}
		}
	}
	for _, p := range g.site.Pages {
		for i := range p.Anchors {
			a := &p.Anchors[i]
			if a.Text != "" && !applied[p][a.ID] && len(g.site.PinpointKeys(p, a.ID)) == 0 {
				a.Text = ""
			}
		}
	}
}

// reread reads page pp's body again (see letGoOfBody). It must be the body
// that was linked: a file edited since is an error, and the build can be
// run again.
func (g *generation) reread(pp *parsed) ([]byte, error) {
	file := contentPath(pp.page.File)
	data, err := fs.ReadFile(g.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("reading %s again: %w", file, err)
	}
	_, body, _, _, err := site.Split(data)
	if err != nil || maphash.Bytes(g.seed, body) != pp.bodySum {
		return nil, fmt.Errorf("%s changed during the build; build again", file)
	}
	return body, nil
}

// parsedList returns the parsed pages in URL order.
func (g *generation) parsedList() []*parsed {
	var list []*parsed
	for _, p := range g.site.Pages {
		if pp := g.parsed[p]; pp != nil {
			list = append(list, pp)
		}
	}
	return list
}

// writer collects what a build writes to its sink, and the first error.
type writer struct {
	sink Sink
	bufs sync.Pool // of *bufio.Writer, for stream

	mu    sync.Mutex
	files []string
	err   error
}

// fileCreator is a Sink that can write a file as it is made (stagedDir).
type fileCreator interface {
	Create(name string) (io.WriteCloser, error)
}

// stream writes the file name as write makes it, when the sink can take a
// file so; streamed is false when it cannot, and then nothing is written.
func (w *writer) stream(name string, write func(io.Writer) error) (streamed bool, err error) {
	fc, ok := w.sink.(fileCreator)
	if !ok {
		return false, nil
	}
	f, err := fc.Create(name)
	if err != nil {
		return true, err
	}
	bw, _ := w.bufs.Get().(*bufio.Writer)
	if bw == nil {
		bw = bufio.NewWriterSize(f, 64<<10)
	} else {
		bw.Reset(f)
	}
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	bw.Reset(nil)
	w.bufs.Put(bw)
	w.mu.Lock()
	w.files = append(w.files, name)
	w.mu.Unlock()
	return true, err
}

func (w *writer) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.err = cmpErr(w.err, err)
}

// emit writes one file.
func (w *writer) emit(name string, data []byte) {
	err := w.sink.WriteFile(name, data)
	w.mu.Lock()
	w.files = append(w.files, name)
	w.mu.Unlock()
	if err != nil {
		w.fail(fmt.Errorf("%s: %w", name, err))
	}
}

// write renders every page and writes it, the generated pages and the
// theme's assets to sink. It returns the paths written, sorted.
func (g *generation) write(ctx context.Context, sink Sink) ([]string, error) {
	w := &writer{sink: sink}
	pages := g.site.Pages
	err := parallel(ctx, len(pages), func(i int) {
		if err := g.page(w, pages[i]); err != nil {
			w.fail(err)
		}
	})
	if err != nil {
		return nil, err
	}
	nf, ok := g.reuse.reuseFile("404.html")
	if !ok {
		if nf, err = g.reuse.renderPage(g.theme, "404.html", g.notFound()); err != nil {
			return nil, fmt.Errorf("render 404.html: %w", err)
		}
	}
	w.emit("404.html", nf)
	for _, a := range g.theme.Assets() {
		w.emit(a.Path, a.Data)
	}
	if w.err != nil {
		return nil, w.err
	}
	slices.Sort(w.files)
	published, ok := g.reuse.reusePublished()
	if !ok {
		if published, err = g.publish(w); err != nil {
			return nil, err
		}
		g.reuse.keepPublished(published)
	}
	for name, data := range published {
		w.emit(name, data)
	}
	for name, data := range g.redirects() { // after the sitemap, which lists pages only
		w.emit(name, data)
	}
	if w.err != nil {
		return nil, w.err
	}
	slices.Sort(w.files)
	return w.files, nil
}

// publish writes the files publishFiles makes into the sink's files as
// they are made, as emitPage does, and returns those it made whole
// instead: all of them, for a sink that cannot take a file so or a
// Builder, which keeps them.
func (g *generation) publish(w *writer) (map[string][]byte, error) {
	whole := map[string][]byte{}
	for name, write := range g.publishFiles(w.files) {
		if g.reuse.streams() {
			streamed, err := w.stream(name, write)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if streamed {
				continue
			}
		}
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		whole[name] = b.Bytes()
	}
	return whole, nil
}

// page renders page p, a content page or one the build makes, unless the
// last good build's output can be reused, and writes it.
func (g *generation) page(w *writer, p *site.Page) error {
	name := outputPath(p.URL)
	if p.Layout != "" {
		if out, ok := g.reuse.reuseOutput(p, name, ""); ok {
			w.emit(name, out)
			return nil
		}
		if data := g.generatedPage(p); data != nil {
			return g.emitPage(w, name, data)
		}
	}
	var content string
	pp := g.parsed[p]
	if pp != nil {
		html, ok := g.reuse.reuseBody(g, p, pp)
		if !ok {
			var err error
			if html, err = g.renderContent(p, pp); err != nil {
				return err
			}
		}
		content = html
	}
	if out, ok := g.reuse.reuseOutput(p, name, content); ok {
		w.emit(name, out)
		return nil
	}
	d, deps := g.pageData(p, content)
	g.reuse.recordDeps(p, deps)
	if err := g.emitPage(w, name, d); err != nil {
		return err
	}
	if pp != nil && !g.reuse.keepsTrees() {
		pp.release(!g.opts.Model) // an editor's model holds the pages
	}
	return nil
}

// emitPage renders page data d with the theme and writes it as name:
// into the sink's file as it renders when the sink can take it so and no
// Builder keeps the output, for a page of any size (the scenario matrix
// of a large site is hundreds of MB) need not be held whole.
func (g *generation) emitPage(w *writer, name string, d *render.Page) error {
	if g.reuse.streams() {
		streamed, err := w.stream(name, func(out io.Writer) error { return g.theme.Stream(out, d) })
		if err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		if streamed {
			return nil
		}
	}
	out, err := g.reuse.renderPage(g.theme, name, d)
	if err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.emit(name, out)
	return nil
}

// renderContent renders page p's body, pp.
func (g *generation) renderContent(p *site.Page, pp *parsed) (string, error) {
	doc, err := g.tree(pp, true)
	if err != nil {
		return "", err
	}
	g.fillPins(p, doc)
	if g.lean() && p.Searchable() {
		// Its search sections, which a lean build let go of (see lean),
		// once references resolve.
		doc.MakeSections()
		pp.doc.Sections = doc.Sections
	}
	html, err := g.reuse.renderBody(g.md, pp, doc)
	if err != nil {
		return "", fmt.Errorf("render %s: %w", contentPath(p.File), err)
	}
	return html, nil
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// fillPins gives each place of page p its number, what "copy citation"
// copies, and its number of citers: the rows of its "Cited by" list.
func (g *generation) fillPins(p *site.Page, doc *markup.Document) {
	citers := map[string]int{}
	for _, grp := range g.graph.CitedBy(p) {
		citers[grp.Anchor.ID] = len(grp.Citers)
	}
	scheme := g.site.SchemeOf(p)
	official, _ := g.site.Official(p)
	heading := "" // the last heading, which names a marked paragraph below it
	for _, a := range doc.Anchors {
		if a.Label != "" {
			heading = a.Label
		}
		if a.Pin == nil {
			continue
		}
		pp := scheme.Pinpoint(a.ID)
		a.Pin.Label = pp.Label
		// A place that is no legal pinpoint is copied by page and heading,
		// never by its slug.
		a.Pin.Copy = cmp.Or(pp.Citation, joinNonEmpty(p.Title, heading, " — "))
		a.Pin.URL = g.address(p.URL) + "#" + a.ID
		a.Pin.Ref = "[[" + p.ID + "#" + a.ID + "]]"
		a.Pin.Citers = citers[a.ID]
		if pp.Label != "" {
			a.Pin.Official = official.URL // a numbered place links to its official text
		}
	}
}

func joinNonEmpty(a, b, sep string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + sep + b
}

// outputPath maps a page URL to its file: "/a/b/" → "a/b/index.html".
func outputPath(url string) string {
	return strings.TrimPrefix(url, "/") + "index.html"
}

// docs returns the search documents: one per section of every page.
func (g *generation) docs() []search.Document {
	return g.reuse.searchDocs(g, g.parsedList())
}

// docCount is how many search documents appendDocs makes of page pp, or
// one more when the page has a scenario card that says nothing (see
// hasCard): a bound for making room, which need not make the card.
func (g *generation) docCount(pp *parsed) int {
	if !pp.page.Searchable() {
		return 0
	}
	n := len(pp.doc.Sections)
	if len(pp.doc.Sections) == 0 || pp.doc.Sections[0].Anchor != "" && hasCard(pp.page) {
		n++
	}
	return n
}

// hasLead reports whether a page's search documents begin with a lead, a
// document of the page as a whole: when it has no sections, or its first
// is under a heading and its scenario card needs a document.
func hasLead(sections []markup.Section, card string) bool {
	return len(sections) == 0 || sections[0].Anchor != "" && card != ""
}

// appendDocs appends the search documents of one page, one per section,
// to out.
func (g *generation) appendDocs(out []search.Document, pp *parsed) []search.Document {
	p := pp.page
	if !p.Searchable() {
		return out
	}
	card := g.scenarioText(p)
	first := len(out)
	if hasLead(pp.doc.Sections, card) {
		out = append(out, search.Document{ID: p.URL, URL: p.URL, Title: p.Title, Kind: p.Kind, Tags: p.Tags, Cite: p.Cite, AsOf: p.AsOf, Summary: p.Summary})
	}
	for _, s := range pp.doc.Sections {
		// A section is found by its pinpoint's citation, or else by its
		// page's cite key.
		d := search.Document{ID: p.URL, URL: p.URL, Anchor: s.Anchor, Title: p.Title, Kind: p.Kind, Tags: p.Tags,
			Cite: cmp.Or(g.site.Pinpoint(p, s.Anchor).Citation, p.Cite), AsOf: p.AsOf, Summary: p.Summary, Body: s.Text, Official: s.Official}
		if s.Anchor != "" {
			d.ID += "#" + s.Anchor
			d.Heading = s.Title
		}
		out = append(out, d)
	}
	if card != "" {
		out[first].Body = strings.TrimSpace(card + "\n\n" + out[first].Body)
	}
	return out
}

// withCitations returns a copy of a page's docs with their pinpoints and
// the keys of what they cite, which depend on other pages' cite keys and
// so are not cached with the docs.
func (g *generation) withCitations(p *site.Page, docs []search.Document) []search.Document {
	if len(docs) == 0 {
		return docs
	}
	return g.cite(p, slices.Clone(docs))
}

// cite gives a page's docs, out, their pinpoints and the keys of what
// they cite, in place, and returns out.
func (g *generation) cite(p *site.Page, out []search.Document) []search.Document {
	if len(out) == 0 {
		return out
	}
	defer fitCitations(out)
	at := make(map[string]int, len(out)) // section anchor → doc
	for i, d := range out {
		at[d.Anchor] = i
		out[i].Pins, out[i].Cites = nil, nil
	}
	section := 0
	for _, k := range g.site.PinpointKeys(p, "") {
		out[0].Pins = append(out[0].Pins, search.Pin{Key: k, Label: p.Cite})
	}
	for _, a := range p.Anchors {
		if i, ok := at[a.ID]; ok {
			section = i
		}
		for _, k := range g.site.PinpointKeys(p, a.ID) {
			pp := g.site.Pinpoint(p, a.ID)
			label := pp.Citation
			if p.Kind == "guideline" && pp.Label != "" {
				label = "para. " + pp.Label // the page names the document
			}
			out[section].Pins = append(out[section].Pins, search.Pin{Key: k, Anchor: a.ID, Label: label, Text: clipText(a.Text, 400)})
		}
	}
	if g.graph == nil {
		return out
	}
	for _, e := range g.graph.Out(p) {
		i := at[e.FromAnchor] // 0, the lead, when the section is not indexed
		for anchor := e.ToAnchor; ; anchor = site.ParentAnchor(anchor) {
			out[i].Cites = append(out[i].Cites, g.site.PinpointKeys(e.To, anchor)...)
			if anchor == "" {
				break
			}
		}
	}
	return out
}

// fitCitations copies the docs' lists of pinpoints and cites grown by
// appending to lists of their size: the documents are held until the
// search index is built.
func fitCitations(docs []search.Document) {
	for i := range docs {
		d := &docs[i]
		if len(d.Pins) > 0 && cap(d.Pins) > len(d.Pins) {
			d.Pins = slices.Clone(d.Pins)
		}
		if len(d.Cites) > 0 && cap(d.Cites) > len(d.Cites) {
			d.Cites = slices.Clone(d.Cites)
		}
	}
}

// clipText cuts text to about n bytes at a space.
func clipText(text string, n int) string {
	if len(text) <= n {
		return text
	}
	if sp := strings.LastIndexByte(text[:n], ' '); sp > 0 {
		n = sp
	}
	return text[:n] + "…"
}

// hasCard reports whether page p has a scenario card: its scenarioText
// is not empty, unless the card's only field is rules that do not resolve.
func hasCard(p *site.Page) bool {
	return p.Facts != "" || p.Question != "" || p.Outcome != "" || len(p.Applies) > 0
}

// scenarioText is what a scenario's card says, for search: its facts,
// question and outcome, and the citations of the rules it applies.
func (g *generation) scenarioText(p *site.Page) string {
	if !hasCard(p) {
		return ""
	}
	parts := []string{p.Facts, p.Question}
	if p.Outcome != "" {
		parts = append(parts, "Outcome: "+strings.ReplaceAll(p.Outcome, "-", " ")+".")
	}
	var rules []string
	for _, ref := range p.Applies {
		t, err := g.site.Resolve(ref)
		if err != nil {
			continue // reported by the link check
		}
		if c := g.site.Pinpoint(t.Page, t.Anchor).Citation; c != "" {
			rules = append(rules, c)
		} else {
			rules = append(rules, t.Page.Title)
		}
	}
	if len(rules) > 0 {
		parts = append(parts, "Rules applied: "+strings.Join(rules, "; ")+".")
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "\n\n")
}
