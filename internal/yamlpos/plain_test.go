package yamlpos

import (
	"errors"
	"testing"
)

// TestPlainSyntaxErrors: a YAML syntax mistake is said in a writer's words
// at the line and column (in characters) where it starts.
func TestPlainSyntaxErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want Error
	}{
		{
			desc: "unclosed double quote, found by the parser lines later",
			give: "kind: x\ntitle: \"Shirt — sponsorship\nkind: scenario\ntags: [a]\nsummary: \"x\"\n",
			want: Error{Line: 2, Col: 8, Message: "the quoted value of title: that starts here is not closed", Hint: `end it with " before the next field`},
		},
		{
			desc: "unclosed single quote",
			give: "kind: x\ntitle: 'Shirt\nsummary: y\n",
			want: Error{Line: 2, Col: 8, Message: "the quoted value of title: that starts here is not closed", Hint: `end it with ' before the next field`},
		},
		{
			desc: "unclosed list",
			give: "kind: x\ntitle: Shirt\ntags: [a, b\nsummary: x\n",
			want: Error{Line: 3, Col: 7, Message: "the list of tags: that starts here is not closed", Hint: "end it with ], e.g. tags: [a, b]"},
		},
		{
			desc: "unclosed list at the end",
			give: "kind: x\ntags: [a, b\n",
			want: Error{Line: 2, Col: 7, Message: "the list of tags: that starts here is not closed", Hint: "end it with ], e.g. tags: [a, b]"},
		},
		{
			desc: "colon in a plain value",
			give: "title: Art. 61: scope\n",
			want: Error{Line: 1, Col: 8, Message: `": " inside a value that is not quoted`, Hint: `put the value in quotes, e.g. summary: "Article 61: scope"`},
		},
		{
			desc: "text after the closing quote",
			give: "title: \"a\" b\n",
			want: Error{Line: 1, Col: 12, Message: "text after the closing quote of a value", Hint: `put the whole value inside the quotes; write \" for a quote inside "…"`},
		},
		{
			desc: "columns count characters",
			give: "title: \"§ 61 — “own”\" b\n",
			want: Error{Line: 1, Col: 23, Message: "text after the closing quote of a value", Hint: `put the whole value inside the quotes; write \" for a quote inside "…"`},
		},
		{
			desc: "tab",
			give: "kind: x\n\ttitle: a\n",
			want: Error{Line: 2, Col: 1, Message: "a tab character in front matter", Hint: "YAML indents with spaces, never tabs"},
		},
		{
			desc: "field twice",
			give: "title: a\ntitle: b\n",
			want: Error{Line: 2, Col: 1, Message: `field "title" is given twice`, Hint: "keep one of them"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var v struct {
				Title   string   `yaml:"title"`
				Kind    string   `yaml:"kind"`
				Tags    []string `yaml:"tags"`
				Summary string   `yaml:"summary"`
			}
			_, err := Decode([]byte(tt.give), &v)
			var got *Error
			if !errors.As(err, &got) || *got != tt.want {
				t.Errorf("Decode(%q) = %#v, want %#v", tt.give, err, tt.want)
			}
		})
	}
}
