package build

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/markup"
	"github.com/kb-legal/kb/internal/site"
)

// parsed is a page's parsed body.
type parsed struct {
	page  *site.Page
	doc   *markup.Document // an outline, without its syntax tree, in a full build
	opts  markup.ParseOptions
	lines *diag.Lines // nil once a lean build let go of the body (see letGoOfBody)
	// kept is set when the page and its document are those of the last
	// parse, whose anchors the page still holds.
	kept bool

	// resolved is what linking wrote into doc's references and citations,
	// once a lean build let go of them (see generation.lighten).
	resolved *markup.Resolutions

	refTargets  []site.Target // per doc.Refs; zero where unresolved
	linkTargets []site.Target // per doc.Links; zero where external or unresolved
	citeTargets []site.Target // per doc.Cites: the source; zero where unknown

	// textSum identifies, with doc, the state of the document's texts
	// (see cache.refresh); 0 outside a Builder.
	textSum uint64
	// guessed is set when a full build made the texts at parsing, with
	// references read as guessed, whose textSum is guess (see fresh.refresh).
	guessed bool
	guess   uint64
	// reread is set when a full build let go of the page's body once
	// linked: writing reads it again, and checks it by bodySum (see
	// generation.lighten).
	reread  bool
	bodySum uint64
}

// release lets go of the page's syntax tree once it is written, keeping
// the search sections: a full build holds every page's tree otherwise,
// until the end. Only a build without a cache does it; a Builder reuses
// the trees. With body, it lets go of the page's source too (a tenth of a
// large site's memory), which nothing reads once the page is written.
func (p *parsed) release(body bool) {
	p.doc = &markup.Document{Sections: p.doc.Sections}
	p.resolved, p.refTargets, p.linkTargets, p.citeTargets = nil, nil, nil, nil
	p.lines = nil
	if body {
		p.page.Body = nil
	}
}

// problem places a problem at byte offset off of page pp's body. A lean
// build, which let go of the body and its line table, reads the body
// again: only pages with problems need it.
func (l *linker) problem(pp *parsed, off int, msg, hint string) diag.Problem {
	prob := diag.Problem{File: contentPath(pp.page.File), Line: pp.page.BodyLine, Col: 1, Message: msg, Hint: hint}
	if pp.lines == nil {
		body, err := l.reread(pp)
		if err != nil {
			prob.Message += " (" + err.Error() + ")" // at the body's first line
			return prob
		}
		lines := diag.NewLines(body)
		pp.lines = &lines
	}
	line, col := pp.lines.Pos(off)
	prob.Line, prob.Col = line+pp.page.BodyLine-1, col
	return prob
}

// anchorsOf turns a document's anchors into the page's, with citation
// labels. A lean build let go of the page's line table once parsed (see
// letGoOfBody): the anchors made again of the same body are on the lines
// the page's are.
func anchorsOf(pp *parsed) []site.Anchor {
	out := make([]site.Anchor, len(pp.doc.Anchors))
	for i, a := range pp.doc.Anchors {
		out[i] = site.Anchor{ID: a.ID, Label: a.Label, Text: a.Text}
		if pp.lines != nil {
			line, _ := pp.lines.Pos(a.Offset)
			out[i].Line = line + pp.page.BodyLine - 1
		} else {
			out[i].Line = pp.page.Anchors[i].Line
		}
	}
	return out
}

// linker resolves references against the site and collects the link graph.
type linker struct {
	site     *site.Site
	basePath string
	reread   func(*parsed) ([]byte, error) // a body let go of (see problem)
}

// resolve resolves every reference and link of one page, filling in their
// URLs and titles, and returns the targets (for edges and previews, once all
// texts are final) and the problems found. It only writes to pp's document.
func (l *linker) resolve(pp *parsed) diag.List {
	probs := l.resolveRefs(pp)
	probs = append(probs, l.resolveLinks(pp)...)
	probs = append(probs, l.resolveCites(pp)...)
	probs = append(probs, l.checkApplies(pp.page)...)
	for _, p := range pp.doc.Problems {
		probs = append(probs, l.problem(pp, p.Offset, p.Message, p.Hint))
	}
	return probs
}

// resolveRefs resolves the page's [[references]] (terms included).
func (l *linker) resolveRefs(pp *parsed) diag.List {
	var probs diag.List
	pp.refTargets = make([]site.Target, len(pp.doc.Refs))
	for i, r := range pp.doc.Refs {
		t, err := l.site.Resolve(r.Target)
		if err != nil {
			r.Resolved = markup.Resolved{}
			if !r.Term { // a missing term page is the term's problem, not this page's
				probs = append(probs, l.problem(pp, r.Offset, err.Error(), hintOf(err)))
			}
			continue
		}
		pp.refTargets[i] = t
		r.Resolved = l.describe(t)
	}
	return probs
}

