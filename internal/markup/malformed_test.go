package markup

import (
	"fmt"
	"strings"
	"testing"
)

// TestMalformedSyntax: reference and anchor syntax that did not parse is a
// problem at the offset where it starts; the escaped forms and code are not.
func TestMalformedSyntax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want []string // "offset: message"
	}{
		{desc: "unclosed reference", give: "Compare [[scenario-sponsorship.\n",
			want: []string{`8: "[[" without a matching "]]" on the same line`}},
		{desc: "one closing bracket", give: "Also [[mica-art-61#p2|paragraph 2] here.\n",
			want: []string{`5: "[[" without a matching "]]" on the same line`}},
		{desc: "empty with a space", give: "and [[ ]] and\n", want: []string{`4: empty reference [[ ]]`}},
		{desc: "empty", give: "and [[]].\n", want: []string{`4: empty reference [[]]`}},
		{desc: "stray closing", give: "see x]] there\n", want: []string{`5: "]]" without a matching "[[" before it`}},
		{desc: "anchor with a space", give: "{#p 2} bad anchor.\n", want: []string{`0: malformed anchor {#p 2}`}},
		{desc: "anchor mid-paragraph", give: "Text {#p2} more.\n", want: []string{`5: {#p2} is not an anchor here`}},
		{desc: "well-formed", give: "{#p1} See [[a]] and [[a#p1|one]].\n\n## H {#h}\n"},
		{desc: "escaped", give: `Write \[[x]] or \{#p1} or x\]] literally.` + "\n"},
		{desc: "code", give: "`[[x` and\n\n```\n[[y {#p 1}\n```\n"},
		{desc: "reference then stray", give: "[[a]]]] x\n", want: []string{`5: "]]" without a matching "[[" before it`}},
	}
	md := New(Options{})
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			doc := md.Parse([]byte(tt.give), ParseOptions{})
			var got []string
			for _, p := range doc.Problems {
				got = append(got, fmt.Sprintf("%d: %s", p.Offset, p.Message))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Parse(%q) problems:\n%s\nwant:\n%s", tt.give, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
