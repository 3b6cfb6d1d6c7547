package markup

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// normalizeHTML is the CommonMark spec's test/normalize.py in Go: two
// renderings are the same when they normalise to the same string. Tags and
// attribute names are lower case, attributes sorted and their values
// escaped alike, character references decoded (but <, >, & and " kept
// escaped), runs of white space outside <pre> made one space, and white
// space next to block tags dropped.
func normalizeHTML(s string) string {
	n := normalizer{last: "starttag"}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return n.out.String()
		}
		tok := z.Token()
		switch tt {
		case xhtml.TextToken:
			n.text(tok.Data)
		case xhtml.StartTagToken:
			n.start(tok)
		case xhtml.SelfClosingTagToken:
			n.start(tok)
			n.last = "endtag"
		case xhtml.EndTagToken:
			n.end(tok.Data)
		case xhtml.CommentToken:
			n.out.WriteString("<!--" + tok.Data + "-->")
			n.last = "comment"
		case xhtml.DoctypeToken:
			n.out.WriteString("<!" + tok.Data + ">")
			n.last = "decl"
		}
	}
}

type normalizer struct {
	out     strings.Builder
	inPre   bool
	last    string // what came last: starttag, endtag, data, comment, decl
	lastTag string
}

var whitespace = regexp.MustCompile(`\s+`)

func (n *normalizer) text(data string) {
	afterTag := n.last == "starttag" || n.last == "endtag"
	afterBlock := afterTag && blockTags[n.lastTag]
	if afterTag && n.lastTag == "br" {
		data = strings.TrimLeft(data, "\n")
	}
	if !n.inPre {
		data = whitespace.ReplaceAllString(data, " ")
	}
	if afterBlock && !n.inPre {
		if n.last == "starttag" {
			data = strings.TrimLeft(data, " \t\n\r\f\v")
		} else {
			data = strings.TrimSpace(data)
		}
	}
	n.out.WriteString(strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(data))
	n.last = "data"
}

func (n *normalizer) start(tok xhtml.Token) {
	if tok.Data == "pre" {
		n.inPre = true
	}
	if blockTags[tok.Data] {
		n.trimRight()
	}
	n.out.WriteString("<" + tok.Data)
	attrs := slices.Clone(tok.Attr)
	slices.SortFunc(attrs, func(a, b xhtml.Attribute) int { return strings.Compare(a.Key, b.Key) })
	for _, a := range attrs {
		n.out.WriteString(" " + a.Key + `="` + html.EscapeString(a.Val) + `"`)
	}
	n.out.WriteString(">")
	n.lastTag, n.last = tok.Data, "starttag"
}

func (n *normalizer) end(tag string) {
	if tag == "pre" {
		n.inPre = false
	} else if blockTags[tag] {
		n.trimRight()
	}
	n.out.WriteString("</" + tag + ">")
	n.lastTag, n.last = tag, "endtag"
}

func (n *normalizer) trimRight() {
	s := strings.TrimRight(n.out.String(), " \t\n\r\f\v")
	n.out.Reset()
	n.out.WriteString(s)
}

var blockTags = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields(`article header aside hgroup blockquote hr iframe body li map button
		object canvas ol output colgroup p pre progress dd dl section table td tbody tfoot th thead tr dt
		div fieldset figure figcaption footer form h1 h2 h3 h4 h5 h6 main nav noscript ul video`) {
		m[t] = true
	}
	return m
}()

// withoutKBAdditions removes what kb adds on purpose to goldmark's HTML, so
// that the rest can be compared: permalinks (<span class="pin">…</span>)
// and the links of defined terms (<a class="term">, unwrapped to their text).
func withoutKBAdditions(s string) string { return withoutPins(s, true) }

// withoutPins removes permalinks and, if terms is set, unwraps term links.
func withoutPins(s string, terms bool) string {
	var out strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	pinDepth, inTerm := 0, false
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return out.String()
		}
		raw := string(z.Raw())
		tok := z.Token()
		switch {
		case pinDepth > 0:
			if tok.Data == "span" && tt == xhtml.StartTagToken {
				pinDepth++
			} else if tok.Data == "span" && tt == xhtml.EndTagToken {
				pinDepth--
			}
			continue
		case tt == xhtml.StartTagToken && tok.Data == "span" && hasClass(tok, "pin"):
			pinDepth = 1
			continue
		case terms && tt == xhtml.StartTagToken && tok.Data == "a" && hasClass(tok, "term"):
			inTerm = true
			continue
		case tt == xhtml.EndTagToken && tok.Data == "a" && inTerm:
			inTerm = false
			continue
		}
		out.WriteString(raw)
	}
}

func hasClass(tok xhtml.Token, class string) bool {
	for _, a := range tok.Attr {
		if a.Key == "class" && slices.Contains(strings.Fields(a.Val), class) {
			return true
		}
	}
	return false
}

func TestNormalizeHTML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, a, b string
		same       bool
	}{
		{"attribute order", `<a title="t" href="/u">x</a>`, `<a href="/u" title="t">x</a>`, true},
		{"space around blocks", "<ul>\n<li>a</li>\n</ul>\n", "<ul><li>a</li></ul>", true},
		{"entities decoded", `<p>&#39;&quot;&amp;</p>`, `<p>'"&amp;</p>`, true},
		{"self-closing", `<br />x`, `<br>x`, true},
		{"collapsed space", "<p>a  \n b</p>", "<p>a b</p>", true},
		{"pre keeps space", "<pre>a  b</pre>", "<pre>a b</pre>", false},
		{"different text", "<p>a</p>", "<p>b</p>", false},
		{"different tag", "<p><em>a</em></p>", "<p><strong>a</strong></p>", false},
		{"different attribute", `<a href="/u">x</a>`, `<a href="/v">x</a>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			a, b := normalizeHTML(tt.a), normalizeHTML(tt.b)
			if (a == b) != tt.same {
				t.Errorf("normalizeHTML: %q and %q give %q and %q, want same=%v", tt.a, tt.b, a, b, tt.same)
			}
		})
	}
}

func TestWithoutKBAdditions(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, give, want string }{
		{"pin", `<h2 id="a">A<span class="pin"><a class="permalink" href="#a">¶</a><a class="citers">2</a></span></h2>`, `<h2 id="a">A</h2>`},
		{"term", `<p>a <a class="term" href="/t/">term</a> b <a href="/x">x</a></p>`, `<p>a term b <a href="/x">x</a></p>`},
		{"xref kept", `<a class="xref" href="/r/">r</a>`, `<a class="xref" href="/r/">r</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := withoutKBAdditions(tt.give); got != tt.want {
				t.Errorf("withoutKBAdditions(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}
