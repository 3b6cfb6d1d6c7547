package build

import (
	"context"
	"io/fs"
	"slices"
	"time"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/gitlog"
	"github.com/kb-legal/kb/internal/markup"
	"github.com/kb-legal/kb/internal/render"
	"github.com/kb-legal/kb/internal/search"
	"github.com/kb-legal/kb/internal/site"
)

// reuse is what a build takes over from earlier builds of the same site,
// stage by stage: nothing for a one-shot build (fresh), what the last
// builds left for a Builder (its cache). Either way the output is the
// same, byte for byte.
type reuse interface {
	loading
	parsing
	linking
	rendering
}

// loading reads the content files and dates them.
type loading interface {
	readSources(fsys fs.FS) ([]source, diag.List)
	history(ctx context.Context, dir string) *gitlog.Log
	updatedOf(src source, log *gitlog.Log, epoch time.Time) lastUpdated
	parsePage(src source) (*site.Page, diag.List)
}

// parsing parses page bodies with the site's terms.
type parsing interface {
	useTerms(terms []markup.Term, rawHTML bool)
	parseBody(md *markup.Markdown, p *site.Page, opts markup.ParseOptions) *parsed
	// keepsTrees reports whether parsed documents keep their syntax
	// trees; without, a build parses a body again where it needs its tree
	// (see generation.tree), which holds a large site's memory down.
	keepsTrees() bool
}

// linking resolves references into the link graph and refreshes the
// texts made of them.
type linking interface {
	link(ctx context.Context, g *generation) (*site.Graph, diag.List, error)
	refresh(g *generation, pp *parsed) error
}

// rendering renders pages and makes their search documents, reusing the
// last good build's output of a page whose data did not change.
type rendering interface {
	loadTheme(g *generation, fsys fs.FS) (*render.Theme, error)
	planFor(g *generation)
	reuseBody(g *generation, p *site.Page, pp *parsed) (string, bool)
	reuseOutput(p *site.Page, name, content string) ([]byte, bool)
	recordDeps(p *site.Page, deps []string)
	reuseFile(name string) ([]byte, bool)
	reusePublished() (map[string][]byte, bool)
	keepPublished(files map[string][]byte)
	renderBody(md *markup.Markdown, pp *parsed, doc *markup.Document) (string, error)
	renderPage(t *render.Theme, name string, d *render.Page) ([]byte, error)
	// streams reports whether pages may be written to the sink as they
	// render, kept nowhere: a Builder keeps every page's output.
	streams() bool
	// searchDocs returns the search documents of the pages of list, in order,
	// with their pinpoints and the keys of what they cite (see
	// generation.cite).
	searchDocs(g *generation, list []*parsed) []search.Document
}

var (
	_ reuse = fresh{}
	_ reuse = (*cache)(nil)
)

// fresh is a one-shot build's reuse: none.
type fresh struct{}

func (fresh) parsePage(src source) (*site.Page, diag.List) { return site.ParsePage(src.Source) }
func (fresh) useTerms([]markup.Term, bool)                 {}
func (fresh) keepsTrees() bool                             { return false }

func (fresh) parseBody(md *markup.Markdown, p *site.Page, opts markup.ParseOptions) *parsed {
	lines := diag.NewLines(p.Body)
	return &parsed{page: p, doc: md.Parse(p.Body, opts), lines: &lines}
}

// link resolves every page's references and makes the graph.
func (fresh) link(ctx context.Context, g *generation) (*site.Graph, diag.List, error) {
	edges, probs, err := g.linkList(ctx, g.parsedList())
	if err != nil || len(probs) > 0 {
		return nil, probs, err
	}
	return site.NewGraph(slices.Concat(edges...)), nil, nil
}

