// Package corpus generates a synthetic legal knowledge base for benchmarks:
// N pages of legal-ish text in kb's format, or the same pages in Hugo's
// layout, so kb and its peers can be measured on equal input.
//
// The corpus is deterministic: the same Options give the same bytes. Pages
// come in four kinds — provisions with cite keys and paragraph anchors
// ({#p2}, {#p2-b}), guidelines, scenarios with their structured fields, and
// commentary — each with front matter (as_of, tags, summary), 4 to 10
// anchored sections, lists, a table every few pages, fenced code every few
// pages and 3 to 8 cross-references to other pages, half of them to a
// paragraph, written as [[id]], [[id#anchor|label]] and citations such as
// [[SR Art. 12(2)(b)]]. Every reference resolves.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Options choose a corpus.
type Options struct {
	Pages int    // number of content pages (section pages come on top)
	Seed  uint64 // the same seed gives the same corpus
	Hugo  bool   // Hugo's layout: hugo.toml, layouts/, plain Markdown links
}

// Write writes the corpus into dir, creating it.
func Write(dir string, opts Options) error {
	for name, data := range Files(opts) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Files returns the corpus as slash paths (relative to the site directory)
// mapped to their contents.
func Files(opts Options) map[string][]byte {
	g := newGenerator(opts)
	files := map[string][]byte{}
	if opts.Hugo {
		maps(files, hugoSiteFiles())
	} else {
		files["kb.yaml"] = []byte(kbConfig)
	}
	files["content/_index.md"] = g.sectionPage("home", "Synthetic regulation", "")
	for _, s := range sections {
		files["content/"+s.dir+"/_index.md"] = g.sectionPage(s.dir, s.title, s.kind)
	}
	for i := range g.pages {
		files["content/"+g.pages[i].file] = g.page(i)
	}
	return files
}

func maps(dst, src map[string][]byte) {
	for k, v := range src {
		dst[k] = v
	}
}

const kbConfig = `title: "Synthetic regulation — benchmark corpus"
description: "A generated knowledge base for kb's benchmarks."
base_url: /
language: en
theme: default
notice: "Generated text for benchmarks; not legal advice."
`

// section is one folder of the corpus, holding one kind of page.
type section struct {
	kind, dir, title, idPrefix string
}

var sections = []section{
	{"provision", "provisions", "Provisions", "sr-art-"},
	{"guideline", "guidelines", "Guidelines", "gl-"},
	{"scenario", "scenarios", "Scenarios", "sc-"},
	{"commentary", "commentary", "Commentary", "cm-"},
}

// kindOf spreads kinds 2:1:1:1 — provisions are what everything cites.
func kindOf(i int) section {
	return sections[[]int{0, 0, 1, 2, 3}[i%5]]
}

// plan is what other pages need to know of a page before any body exists.
type plan struct {
	kind    string
	id      string
	file    string // under content/
	url     string
	title   string
	cite    string // provisions only, e.g. "SR Art. 12"
	paras   int    // anchored sections
	points  []int  // per section: points (a), (b), … of a provision paragraph
	anchorP string // anchor prefix: "p", "para-" or "s-"
}

func (p *plan) anchor(k int) string { return fmt.Sprintf("%s%d", p.anchorP, k) }

type generator struct {
	opts  Options
	pages []plan
	rng   *rand.Rand
}

func newGenerator(opts Options) *generator {
	g := &generator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x6b62))}
	counts := map[string]int{}
	g.pages = make([]plan, opts.Pages)
	for i := range g.pages {
		s := kindOf(i)
		counts[s.kind]++
		n := counts[s.kind]
		p := plan{kind: s.kind, id: fmt.Sprintf("%s%d", s.idPrefix, n), paras: 4 + g.rng.IntN(7)}
		p.file = s.dir + "/" + p.id + ".md"
		p.url = "/" + s.dir + "/" + p.id + "/"
		switch s.kind {
		case "provision":
			p.cite = fmt.Sprintf("SR Art. %d", n)
			p.title = fmt.Sprintf("Article %d — %s", n, g.title())
			p.anchorP = "p"
			p.points = make([]int, p.paras+1)
			for k := 1; k <= p.paras; k++ {
				if g.rng.IntN(3) == 0 {
					p.points[k] = 2 + g.rng.IntN(3)
				}
			}
		case "guideline":
			p.title = fmt.Sprintf("Guideline %d on %s", n, strings.ToLower(g.title()))
			p.anchorP = "para-"
		default:
			p.title = g.title()
			p.anchorP = "s-"
		}
		g.pages[i] = p
	}
	return g
}

