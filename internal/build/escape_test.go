package build

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"
)

// escapeSite puts script in every field a writer controls. PAYLOAD stands
// for each of the hostile strings in turn.
const escapeSite = `
-- kb.yaml --
title: "PAYLOAD"
description: "PAYLOAD"
notice: "PAYLOAD"
raw_html: RAW
-- content/_index.md --
---
title: "PAYLOAD home"
summary: "PAYLOAD"
---
Home [[p]] [[c]] [[s]].
-- content/p.md --
---
id: p
title: "PAYLOAD provision"
kind: provision
cite: "X PAYLOAD Art. 1"
summary: "PAYLOAD"
as_of: 2025-02-26
tags: [safe-tag]
---
## PAYLOAD heading {#h1}

## Attributes {#h2}

{#p1} 1. PAYLOAD paragraph.

{#p2} 2. Second.
-- content/t.md --
---
id: t
title: "PAYLOAD term page"
kind: term
term: "PAYLOAD"
aliases: ["PAYLOAD alias"]
summary: "PAYLOAD"
---
Definition.
-- content/s.md --
---
id: s
title: "PAYLOAD scenario"
kind: scenario
facts: "PAYLOAD"
question: "PAYLOAD"
trigger: "PAYLOAD"
outcome: uncertain
risk: high
applies: [p]
summary: "PAYLOAD"
---
Scenario body.
-- content/c.md --
---
id: c
title: "PAYLOAD commentary"
kind: commentary
summary: "PAYLOAD"
---
<script>alert(1)</script>

<div class="raw-marker" onclick="alert(1)">PAYLOAD block</div>

Inline <img class="raw-marker" src=x onerror=alert(1)> and <a href="javascript:alert(1)">a</a>.

![image](javascript:alert(1)) <javascript:alert(1)> [PAYLOAD](https://example.org/ "PAYLOAD")
[by reference][r] and [PAYLOAD][r]

[r]: https://example.org/r "PAYLOAD"

References: [[p|PAYLOAD]], [[p#p1|PAYLOAD]], [[X PAYLOAD Art. 1(1)]], [[p#h1]].

> [!ESMA] PAYLOAD
> Callout body PAYLOAD.

| PAYLOAD | b |
|---|---|
| [[p\|PAYLOAD]] | PAYLOAD |

PAYLOAD term
: PAYLOAD definition

Text with a note.[^n] ` + "`PAYLOAD code`" + `

[^n]: PAYLOAD note.

` + "```html\nPAYLOAD\n```\n"

var escapePayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	`'><svg onload=alert(1)>`,
}

