package markup

import (
	"strings"
	"testing"
)

// TestNoLostWords renders each input issue 18 found losing or mangling a
// writer's text and checks the exact HTML (less permalinks) and problems. References resolve
// to /TARGET/ titled TARGET; "foo", "bar" and "baz" are defined terms.
func TestNoLostWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, give string
		rawHTML    bool
		want       string   // the HTML, without trailing space
		problems   []string // "offset: message"
	}{
		{
			desc:     "reference in link text",
			give:     "[see [[foo]]](/url)",
			want:     `<p><a href="/url">see [[foo]]</a></p>`,
			problems: []string{"5: cross-reference inside a link's text: a link cannot hold another link"},
		},
		{
			desc:     "reference in image description",
			give:     "![[[foo]]](/i.png)",
			want:     `<p><img src="/i.png" alt="[[foo]]"></p>`,
			problems: []string{"2: cross-reference inside an image's description: a link cannot hold another link"},
		},
		{
			desc:     "reference with label in link text stays as written",
			give:     "[a [[foo|&amp; <b>]] b](/url)",
			want:     `<p><a href="/url">a [[foo|&amp;amp; &lt;b&gt;]] b</a></p>`,
			problems: []string{"3: cross-reference inside a link's text: a link cannot hold another link"},
		},
		{
			desc: "label with a character reference",
			give: "[[foo|&amp; x]]",
			want: `<p><a class="xref" href="/foo/" data-title="foo">&amp; x</a></p>`,
		},
		{
			desc: "label with a backslash escape",
			give: `[[foo|R\&D]]`,
			want: `<p><a class="xref" href="/foo/" data-title="foo">R&amp;D</a></p>`,
		},
		{
			desc: "label with a numeric reference",
			give: `[[foo|ESMA&#39;s reading]]`,
			want: `<p><a class="xref" href="/foo/" data-title="foo">ESMA's reading</a></p>`,
		},
		{
			desc: "escaped brackets are literal",
			give: `\[[x]]`,
			want: `<p>[[x]]</p>`,
		},
		{
			desc:    "term inside a raw link",
			give:    `<a href="/x">foo</a> then foo`,
			rawHTML: true,
			want:    `<p><a href="/x">foo</a> then <a class="term" href="/foo/" data-title="foo">foo</a></p>`,
		},
		{
			desc:    "term inside raw code, kbd, script and style",
			give:    `<code>foo</code> <kbd>bar</kbd> <script>baz</script> <style>foo</style> <pre>bar</pre>`,
			rawHTML: true,
			want:    `<p><code>foo</code> <kbd>bar</kbd> <script>baz</script> <style>foo</style> <pre>bar</pre></p>`,
		},
		{
			desc:    "term after a closed raw element, nested elements",
			give:    "<code><code>x</code> foo</code> <A HREF=\"/y\">bar</A> baz",
			rawHTML: true,
			want:    `<p><code><code>x</code> foo</code> <A HREF="/y">bar</A> <a class="term" href="/baz/" data-title="baz">baz</a></p>`,
		},
		{
			desc:    "raw element left open does not reach the next paragraph",
			give:    "<code>foo\n\nfoo",
			rawHTML: true,
			want:    "<p><code>foo</p>\n<p><a class=\"term\" href=\"/foo/\" data-title=\"foo\">foo</a></p>",
		},
		{
			desc: "term inside a longer word",
			give: "fooé foo",
			want: `<p>fooé <a class="term" href="/foo/" data-title="foo">foo</a></p>`,
		},
		{
			desc: "callout title with emphasis across lines",
			give: "> [!NOTE] title *starts\n> continues* here\n> Body.",
			want: "<aside class=\"callout callout-note\" aria-label=\"title starts continues here\">\n<p class=\"callout-title\">title <em>starts\ncontinues</em> here</p>\n<p>Body.</p>\n</aside>",
		},
		{
			desc: "callout title with a code span and a link across lines",
			give: "> [!NOTE] a `code\n> span` b [link\n> text](/u) c\n> Body.",
			want: "<aside class=\"callout callout-note\" aria-label=\"a code span b link text c\">\n<p class=\"callout-title\">a <code>code span</code> b <a href=\"/u\">link\ntext</a> c</p>\n<p>Body.</p>\n</aside>",
		},
		{
			desc: "callout title decodes entities and escapes, keeps its footnote",
			give: "> [!ESMA] ESMA&#39;s \"reading\" of R\\&D[^1]\n> Body.\n\n[^1]: The note.",
			want: "<aside class=\"callout callout-esma\" aria-label=\"ESMA's “reading” of R&amp;D\">\n" +
				"<p class=\"callout-title\">ESMA's &ldquo;reading&rdquo; of R&amp;D<sup id=\"fnref:1\"><a href=\"#fn:1\" class=\"footnote-ref\" role=\"doc-noteref\">1</a></sup></p>\n<p>Body.</p>\n</aside>\n" +
				"<div class=\"footnotes\" role=\"doc-endnotes\">\n<hr>\n<ol>\n<li id=\"fn:1\">\n<p>The note.&#160;<a href=\"#fnref:1\" class=\"footnote-backref\" role=\"doc-backlink\">&#x21a9;&#xfe0e;</a></p>\n</li>\n</ol>\n</div>",
		},
		{
			desc: "callout title with a reference and a term",
			give: "> [!NOTE] See [[bar|x]] and *foo*\n> foo",
			want: "<aside class=\"callout callout-note\" aria-label=\"See x and foo\">\n<p class=\"callout-title\">See <a class=\"xref\" href=\"/bar/\" data-title=\"bar\">x</a> and <em>foo</em></p>\n<p><a class=\"term\" href=\"/foo/\" data-title=\"foo\">foo</a></p>\n</aside>",
		},
		{
			desc: "callout title keeps its source note",
			give: "> [!ESMA] ESMA's *reading* [@esma, para. 13]\n> Body.",
			want: "<aside class=\"callout callout-esma\" aria-label=\"ESMA’s reading\">\n<p class=\"callout-title\">ESMA&rsquo;s <em>reading</em><span class=\"xref-broken\" title=\"unknown source\">[@esma, para. 13]</span></p>\n<p>Body.</p>\n</aside>\n" +
				"<section class=\"sources\" aria-labelledby=\"kb-sources\">\n<h2 id=\"kb-sources\">Sources</h2>\n<ol>\n<li id=\"kb-source-1\"><span class=\"xref-broken\">esma</span></li>\n</ol>\n</section>",
		},
		{
			desc: "quotation: words beside its source are a problem, not lost silently",
			give: "> [!TEXT] My gloss [@mica, Art. 61(2)]\n> The words.",
			want: "<figure class=\"quotation\">\n<blockquote class=\"official-wording\">\n<p>The words.</p>\n</blockquote>\n<figcaption>Quoted from <span class=\"xref-broken\">mica, Art. 61(2)</span></figcaption>\n</figure>\n" +
				"<section class=\"sources\" aria-labelledby=\"kb-sources\">\n<h2 id=\"kb-sources\">Sources</h2>\n<ol>\n<li id=\"kb-source-1\"><span class=\"xref-broken\">mica</span></li>\n</ol>\n</section>",
			problems: []string{`2: a quotation's marker line holds only its source, not "My gloss"`},
		},
		{
			desc: "callout marker before a definition list",
			give: "> [!NOTE]\n> Term\n> : def",
			want: "<aside class=\"callout callout-note\" aria-label=\"Note\">\n<p class=\"callout-title\">Note</p>\n<dl>\n<dt>Term</dt>\n<dd>def</dd>\n</dl>\n</aside>",
		},
		{
			desc:     "callout marker underlined",
			give:     "> [!NOTE]\n> ---\n> Body.",
			want:     "<aside class=\"callout callout-note\" aria-label=\"Note\">\n<p class=\"callout-title\">Note</p>\n<p>Body.</p>\n</aside>",
			problems: []string{"2: callout marker read as a heading: the --- line under it underlines it"},
		},
		{
			desc: "callout marker before an underlined heading",
			give: "> [!TIP] T\n> Heading\n> ===",
			want: "<aside class=\"callout callout-tip\" aria-label=\"T\">\n<p class=\"callout-title\">T</p>\n<h1 id=\"heading\">Heading</h1>\n</aside>",
		},
		{
			desc: "callout marker after a hash is a heading, not a callout",
			give: "> # [!NOTE] x",
			want: "<blockquote>\n<h1 id=\"note-x\">[!NOTE] x</h1>\n</blockquote>",
		},
		{
			desc: "raw HTML off: terms in text around dropped tags",
			give: `<code>foo</code> foo`,
			want: `<p><!-- raw HTML omitted -->foo<!-- raw HTML omitted --> <a class="term" href="/foo/" data-title="foo">foo</a></p>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			out, doc, err := renderKB(New(Options{RawHTML: tt.rawHTML}), []byte(tt.give))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(withoutPins(out, false)); got != tt.want { // permalinks are not the point here
				t.Errorf("render(%q)\n got: %s\nwant: %s", tt.give, got, tt.want)
			}
			var problems []string
			for _, p := range doc.Problems {
				problems = append(problems, itoa(p.Offset)+": "+p.Message)
			}
			if strings.Join(problems, "\n") != strings.Join(tt.problems, "\n") {
				t.Errorf("problems of %q\n got: %q\nwant: %q", tt.give, problems, tt.problems)
			}
		})
	}
}