// resolveLinks resolves the page's Markdown links, rewriting those to
// other pages to their published address.
func (l *linker) resolveLinks(pp *parsed) diag.List {
	var probs diag.List
	pp.linkTargets = make([]site.Target, len(pp.doc.Links))
	for i, lk := range pp.doc.Links {
		if lk.Node != nil { // nil in an outline, which tree rewrites from linkTargets
			lk.Node.Destination = []byte(lk.Dest) // undo an earlier build's rewrite of a cached document
		}
		t, kind, err := l.site.ResolveLink(pp.page, lk.Dest)
		if err != nil {
			probs = append(probs, l.problem(pp, lk.Offset, err.Error(), hintOf(err)))
			continue
		}
		if kind == site.LinkPage {
			pp.linkTargets[i] = t
			if lk.Node != nil {
				lk.Node.Destination = []byte(l.url(t))
			}
		}
	}
	return probs
}

// resolveCites resolves the page's source citations; a citation of the
// page's official source links the page's own part of it, if named.
func (l *linker) resolveCites(pp *parsed) diag.List {
	var probs diag.List
	pp.citeTargets = make([]site.Target, len(pp.doc.Cites))
	official := l.site.OfficialSource(pp.page)
	for i, c := range pp.doc.Cites {
		src, err := l.site.Source(c.SourceID)
		if err != nil {
			c.Source = markup.CitedSource{}
			probs = append(probs, l.problem(pp, c.Offset, err.Error(), hintOf(err)))
			continue
		}
		pp.citeTargets[i] = site.Target{Page: src}
		c.Source = l.citedSource(src)
		if src == official {
			c.Source.Address = cmp.Or(pp.page.Official.URL, src.Address)
		}
	}
	return probs
}

// checkApplies reports the entries of a scenario's "applies" that do
// not resolve, at the field.
func (l *linker) checkApplies(p *site.Page) diag.List {
	var probs diag.List
	for _, a := range p.Applies {
		if _, _, err := l.resolveApplies(a); err != nil {
			line, col := p.Pos.At("applies")
			probs = append(probs, diag.Problem{File: contentPath(p.File), Line: line, Col: col, Message: "applies: " + err.Error(), Hint: hintOf(err)})
		}
	}
	return probs
}

// edges sets the previews of a page's resolved references and returns the
// graph edges they make. Call it once every page's texts are final.
//
// A writers' page makes no edges: readers' pages neither list it among
// their citers nor rank it among their related pages.
func (l *linker) edges(pp *parsed) []site.Edge {
	var edges []site.Edge
	for i, r := range pp.doc.Refs {
		t := pp.refTargets[i]
		if t.Page == nil {
			continue
		}
		r.Preview = l.describe(t).Preview
		if !r.Term {
			edges = append(edges, site.Edge{From: pp.page, FromAnchor: r.FromAnchor, To: t.Page, ToAnchor: t.Anchor, Context: r.Context, Offset: r.Offset})
		}
	}
	for i, lk := range pp.doc.Links {
		if t := pp.linkTargets[i]; t.Page != nil && t.Page != pp.page {
			edges = append(edges, site.Edge{From: pp.page, FromAnchor: lk.FromAnchor, To: t.Page, ToAnchor: t.Anchor, Context: lk.Context, Offset: lk.Offset})
		}
	}
	for _, a := range pp.page.Applies {
		if t, _, err := l.resolveApplies(a); err == nil {
			edges = append(edges, site.Edge{From: pp.page, To: t.Page, ToAnchor: t.Anchor, Context: pp.page.Question, Offset: -1})
		}
	}
	for i, c := range pp.doc.Cites {
		if t := pp.citeTargets[i]; t.Page != nil {
			edges = append(edges, site.Edge{From: pp.page, FromAnchor: c.FromAnchor, To: t.Page, Context: c.Context, Offset: c.Offset})
		}
	}
	if src := l.site.OfficialSource(pp.page); src != nil {
		// The page's official wording is in the source: it cites it as a whole.
		edges = append(edges, site.Edge{From: pp.page, To: src, Context: "Official text of " + pp.page.Title, Offset: -1})
	}
	if pp.page.ForWriters() {
		return nil
	}
	return edges
}

// resolveApplies resolves an entry of a scenario's applies list, written
// like the inside of [[…]]: a reference with an optional "|label".
func (l *linker) resolveApplies(entry string) (site.Target, string, error) {
	target, label, ok := markup.ParseRef(entry)
	if !ok {
		return site.Target{}, "", &site.ResolveError{Message: fmt.Sprintf("malformed reference %q", entry), Hint: `write it as inside [[…]], e.g. "MiCA Art. 61(1)" or "mica-art-61#p2|label"`}
	}
	t, err := l.site.Resolve(target)
	return t, label, err
}

