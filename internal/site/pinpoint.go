package site

import (
	"cmp"
	"strconv"
	"strings"
)

// A pinpoint is a numbered place of a legal text: a paragraph, a point or
// a subparagraph of an article, or a numbered paragraph of a document such
// as ESMA's guidelines. Its anchor spells it out:
//
//	p2          paragraph 2                      label "2"
//	p1-b        point (b) of paragraph 1         label "1(b)"
//	p1-31       point (31) of paragraph 1        label "1(31)"
//	p1-sub2     second subparagraph of para. 1   label "1, second subparagraph"
//	p1-sub2-a   point (a) of that subparagraph   label "1, second subparagraph, point (a)"
//	para-12     paragraph 12 of a document       label "12"
//	para-12-a   point (a) of paragraph 12        label "12(a)"
//
// The same grammar reads citations: Resolve turns "MiCA Art. 61(1), second
// subparagraph" into the anchor p1-sub2, and Scheme.Pinpoint turns p1-sub2
// back into that citation, so what a reader copies a writer can cite.

// Scheme is how the places of one page are cited.
type Scheme struct {
	// Cite is the page's cite key, e.g. "MiCA Art. 61": its p… anchors are
	// the article's paragraphs, cited "MiCA Art. 61(1)(b)".
	Cite string
	// Paragraphs says that para-N anchors are the numbered paragraphs of a
	// document (a guideline page).
	Paragraphs bool
	// Document names that document in citations, e.g. "ESMA Guidelines on
	// reverse solicitation", and Reference gives its official reference,
	// e.g. "ESMA35-1872330276-2030": a paragraph is cited "ESMA Guidelines
	// on reverse solicitation (ESMA35-1872330276-2030), para. 12". Document
	// is "" when the page does not name it.
	Document, Reference string
}

// Pinpoint is what a place of a page shows and copies.
type Pinpoint struct {
	// Label is the place's own number, as the margin shows it: "2",
	// "1(b)", "1, second subparagraph", "12". It is "" for a place that is
	// no legal pinpoint (a commentary heading, say).
	Label string
	// Citation is how a lawyer cites the place, in full: "MiCA Art.
	// 61(1)(b)", "ESMA Guidelines on reverse solicitation
	// (ESMA35-1872330276-2030), para. 12". It is "" when the scheme cannot
	// cite it; for the page as a whole (anchor "") it is the cite key.
	Citation string
	// Short is the citation as running text gives it, without the
	// document's reference: "ESMA Guidelines on reverse solicitation,
	// para. 12"; for an article's places it is the Citation.
	Short string
}

// Pinpoint derives the label and the citations of anchor under the scheme.
func (sc Scheme) Pinpoint(anchor string) Pinpoint {
	if anchor == "" {
		return Pinpoint{Citation: sc.Cite, Short: sc.Cite}
	}
	pl, ok := parseAnchor(anchor)
	switch {
	case !ok:
		return Pinpoint{}
	case pl.document && sc.Paragraphs:
		pp := Pinpoint{Label: pl.label()}
		if sc.Document != "" {
			pp.Short = sc.Document + ", para. " + pp.Label
			pp.Citation = pp.Short
			if sc.Reference != "" {
				pp.Citation = sc.Document + " (" + sc.Reference + "), para. " + pp.Label
			}
		}
		return pp
	case !pl.document && sc.Cite != "":
		c := sc.Cite + pl.suffix()
		return Pinpoint{Label: pl.label(), Citation: c, Short: c}
	}
	return Pinpoint{}
}

// SchemeOf returns how page p's places are cited: a provision's by its
// cite key, a guideline page's by the document its official: field names.
func (s *Site) SchemeOf(p *Page) Scheme {
	sc := Scheme{Cite: p.Cite, Paragraphs: p.Kind == "guideline"}
	if src := s.OfficialSource(p); src != nil && sc.Paragraphs {
		sc.Document, sc.Reference = cmp.Or(src.Cite, src.Title), src.Reference
	}
	return sc
}

// Pinpoint is s.SchemeOf(p).Pinpoint(anchor).
func (s *Site) Pinpoint(p *Page, anchor string) Pinpoint {
	return s.SchemeOf(p).Pinpoint(anchor)
}

// place is a pinpoint taken apart: its number, then groups ("b", "31"),
// subparagraphs ("sub2") and points, in the order the anchor gives them.
type place struct {
	document bool     // para-N rather than pN
	parts    []string // e.g. ["1", "sub2", "a"]
}

// parseAnchor reads an anchor such as "p1-b" or "para-12"; ok is false for
// anchors that are no pinpoint ("means", "p", "pro", "p1-", "p1-sub0").
func parseAnchor(anchor string) (place, bool) {
	var pl place
	rest, ok := strings.CutPrefix(anchor, "para-")
	if ok {
		pl.document = true
	} else if rest, ok = strings.CutPrefix(anchor, "p"); !ok {
		return place{}, false
	}
	pl.parts = strings.Split(rest, "-")
	if !pl.valid() {
		return place{}, false
	}
	return pl, true
}

