package markup

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// FuzzParseRef checks that ParseRef never panics and that what it accepts
// is a clean target and label.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"mica-art-61", "mica-art-61#p2|Art. 61(2)", "MiCA Art. 61(1)(b)",
		" a | b ", "#", "#p2", "a\\|b", "a|&amp; &#91;x&#93;", "a|R\\&D", "a|b|c", "|label", "a[b]", "a\nb", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, inner string) {
		target, label, ok := ParseRef(inner)
		if !ok {
			if target != "" || label != "" {
				t.Fatalf("ParseRef(%q) rejected it but returned %q, %q", inner, target, label)
			}
			return
		}
		if target == "" || target == "#" || target != strings.TrimSpace(target) || label != strings.TrimSpace(label) {
			t.Fatalf("ParseRef(%q) = %q, %q: empty or untrimmed", inner, target, label)
		}
		if strings.ContainsAny(target, "[]\n\r|") {
			t.Fatalf("ParseRef(%q) = %q, %q: brackets, breaks or a bar in the target", inner, target, label)
		}
		if !strings.ContainsAny(inner, "&\\") && strings.ContainsAny(label, "[]\n\r") {
			t.Fatalf("ParseRef(%q) = %q, %q: brackets or breaks in the label, not from a reference", inner, target, label)
		}
	})
}

var calloutTypePattern = regexp.MustCompile(`^[A-Z]+$`)

// FuzzParseCalloutMarker checks that calloutMarkerIn never panics, that
// types come out upper case, that known types are exactly the listed ones,
// and that the title starts inside the line, after the marker.
func FuzzParseCalloutMarker(f *testing.F) {
	for _, s := range []string{"[!NOTE]", "[!esma] ESMA's reading of Art. 61", "[!WARNING]- folded", "[!Nope]",
		"[!NOTE]\r\n", "[! NOTE]", "[NOTE]", "[!PRACTICE]+ Title  ", "text [!NOTE]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		typ, at, ok, known := calloutMarkerIn([]byte(line))
		if !ok {
			if typ != "" || at != 0 || known {
				t.Fatalf("calloutMarkerIn(%q) rejected it but returned %q, %d, %v", line, typ, at, known)
			}
			return
		}
		if !calloutTypePattern.MatchString(typ) {
			t.Fatalf("calloutMarkerIn(%q) type %q is not upper-case letters", line, typ)
		}
		if known != slices.Contains(CalloutTypes(), typ) {
			t.Fatalf("calloutMarkerIn(%q) type %q known=%v, against CalloutTypes", line, typ, known)
		}
		if at < len("[!]")+len(typ) || at > len(line) || !strings.EqualFold(line[2:2+len(typ)], typ) {
			t.Fatalf("calloutMarkerIn(%q) title at %d, type %q", line, at, typ)
		}
	})
}

var pinIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]*$`)

// FuzzParsePinMarker checks that ParsePinMarker never panics and that the
// id and length it returns describe the start of the text.
func FuzzParsePinMarker(f *testing.F) {
	for _, s := range []string{"{#p1} text", "{#p1-b}\ttext", "{#art-61}", "{#}", "{# p1}", "{#p1", "x {#p1}", "{#a:b.c_d}  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, n, ok := ParsePinMarker(s)
		if !ok {
			if id != "" || n != 0 {
				t.Fatalf("ParsePinMarker(%q) rejected it but returned %q, %d", s, id, n)
			}
			return
		}
		marker := "{#" + id + "}"
		if !pinIDPattern.MatchString(id) || n > len(s) || n < len(marker) || !strings.HasPrefix(s, marker) {
			t.Fatalf("ParsePinMarker(%q) = %q, %d", s, id, n)
		}
		if strings.Trim(s[len(marker):n], " \t") != "" {
			t.Fatalf("ParsePinMarker(%q) consumed %q after the marker", s, s[len(marker):n])
		}
	})
}

// FuzzRender parses and renders whole documents, with references resolved
// to titles and previews taken from the document itself. It checks that
// nothing panics, that every offset lies in the source and, unless raw
// HTML is on, that the output holds no script, no event handler and no
// script URL, whatever the Markdown says.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# Title {#t}\n\n{#p1} 1. A paragraph citing [[MiCA Art. 61(2)|Art. 61(2)]] and [[a#b]].\n",
		"> [!ESMA] ESMA's reading\n> Text with close links.\n\n> [!NOPE]\n> x\n",
		"<script>alert(1)</script>\n\nInline <img src=x onerror=alert(1)> html.\n",
		"[x](javascript:alert(1)) [y](<java\tscript:alert(1)>) [z](JaVaScRiPt:alert(1)) ![i](javascript:alert(1))\n",
		"[ref]: javascript:alert(1)\n\n[a][ref] <javascript:alert(1)>\n",
		"[[\"><img src=x onerror=alert(1)>|<script>alert(1)</script>]]\n",
		"## Heading {#h onclick=alert(1) .c}\n\nText[^1]\n\n[^1]: Note <b onmouseover=x>b</b>\n",
		"```html\n<script>alert(1)</script>\n```\n\n| a | b |\n|---|---|\n| [[x\\|y]] | <i>z</i> |\n",
		"- [ ] task\n- {#p2} item\n\nterm\n: definition\n",
		"<!-- c --><a href=\"javascript:alert(1)\">x</a>&lt;script&gt;",
		// Heading attributes: an id that is not text made goldmark panic;
		// anything but an id must not reach the page.
		"## Heading {id=5}\n\nHeading {id=5.5}\n===\n",
		"## T {style=\"position:fixed;inset:0\" class=\"xref\" data-x=\"1\" hidden}\n",
		"## H {class=5 class=x}\n\n## G {.a .b #g}\n\n## F ## {#f}\n",
		"# {#}\n\n## {id=true}\n\n## x {id=[1]}\n",
		"Narrow [@mica, Art. 61(1)] and [@esma, para. <b>13</b>][@mica].\n\n> [!TEXT] [@mica, Art. 61(2)]\n> Words.\n\n> [!TEXT]\n> none\n",
		"[see [@a] x](/u) [@b](/v) [@c]\n\n[@c]: /w\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte("<b>raw</b>\n"), true)
	terms := NewTerms([]Term{{ID: "close-links", Phrases: []string{"close links", "<script>"}}})
	safe := New(Options{})
	raw := New(Options{RawHTML: true})
	f.Fuzz(func(t *testing.T, src []byte, rawHTML bool) {
		md := safe
		if rawHTML {
			md = raw
		}
		doc := md.Parse(src, ParseOptions{Terms: terms, SelfID: "self"})
		for i, r := range doc.Refs {
			if r.Offset < 0 || r.Offset > len(src) {
				t.Fatalf("reference %q at offset %d of %d bytes", r.Target, r.Offset, len(src))
			}
			if i%2 == 0 { // leave some unresolved: they render differently
				r.Resolved = Resolved{URL: "/p/", Title: r.Target, TargetKind: r.Label, Preview: r.Context, Cite: r.Label}
			}
		}
		for _, a := range doc.Anchors {
			if a.Offset < 0 || a.Offset > len(src) {
				t.Fatalf("anchor %q at offset %d of %d bytes", a.ID, a.Offset, len(src))
			}
			if a.Pin != nil {
				a.Pin.Label, a.Pin.Copy, a.Pin.URL, a.Pin.Ref, a.Pin.Citers = a.Label, a.Label, a.ID, a.ID, 2
			}
		}
		for i, c := range doc.Cites {
			if c.Offset < 0 || c.Offset > len(src) || c.Note < 1 {
				t.Fatalf("citation %q at offset %d of %d bytes, note %d", c.SourceID, c.Offset, len(src), c.Note)
			}
			if i%2 == 0 {
				c.Source = CitedSource{Page: "/s/", Title: c.Context, Short: c.Pinpoint, Publisher: "<script>", Address: "https://x.example/\"><script>"}
			}
		}
		for _, p := range doc.Problems {
			if p.Offset < 0 || p.Offset > len(src) {
				t.Fatalf("problem %q at offset %d of %d bytes", p.Message, p.Offset, len(src))
			}
		}
		doc.RefreshText()
		out, err := md.RenderString(doc)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if rawHTML {
			return
		}
		if bad := unsafeHTML(out); bad != "" {
			t.Fatalf("rendered %s from %q:\n%s", bad, src, out)
		}
		if bad := headingAttribute(out); bad != "" {
			t.Fatalf("rendered a heading with %s from %q:\n%s", bad, src, out)
		}
	})
}

// unsafeHTML parses out as the body of a page and describes the first
// thing in it that could run script, or returns "".
func unsafeHTML(out string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(out), body)
	if err != nil {
		return "unparsable HTML: " + err.Error()
	}
	for _, n := range nodes {
		if bad := unsafeNode(n); bad != "" {
			return bad
		}
	}
	return ""
}

// headingAttribute names the first attribute other than id on a heading
// of out, or returns "".
func headingAttribute(out string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, _ := html.ParseFragment(strings.NewReader(out), body)
	var find func(n *html.Node) string
	find = func(n *html.Node) string {
		switch n.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			for _, a := range n.Attr {
				if a.Key != "id" {
					return a.Key + "=" + a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if bad := find(c); bad != "" {
				return bad
			}
		}
		return ""
	}
	for _, n := range nodes {
		if bad := find(n); bad != "" {
			return bad
		}
	}
	return ""
}

func unsafeNode(n *html.Node) string {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "script", "iframe", "object", "embed", "style", "link", "meta", "base", "form", "svg", "math", "template":
			return "a <" + n.Data + "> element"
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") {
				return "an event handler " + a.Key + "=" + a.Val
			}
			if scriptURL(a.Val) && (key == "href" || key == "src" || key == "action" || key == "formaction" || key == "xlink:href") {
				return "a script URL " + a.Key + "=" + a.Val
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if bad := unsafeNode(c); bad != "" {
			return bad
		}
	}
	return ""
}

// scriptURL reports whether a browser would run u as script: it strips
// leading controls and spaces and every tab and line break, as the URL
// standard does, before reading the scheme.
func scriptURL(u string) bool {
	u = strings.TrimLeft(u, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	u = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(u)
	u = strings.ToLower(u)
	return strings.HasPrefix(u, "javascript:") || strings.HasPrefix(u, "vbscript:")
}

// TestUnsafeHTML shows FuzzRender's checker can fail: each of these would
// run script.
func TestUnsafeHTML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, give string
		bad        bool
	}{
		{"script", `<p>x</p><script>alert(1)</script>`, true},
		{"handler", `<img src=x onerror=alert(1)>`, true},
		{"handler upper case", `<p OnClick="x">`, true},
		{"javascript URL", `<a href="JavaScript:alert(1)">x</a>`, true},
		{"entity-encoded URL", `<a href="&#106;avascript:alert(1)">x</a>`, true},
		{"URL with tab", "<a href=\"java\tscript:alert(1)\">x</a>", true},
		{"escaped text", `<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=x javascript:</p>`, false},
		{"ordinary link", `<a href="/kb/a/#p2" data-preview="&lt;script&gt;">x</a>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := unsafeHTML(tt.give); (got != "") != tt.bad {
				t.Errorf("unsafeHTML(%q) = %q, want bad=%v", tt.give, got, tt.bad)
			}
		})
	}
}

// TestRenderRawHTML checks the switch itself: raw HTML is dropped by
// default and kept when a site turns it on.
func TestRenderRawHTML(t *testing.T) {
	t.Parallel()
	src := []byte("<script>alert(1)</script>\n\nA <img src=x onerror=alert(1)> b\n")
	for _, raw := range []bool{false, true} {
		md := New(Options{RawHTML: raw})
		out, err := md.RenderString(md.Parse(src, ParseOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		if got := unsafeHTML(out) != ""; got != raw {
			t.Errorf("RawHTML=%v: unsafe=%v in %q", raw, got, out)
		}
	}
}
