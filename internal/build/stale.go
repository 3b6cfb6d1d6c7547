package build

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/site"
)

// A page is due for review when its as_of is older than kb.yaml's review
// interval for its kind, or when it cites a source published after its
// as_of: it may predate what it cites. kb check --stale lists these; the
// preview (Options.Review) shows each such page a banner.

// stale returns the review problems of every page, by content file.
func (g *generation) stale() map[string]diag.List {
	out := map[string]diag.List{}
	today, err := time.Parse(time.DateOnly, g.today())
	if err != nil {
		return out
	}
	for _, p := range g.site.Pages {
		if p.File == "" || p.AsOf == "" || p.IsSection {
			continue
		}
		asOf, err := time.Parse(time.DateOnly, p.AsOf)
		if err != nil {
			continue // reported by the schema check
		}
		line, col := p.Pos.At("as_of")
		at := func(msg, hint string) {
			out[p.File] = append(out[p.File], diag.Problem{File: contentPath(p.File), Line: line, Col: col, Message: msg, Hint: hint})
		}
		if iv, ok := g.site.Config.ReviewFor(p.Kind); ok {
			if due, _ := iv.After(asOf); today.After(due) {
				at(fmt.Sprintf("review due: as_of %s is %d days old (kb.yaml review: %s for %s pages)", p.AsOf, int(today.Sub(asOf).Hours()/24), iv, p.Kind),
					"check the page against the law as it stands, then set as_of to the day you did")
			}
		}
		var newer []*site.Page
		if g.graph != nil {
			for _, e := range g.graph.Out(p) {
				if e.To.IsSource() && e.To.Published > p.AsOf && !slices.Contains(newer, e.To) {
					newer = append(newer, e.To)
				}
			}
		}
		slices.SortFunc(newer, func(a, b *site.Page) int { return strings.Compare(a.ID, b.ID) })
		for _, s := range newer {
			at(fmt.Sprintf("cites [@%s] (%s), published %s, after the page's as_of %s: the page may predate what it cites", s.ID, s.Title, s.Published, p.AsOf),
				"check the page against the source, then set as_of to the day you did")
		}
	}
	return out
}
