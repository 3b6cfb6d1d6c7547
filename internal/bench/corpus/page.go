package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// page writes one content page: front matter, then the body. The random
// choices do not depend on the flavour, so kb's and Hugo's corpora carry the
// same text and the same links.
func (g *generator) page(self int) []byte {
	p := &g.pages[self]
	var b strings.Builder
	tags := g.tags()
	asOf := g.asOf()
	summary := g.sentences(2)
	var applies []ref
	var facts, question, outcome, risk, trigger string
	if p.kind == "scenario" {
		facts = g.sentences(3)
		question = strings.TrimSuffix(g.sentence(), ".") + "?"
		outcome = g.pick([]string{"exemption-available", "exemption-unavailable", "uncertain"})
		risk = g.pick([]string{"high", "medium", "low"})
		trigger = g.pick(tagWords)
		for range 1 + g.rng.IntN(3) {
			applies = append(applies, g.reference(self, true))
		}
	}
	b.WriteString("---\n")
	if g.opts.Hugo {
		fmt.Fprintf(&b, "title: %s\ndate: %s\ndoc_kind: %s\n", quote(p.title), asOf, p.kind)
		if p.cite != "" {
			fmt.Fprintf(&b, "cite: %s\n", quote(p.cite))
		}
	} else {
		fmt.Fprintf(&b, "id: %s\ntitle: %s\nkind: %s\n", p.id, quote(p.title), p.kind)
		if p.cite != "" {
			fmt.Fprintf(&b, "cite: %s\n", quote(p.cite))
		}
	}
	fmt.Fprintf(&b, "as_of: %s\ntags: [%s]\nsummary: %s\nweight: %d\n", asOf, strings.Join(tags, ", "), quote(summary), 10+self%50)
	if p.kind == "scenario" {
		fmt.Fprintf(&b, "facts: %s\nquestion: %s\noutcome: %s\nrisk: %s\ntrigger: %s\n",
			quote(facts), quote(question), outcome, risk, quote(trigger))
		var list []string
		for _, r := range applies {
			if g.opts.Hugo {
				list = append(list, quote(r.url))
			} else {
				target, _, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(r.kb, "[["), "]]"), "|")
				list = append(list, quote(target))
			}
		}
		fmt.Fprintf(&b, "applies: [%s]\n", strings.Join(list, ", "))
	}
	b.WriteString("---\n\n")
	g.body(&b, p, self)
	return []byte(b.String())
}

func quote(s string) string { return strconv.Quote(s) }

// body writes an introduction and the anchored sections, with the page's
// references spread over them.
func (g *generator) body(b *strings.Builder, p *plan, self int) {
	nrefs := 3 + g.rng.IntN(6)
	bySection := make([][]ref, p.paras+1)
	for j := range nrefs {
		k := 1 + g.rng.IntN(p.paras)
		bySection[k] = append(bySection[k], g.reference(self, j%2 == 0))
	}
	fmt.Fprintf(b, "%s\n\n", g.sentences(2+g.rng.IntN(2)))
	for k := 1; k <= p.paras; k++ {
		heading := capitalize(g.pick(adjectives) + " " + g.pick(nouns))
		switch p.kind {
		case "provision":
			heading = fmt.Sprintf("Paragraph %d — %s", k, heading)
		case "guideline":
			heading = fmt.Sprintf("%d. %s", k, heading)
		}
		fmt.Fprintf(b, "## %s {#%s}\n\n", heading, p.anchor(k))
		text := g.sentences(2 + g.rng.IntN(3))
		for _, r := range bySection[k] {
			text += " " + fmt.Sprintf(g.pick(refPhrases), g.link(r)) + " " + g.sentence()
		}
		fmt.Fprintf(b, "%s\n\n", text)
		if p.kind == "provision" && p.points[k] > 0 {
			for x := range p.points[k] {
				point := string(rune('a' + x))
				marker := fmt.Sprintf("{#%s-%s} ", p.anchor(k), point)
				if g.opts.Hugo {
					marker = ""
				}
				fmt.Fprintf(b, "- %s**Point (%s).** %s\n", marker, point, g.sentence())
			}
			b.WriteString("\n")
		} else if k%3 == 2 {
			for range 3 + g.rng.IntN(3) {
				fmt.Fprintf(b, "- %s\n", g.sentence())
			}
			b.WriteString("\n")
		}
		if k == 2 && self%3 == 0 {
			g.table(b)
		}
		if k == 3 && self%4 == 1 {
			g.code(b, self)
		}
		if k == p.paras && self%5 == 2 {
			g.callout(b)
		}
	}
}

func (g *generator) table(b *strings.Builder) {
	b.WriteString("| Requirement | Deadline | Authority |\n| --- | --- | --- |\n")
	for range 4 {
		fmt.Fprintf(b, "| %s %s | %d working days | %s |\n", capitalize(g.pick(adjectives)), g.pick(nouns), 5+g.rng.IntN(60), g.pick(nouns))
	}
	b.WriteString("\n")
}

func (g *generator) code(b *strings.Builder, self int) {
	if self%8 == 1 {
		fmt.Fprintf(b, "```yaml\nrecord:\n  client: %q\n  channel: %s\n  initiated_by: client\n  retained_days: %d\n```\n\n",
			g.pick(nouns), g.pick(tagWords), 365+g.rng.IntN(3000))
		return
	}
	fmt.Fprintf(b, "```json\n{\n  \"client\": %q,\n  \"channel\": %q,\n  \"evidence\": [%q, %q]\n}\n```\n\n",
		g.pick(nouns), g.pick(tagWords), g.pick(nouns), g.pick(nouns))
}

func (g *generator) callout(b *strings.Builder) {
	text := g.sentences(2)
	if g.opts.Hugo {
		fmt.Fprintf(b, "> **Practice.** %s\n\n", text)
		return
	}
	fmt.Fprintf(b, "> [!PRACTICE]\n> %s\n\n", text)
}

// sectionPage is a section's (or the home page's) _index.md.
func (g *generator) sectionPage(id, title, kind string) []byte {
	intro := fmt.Sprintf("The %s of the synthetic regulation, generated for benchmarks.", strings.ToLower(title))
	if g.opts.Hugo {
		return fmt.Appendf(nil, "---\ntitle: %s\n---\n\n%s\n", quote(title), intro)
	}
	return fmt.Appendf(nil, "---\nid: %s\ntitle: %s\nkind: page\nas_of: 2025-02-26\n---\n\n%s\n", id, quote(title), intro)
}

var refPhrases = []string{
	"This follows from %s.",
	"See %s.",
	"Compare the approach in %s.",
	"The same test applies under %s.",
	"Practitioners read this together with %s.",
	"The authority relies on %s.",
}
