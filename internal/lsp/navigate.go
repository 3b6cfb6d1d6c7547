package lsp

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/kb-legal/kb/internal/site"
)

// at is what a request is about: an open buffer, a place in it, the
// syntax there, and the build to answer from.
type at struct {
	d    *document
	snap *snapshot
	enc  encoding
	off  int
	sp   spot
	page *site.Page // the buffer's own page in the build; nil if none
}

func (s *Server) at(uri string, pos protocol.Position, settle bool) (*at, error) {
	d, err := s.doc(uri)
	if err != nil {
		return nil, err
	}
	snap := s.latest()
	if settle {
		snap = s.settled()
	}
	if snap == nil || snap.site == nil {
		return nil, nil
	}
	s.mu.Lock()
	enc := s.enc
	s.mu.Unlock()
	a := &at{d: d, snap: snap, enc: enc, off: d.text.offset(pos, enc)}
	a.sp = spotAt(d.text, a.off)
	a.page = snap.page(d.name)
	return a, nil
}

// target resolves what the syntax at the cursor names: a page and an
// anchor. With the anchor missing, the page is still found.
func (a *at) target() (site.Target, error) {
	s := a.snap.site
	switch a.sp.kind {
	case refSpot, appliesSpot:
		return s.Resolve(a.sp.target)
	case citeSpot:
		p, err := s.Source(a.sp.target)
		return site.Target{Page: p}, err
	case linkSpot:
		if a.page == nil {
			return site.Target{}, fmt.Errorf("the page is not built yet")
		}
		t, kind, err := s.ResolveLink(a.page, a.sp.target)
		if err == nil && kind != site.LinkPage {
			return site.Target{}, fmt.Errorf("a link to another website or to a file")
		}
		return t, err
	case anchorSpot, idSpot:
		if a.page == nil {
			return site.Target{}, fmt.Errorf("the page is not built yet")
		}
		if a.sp.kind == idSpot {
			return site.Target{Page: a.page}, nil
		}
		return site.Target{Page: a.page, Anchor: a.sp.target}, nil
	}
	if a.page != nil {
		// A heading without {#…}: its automatic anchor.
		line := a.d.text.lineOf(a.off) + 1
		for _, an := range a.page.Anchors {
			if an.Line == line && an.Label != "" {
				return site.Target{Page: a.page, Anchor: an.ID}, nil
			}
		}
	}
	return site.Target{}, errNothing
}

var errNothing = fmt.Errorf("no reference, note, anchor or page id here")

func (s *Server) hover(_ *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	a, err := s.at(p.TextDocument.URI, p.Position, false)
	if err != nil || a == nil {
		return nil, err
	}
	var md string
	start, end := a.sp.start, a.sp.end
	t, err := a.target()
	switch {
	case a.sp.kind == noSpot && err != nil:
		term, ts, te := termAt(a.snap.site, a.d.text, a.off)
		if term == nil {
			return nil, nil
		}
		md, start, end = termDoc(term), ts, te
	case err != nil && t.Page == nil:
		md = "**" + err.Error() + "**"
		if h := hintOf(err); h != "" {
			md += "\n\n" + h
		}
	case a.sp.kind == citeSpot:
		md = sourceDoc(t.Page)
	default:
		md = placeDoc(a.snap, t)
		if err != nil {
			md = "**" + err.Error() + "** (" + hintOf(err) + ")\n\n" + md
		}
	}
	h := &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: md}}
	if end > start {
		r := a.d.text.rangeOf(start, end, a.enc)
		h.Range = &r
	}
	return h, nil
}

// placeDoc is what a hover shows of a place: its citation, the cited
// paragraph's text (or the page's summary), where it is and how many
// pages cite it.
func placeDoc(snap *snapshot, t site.Target) string {
	s, p := snap.site, t.Page
	var b strings.Builder
	pin := s.Pinpoint(p, t.Anchor)
	an, hasAnchor := p.Anchor(t.Anchor)
	switch {
	case pin.Citation != "" && t.Anchor != "":
		fmt.Fprintf(&b, "**%s**  \n%s", pin.Citation, p.Title)
	case hasAnchor && an.Label != "":
		fmt.Fprintf(&b, "**%s › %s**", p.Title, an.Label)
	default:
		fmt.Fprintf(&b, "**%s**", p.Title)
		if p.Cite != "" {
			fmt.Fprintf(&b, " (%s)", p.Cite)
		}
	}
	text := p.Summary
	if hasAnchor && an.Text != "" {
		text = an.Text
	}
	if text != "" {
		b.WriteString("\n\n" + quote(text))
	}
	ref := p.ID
	if t.Anchor != "" {
		ref += "#" + t.Anchor
	}
	fmt.Fprintf(&b, "\n\n`[[%s]]`", ref)
	if p.File != "" {
		fmt.Fprintf(&b, " · content/%s", p.File)
		if hasAnchor {
			fmt.Fprintf(&b, ":%d", an.Line)
		}
	}
	if n := citingPages(snap.citersOf(p, t.Anchor)); n > 0 {
		fmt.Fprintf(&b, " · cited by %d %s", n, plural(n, "page", "pages"))
	}
	return b.String()
}

