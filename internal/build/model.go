package build

import (
	"cmp"
	"slices"

	"github.com/kb-legal/kb/internal/site"
)

// Model is the site as an editor sees it (kb lsp): its pages, and every
// reference each page writes, with where. It is made whether or not the
// build found problems, so that a writer with a broken reference still
// gets completion; a page whose front matter did not parse is missing.
type Model struct {
	Site *site.Site
	// Uses holds each content page's references in document order
	// (applies: first), by
	// the page's file under content/ (Page.File).
	Uses map[string][]Use
}

// UseKind says how a reference is written.
type UseKind int

const (
	UseRef     UseKind = iota // [[target]] or [[target|label]]
	UseLink                   // a Markdown link, [text](dest)
	UseCite                   // a source note, [@id, pinpoint]
	UseApplies                // an entry of a scenario's applies: list
)

// Use is one reference written in a page. What it lands on is for the
// caller to ask the site (Site.Resolve, Site.ResolveLink, Site.Source):
// resolving is cheap, and the site answers for this build.
type Use struct {
	Kind UseKind
	// Offset is where it starts in the page's Body: "[[", the link's
	// "[", "[@". It is -1 for applies:, which is in the front matter.
	Offset int
	// Target is what it names, as written: "mica-art-61#p2", "MiCA Art.
	// 61(2)", "../provisions/art-61.md#p2", "mica"; for applies:, the
	// whole entry, label included.
	Target string
}

// model collects what Model needs from the parsed pages.
func (g *generation) model() *Model {
	m := &Model{Site: g.site.Snapshot(), Uses: make(map[string][]Use, len(g.parsed))}
	for _, pp := range g.parsedList() {
		var uses []Use
		for _, r := range pp.doc.Refs {
			if !r.Term {
				uses = append(uses, Use{Kind: UseRef, Offset: r.Offset, Target: r.Target})
			}
		}
		for _, l := range pp.doc.Links {
			uses = append(uses, Use{Kind: UseLink, Offset: l.Offset, Target: l.Dest})
		}
		for _, c := range pp.doc.Cites {
			uses = append(uses, Use{Kind: UseCite, Offset: c.Offset, Target: c.SourceID})
		}
		for _, a := range pp.page.Applies {
			uses = append(uses, Use{Kind: UseApplies, Offset: -1, Target: a})
		}
		slices.SortStableFunc(uses, func(a, b Use) int { return cmp.Compare(a.Offset, b.Offset) })
		m.Uses[pp.page.File] = uses
	}
	return m
}