func (g *generator) pick(words []string) string { return words[g.rng.IntN(len(words))] }

func (g *generator) title() string {
	return capitalize(g.pick(nouns) + " " + g.pick(connectives) + " " + g.pick(adjectives) + " " + g.pick(nouns))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sentence is 10 to 22 words of legal-ish prose, ending in a full stop.
func (g *generator) sentence() string {
	n := 10 + g.rng.IntN(13)
	words := make([]string, n)
	for i := range words {
		switch i % 4 {
		case 0:
			words[i] = g.pick(nouns)
		case 1:
			words[i] = g.pick(verbs)
		case 2:
			words[i] = g.pick(adjectives)
		default:
			words[i] = g.pick(connectives)
		}
	}
	return capitalize(strings.Join(words, " ")) + "."
}

func (g *generator) sentences(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = g.sentence()
	}
	return strings.Join(s, " ")
}

func (g *generator) tags() []string {
	n := 2 + g.rng.IntN(3)
	var out []string
	for len(out) < n {
		t := g.pick(tagWords)
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

func (g *generator) asOf() string {
	return fmt.Sprintf("20%02d-%02d-%02d", 23+g.rng.IntN(4), 1+g.rng.IntN(12), 1+g.rng.IntN(28))
}

// ref is one cross-reference: how kb writes it and where Hugo links.
type ref struct {
	kb, label, url string
}

// reference picks a target other than self; toPara chooses a paragraph.
func (g *generator) reference(self int, toPara bool) ref {
	var t *plan
	for t == nil || t == &g.pages[self] {
		if len(g.pages) == 1 {
			t = &g.pages[0]
			break
		}
		t = &g.pages[g.rng.IntN(len(g.pages))]
	}
	form := g.rng.IntN(3)
	if !toPara {
		if t.cite != "" && form != 0 {
			return ref{kb: "[[" + t.cite + "]]", label: t.cite, url: t.url}
		}
		return ref{kb: "[[" + t.id + "]]", label: t.title, url: t.url}
	}
	k := 1 + g.rng.IntN(t.paras)
	anchor := t.anchor(k)
	if t.cite != "" {
		cite := fmt.Sprintf("%s(%d)", t.cite, k)
		if n := t.points[k]; n > 0 && g.rng.IntN(2) == 0 {
			x := string(rune('a' + g.rng.IntN(n)))
			anchor += "-" + x
			cite += "(" + x + ")"
		}
		switch form {
		case 0:
			return ref{kb: "[[" + t.id + "#" + anchor + "|" + cite + "]]", label: cite, url: t.url + "#" + anchor}
		default:
			return ref{kb: "[[" + cite + "]]", label: cite, url: t.url + "#" + anchor}
		}
	}
	label := fmt.Sprintf("%s, section %d", t.title, k)
	if form == 0 {
		return ref{kb: "[[" + t.id + "#" + anchor + "]]", label: label, url: t.url + "#" + anchor}
	}
	return ref{kb: "[[" + t.id + "#" + anchor + "|" + label + "]]", label: label, url: t.url + "#" + anchor}
}

// link writes a reference in the corpus's flavour.
func (g *generator) link(r ref) string {
	if g.opts.Hugo {
		return "[" + r.label + "](" + r.url + ")"
	}
	return r.kb
}
