package site

// Snapshot returns a copy of the site made of copies of its pages. An
// incremental build reuses the pages of files that did not change and
// updates some of their fields in place (their anchors' texts); a
// snapshot is untouched by that, so an editor's language server can read
// it, and resolve references against it, while the next build runs.
func (s *Site) Snapshot() *Site {
	if s == nil {
		return nil
	}
	copies := make(map[*Page]*Page, len(s.Pages)+len(s.moved))
	cp := func(p *Page) *Page {
		if p == nil {
			return nil
		}
		c, ok := copies[p]
		if !ok {
			v := *p
			c = &v
			copies[p] = c
		}
		return c
	}
	remap := func(m map[string]*Page) map[string]*Page {
		if m == nil {
			return nil
		}
		out := make(map[string]*Page, len(m))
		for k, p := range m {
			out[k] = cp(p)
		}
		return out
	}
	out := &Site{Config: s.Config, Pages: make([]*Page, len(s.Pages))}
	for i, p := range s.Pages {
		out.Pages[i] = cp(p)
	}
	out.byID, out.byCite, out.byURL, out.byFile = remap(s.byID), remap(s.byCite), remap(s.byURL), remap(s.byFile)
	out.moved = remap(s.moved)
	if d := s.drafts; d != nil {
		out.drafts = &Site{byID: remap(d.byID), byCite: remap(d.byCite), byFile: remap(d.byFile)}
	}
	return out
}
