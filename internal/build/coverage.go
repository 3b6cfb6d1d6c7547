package build

import (
	"fmt"
	"slices"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/site"
)

// Coverage is how much of the site's prose carries a citation: a
// reference ([[…]]) or a source note ([@…]).
type Coverage struct {
	Paragraphs int       // substantive paragraphs
	Cited      int       // of those, the ones citing something
	Listed     bool      // Options.Citations was set: Uncited lists every uncited paragraph
	Uncited    diag.List // each uncited paragraph, in file order, when Listed
	// Shortfall is set when the share cited is below kb.yaml's
	// citations: {min_percent: N}: a problem in kb.yaml.
	Shortfall *diag.Problem
}

// Percent is the share of substantive paragraphs cited, 100 for none.
func (c Coverage) Percent() float64 {
	if c.Paragraphs == 0 {
		return 100
	}
	return 100 * float64(c.Cited) / float64(c.Paragraphs)
}

// Line is the summary kb check --citations ends with.
func (c Coverage) Line() string {
	return fmt.Sprintf("citations: %d of %d paragraphs cited (%s%%)", c.Cited, c.Paragraphs, formatPercent(c.Percent()))
}

// formatPercent writes a share with one decimal, never rounding up to 100.
func formatPercent(p float64) string {
	s := fmt.Sprintf("%.1f", p)
	if s == "100.0" && p < 100 {
		s = "99.9"
	}
	return s
}

// citedKinds are the kinds of page whose prose states the law and must
// cite it.
var citedKinds = []string{"provision", "guideline", "commentary", "scenario"}

// minWords is the length from which a paragraph is prose to cite, not a
// line such as a list of links.
const minWords = 6

// coverage counts the substantive paragraphs of the pages that state the
// law, and which of them cite. A paragraph is substantive when it has at
// least minWords words of its own (outside references, links and notes)
// and is not inside an open point (> [!OPEN]) or a quotation (> [!TEXT]).
// It is cited when it holds a reference or a source note, or when it sits
// at a pinpoint (p2, para-12) of a page naming its official text: the
// pinpoint's "Official text" link is its citation.
func (g *generation) coverage() Coverage {
	c := Coverage{Listed: g.opts.Citations}
	for _, pp := range g.parsedList() {
		p := pp.page
		if !slices.Contains(citedKinds, p.Kind) || p.IsSection {
			continue
		}
		_, official := g.site.Official(p)
		scheme := g.site.SchemeOf(p)
		for _, para := range pp.doc.Paragraphs {
			if para.Open || para.Quoted || para.Words < minWords {
				continue
			}
			c.Paragraphs++
			if para.Cited || official && scheme.Pinpoint(para.Within).Label != "" {
				c.Cited++
				continue
			}
			if g.opts.Citations {
				c.Uncited = append(c.Uncited, g.linker.problem(pp, para.Offset, "uncited paragraph", ""))
			}
		}
	}
	c.Uncited = c.Uncited.Sort()
	if least := g.site.Config.Citations.MinPercent; least > 0 && c.Percent() < least {
		line, col := g.site.Config.At("citations")
		c.Shortfall = &diag.Problem{File: site.ConfigFile, Line: line, Col: col,
			Message: fmt.Sprintf("citations: %s%% of paragraphs cited, below min_percent %g", formatPercent(c.Percent()), least),
			Hint:    "cite the paragraphs kb check --citations lists, with [[reference]] or [@source, pinpoint]"}
	}
	return c
}