// refresh recomputes a page's texts from its syntax tree, parsed again,
// and keeps the outline; unless the parse made them with references that
// read as they do resolved: the texts depend on nothing else.
func (fresh) refresh(g *generation, pp *parsed) error {
	if pp.guessed && textSum(g.seed, pp.doc) == pp.guess {
		return nil
	}
	doc, err := g.tree(pp, false)
	if err != nil {
		return err
	}
	if g.lean() {
		doc.RefreshPreviews() // the sections are made as it is written
	} else {
		doc.RefreshText()
	}
	pp.doc = doc.Outline()
	if g.lean() {
		pp.doc.Source = nil // read again as it is written
	}
	return nil
}

func (fresh) loadTheme(g *generation, fsys fs.FS) (*render.Theme, error) { return g.loadTheme(fsys) }
func (fresh) planFor(*generation)                                        {}
func (fresh) reuseBody(*generation, *site.Page, *parsed) (string, bool)  { return "", false }
func (fresh) reuseOutput(*site.Page, string, string) ([]byte, bool)      { return nil, false }
func (fresh) recordDeps(*site.Page, []string)                            {}
func (fresh) reuseFile(string) ([]byte, bool)                            { return nil, false }
func (fresh) reusePublished() (map[string][]byte, bool)                  { return nil, false }
func (fresh) keepPublished(map[string][]byte)                            {}

// searchDocs makes the documents for this build alone, into one list: a list
// per page beside it, concatenated, was ~100 MB more at 50k pages. A
// lean build lets go of each page's sections once its documents hold
// their texts.
func (fresh) searchDocs(g *generation, list []*parsed) []search.Document {
	n := 0
	for _, pp := range list {
		n += g.docCount(pp)
	}
	out := make([]search.Document, 0, n)
	for _, pp := range list {
		at := len(out)
		out = g.appendDocs(out, pp)
		g.cite(pp.page, out[at:])
		if g.lean() {
			pp.doc.Sections = nil
		}
	}
	return out
}

func (fresh) renderBody(md *markup.Markdown, _ *parsed, doc *markup.Document) (string, error) {
	return md.RenderString(doc)
}

func (fresh) renderPage(t *render.Theme, _ string, d *render.Page) ([]byte, error) {
	return t.RenderBytes(d)
}

func (fresh) streams() bool { return true }

// The cache's plan of what to render again (see dirty.go), made by
// planFor for the current build.

func (c *cache) keepsTrees() bool { return true }
func (c *cache) streams() bool    { return false }

func (c *cache) reuseBody(g *generation, p *site.Page, pp *parsed) (string, bool) {
	return c.next.body(c, g.relinked, p, pp)
}

func (c *cache) reuseOutput(p *site.Page, name, content string) ([]byte, bool) {
	return c.next.reuse(c, p, name, content)
}

func (c *cache) recordDeps(p *site.Page, deps []string)    { c.next.rendered(p, deps) }
func (c *cache) reuseFile(name string) ([]byte, bool)      { return c.next.reuseFile(c, name) }
func (c *cache) reusePublished() (map[string][]byte, bool) { return c.next.reusePublished(c) }
func (c *cache) keepPublished(files map[string][]byte)     { c.next.keepPublished(files) }

// searchDocs returns the search documents, each page's reused from the last
// build when neither the page nor its document's texts changed.
func (c *cache) searchDocs(g *generation, list []*parsed) []search.Document {
	each := make([][]search.Document, len(list))
	for i, pp := range list {
		each[i] = c.docsOf(pp, func() []search.Document { return g.appendDocs(make([]search.Document, 0, g.docCount(pp)), pp) })
	}
	c.addCitations(g, list, each)
	return slices.Concat(each...)
}

// docsOf returns a page's search documents from the last build when
// neither the page nor its document's texts changed.
func (c *cache) docsOf(pp *parsed, make func() []search.Document) []search.Document {
	p := pp.page
	if e, ok := c.docs[p.File]; ok && e.page == p && e.doc == pp.doc && e.textSum == pp.textSum {
		return e.docs
	}
	docs := make()
	c.docs[p.File] = cachedDocs{page: p, doc: pp.doc, textSum: pp.textSum, docs: docs}
	return docs
}
