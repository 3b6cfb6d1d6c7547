package site

import (
	"regexp"
	"strconv"
	"strings"
)

// CitationPattern is the grammar of a pinpoint citation as a lawyer writes
// it in running text or a search box: "Art. 61(2)", "Article 61(1), second
// subparagraph", "61(1)(b)", "MiCA 61(2)", "para 13", "paragraph 13 of the
// guidelines", "Recital 75". It is matched case-insensitively. It uses only
// syntax that Go's regexp and JavaScript's RegExp read alike, so that the
// static search client matches queries with the same pattern (the search
// export ships it); its groups are read by citationAt, and by the client's
// port of it.
const CitationPattern = `(?:\b([a-z][a-z0-9]*)\s+)?` + // 1: an instrument, e.g. MiCA (maybe just a word)
	`(?:\b(art(?:icle)?s?\b\.?)\s*(\d+[a-z]?)((?:\s?\([0-9a-z]{1,4}\))*)` + // 2: Art., 3: number, 4: groups
	`|\b(recitals?)\s*(\d+)` + // 5: Recital, 6: number
	`|\b(para(?:graph)?s?\b\.?)\s*(\d+)` + // 7: para, 8: number
	`|\b(\d+[a-z]?)((?:\([0-9a-z]{1,4}\))+))` + // 9: number, 10: groups (a bare "61(2)")
	`(?:,?\s*(first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th)\s+sub-?paragraph\b)?` + // 11
	`(?:\s+of\s+the\s+(?:esma\s+)?guidelines\b)?`

// A Citation is a pinpoint found in text.
type Citation struct {
	Instrument string   // lower case, e.g. "mica"; "" when none is written
	Unit       string   // "art", "recital" or "para"
	Number     string   // "61", "75"
	Groups     []string // paragraph and point numbers: "1", "b"
	Sub        int      // the subparagraph, 2 for "second subparagraph"; 0 when none
	Start, End int      // byte offsets of the citation in the text
	BareStart  int      // Start, without the instrument
}

// Key is the citation's canonical form, the same however it was written:
// "art 61(1)(b) sub2", "recital 75", "para 13"; with the instrument first
// when withInstrument is set and the citation names one.
func (c Citation) Key(withInstrument bool) string {
	var b strings.Builder
	if withInstrument && c.Instrument != "" {
		b.WriteString(c.Instrument + " ")
	}
	b.WriteString(c.Unit + " " + c.Number)
	for _, g := range c.Groups {
		b.WriteString("(" + g + ")")
	}
	if c.Sub > 0 {
		b.WriteString(" sub" + strconv.Itoa(c.Sub))
	}
	return b.String()
}

// citationRE is CitationPattern, compiled once (it is never changed).
var citationRE = regexp.MustCompile(`(?i)` + CitationPattern)

// FindCitations returns the citations in text, in order.
func FindCitations(text string) []Citation {
	var out []Citation
	for _, m := range citationRE.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, citationAt(text, m))
	}
	return out
}

// citationAt reads a match of CitationPattern (submatch byte offsets m).
func citationAt(text string, m []int) Citation {
	group := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return text[m[2*i]:m[2*i+1]]
	}
	c := Citation{Instrument: strings.ToLower(group(1)), Start: m[0], End: m[1], BareStart: m[0]}
	if m[2] >= 0 {
		c.BareStart = m[4]
		for _, i := range []int{4, 10, 14, 18} { // the first group after the instrument
			if m[i] >= 0 {
				c.BareStart = m[i]
				break
			}
		}
	}
	var groups string
	switch {
	case m[4] >= 0:
		c.Unit, c.Number, groups = "art", group(3), group(4)
	case m[10] >= 0:
		c.Unit, c.Number = "recital", group(6)
	case m[14] >= 0:
		c.Unit, c.Number = "para", group(8)
	default:
		c.Unit, c.Number, groups = "art", group(9), group(10)
	}
	if isUnitWord(c.Instrument) && m[18] >= 0 {
		// "Article 61(2)": the word before a bare "61(2)" is its unit.
		c.Instrument, c.BareStart = "", c.Start
	}
	c.Number = strings.ToLower(c.Number)
	for g := range strings.SplitSeq(strings.Map(dropSpaceParen, strings.ToLower(groups)), "(") {
		if g != "" {
			c.Groups = append(c.Groups, g)
		}
	}
	if sub := strings.ToLower(group(11)); sub != "" {
		c.Sub = subOrdinal(sub)
	}
	return c
}

func isUnitWord(w string) bool {
	switch strings.TrimSuffix(w, "s") {
	case "art", "article", "recital", "para", "paragraph":
		return true
	}
	return false
}

// subOrdinal reads "second" or "2nd" as 2.
func subOrdinal(s string) int {
	for n, word := range []string{"first", "second", "third", "fourth", "fifth", "sixth"} {
		if s == word || s[:1] == strconv.Itoa(n+1) {
			return n + 1
		}
	}
	return 0
}

// PinpointKeys are the canonical forms (Citation.Key) under which a lawyer
// cites the anchor of page p ("" for the page itself): from its citation
// (Pinpoint: "MiCA Art. 61(1), second subparagraph" gives "mica art 61(1)
// sub2" and "art 61(1) sub2"), and "para 13" for a guideline's "para-13".
// None for an anchor that is not a pinpoint.
func (s *Site) PinpointKeys(p *Page, anchor string) []string {
	if n, ok := strings.CutPrefix(anchor, "para-"); ok && isDigits(n) && p.Kind == "guideline" {
		return []string{"para " + n}
	}
	cite := s.Pinpoint(p, anchor).Citation
	if cite == "" {
		return nil
	}
	cs := FindCitations(cite)
	if len(cs) != 1 || cs[0].Start != 0 || cs[0].End != len(cite) {
		return nil // a citation our grammar does not read whole
	}
	keys := []string{cs[0].Key(false)}
	if cs[0].Instrument != "" {
		keys = append([]string{cs[0].Key(true)}, keys...)
	}
	return keys
}

// ParentAnchor is the pinpoint that contains anchor: "p1" for "p1-sub2",
// "" (the page) for "p1" and for any other anchor.
func ParentAnchor(anchor string) string {
	if at := strings.LastIndexByte(anchor, '-'); at > 0 && strings.HasPrefix(anchor, "p") {
		return anchor[:at]
	}
	return ""
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// ResolveCitation finds the pinpoint a citation names: the one anchor (or
// page) of the site whose PinpointKeys hold its key, with the instrument
// when the citation names one. ok is false when none or several do.
func (s *Site) ResolveCitation(c Citation) (Target, bool) {
	key := c.Key(true)
	var found []Target
	for _, p := range s.Pages {
		if p.Cite == "" && p.Kind != "guideline" {
			continue
		}
		for _, a := range append([]string{""}, anchorIDs(p)...) {
			for _, k := range s.PinpointKeys(p, a) {
				if k == key {
					found = append(found, Target{Page: p, Anchor: a})
				}
			}
		}
	}
	if len(found) != 1 {
		return Target{}, false
	}
	return found[0], true
}

func anchorIDs(p *Page) []string {
	out := make([]string, len(p.Anchors))
	for i, a := range p.Anchors {
		out[i] = a.ID
	}
	return out
}

// dropSpaceParen, for strings.Map, drops spaces and closing parentheses.
func dropSpaceParen(r rune) rune {
	if r == ' ' || r == ')' {
		return -1
	}
	return r
}
