package markup

import (
	"regexp"
	"strings"
	"testing"
)

// pinSpan matches a place's pin, which comes first in its heading.
var pinSpan = regexp.MustCompile(`<span class="pin[^"]*">.*?</span>`)

func TestHeadingAttributes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, give string
		wantHTML   string // a part of the rendered HTML
		wantProbs  []string
		wantAt     int // the first problem's offset
	}{
		{desc: "an anchor", give: "## One {#p1}\n", wantHTML: `<h2 id="p1">One`},
		{desc: "an id as text", give: "## One {id=\"p1\"}\n", wantHTML: `<h2 id="p1">One`},
		{desc: "an automatic id", give: "## Scope and aim\n", wantHTML: `<h2 id="scope-and-aim">Scope and aim`},
		{desc: "a closing sequence", give: "## Title ## {#t}\n", wantHTML: `<h2 id="t">Title<`},
		{desc: "a setext heading", give: "Title {#t}\n=====\n", wantHTML: `<h1 id="t">Title<`},
		{desc: "an id that is a number (code review: goldmark panicked)", give: "## Heading {id=5}\n",
			wantHTML: `<h2 id="heading">Heading<`, wantProbs: []string{"heading id 5 is not a name"}, wantAt: 11},
		{desc: "a setext id that is a number", give: "Heading {id=5}\n===\n",
			wantHTML: `<h1 id="heading">Heading<`, wantProbs: []string{"heading id 5 is not a name"}, wantAt: 8},
		{desc: "a style, a class and data (security review F7)", give: "## T {style=\"position:fixed;inset:0;z-index:99999;background:red\" class=\"xref\" data-x=\"1\"}\n",
			wantHTML: `<h2 id="t">T<`, wantProbs: []string{`heading attribute "style" is not allowed`, `heading attribute "class" is not allowed`, `heading attribute "data-x" is not allowed`}, wantAt: 5},
		{desc: "classes that are not text", give: "## H {class=5 class=x}\n", wantHTML: `<h2 id="h-class5-classx">H {class=5 class=x}<`},
		{desc: "an event handler", give: "## H {#h onclick=alert(1)}\n", wantHTML: `<h2 id="h-h-onclickalert1">`,
			wantProbs: []string{"malformed anchor {#h onclick=alert(1)}"}, wantAt: 5},
		{desc: "a bare class", give: "## H {.warning #w}\n", wantHTML: `<h2 id="w">H<`, wantProbs: []string{`heading attribute "class" is not allowed`}, wantAt: 5},
		{desc: "a heading that reads like kb's own id", give: "## KB basics\n", wantHTML: `<h2 id="h-kb-basics">KB basics<`},
		{desc: "an anchor that clobbers the search script's global (security review F7)", give: "## Search {#kbSearchBackend}\n",
			wantHTML: `<h2 id="search">Search<`, wantProbs: []string{`anchor "kbSearchBackend" begins with "kb"`}, wantAt: 10},
		{desc: "an anchor of kb's own", give: "## Q {#kb-q}\n", wantHTML: `<h2 id="q">Q<`, wantProbs: []string{`anchor "kb-q" begins with "kb"`}, wantAt: 5},
		{desc: "a paragraph anchor of kb's own", give: "{#KBSearchBackend} Text.\n", wantHTML: `<p>Text.</p>`, wantProbs: []string{`anchor "KBSearchBackend" begins with "kb"`}, wantAt: 0},
		{desc: "braces inside", give: "## Set {a} of things\n", wantHTML: `<h2 id="set-a-of-things">Set {a} of things<`},
	}
	md := New(Options{})
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			doc := md.Parse([]byte(tt.give), ParseOptions{})
			out, err := md.RenderString(doc)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(pinSpan.ReplaceAllString(out, ""), tt.wantHTML) {
				t.Errorf("HTML %q, want it to contain %q", out, tt.wantHTML)
			}
			if strings.Contains(out, "style=") || strings.Contains(out, "data-x") || strings.Contains(out, "xref") {
				t.Errorf("an attribute other than id survived: %s", out)
			}
			if len(doc.Problems) != len(tt.wantProbs) {
				t.Fatalf("problems %+v, want %q", doc.Problems, tt.wantProbs)
			}
			for i, p := range doc.Problems {
				if !strings.Contains(p.Message, tt.wantProbs[i]) {
					t.Errorf("problem %d %q, want %q", i, p.Message, tt.wantProbs[i])
				}
				if p.Offset != tt.wantAt {
					t.Errorf("problem %d at offset %d, want %d", i, p.Offset, tt.wantAt)
				}
			}
		})
	}
}

// TestTableAlignmentClasses: goldmark wrote style="text-align:…", which
// the published pages' Content-Security-Policy refuses.
func TestTableAlignmentClasses(t *testing.T) {
	t.Parallel()
	md := New(Options{})
	out, err := md.RenderString(md.Parse([]byte("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n"), ParseOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<th class="align-left">a</th>`, `<th class="align-center">b</th>`, `<td class="align-right">3</td>`, `<td>4</td>`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	if strings.Contains(out, "style=") {
		t.Errorf("an inline style:\n%s", out)
	}
}
