package site

import (
	"fmt"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/diag"
)

// Change is one dated change note of a page's front matter:
//
//	changes:
//	  - date: 2026-06-23
//	    note: "Added the 23 June 2026 statement"
//	    anchor: esma-statement   # optional: the section that changed
//
// The page shows its notes as a short history; the site's What's new page
// and its feed list every page's, newest first.
type Change struct {
	Date   string `yaml:"date"`
	Note   string `yaml:"note"`
	Anchor string `yaml:"anchor"`
}

// changeFields are the fields of a change note, for "did you mean".
var changeFields = []string{"date", "note", "anchor"}

// maxNote bounds a change note: one line, not a paragraph.
const maxNote = 200

// validateChanges checks each change note's date and note. Whether its
// anchor is a place of the page, and its date not in the future, are
// checked by the build, which knows both.
func (d *Document) validateChanges(file string) diag.List {
	var probs diag.List
	for i := range d.Front.Changes {
		c := &d.Front.Changes[i]
		pos := d.Pos.Item("changes", i)
		bad := func(key, msg, hint string) {
			line, col := d.Pos.At("changes")
			if pos != nil {
				line, col = pos.At(orKey(pos, key, ""))
			}
			probs = append(probs, diag.Problem{File: file, Line: line, Col: col, Message: msg, Hint: hint})
		}
		c.Note = strings.TrimSpace(c.Note)
		c.Anchor = strings.TrimPrefix(strings.TrimSpace(c.Anchor), "#")
		switch {
		case c.Date == "":
			bad("date", "a change note needs date:", "add the day the change was made, e.g. date: 2026-06-23")
		default:
			if _, err := time.Parse(time.DateOnly, c.Date); err != nil {
				bad("date", fmt.Sprintf("change date %q is not a valid date", c.Date), "write dates as YYYY-MM-DD, e.g. 2026-06-23")
			}
		}
		switch {
		case c.Note == "":
			bad("note", "a change note needs note:", `say in one line what changed, e.g. note: "Added the 23 June 2026 statement"`)
		case strings.ContainsAny(c.Note, "\n\r"):
			bad("note", "a change note is one line", "keep the note to one sentence; the page itself says the rest")
		case len([]rune(c.Note)) > maxNote:
			bad("note", fmt.Sprintf("a change note of %d characters (at most %d)", len([]rune(c.Note)), maxNote), "keep the note to one sentence; the page itself says the rest")
		}
	}
	return probs
}

// ChangeAt returns where change note i of the page sits: its key's
// position when known, else the changes: field's.
func (p *Page) ChangeAt(i int, key string) (line, col int) {
	if pos := p.Pos.Item("changes", i); pos != nil {
		return pos.At(orKey(pos, key, ""))
	}
	return p.Pos.At("changes")
}