// valid reports whether the parts follow the grammar: a number first, then
// groups and at most one subparagraph.
func (pl place) valid() bool {
	if len(pl.parts) == 0 || !validGroup(pl.parts[0]) || !isDigit(pl.parts[0][0]) {
		return false
	}
	if pl.document && strings.TrimLeft(pl.parts[0], "0123456789") != "" {
		return false // a document's paragraphs are plain numbers
	}
	sub := false
	for _, part := range pl.parts[1:] {
		if n, ok := strings.CutPrefix(part, "sub"); ok && ordinalNumber(n) > 0 {
			if sub {
				return false
			}
			sub = true
			continue
		}
		if !validGroup(part) {
			return false
		}
	}
	return true
}

// anchor spells the place as an anchor: the inverse of parseAnchor.
func (pl place) anchor() string {
	prefix := "p"
	if pl.document {
		prefix = "para-"
	}
	return prefix + strings.Join(pl.parts, "-")
}

// label is the place as numbered within its page: "1, second subparagraph".
func (pl place) label() string {
	return pl.parts[0] + pl.rest()
}

// suffix is what follows an article's cite key: "(1), second subparagraph".
func (pl place) suffix() string {
	return "(" + pl.parts[0] + ")" + pl.rest()
}

// rest writes the parts after the number: groups in brackets, a
// subparagraph by its ordinal, and the first point after a subparagraph as
// "point (a)", the way EU legislation cites them.
func (pl place) rest() string {
	var b strings.Builder
	afterSub := false
	for _, part := range pl.parts[1:] {
		if n, ok := strings.CutPrefix(part, "sub"); ok && ordinalNumber(n) > 0 {
			b.WriteString(", " + ordinalWords[ordinalNumber(n)] + " subparagraph")
			afterSub = true
			continue
		}
		if afterSub {
			b.WriteString(", point ")
			afterSub = false
		}
		b.WriteString("(" + part + ")")
	}
	return b.String()
}

// parseCiteSuffix reads what follows a cite key in a citation, as suffix
// writes it or close to it: "(1)(b)", "(1), second subparagraph", "(1),
// second subparagraph, point (a)", "(1), point (31)", with any spaces
// between the pieces. It returns the anchor of that place.
func parseCiteSuffix(s string) (anchor string, ok bool) {
	var pl place
	sub, point := false, false
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '(' {
			group, rest, ok := cutGroup(s)
			if !ok || sub && !point {
				return "", false // after a subparagraph, a point is named as such
			}
			pl.parts, s = append(pl.parts, group), rest
			continue
		}
		rest, ok := strings.CutPrefix(s, ",")
		if !ok || len(pl.parts) == 0 {
			return "", false
		}
		rest = strings.TrimSpace(rest)
		if after, ok := cutWord(rest, "point"); ok {
			group, rest, ok := cutGroup(strings.TrimSpace(after))
			if !ok || point {
				return "", false
			}
			point = true
			pl.parts, s = append(pl.parts, group), rest
			continue
		}
		word, after, _ := strings.Cut(rest, " ")
		n := ordinalOf(word)
		after, ok = cutWord(strings.TrimSpace(after), "subparagraph")
		if n == 0 || !ok || sub || point {
			return "", false
		}
		sub = true
		pl.parts, s = append(pl.parts, "sub"+strconv.Itoa(n)), after
	}
	if !pl.valid() {
		return "", false
	}
	return pl.anchor(), true
}

// cutGroup cuts a leading "(2)", "(2a)" or "(b)" off s.
func cutGroup(s string) (group, rest string, ok bool) {
	body, found := strings.CutPrefix(s, "(")
	end := strings.IndexByte(body, ')')
	if !found || end < 0 || !validGroup(body[:end]) {
		return "", "", false
	}
	return body[:end], body[end+1:], true
}

// cutWord cuts a leading word, in any case, that is followed by the end, a
// space, a comma or a bracket.
func cutWord(s, word string) (rest string, ok bool) {
	if len(s) < len(word) || !strings.EqualFold(s[:len(word)], word) {
		return "", false
	}
	rest = s[len(word):]
	if rest != "" && !strings.ContainsAny(rest[:1], " ,(") {
		return "", false
	}
	return rest, true
}

// validGroup is the rule for one bracketed group of a citation: digits with
// at most one letter ("2", "2a", "31"), or one to four lower-case letters
// ("b", "iv").
func validGroup(group string) bool {
	digits := len(group) - len(strings.TrimLeft(group, "0123456789"))
	letters := group[digits:]
	for _, c := range []byte(letters) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	if digits > 0 {
		return len(letters) <= 1
	}
	return len(letters) >= 1 && len(letters) <= 4
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// ordinalWords are the ordinals a subparagraph can have, by number.
var ordinalWords = [...]string{1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth",
	6: "sixth", 7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth", 11: "eleventh", 12: "twelfth",
	13: "thirteenth", 14: "fourteenth", 15: "fifteenth", 16: "sixteenth", 17: "seventeenth",
	18: "eighteenth", 19: "nineteenth", 20: "twentieth"}

// ordinalNumber reads the n of "sub<n>": a number with an ordinal word,
// written without leading zeros; 0 otherwise.
func ordinalNumber(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n >= len(ordinalWords) || strconv.Itoa(n) != s {
		return 0
	}
	return n
}

// ordinalOf reads an ordinal word ("second", "Second"); 0 if it is none.
func ordinalOf(word string) int {
	for n, w := range ordinalWords {
		if n > 0 && strings.EqualFold(w, word) {
			return n
		}
	}
	return 0
}