// describe is what a rendered reference shows of its target.
func (l *linker) describe(t site.Target) markup.Resolved {
	r := markup.Resolved{URL: l.url(t), Title: t.Page.Title, TargetKind: t.Page.Kind, Preview: t.Page.Summary, Cite: l.site.Pinpoint(t.Page, t.Anchor).Short}
	if a, ok := t.Page.Anchor(t.Anchor); ok {
		r.Preview = a.Text
		if a.Label != "" && r.Cite == "" {
			r.Title = t.Page.Title + " › " + a.Label
		}
	}
	return r
}

// guess fills a document's references and citations with how they will
// read once resolved, so that its texts can be made before every page is
// parsed: as the pages' front matter tells, and a heading's label as its
// line in the source reads (labels). It reads no page's anchors (the parse
// is writing them); where it guesses wrong, the texts are made again once
// references resolve (see fresh.refresh). Linking overwrites every
// resolution guessed.
func (l *linker) guess(doc *markup.Document, labels headingLabels) {
	for _, r := range doc.Refs {
		r.Resolved = markup.Resolved{}
		key, anchor, _ := strings.Cut(strings.TrimSpace(r.Target), "#")
		p := l.site.ByID(strings.TrimSpace(key))
		if p == nil || r.Label != "" {
			continue
		}
		r.Resolved = markup.Resolved{Title: p.Title, Cite: l.site.Pinpoint(p, anchor).Short}
		if label := labels[p][anchor]; label != "" && r.Cite == "" {
			r.Title = p.Title + " › " + label // as describe names a heading
		}
	}
	for _, c := range doc.Cites {
		c.Source = markup.CitedSource{}
		if src, err := l.site.Source(c.SourceID); err == nil {
			c.Source = l.citedSource(src)
		}
	}
}

// headingLabels are the labels guess reads of pages' places, by page and
// place id.
type headingLabels map[*site.Page]map[string]string

// headingLabelsOf reads the labels of pages' places in their bodies,
// before parsing lets go of them.
func headingLabelsOf(ctx context.Context, pages []*site.Page) (headingLabels, error) {
	each := make([]map[string]string, len(pages))
	if err := parallel(ctx, len(pages), func(i int) { each[i] = labelsOf(pages[i].Body) }); err != nil {
		return nil, err
	}
	labels := make(headingLabels, len(pages))
	for i, p := range pages {
		if each[i] != nil {
			labels[p] = each[i]
		}
	}
	return labels, nil
}

// labelsOf guesses the labels of the places of a page from its body: the
// text of the ATX heading "## Label {#id}" where "{#id}" is first written,
// by id; places first marked elsewhere have none.
func labelsOf(body []byte) map[string]string {
	first := map[string]string{} // every id marked, by where it first is
	for at := 0; ; at++ {
		i := bytes.Index(body[at:], []byte("{#"))
		if i < 0 {
			break
		}
		at += i
		end := bytes.IndexByte(body[at+2:], '}')
		if end < 0 {
			break
		}
		id := string(body[at+2 : at+2+end])
		if _, ok := first[id]; !ok && id != "" {
			first[id] = labelAt(body, at)
		}
	}
	var labels map[string]string
	for id, label := range first {
		if label != "" {
			if labels == nil {
				labels = map[string]string{}
			}
			labels[id] = label
		}
	}
	return labels
}

// labelAt is the label of the ATX heading whose line has "{#" at offset
// at of body, or "" when the line is no such heading.
func labelAt(body []byte, at int) string {
	line := body[bytes.LastIndexByte(body[:at], '\n')+1 : at]
	text := bytes.TrimLeft(line, "#")
	if len(text) == len(line) || len(line)-len(text) > 6 {
		return ""
	}
	return string(bytes.TrimSpace(text))
}

// citedSource is what a citing page shows of a source.
func (l *linker) citedSource(src *site.Page) markup.CitedSource {
	return markup.CitedSource{Page: l.url(site.Target{Page: src}), Title: src.Title, Short: cmp.Or(src.Cite, src.Title),
		Publisher: src.Publisher, Author: src.Author, Published: src.Published, Reference: src.Reference, Address: src.Address}
}

// url is the base-prefixed URL of a target.
func (l *linker) url(t site.Target) string {
	u := l.basePath + strings.TrimPrefix(t.Page.URL, "/")
	if t.Anchor != "" {
		u += "#" + t.Anchor
	}
	return u
}

func hintOf(err error) string {
	var re *site.ResolveError
	if errors.As(err, &re) {
		return re.Hint
	}
	return ""
}
