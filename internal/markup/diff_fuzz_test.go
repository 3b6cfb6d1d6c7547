package markup

import (
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark/ast"
	xhtml "golang.org/x/net/html"
)

// kbSyntaxSeeds are inputs around kb's own syntax, where it can meet
// CommonMark's: references in links and images, callout markers before
// blocks that would take them, terms in raw HTML.
var kbSyntaxSeeds = []string{
	"See [[foo]] and [[foo#p2|Art. 61(2)]] and [[MiCA Art. 61(1)(b)]].\n",
	"[see [[foo]]](/url) ![[[foo]]](/i.png) [[foo]](/url) \\[[foo]]\n",
	"[[foo|&amp; x]] [[foo|R\\&D]] [[foo|*em*]]\n",
	"> [!NOTE] title *starts\n> continues* here\n",
	"> [!NOTE] a `code\n> span` b [link\n> text](/u) c\n",
	"> [!ESMA] ESMA&#39;s \"reading\" of R\\&D[^1]\n> Body.\n\n[^1]: The note.\n",
	"> [!NOTE]\n> Term\n> : def\n",
	"> [!NOTE]\n> ---\n",
	"> [!PRACTICE]- Folded\n>\n> Text.\n\n> [!NOPE]\n> x\n",
	"<a href=\"/x\">foo</a> <code>bar</code> <kbd>baz</kbd> <script>foo</script> <pre>bar</pre>\n",
	"# Foo {#foo}\n\n{#p1} (a) foo bar baz.\n\n- {#p2} baz\n",
	"| a | b |\n|---|---|\n| [[foo\\|bar]] | foo |\n\nterm\n: definition of foo\n",
	"> [!TEXT] [@mica, Art. 61(2)]\n> The words.\n\n> [!ESMA] Reading *of* [@esma, para. 13]\n> Body [@mica].\n",
}

// FuzzDiffGoldmark renders Markdown with kb and with goldmark and kb's
// goldmark extensions alone. kb may add (permalinks, term links, callout
// titles) and may turn its own syntax into something else (a reference's
// target into a link, a callout's [!TYPE] into its title), but every other
// word goldmark shows must show in kb's output too, as often, unless kb
// reports a problem with the input; and kb never
// puts a link inside a link or inside code more often than goldmark does
// (raw HTML can do it in both).
func FuzzDiffGoldmark(f *testing.F) {
	for _, s := range kbSyntaxSeeds {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(kbSyntaxSeeds[len(kbSyntaxSeeds)-3]), true)
	for _, suite := range specSuites {
		examples, err := readSpec(suite)
		if err != nil {
			if os.Getenv("KB_REQUIRE_SPEC") != "" {
				f.Fatalf("spec suite %s: %v", suite.name, err)
			}
			continue
		}
		for _, ex := range examples {
			f.Add([]byte(ex.Markdown), false)
		}
	}
	kbs := [2]*Markdown{New(Options{}), New(Options{RawHTML: true})}
	gms := [2]func([]byte) (string, error){}
	for i, raw := range []bool{false, true} {
		ref := reference(raw)
		gms[i] = func(src []byte) (string, error) { return renderReference(ref, src) }
	}
	f.Fuzz(func(t *testing.T, src []byte, rawHTML bool) {
		i := 0
		if rawHTML {
			i = 1
		}
		kbOut, doc, err := renderKB(kbs[i], src)
		if err != nil {
			t.Fatalf("kb: %v", err)
		}
		gmOut, err := gms[i](src)
		if err != nil {
			t.Fatalf("goldmark: %v", err)
		}
		kbWords, gmWords := htmlWords(kbOut), htmlWords(gmOut)
		changed := kbChangedWords(doc)
		for w, n := range gmWords {
			if len(doc.Problems) > 0 {
				break // kb may leave out what it reports, with its position
			}
			if kbWords[w] < n-changed[w] {
				t.Fatalf("kb shows %q %d times, goldmark %d times (kb's syntax accounts for %d)\nsrc: %q\nkb:       %s\ngoldmark: %s",
					w, kbWords[w], n, changed[w], src, kbOut, gmOut)
			}
		}
		kbNest, gmNest := linkNesting(kbOut), linkNesting(gmOut)
		if kbNest.inLink > gmNest.inLink || kbNest.inCode > gmNest.inCode {
			t.Fatalf("kb nests links: %d in links, %d in code (goldmark %d, %d)\nsrc: %q\nkb:       %s\ngoldmark: %s",
				kbNest.inLink, kbNest.inCode, gmNest.inLink, gmNest.inCode, src, kbOut, gmOut)
		}
	})
}

// addWords splits text into lower-case runs of letters and digits, counted.
func addWords(counts map[string]int, text string) {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		counts[strings.ToLower(w)]++
	}
}

// htmlWords counts the words a reader sees in HTML: in its text and in
// images' alternative text, not inside scripts or styles. Tags part words:
// kb adds its links only at word boundaries.
func htmlWords(s string) map[string]int {
	counts := map[string]int{}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	raw := "" // the raw-text element we are in
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return counts
		case xhtml.TextToken:
			if raw == "" {
				addWords(counts, string(z.Text()))
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style":
				raw = tok.Data
			case "img":
				for _, a := range tok.Attr {
					if a.Key == "alt" {
						addWords(counts, a.Val)
					}
				}
			}
		case xhtml.EndTagToken:
			if tok := z.Token(); tok.Data == raw {
				raw = ""
			}
		}
	}
}

// kbChangedWords counts the words kb's syntax turns into something other
// than text on purpose: the targets of labelled references, callouts' types (shown as their titles) and paragraph anchors.
func kbChangedWords(doc *Document) map[string]int {
	counts := map[string]int{}
	for _, r := range doc.Refs {
		if !r.Term && r.Label != "" { // else it shows its target, resolved to itself
			addWords(counts, r.Target)
		}
	}
	_ = ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *Callout:
			addWords(counts, n.CalloutType)
		case *Pin:
			if _, heading := n.Parent().(*ast.Heading); !heading { // a {#id} marker
				addWords(counts, n.ID)
			}
		}
		return ast.WalkContinue, nil
	})
	return counts
}

// nesting counts links opened inside an open link, and inside code.
type nesting struct{ inLink, inCode int }

func linkNesting(s string) nesting {
	var n nesting
	z := xhtml.NewTokenizer(strings.NewReader(s))
	links, code := 0, 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return n
		case xhtml.StartTagToken:
			switch name, _ := z.TagName(); string(name) {
			case "a":
				if links > 0 {
					n.inLink++
				}
				if code > 0 {
					n.inCode++
				}
				links++
			case "code", "pre", "kbd":
				code++
			}
		case xhtml.EndTagToken:
			switch name, _ := z.TagName(); string(name) {
			case "a":
				links = max(links-1, 0)
			case "code", "pre", "kbd":
				code = max(code-1, 0)
			}
		}
	}
}
