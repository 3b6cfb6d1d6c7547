package archetype

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/site"
)

// Page is a page kb new is asked for.
type Page struct {
	Kind  string // one of site.Kinds
	File  string // under content/, ending in .md (see PagePath)
	Today string // its as_of date, YYYY-MM-DD
}

// NewPage is the page "kb new KIND PATH" asks for, as of date
// (YYYY-MM-DD; now's day when ""), or why it cannot be one: kind is no
// kind of page, path none under content/, or date no date.
func NewPage(kind, path, date string, now time.Time) (Page, error) {
	p := Page{Kind: kind, File: pagePath(path), Today: date}
	if err := checkKind(kind); err != nil {
		return Page{}, err
	}
	if p.File == "" {
		return Page{}, fmt.Errorf("%q is not a page path under content/ (e.g. scenarios/shirt-sponsorship)", path)
	}
	if p.Today == "" {
		p.Today = now.Format(time.DateOnly)
	} else if _, err := time.Parse(time.DateOnly, p.Today); err != nil {
		return Page{}, fmt.Errorf("--date %q is not a date (YYYY-MM-DD)", p.Today)
	}
	return p, nil
}

// pagePath turns what a writer types — "scenarios/x",
// "content/scenarios/x.md" — into a path under content/ ending in .md; ""
// when it is not one.
func pagePath(arg string) string {
	p := path.Clean(filepath.ToSlash(arg))
	p = strings.TrimPrefix(p, "content/")
	if p == "." || p == "content" || strings.HasPrefix(p, "../") || p == ".." || path.IsAbs(p) {
		return ""
	}
	if !strings.HasSuffix(p, ".md") {
		p += ".md"
	}
	return p
}

// checkKind says why kind is no kind of page, with the nearest one; nil
// when it is one.
func checkKind(kind string) error {
	if slices.Contains(site.Kinds(), kind) {
		return nil
	}
	hint := "one of " + strings.Join(site.Kinds(), ", ")
	if near := site.Nearest(kind, site.Kinds()); near != "" {
		hint = fmt.Sprintf("did you mean %q?", near)
	}
	return fmt.Errorf("unknown kind %q (%s)", kind, hint)
}

// ExistsError is Write's refusal to write over a page.
type ExistsError struct{ File string } // content/…

func (e *ExistsError) Error() string {
	return e.File + " exists already; kb new never overwrites a page"
}

// Write writes page p into the site in dir, whose files src reads, from
// its kind's archetype in the site or else in theme. It never overwrites
// a file (an *ExistsError when p's is there). It returns where the
// archetype came from.
func Write(dir string, src, theme fs.FS, p Page) (from string, err error) {
	target := filepath.Join(dir, "content", filepath.FromSlash(p.File))
	if _, err := os.Lstat(target); err == nil {
		return "", &ExistsError{File: path.Join("content", p.File)}
	}
	text, from, err := fill(src, theme, p)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", err
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		_, err = f.Write(text)
		err = errors.Join(err, f.Close())
	}
	return from, err
}

// fill fills in p's archetype: an id no page has, a title from the file
// name, today's date and the site's vocabulary.
func fill(src, theme fs.FS, p Page) ([]byte, string, error) {
	cfg, probs := site.LoadConfig(src)
	if len(probs) > 0 {
		return nil, "", fmt.Errorf("kb.yaml: %v", probs)
	}
	text, from, err := Find(src, theme, p.Kind)
	if err != nil {
		return nil, "", err
	}
	title := TitleOf(p.File)
	v := cfg.Vocabulary
	out, err := Fill(from, text, Data{ID: freshID(src, p), Title: title, Term: strings.ToLower(title), Kind: p.Kind, Today: p.Today,
		Triggers: site.Values(v.Triggers), Outcomes: site.Values(v.Outcomes), Risks: site.Values(v.Risks)})
	return out, from, err
}

// freshID is the id of the new page: from its path (a source's from its
// file name alone), numbered when a page has it already.
func freshID(src fs.FS, p Page) string {
	id := site.DefaultID(p.File)
	if p.Kind == "source" {
		id = strings.ToLower(strings.TrimSuffix(path.Base(p.File), ".md"))
	}
	ids := build.PageIDs(src)
	for base, n := id, 2; slices.Contains(ids, id); n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id
}