// quote sets text as a Markdown block quote.
func quote(text string) string {
	return "> " + strings.ReplaceAll(strings.TrimSpace(text), "\n", "\n> ")
}

// citingPages counts the pages among the citers other than the cited one,
// as "Cited by" does.
func citingPages(cs []citing) int {
	seen := map[*site.Page]bool{}
	for _, c := range cs {
		seen[c.from] = true
	}
	return len(seen)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func hintOf(err error) string {
	if re, ok := err.(*site.ResolveError); ok {
		return re.Hint
	}
	return ""
}

// termAt finds a defined term (or alias) written around off: its page
// and span. Case is ignored, as term linking ignores it.
func termAt(s *site.Site, t *text, off int) (*site.Page, int, int) {
	n := t.lineOf(off)
	line := asciiLower(t.line(n))
	col := off - t.starts[n]
	var best *site.Page
	bs, be := 0, 0
	for _, p := range s.OfKind("term") {
		for _, phrase := range append([]string{p.Term}, p.Aliases...) {
			ph := asciiLower([]byte(phrase))
			if len(ph) == 0 {
				continue
			}
			for i := 0; i+len(ph) <= len(line); {
				j := bytes.Index(line[i:], ph)
				if j < 0 {
					break
				}
				st, en := i+j, i+j+len(ph)
				if st <= col && col <= en && wordEdge(line, st-1) && wordEdge(line, en) && en-st > be-bs {
					best, bs, be = p, st, en
				}
				i = st + 1
			}
		}
	}
	return best, t.starts[n] + bs, t.starts[n] + be
}

// asciiLower lowers ASCII letters only, so offsets stay those of the text.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// wordEdge reports whether byte i of line is no letter or digit (or off
// the line): a term starts and ends at word edges.
func wordEdge(line []byte, i int) bool {
	if i < 0 || i >= len(line) {
		return true
	}
	c := line[i]
	return !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c >= 0x80)
}

// termDoc is a defined term's definition.
func termDoc(p *site.Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (defined term)", cmp.Or(p.Term, p.Title))
	if p.Summary != "" {
		b.WriteString("\n\n" + quote(p.Summary))
	}
	if len(p.Aliases) > 0 {
		fmt.Fprintf(&b, "\n\nAlso: %s", strings.Join(p.Aliases, ", "))
	}
	fmt.Fprintf(&b, "\n\n`[[%s]]` · content/%s", p.ID, p.File)
	return b.String()
}

func (s *Server) definition(_ *glsp.Context, p *protocol.DefinitionParams) (any, error) {
	a, err := s.at(p.TextDocument.URI, p.Position, false)
	if err != nil || a == nil {
		return nil, err
	}
	t, err := a.target()
	if t.Page == nil {
		if a.sp.kind == noSpot {
			if term, _, _ := termAt(a.snap.site, a.d.text, a.off); term != nil {
				return s.declaration(a.snap, site.Target{Page: term}), nil
			}
		}
		if err == errNothing {
			return nil, nil
		}
		return nil, err
	}
	return s.declaration(a.snap, t), nil
}

// declaration is where a place is declared: the anchor's line, or the
// first line of the page's file.
func (s *Server) declaration(snap *snapshot, t site.Target) *protocol.Location {
	if t.Page.File == "" {
		return nil // a page the build makes (a glossary, a tag page)
	}
	name := fileOf(t.Page)
	line := 1
	if an, ok := t.Page.Anchor(t.Anchor); ok {
		line = an.Line
	}
	r := protocol.Range{Start: protocol.Position{Line: uint32(line - 1)}, End: protocol.Position{Line: uint32(line - 1)}}
	if tx := snap.fileText(name); tx != nil {
		if sp, ok := anchorDecl(tx, line-1, t.Anchor); ok {
			r = tx.rangeOf(sp.start, sp.end, s.enc)
		} else if t.Anchor == "" {
			if sp, ok := idDecl(tx); ok {
				r = tx.rangeOf(sp.start, sp.end, s.enc)
			}
		}
	}
	return &protocol.Location{URI: s.uriOf(name), Range: r}
}

// anchorDecl finds {#anchor} on line n of t.
func anchorDecl(t *text, n int, anchor string) (spot, bool) {
	if anchor == "" || n < 0 {
		return spot{}, false
	}
	line := t.line(n)
	i := bytes.Index(line, []byte("{#"+anchor+"}"))
	if i < 0 {
		return spot{}, false
	}
	st := t.starts[n] + i
	return spot{kind: anchorSpot, start: st, end: st + len(anchor) + 3, target: anchor, tstart: st + 2}, true
}

