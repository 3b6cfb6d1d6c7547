package build

import (
	"encoding/json"
	"fmt"
	"io"
)

// PageRefs is what a writer can cite of one page: its id, cite key and
// anchors, each with the reference to write and how it reads.
type PageRefs struct {
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Kind    string      `json:"kind"`
	URL     string      `json:"url"`
	File    string      `json:"file,omitempty"` // content/…; "" for generated pages
	Cite    string      `json:"cite,omitempty"`
	Anchors []AnchorRef `json:"anchors,omitempty"`
}

// AnchorRef is one anchor of a page.
type AnchorRef struct {
	ID       string `json:"id"`
	Ref      string `json:"ref"`                // [[page-id#anchor]]
	Label    string `json:"label"`              // the pinpoint's number ("1(b)"), or the heading's text
	Citation string `json:"citation,omitempty"` // "MiCA Art. 61(1)(b)", where the page can be cited so
}

// refs lists every content page's ids, cite keys and anchors, in URL order.
func (g *generation) refs() []PageRefs {
	var out []PageRefs
	for _, p := range g.site.Pages {
		if p.File == "" {
			continue
		}
		r := PageRefs{ID: p.ID, Title: p.Title, Kind: p.Kind, URL: p.URL, File: contentPath(p.File), Cite: p.Cite}
		for _, a := range p.Anchors {
			pin := g.site.Pinpoint(p, a.ID)
			label := pin.Label
			if label == "" {
				label = a.Label
			}
			r.Anchors = append(r.Anchors, AnchorRef{ID: a.ID, Ref: "[[" + p.ID + "#" + a.ID + "]]", Label: label, Citation: pin.Citation})
		}
		out = append(out, r)
	}
	return out
}

// WriteRefs writes what a writer can cite as `kb refs` lists it: a
// line a page (its id, cite key, title and file), then a line an anchor
// (the reference to write, its label, and the citation it reads as).
func WriteRefs(w io.Writer, refs []PageRefs) {
	for _, p := range refs {
		fmt.Fprintf(w, "[[%s]]", p.ID)
		if p.Cite != "" {
			fmt.Fprintf(w, "  [[%s]]", p.Cite)
		}
		fmt.Fprintf(w, "  %s  (%s)\n", p.Title, p.File)
		for _, a := range p.Anchors {
			fmt.Fprintf(w, "    %s  %s", a.Ref, a.Label)
			if a.Citation != "" {
				fmt.Fprintf(w, "  = %s", a.Citation)
			}
			fmt.Fprintln(w)
		}
	}
}

// WriteRefsJSON writes refs as `kb refs --json` does: a JSON array,
// empty rather than null.
func WriteRefsJSON(w io.Writer, refs []PageRefs) error {
	if refs == nil {
		refs = []PageRefs{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(refs)
}
