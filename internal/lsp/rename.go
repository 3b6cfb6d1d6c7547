package lsp

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/markup"
	"github.com/kb-legal/kb/internal/site"
)

// renaming is what a rename at the cursor changes: a page's id, or an
// anchor of a page; and where the old name is written under the cursor.
type renaming struct {
	page       *site.Page
	anchor     string // "" to rename the page's id
	start, end int    // the old name under the cursor
}

func (a *at) renaming() (renaming, error) {
	t, err := a.target()
	if t.Page == nil {
		return renaming{}, err
	}
	sp := a.sp
	switch sp.kind {
	case idSpot:
		return renaming{page: t.Page, start: sp.tstart, end: sp.tend()}, nil
	case anchorSpot:
		return renaming{page: t.Page, anchor: sp.target, start: sp.tstart, end: sp.tend()}, nil
	case refSpot, appliesSpot:
		page, pageAt, anchor, anchorAt := sp.pageAndAnchor()
		switch {
		case anchorAt >= 0 && a.off >= anchorAt && anchor != "":
			return renaming{page: t.Page, anchor: anchor, start: anchorAt, end: anchorAt + len(anchor)}, nil
		case a.snap.site.ByID(page) == t.Page:
			return renaming{page: t.Page, start: pageAt, end: pageAt + len(page)}, nil
		}
		return renaming{}, fmt.Errorf("%q is a citation: rename the page's id or the anchor where they are written", sp.target)
	}
	return renaming{}, fmt.Errorf("put the cursor on a page id (id:, or in [[id#…]]) or an anchor ({#p2}, or in [[…#p2]])")
}

func (s *Server) prepareRename(_ *glsp.Context, p *protocol.PrepareRenameParams) (any, error) {
	a, rn, err := s.renamingAt(p.TextDocument.URI, p.Position)
	if err != nil || a == nil {
		return nil, err
	}
	return protocol.RangeWithPlaceholder{Range: a.d.text.rangeOf(rn.start, rn.end, a.enc), Placeholder: string(a.d.text.src[rn.start:rn.end])}, nil
}

// renamingAt is what a rename at pos would change, refused where the
// page it names has no file (nil and no error: nothing there).
func (s *Server) renamingAt(uri string, pos protocol.Position) (*at, renaming, error) {
	a, err := s.at(uri, pos, true)
	if err != nil || a == nil {
		return nil, renaming{}, err
	}
	rn, err := a.renaming()
	if err != nil {
		return nil, renaming{}, err
	}
	if rn.page.File == "" {
		return nil, renaming{}, fmt.Errorf("%s is made by the build; it has no file to rename in", rn.page.URL)
	}
	return a, rn, nil
}

func (s *Server) rename(_ *glsp.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	a, rn, err := s.renamingAt(p.TextDocument.URI, p.Position)
	if err != nil || a == nil {
		return nil, err
	}
	e := edits{snap: a.snap, enc: a.enc, byFile: map[string][]protocol.TextEdit{}}
	if rn.anchor == "" {
		err = e.renameID(rn.page, p.NewName)
	} else {
		err = e.renameAnchor(rn.page, rn.anchor, p.NewName)
	}
	if err != nil {
		return nil, err
	}
	out := &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{}}
	for name, es := range e.byFile {
		slices.SortFunc(es, func(x, y protocol.TextEdit) int {
			return cmp.Or(cmp.Compare(x.Range.Start.Line, y.Range.Start.Line), cmp.Compare(x.Range.Start.Character, y.Range.Start.Character))
		})
		out.Changes[s.uriOf(name)] = slices.CompactFunc(es, func(x, y protocol.TextEdit) bool { return x.Range == y.Range })
	}
	return out, nil
}

// edits collects the text edits of a rename, by site file.
type edits struct {
	snap   *snapshot
	enc    encoding
	byFile map[string][]protocol.TextEdit
}

func (e *edits) add(name string, t *text, start, end int, newText string) {
	e.byFile[name] = append(e.byFile[name], protocol.TextEdit{Range: t.rangeOf(start, end, e.enc), NewText: newText})
}

