package site

import (
	"reflect"
	"testing"
)

func TestFindCitations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want []string // Key(true), then the text that is the citation without its instrument
	}{
		{"article and paragraph", "Art. 61(2)", []string{"art 61(2)", "Art. 61(2)"}},
		{"spelt out with subparagraph", "Article 61(1), second subparagraph", []string{"art 61(1) sub2", "Article 61(1), second subparagraph"}},
		{"bare groups", "61(1)(b)", []string{"art 61(1)(b)", "61(1)(b)"}},
		{"instrument and bare groups", "MiCA 61(2)", []string{"mica art 61(2)", "61(2)"}},
		{"instrument and article", "mica art 61", []string{"mica art 61", "art 61"}},
		{"para", "para 13", []string{"para 13", "para 13"}},
		{"para with a dot", "para. 24", []string{"para 24", "para. 24"}},
		{"paragraph of the guidelines", "paragraph 13 of the guidelines", []string{"para 13", "paragraph 13 of the guidelines"}},
		{"recital", "Recital 75", []string{"recital 75", "Recital 75"}},
		{"in a sentence", "sponsorship under Art. 61(1) 3rd subparagraph now", []string{"under art 61(1) sub3", "Art. 61(1) 3rd subparagraph"}},
		{"space before the group", "Art 61 (2)", []string{"art 61(2)", "Art 61 (2)"}},
		{"a plain number is no citation", "2024 rules", nil},
		{"a word starting with art is no article", "artisan 61", nil},
		{"two citations", "Art. 59 and Art. 61(3)", []string{"art 59", "Art. 59", "and art 61(3)", "Art. 61(3)"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, c := range FindCitations(tt.give) {
				got = append(got, c.Key(true), tt.give[c.BareStart:c.End])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FindCitations(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestPinpointKeys(t *testing.T) {
	t.Parallel()
	s := testSite(t)
	art61 := s.byID["mica-art-61"]
	guideline := &Page{FrontMatter: FrontMatter{ID: "gl", Title: "Guidelines", Kind: "guideline"}}
	tests := []struct {
		desc   string
		page   *Page
		anchor string
		want   []string
	}{
		{"page", art61, "", []string{"mica art 61", "art 61"}},
		{"paragraph", art61, "p2", []string{"mica art 61(2)", "art 61(2)"}},
		{"subparagraph", art61, "p1-sub2", []string{"mica art 61(1) sub2", "art 61(1) sub2"}},
		{"point", art61, "p1-b", []string{"mica art 61(1)(b)", "art 61(1)(b)"}},
		{"not a pinpoint", art61, "annotations", nil},
		{"guideline paragraph", guideline, "para-13", []string{"para 13"}},
		{"page without a cite key", guideline, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := s.PinpointKeys(tt.page, tt.anchor); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PinpointKeys(%s, %q) = %q, want %q", tt.page.ID, tt.anchor, got, tt.want)
			}
		})
	}
}

func FuzzFindCitations(f *testing.F) {
	for _, s := range []string{"Art. 61(2)", "Article 61(1), second subparagraph", "MiCA 61(2)", "paragraph 13 of the guidelines", "Recital 75", "61(1)(b)", "art art art 1(", "para"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		end := 0
		for _, c := range FindCitations(text) {
			if c.Start < end || c.Start > c.BareStart || c.BareStart >= c.End || c.End > len(text) {
				t.Fatalf("FindCitations(%q): span %d..%d (bare from %d) after %d", text, c.Start, c.End, c.BareStart, end)
			}
			if c.Unit == "" || c.Number == "" {
				t.Fatalf("FindCitations(%q): %+v has no unit or number", text, c)
			}
			end = c.End
		}
	})
}
