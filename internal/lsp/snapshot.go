package lsp

import (
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/site"
)

// snapshot is one finished build as the server reads it: its problems and
// its model of the site. Everything in it is immutable but the caches,
// which fill in on first use.
type snapshot struct {
	seq      int
	problems diag.List // errors, as kb check reports them
	warnings diag.List // problems of drafts left out
	failure  diag.List // a build that failed for another reason than its input
	site     *site.Site
	uses     map[string][]build.Use // by page file under content/
	fsys     fs.FS                  // the site as the build read it, overlays included

	mu    sync.Mutex
	texts map[string]*text // site files read, by name ("content/a.md")

	citersOnce sync.Once
	citers     map[target][]citing // every resolved reference, by where it lands
}

// target is a place references land on: a page by URL, and an anchor, ""
// for the page as a whole.
type target struct{ url, anchor string }

// citing is one reference and where it is written.
type citing struct {
	from *site.Page
	use  build.Use
}

func newSnapshot(seq int, res *build.Result, fsys fs.FS) *snapshot {
	s := &snapshot{seq: seq, fsys: fsys, texts: map[string]*text{}}
	if res == nil {
		return s
	}
	s.problems, s.warnings = res.Problems, res.Warnings
	if res.Problems == nil && res.Coverage.Shortfall != nil {
		s.problems = diag.List{*res.Coverage.Shortfall} // below kb.yaml's citations: {min_percent}, as kb check says
	}
	if m := res.Model; m != nil {
		s.site, s.uses = m.Site, m.Uses
	}
	return s
}

// fileText returns the text of a site file as the build read it.
func (s *snapshot) fileText(name string) *text {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.texts[name]; ok {
		return t
	}
	var t *text
	if s.fsys != nil {
		if data, err := fs.ReadFile(s.fsys, name); err == nil {
			t = newText(data)
		}
	}
	s.texts[name] = t
	return t
}

// page returns the content page of a site file ("content/a.md").
func (s *snapshot) page(name string) *site.Page {
	file, ok := strings.CutPrefix(name, "content/")
	if !ok || s.site == nil {
		return nil
	}
	return s.site.ByFile(file)
}

// fileOf is the site file of a page: "content/" and its file.
func fileOf(p *site.Page) string { return path.Join("content", p.File) }

// bodyStart is the byte offset in t where page p's body starts.
func bodyStart(t *text, p *site.Page) int {
	n := p.BodyLine - 1
	if n <= 0 || n >= len(t.starts) {
		return len(t.src) - len(p.Body)
	}
	return t.starts[n]
}

// resolve says where a use lands; ok is false when it does not resolve or
// lands off the site (an external link).
func (s *snapshot) resolve(from *site.Page, u build.Use) (site.Target, bool) {
	switch u.Kind {
	case build.UseRef, build.UseApplies:
		ref, _, _ := strings.Cut(u.Target, "|")
		t, err := s.site.Resolve(ref)
		return t, err == nil
	case build.UseLink:
		t, kind, err := s.site.ResolveLink(from, u.Target)
		return t, kind == site.LinkPage && err == nil && t.Page != nil
	case build.UseCite:
		p, err := s.site.Source(u.Target)
		return site.Target{Page: p}, err == nil
	}
	return site.Target{}, false
}

// citersOf returns the references that land on page p: on anchor, or,
// when anchor is "", on the page or any place of it.
func (s *snapshot) citersOf(p *site.Page, anchor string) []citing {
	s.citersOnce.Do(func() {
		s.citers = map[target][]citing{}
		if s.site == nil {
			return
		}
		for _, from := range s.site.Pages {
			for _, u := range s.uses[from.File] {
				if t, ok := s.resolve(from, u); ok {
					k := target{t.Page.URL, t.Anchor}
					s.citers[k] = append(s.citers[k], citing{from: from, use: u})
				}
			}
		}
	})
	if anchor != "" {
		return s.citers[target{p.URL, anchor}]
	}
	var out []citing
	out = append(out, s.citers[target{p.URL, ""}]...)
	for _, a := range p.Anchors {
		out = append(out, s.citers[target{p.URL, a.ID}]...)
	}
	return out
}

// useSpot finds a use in its page's file: the syntax written there, with
// its position. ok is false when the file no longer holds it.
func (s *snapshot) useSpot(c citing) (name string, t *text, sp spot, ok bool) {
	name = fileOf(c.from)
	t = s.fileText(name)
	if t == nil {
		return name, nil, spot{}, false
	}
	if c.use.Kind == build.UseApplies {
		sp, ok = appliesSpotOf(t, c.use.Target)
		return name, t, sp, ok
	}
	off := bodyStart(t, c.from) + c.use.Offset
	if off < 0 || off >= len(t.src) {
		return name, t, spot{}, false
	}
	sp = spotAt(t, off+1)
	want := map[build.UseKind]spotKind{build.UseRef: refSpot, build.UseCite: citeSpot, build.UseLink: linkSpot}[c.use.Kind]
	return name, t, sp, sp.kind == want && sp.start == off
}

// appliesSpotOf finds the entry of applies: written as entry.
func appliesSpotOf(t *text, entry string) (spot, bool) {
	closing, ok := frontMatter(t)
	if !ok {
		return spot{}, false
	}
	for n := 1; n < closing; n++ {
		if key, _ := keyOf(t, n); key != "applies" {
			continue
		}
		line := t.line(n)
		for i := 0; i < len(line); {
			j := strings.Index(string(line[i:]), entry)
			if j < 0 {
				break
			}
			if sp := frontSpotAt(t, n, i+j+1); sp.kind == appliesSpot && sp.tstart == t.starts[n]+i+j {
				return sp, true
			}
			i += j + 1
		}
	}
	return spot{}, false
}