// renameID changes page p's id to id: in its front matter (adding id: if
// the id came from the path), in every [[id…]] and applies: entry that
// names it by id, and in kb.yaml's menu: and about:.
func (e *edits) renameID(p *site.Page, id string) error {
	old := p.ID
	if !site.ValidID(id) {
		return fmt.Errorf("%q is not an id: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit", id)
	}
	if id == old {
		return nil
	}
	if q := e.snap.site.ByID(id); q != nil {
		return fmt.Errorf("id %q is already used by %s", id, describePage(q))
	}
	name := fileOf(p)
	t := e.snap.fileText(name)
	if t == nil {
		return fmt.Errorf("cannot read %s", name)
	}
	if sp, ok := idDecl(t); ok {
		e.add(name, t, sp.tstart, sp.tend(), id)
	} else if _, ok := frontMatter(t); ok {
		e.add(name, t, t.starts[1], t.starts[1], "id: "+id+"\n")
	}
	for _, c := range e.snap.citersOf(p, "") {
		if c.use.Kind != build.UseRef && c.use.Kind != build.UseApplies {
			continue
		}
		cname, ct, sp, ok := e.snap.useSpot(c)
		if !ok {
			continue
		}
		if page, at, _, _ := sp.pageAndAnchor(); strings.TrimSpace(page) == old {
			e.add(cname, ct, at, at+len(page), id)
		}
	}
	e.renameInConfig(old, id)
	return nil
}

// renameInConfig renames a page id in kb.yaml's menu: and about:.
func (e *edits) renameInConfig(old, id string) {
	const name = site.ConfigFile
	t := e.snap.fileText(name)
	if t == nil {
		return
	}
	key := ""
	for n := range t.lines() {
		line := t.line(n)
		if m := frontKey.FindSubmatch(line); m != nil {
			key = string(m[1])
		} else if len(line) > 0 && line[0] != ' ' && line[0] != '-' {
			key = ""
		}
		if key != "menu" && key != "about" {
			continue
		}
		for i := 0; ; {
			j := bytes.Index(line[i:], []byte(old))
			if j < 0 {
				break
			}
			st, en := i+j, i+j+len(old)
			if idEdge(line, st-1) && idEdge(line, en) && (key == "about" || st > 0) {
				e.add(name, t, t.starts[n]+st, t.starts[n]+en, id)
			}
			i = en
		}
	}
}

// idEdge reports whether byte i of line cannot be part of an id.
func idEdge(line []byte, i int) bool {
	if i < 0 || i >= len(line) {
		return true
	}
	c := line[i]
	return !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':')
}

// renameAnchor changes anchor old of page p to anchor: where it is
// marked ({#old}, or added to a heading whose anchor was automatic), and
// in every reference and link that lands on it.
func (e *edits) renameAnchor(p *site.Page, old, anchor string) error {
	if !markup.ValidAnchor(anchor) {
		return fmt.Errorf("%q is not an anchor: use letters, digits, '.', '_', ':' and '-', not starting with \"kb\"", anchor)
	}
	if anchor == old {
		return nil
	}
	if _, dup := p.Anchor(anchor); dup {
		return fmt.Errorf("%s already has an anchor #%s", describePage(p), anchor)
	}
	an, ok := p.Anchor(old)
	if !ok {
		return fmt.Errorf("%s has no anchor #%s", describePage(p), old)
	}
	name := fileOf(p)
	t := e.snap.fileText(name)
	if t == nil {
		return fmt.Errorf("cannot read %s", name)
	}
	if sp, ok := anchorDecl(t, an.Line-1, old); ok {
		e.add(name, t, sp.tstart, sp.tend(), anchor)
	} else if an.Label != "" {
		end := t.starts[an.Line-1] + len(bytes.TrimRight(t.line(an.Line-1), " \t#"))
		e.add(name, t, end, end, " {#"+anchor+"}")
	} else {
		return fmt.Errorf("cannot find {#%s} on line %d of %s", old, an.Line, name)
	}
	for _, c := range e.snap.citersOf(p, old) {
		cname, ct, sp, ok := e.snap.useSpot(c)
		if !ok {
			continue
		}
		switch sp.kind {
		case refSpot, appliesSpot:
			if _, _, a, at := sp.pageAndAnchor(); at >= 0 {
				e.add(cname, ct, at, at+len(a), anchor)
			} else if cite := e.citation(p, anchor); cite != "" {
				e.add(cname, ct, sp.tstart, sp.tend(), cite) // written as a citation: the new place's
			} else {
				e.add(cname, ct, sp.tstart, sp.tend(), p.ID+"#"+anchor)
			}
		case linkSpot:
			if i := strings.LastIndexByte(sp.target, '#'); i >= 0 {
				e.add(cname, ct, sp.tstart+i+1, sp.tend(), anchor)
			}
		}
	}
	return nil
}

// citation is how the place anchor of p is cited, when that citation
// finds it again once renamed: "" when it would not.
func (e *edits) citation(p *site.Page, anchor string) string {
	cite := e.snap.site.Pinpoint(p, anchor).Short
	if cite == "" {
		return ""
	}
	if t, err := e.snap.site.Resolve(cite); err != nil && t.Page == p && t.Anchor == anchor {
		return cite // the anchor does not exist yet: that is the error
	}
	return ""
}

func describePage(p *site.Page) string {
	if p.File == "" {
		return "the page " + p.URL
	}
	return "content/" + p.File
}