// yamlQuoted escapes a payload for a double-quoted YAML string.
func yamlQuoted(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// buildEscapeSite builds escapeSite with one payload into memory.
func buildEscapeSite(t *testing.T, payload string, rawHTML bool) *MemSink {
	t.Helper()
	raw := "false"
	if rawHTML {
		raw = "true"
	}
	fsys := fstest.MapFS{}
	for _, f := range txtar.Parse([]byte(escapeSite)).Files {
		text := string(f.Data)
		if strings.HasSuffix(f.Name, ".md") || f.Name == "kb.yaml" {
			// In front matter the payload sits in a quoted string; in Markdown
			// it is written as is.
			head, body, ok := strings.Cut(strings.TrimPrefix(text, "---\n"), "\n---\n")
			if f.Name == "kb.yaml" {
				head, body, ok = text, "", true
			}
			if ok && (f.Name == "kb.yaml" || strings.HasPrefix(text, "---\n")) {
				head = strings.ReplaceAll(head, "PAYLOAD", yamlQuoted(payload))
				body = strings.ReplaceAll(body, "PAYLOAD", payload)
				if f.Name == "kb.yaml" {
					text = head
				} else {
					text = "---\n" + head + "\n---\n" + body
				}
			}
		}
		text = strings.ReplaceAll(text, "RAW", raw)
		fsys[f.Name] = &fstest.MapFile{Data: []byte(text)}
	}
	sink := NewMemSink()
	res, err := Generate(context.Background(), fsys, Options{}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("payload %q: %v", payload, res.Problems)
	}
	return sink
}

// scriptFinding is something in a built page that could run script.
type scriptFinding struct{ file, what string }

// findScript parses every HTML file of the site and reports each script
// element that is not one of the site's own script files, each event
// handler attribute, each script URL and each element marked raw-marker.
func findScript(t *testing.T, files map[string][]byte) []scriptFinding {
	t.Helper()
	var found []scriptFinding
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if n.Data == "script" && !ownScript(n, files) {
					found = append(found, scriptFinding{name, "script element " + renderNode(n)})
				}
				for _, a := range n.Attr {
					key := strings.ToLower(a.Key)
					switch {
					case strings.HasPrefix(key, "on"):
						found = append(found, scriptFinding{name, "event handler " + renderNode(n)})
					case (key == "href" || key == "src" || key == "action" || key == "formaction") && scriptURL(a.Val):
						found = append(found, scriptFinding{name, "script URL " + renderNode(n)})
					case key == "class" && strings.Contains(a.Val, "raw-marker"):
						found = append(found, scriptFinding{name, "raw HTML " + renderNode(n)})
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
	return found
}

// ownScript reports whether a script element loads one of the site's own
// script files and has no inline code, or inlines one of them whole (the
// theme's theme.js, allowed by its hash).
func ownScript(n *html.Node, files map[string][]byte) bool {
	if n.FirstChild != nil {
		if n.FirstChild != n.LastChild || n.FirstChild.Type != html.TextNode || len(n.Attr) > 0 {
			return false
		}
		for name, data := range files {
			if strings.HasPrefix(name, "assets/") && strings.HasSuffix(name, ".js") && string(data) == n.FirstChild.Data {
				return true
			}
		}
		return false
	}
	for _, a := range n.Attr {
		if a.Key == "src" {
			_, ok := files[strings.TrimPrefix(a.Val, "/")]
			return ok && strings.HasSuffix(a.Val, ".js")
		}
	}
	return false
}

func renderNode(n *html.Node) string {
	var b strings.Builder
	c := *n
	c.FirstChild, c.LastChild, c.Parent, c.PrevSibling, c.NextSibling = nil, nil, nil, nil, nil
	_ = html.Render(&b, &c)
	return b.String()
}

// scriptURL reports whether a browser would run u as script: it drops
// leading controls and spaces and every tab and line break before reading
// the scheme, as the URL standard does.
func scriptURL(u string) bool {
	u = strings.TrimLeftFunc(u, func(r rune) bool { return r <= ' ' })
	u = strings.ToLower(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(u))
	return strings.HasPrefix(u, "javascript:") || strings.HasPrefix(u, "vbscript:")
}

// textContains reports whether some page shows s as text (escaped, not
// markup), so the payload is known to have reached the output.
func textContains(t *testing.T, files map[string][]byte, s string) bool {
	t.Helper()
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.TextNode {
				text.WriteString(n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if strings.Contains(text.String(), s) {
			return true
		}
	}
	return false
}

// TestEscaping builds a site with script in every field and every kind of
// Markdown, and checks that nothing of it can run in any built page.
func TestEscaping(t *testing.T) {
	t.Parallel()
	for _, payload := range escapePayloads {
		t.Run(payload, func(t *testing.T) {
			t.Parallel()
			sink := buildEscapeSite(t, payload, false)
			for _, f := range findScript(t, sink.Files) {
				t.Errorf("%s: %s", f.file, f.what)
			}
			if !textContains(t, sink.Files, payload+" provision") {
				t.Errorf("the payload %q never reached a page as text", payload)
			}
			checkXML(t, sink.Files)
		})
	}
}

// TestEscapingRawHTML turns raw_html on: the writer's own HTML (and its
// script) then comes through, which also shows the checks above can fail.
func TestEscapingRawHTML(t *testing.T) {
	t.Parallel()
	sink := buildEscapeSite(t, "PAYLOAD", true)
	var scripts, raw bool
	for _, f := range findScript(t, sink.Files) {
		scripts = scripts || strings.HasPrefix(f.what, "script element")
		raw = raw || strings.HasPrefix(f.what, "raw HTML")
	}
	if !scripts || !raw {
		t.Errorf("raw_html: true: script found %v, raw HTML found %v; want both", scripts, raw)
	}
}

// TestEscapingTags checks that tags, which become URLs and class names, are
// refused rather than escaped when they hold markup.
func TestEscapingTags(t *testing.T) {
	t.Parallel()
	for _, payload := range escapePayloads {
		fsys := fstest.MapFS{"content/a.md": {Data: []byte("---\ntitle: A\ntags: [\"" + yamlQuoted(payload) + "\"]\n---\n")}}
		res, err := Generate(context.Background(), fsys, Options{}, NewMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) != 1 || res.Problems[0].Line != 3 || !strings.Contains(res.Problems[0].Message, "invalid tag") {
			t.Errorf("tag %q: problems %v, want one invalid tag at line 3", payload, res.Problems)
		}
	}
}

// TestEscapingRefusedLinks: links to script, local files or data
// documents, however written (the Markdown renderer would drop them from
// the page), fail the build with their position, so nothing is published.
func TestEscapingRefusedLinks(t *testing.T) {
	t.Parallel()
	for _, give := range []string{"[link](javascript:alert(1))", "[upper](JAVASCRIPT:alert(1))", "[vb](vbscript:msgbox(1))",
		"[file](file:///etc/passwd)", "[data](data:text/html,<script>alert(1)</script>)", "[by reference][r]\n\n[r]: javascript:alert(1)",
		"[entity](&#106;avascript:alert(1))", "[colon](javascript&colon;alert(1))", "[tab](<java\tscript:alert(1)>)"} {
		fsys := fstest.MapFS{"content/a.md": {Data: []byte("---\ntitle: A\n---\nText\n\nSee " + give + ".\n")}}
		res, err := Generate(context.Background(), fsys, Options{}, NewMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) != 1 || res.Problems[0].Line != 6 || res.Problems[0].Col != 5 {
			t.Errorf("%s: problems %v, want one at 6:5", give, res.Problems)
		}
	}
}

// checkXML reads the feed and the sitemap: content must stay text there.
func checkXML(t *testing.T, files map[string][]byte) {
	t.Helper()
	for _, name := range []string{"atom.xml", "sitemap.xml"} {
		data, ok := files[name]
		if !ok {
			continue
		}
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if se, ok := tok.(xml.StartElement); ok {
				switch se.Name.Local {
				case "script", "img", "svg", "a":
					t.Errorf("%s: a <%s> element from content", name, se.Name.Local)
				}
			}
		}
	}
}
