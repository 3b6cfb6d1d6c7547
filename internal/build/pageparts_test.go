package build

import (
	"testing"

	"github.com/kb-legal/kb/internal/render"
	"github.com/kb-legal/kb/internal/site"
)

func TestRankOf(t *testing.T) {
	t.Parallel()
	values := []string{"out-of-scope", "in-scope", "unclear"}
	tests := []struct {
		desc, give string
		want       int
	}{
		{"first", "out-of-scope", 0},
		{"last", "unclear", 2},
		{"unknown values go after them all", "other", 3},
		{"empty is unknown", "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := rankOf(values, tt.give); got != tt.want {
				t.Errorf("rankOf(%q) = %d, want %d", tt.give, got, tt.want)
			}
		})
	}
}

func TestRelatedHeading(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give []render.TOCEntry
		want string
	}{
		{"no headings", nil, "Related pages"},
		{"other headings", []render.TOCEntry{{Text: "Scope"}, {Text: "Related rules"}}, "Related pages"},
		{"the author's own, in any case", []render.TOCEntry{{Text: "Scope"}, {Text: "related PAGES"}}, "More related pages"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := relatedHeading(tt.give); got != tt.want {
				t.Errorf("relatedHeading = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLayoutOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give *site.Page
		want string
	}{
		{"the home page, a section too", &site.Page{URL: "/", IsSection: true}, "home"},
		{"a section", &site.Page{URL: "/esma/", IsSection: true}, "section"},
		{"a page", &site.Page{URL: "/esma/guidelines/"}, "page"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := layoutOf(tt.give); got != tt.want {
				t.Errorf("layoutOf = %q, want %q", got, tt.want)
			}
		})
	}
}
