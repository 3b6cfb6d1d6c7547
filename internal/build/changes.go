package build

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/render"
	"github.com/kb-legal/kb/internal/site"
)

// Change notes (front matter changes:) are shown on their page as a short
// history, on the What's new page (/whats-new/) and the home page across
// the site, and in the feed: newest first.

// pageChange is one change note of a page.
type pageChange struct {
	page *site.Page
	site.Change
}

// changes returns every change note of the site, newest first; on one
// day, by page, and in the order the page lists them.
func (g *generation) changes() []pageChange {
	var out []pageChange
	for _, p := range site.ForReaders(g.site.Pages) {
		for _, c := range p.Changes {
			out = append(out, pageChange{page: p, Change: c})
		}
	}
	slices.SortStableFunc(out, func(a, b pageChange) int {
		return cmp.Or(cmp.Compare(b.Date, a.Date), cmp.Compare(a.page.URL, b.page.URL))
	})
	return out
}

// checkChanges reports change notes dated after today, and anchors that
// are no place of their page.
func (g *generation) checkChanges() diag.List {
	var probs diag.List
	today := g.today()
	for _, p := range g.site.Pages {
		ids := make([]string, 0, len(p.Anchors))
		for _, a := range p.Anchors {
			ids = append(ids, a.ID)
		}
		for i, c := range p.Changes {
			if c.Date > today {
				line, col := p.ChangeAt(i, "date")
				probs = append(probs, diag.Problem{File: contentPath(p.File), Line: line, Col: col,
					Message: fmt.Sprintf("change date %s is in the future (today is %s)", c.Date, today),
					Hint:    "date a change note by the day the change was made"})
			}
			if c.Anchor != "" && !slices.Contains(ids, c.Anchor) {
				line, col := p.ChangeAt(i, "anchor")
				hint := "name the section that changed by its anchor, e.g. anchor: p2, or leave anchor: out"
				if near := site.Nearest(c.Anchor, ids); near != "" {
					hint = fmt.Sprintf("did you mean %q?", near)
				}
				probs = append(probs, diag.Problem{File: contentPath(p.File), Line: line, Col: col,
					Message: fmt.Sprintf("change anchor %q is no place on this page", c.Anchor), Hint: hint})
			}
		}
	}
	return probs
}

// changeLinks is how the theme shows change notes.
func (g *generation) changeLinks(list []pageChange) []render.Change {
	out := make([]render.Change, 0, len(list))
	for _, c := range list {
		rc := render.Change{Date: c.Date, Note: c.Note, Page: g.link(c.page), URL: g.href(c.page.URL)}
		if c.Anchor != "" {
			rc.URL += "#" + c.Anchor
			if a, ok := c.page.Anchor(c.Anchor); ok {
				rc.Section = cmp.Or(g.site.SchemeOf(c.page).Pinpoint(a.ID).Short, a.Label)
			}
		}
		out = append(out, rc)
	}
	return out
}

// pageChanges is page p's own notes, newest first.
func (g *generation) pageChanges(p *site.Page) []render.Change {
	var list []pageChange
	for _, c := range p.Changes {
		list = append(list, pageChange{page: p, Change: c})
	}
	slices.SortStableFunc(list, func(a, b pageChange) int { return cmp.Compare(b.Date, a.Date) })
	return g.changeLinks(list)
}

// changeEntries are the feed's entries for change notes: one per note,
// linked to the section that changed. The id stays the same as long as
// the note's page, day and text do.
func (g *generation) changeEntries() []atomEntry {
	var out []atomEntry
	for _, c := range g.changes() {
		if c.page.File == "" {
			continue
		}
		abs := g.site.Config.Absolute(c.page.URL)
		href := abs
		if c.Anchor != "" {
			href += "#" + c.Anchor
		}
		sum := sha256.Sum256([]byte(c.Note))
		out = append(out, atomEntry{Title: c.page.Title + ": " + c.Note, ID: abs + "#change-" + c.Date + "-" + hex.EncodeToString(sum[:4]),
			Link: atomLink{Href: href}, Updated: c.Date + "T00:00:00Z", Summary: c.Note})
	}
	return out
}

// today is Options.Today, or the clock's day, as YYYY-MM-DD (UTC).
func (g *generation) today() string {
	t := g.opts.Today
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Format(time.DateOnly)
}
