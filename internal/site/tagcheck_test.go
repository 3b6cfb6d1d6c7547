package site

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

func TestCheckTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give map[string]string // file → front matter lines after the title
		want []string
	}{
		{
			desc: "tags shared by two pages are quiet",
			give: map[string]string{"a.md": "tags: [scope]", "b.md": "tags: [scope]"},
		},
		{
			desc: "a tag on one page, with a near tag",
			give: map[string]string{"a.md": "tags: [scope, marketting]", "b.md": "tags: [scope, marketing]", "c.md": "tags: [marketing]"},
			want: []string{`content/a.md:3:15: tag "marketting" is on this page only (did you mean "marketing"? Otherwise a tag groups pages: tag a related page with it too, or remove it)`},
		},
		{
			desc: "a word of a compound tag",
			give: map[string]string{"a.md": "tags: [esma-opinion]", "b.md": "tags: [esma]", "c.md": "tags: [esma]"},
			want: []string{`content/a.md:3:8: tag "esma-opinion" is on this page only (did you mean "esma"? Otherwise a tag groups pages: tag a related page with it too, or remove it)`},
		},
		{
			desc: "a tag on one page, nothing near",
			give: map[string]string{"a.md": "tags:\n  - scope\n  - zebra", "b.md": "tags: [scope]"},
			want: []string{`content/a.md:5:5: tag "zebra" is on this page only (a tag groups pages: tag a related page with it too, or remove it)`},
		},
		{
			desc: "plural: the more used spelling stands",
			give: map[string]string{"a.md": "tags: [disclaimers]", "b.md": "tags: [disclaimer]", "c.md": "tags: [disclaimer]"},
			want: []string{`content/a.md:3:8: tag "disclaimers" differs from "disclaimer" only in plural, case or hyphens (did you mean "disclaimer"? It tags 2 pages)`},
		},
		{
			desc: "hyphens and -ies",
			give: map[string]string{"a.md": "tags: [time-limits, x]", "b.md": "tags: [time_limit, x]", "c.md": "tags: [policies, x]", "d.md": "tags: [policy, x]"},
			want: []string{
				`content/a.md:3:8: tag "time-limits" differs from "time_limit" only in plural, case or hyphens (did you mean "time_limit"? It tags 1 page)`,
				`content/c.md:3:8: tag "policies" differs from "policy" only in plural, case or hyphens (did you mean "policy"? It tags 1 page)`,
			},
		},
		{
			desc: "a tag inside a longer one is not it",
			give: map[string]string{"a.md": "tags: [eu-firms, eu]", "b.md": "tags: [eu-firms]"},
			want: []string{`content/a.md:3:18: tag "eu" is on this page only (a tag groups pages: tag a related page with it too, or remove it)`},
		},
		{
			desc: "writers' pages are left out",
			give: map[string]string{"a.md": "audience: writers\ntags: [writing]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			files := map[string][]byte{}
			var pages []*Page
			for _, file := range slices.Sorted(maps.Keys(tt.give)) {
				files[file] = fmt.Appendf(nil, "---\ntitle: T\n%s\n---\nBody.\n", tt.give[file])
				p, probs := ParsePage(Source{File: file, Data: files[file]})
				if len(probs) > 0 {
					t.Fatal(probs)
				}
				pages = append(pages, p)
			}
			var got []string
			for _, p := range CheckTags(pages, func(file string) []byte { return files[file] }) {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("CheckTags:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestTagKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ give, want string }{
		{"disclaimers", "disclaimer"},
		{"Time-Limits", "time limit"},
		{"third_country_firms", "third country firm"},
		{"policies", "policy"},
		{"classes", "class"},
		{"business", "business"},
		{"eu", "eu"},
	} {
		if got := tagKey(tt.give); got != tt.want {
			t.Errorf("tagKey(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}
