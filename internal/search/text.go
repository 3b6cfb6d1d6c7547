package search

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/diag"
)

// WriteText writes r for a terminal, as `kb search` prints it: the hits
// numbered from from+1, each with its kind, link and snippet and the
// page's other matching sections, then the counts. Every text from the
// index is made printable.
func (r Result) WriteText(w io.Writer, query string, from int) {
	if len(r.Hits) == 0 {
		fmt.Fprintf(w, "no results for %q\n", query) // %q escapes controls
		return
	}
	if r.Fallback {
		fmt.Fprintln(w, FallbackNote)
	}
	for i, h := range r.Hits {
		fmt.Fprintf(w, "%d. %s [%s]\n   %s\n   %s\n", from+i+1, diag.Printable(h.Title), diag.Printable(h.Kind),
			diag.Printable(link(h.URL, h.Anchor)), diag.Printable(plainSnippet(h.Snippet)))
		for _, s := range h.Sections {
			fmt.Fprintf(w, "   also: %s (%s)\n", diag.Printable(s.Heading), diag.Printable(link(h.URL, s.Anchor)))
		}
	}
	fmt.Fprintf(w, "%d %s, %d %s matched\n", r.Pages, plural(r.Pages, "page", "pages"),
		r.Total, plural(int(r.Total), "section", "sections"))
}

// WriteJSON writes r as `kb search --json` prints it: without the counts
// by kind, which only the preview's filters use.
func (r Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	r.Kinds = nil
	return enc.Encode(r)
}

// link is a page's URL with a section's anchor, if it has one.
func link(url, anchor string) string {
	if anchor == "" {
		return url
	}
	return url + "#" + anchor
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// plainSnippet renders an HTML snippet for a terminal: marks become
// [brackets], entities are decoded, lines joined.
func plainSnippet(s string) string {
	s = strings.NewReplacer("<mark>", "[", "</mark>", "]").Replace(s)
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// NewerContent returns a content file of the site in source (kb.yaml or
// a file under content/) modified after the index in dir was last
// written, if there is one: the index may not hold what it says.
func NewerContent(source, dir string) (string, bool) {
	built := lastWritten(dir)
	if built.IsZero() {
		return "", false
	}
	var newer string
	check := func(path string, d fs.DirEntry, err error) error {
		if err != nil || d == nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(built) {
			newer = path
			return fs.SkipAll
		}
		return nil
	}
	_ = check(filepath.Join(source, "kb.yaml"), statEntry(filepath.Join(source, "kb.yaml")), nil)
	if newer == "" {
		_ = filepath.WalkDir(filepath.Join(source, "content"), check)
	}
	return newer, newer != ""
}

// lastWritten is when a file under dir was last modified; zero when there
// is none.
func lastWritten(dir string) time.Time {
	var last time.Time
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil && info.ModTime().After(last) {
				last = info.ModTime()
			}
		}
		return nil
	})
	return last
}

// statEntry is a DirEntry for one file, or nil when it is missing.
func statEntry(path string) fs.DirEntry {
	info, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return fs.FileInfoToDirEntry(info)
}