// idDecl finds the value of id: in t's front matter.
func idDecl(t *text) (spot, bool) {
	closing, ok := frontMatter(t)
	if !ok {
		return spot{}, false
	}
	for n := 1; n < closing; n++ {
		if bytes.HasPrefix(t.line(n), []byte("id:")) {
			if sp := frontSpotAt(t, n, len(t.line(n))); sp.kind == idSpot {
				return sp, true
			}
		}
	}
	return spot{}, false
}

func (s *Server) references(_ *glsp.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	a, err := s.at(p.TextDocument.URI, p.Position, true)
	if err != nil || a == nil {
		return nil, err
	}
	t, err := a.target()
	if t.Page == nil {
		if err == errNothing {
			return nil, nil
		}
		return nil, err
	}
	locs := []protocol.Location{}
	if p.Context.IncludeDeclaration {
		if d := s.declaration(a.snap, t); d != nil {
			locs = append(locs, *d)
		}
	}
	for _, c := range a.snap.citersOf(t.Page, t.Anchor) {
		name, tx, sp, ok := a.snap.useSpot(c)
		if !ok {
			continue
		}
		locs = append(locs, protocol.Location{URI: s.uriOf(name), Range: tx.rangeOf(sp.start, sp.end, a.enc)})
	}
	slices.SortStableFunc(locs, func(x, y protocol.Location) int {
		return cmp.Or(cmp.Compare(x.URI, y.URI), cmp.Compare(x.Range.Start.Line, y.Range.Start.Line),
			cmp.Compare(x.Range.Start.Character, y.Range.Start.Character))
	})
	return slices.CompactFunc(locs, func(x, y protocol.Location) bool { return x == y }), nil
}

func (s *Server) documentSymbol(_ *glsp.Context, p *protocol.DocumentSymbolParams) (any, error) {
	d, err := s.doc(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	snap := s.settled()
	symbols := []protocol.DocumentSymbol{}
	if snap == nil || snap.site == nil {
		return symbols, nil
	}
	page := snap.page(d.name)
	t := snap.fileText(d.name)
	if page == nil || t == nil {
		return symbols, nil
	}
	s.mu.Lock()
	enc := s.enc
	s.mu.Unlock()
	return outline(snap.site, page, t, enc), nil
}

// closeSection ends a heading's range before line next.
func closeSection(sym *protocol.DocumentSymbol, t *text, next int, enc encoding) {
	end := t.starts[next-1] + len(t.line(next-1))
	if next >= t.lines() {
		end = len(t.src)
	}
	sym.Range.End = t.position(end, enc)
}

// outline lists a page's headings, each holding the anchors and headings
// under it, as the editor's outline shows them.
func outline(s *site.Site, p *site.Page, t *text, enc encoding) []protocol.DocumentSymbol {
	type open struct {
		level int
		sym   *protocol.DocumentSymbol
	}
	var root protocol.DocumentSymbol
	stack := []open{{0, &root}}
	for _, a := range p.Anchors {
		n := a.Line - 1
		line := t.line(n)
		if line == nil {
			continue
		}
		level := 0
		if a.Label != "" {
			level = len(line) - len(bytes.TrimLeft(line, "#"))
		}
		detail, _ := anchorDetail(s, p, a)
		name := detail
		kind := protocol.SymbolKindKey
		if a.Label != "" {
			name, kind = a.Label, protocol.SymbolKindString
		}
		id := "#" + a.ID
		r := t.rangeOf(t.starts[n], t.starts[n]+len(line), enc)
		sel := r
		if sp, ok := anchorDecl(t, n, a.ID); ok {
			sel = t.rangeOf(sp.start, sp.end, enc)
		}
		sym := protocol.DocumentSymbol{Name: name, Detail: &id, Kind: kind, Range: r, SelectionRange: sel}
		if level > 0 {
			// A heading closes the sections of its level and below: they
			// end where it starts.
			for len(stack) > 1 && stack[len(stack)-1].level >= level {
				closeSection(stack[len(stack)-1].sym, t, n, enc)
				stack = stack[:len(stack)-1]
			}
		}
		parent := stack[len(stack)-1].sym
		parent.Children = append(parent.Children, sym)
		if level > 0 {
			stack = append(stack, open{level, &parent.Children[len(parent.Children)-1]})
		}
	}
	for _, o := range slices.Backward(stack[1:]) {
		closeSection(o.sym, t, t.lines(), enc)
	}
	if root.Children == nil {
		return []protocol.DocumentSymbol{}
	}
	return root.Children
}
