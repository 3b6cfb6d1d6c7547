package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// confirmedArticle61 is the wording of MiCA Article 61 that the review of
// 30 November 2026 confirmed from published copies of the Official Journal
// text (shared/sources/mica-art61-facts.md, R1–R3, and item 7 for
// paragraph 2). Only these words may appear in content/ in quotation marks
// as the wording of Article 61. The opening words of the second
// subparagraph of paragraph 1 are not confirmed and are deliberately absent.
var confirmedArticle61 = []string{
	// Art. 61(1), first subparagraph (R1).
	"Where a client established or situated in the Union initiates at its own exclusive initiative the provision of a crypto-asset service or activity by a third-country firm, the requirement for authorisation under Article 59 shall not apply to the provision of that crypto-asset service or activity by the third-country firm to that client, including a relationship specifically relating to the provision of that crypto-asset service or activity.",
	// Art. 61(1), second subparagraph, after its opening words (R2).
	"including through an entity acting on its behalf or having close links with such third-country firm or any other person acting on behalf of such entity, solicits clients or prospective clients in the Union, regardless of the means of communication used for the solicitation, promotion or advertising in the Union, it shall not be deemed to be a service provided on the client's own exclusive initiative",
	// Art. 61(1), third subparagraph (R3).
	"notwithstanding any contractual clause or disclaimer purporting to state otherwise",
	// Art. 61(2) (facts item 7).
	"market new types of crypto-assets or crypto-asset services",
}

// quotedElsewhere are short phrases that pages discussing Article 61 quote
// from other documents — ESMA's guidelines and final report, the seed
// article — with their own citation. They are not presented as Article 61.
var quotedElsewhere = []string{
	"cannot be assumed, nor exploited to circumvent MiCA", // final report
	"by any means",                                                 // guidelines, para. 12
	"should be construed narrowly",                                 // guidelines, para. 23
	"cannot supersede contrary facts",                              // guidelines, para. 24
	"may also constitute solicitation",                             // guidelines, para. 13
	"a month later",                                                // consultation example, reported
	"very limited and narrow circumstances",                        // seed article, reported
	"established or located in the EU",                             // the guidelines' title
	"shall make every effort to comply",                            // ESMA Regulation, Art. 16(3)
	"new categories of investment products or investment services", // MiFID II, Art. 42
}

// article61Mention finds a block that discusses MiCA Article 61: a
// reference, a citation or a plain mention.
var article61Mention = regexp.MustCompile(`(?i)\bArt(?:icle|\.)\s*61\b|mica-art-61|\[@mica, Arts?\. 61`)

// textBlockOf61 matches the first line of a quotation block of Art. 61.
var textBlockOf61 = regexp.MustCompile(`^>\s*\[!TEXT\]\s*\[@mica, Art\. 61`)

// quotation matches text in straight or curly double quotation marks.
var quotation = regexp.MustCompile(`"([^"\n]+)"|“([^”\n]+)”`)

// wordingProblem is one quotation that is presented as the wording of
// Article 61 but is not part of the confirmed wording.
type wordingProblem struct {
	line  int
	quote string
}

func (p wordingProblem) String() string { return fmt.Sprintf("line %d: %q", p.line, p.quote) }

// citeLabel matches a quoted citation label such as "MiCA Art. 61": the
// name of a provision, not its wording.
var citeLabel = regexp.MustCompile(`^(?:MiCA )?(?:Art\.|Article|Recital) [0-9]+(?:\([0-9a-z]+\))*$`)

// inlineCode matches a Markdown code span: code, not prose.
var inlineCode = regexp.MustCompile("`[^`\n]*`")

// blank replaces text with as many spaces, keeping offsets and lines.
func blank(s string) string { return strings.Repeat(" ", len(s)) }

// frontMatterValue matches a YAML line whose value is a double-quoted string.
var frontMatterValue = regexp.MustCompile(`^[a-z_]+:\s*"((?:[^"\\]|\\.)*)"\s*$`)

// checkArticle61Wording returns the quotations in a Markdown page that are
// presented as the wording of Article 61 but do not match its confirmed
// wording: the body of a [!TEXT] block that cites Art. 61, and any quoted
// passage of three words or more in a paragraph (or front-matter value)
// that mentions Article 61. YAML's own quotation marks delimit a value and
// quote nothing; fenced code is skipped. An ellipsis (…) in a quotation
// block marks words left out; each part around it must be confirmed.
func checkArticle61Wording(page string) []wordingProblem {
	lines := strings.Split(page, "\n")
	var problems []wordingProblem
	first := 0
	if len(lines) > 0 && lines[0] == "---" {
		for i := 1; i < len(lines); i++ {
			if lines[i] == "---" {
				first = i + 1
				break
			}
			if m := frontMatterValue.FindStringSubmatch(lines[i]); m != nil {
				value := strings.ReplaceAll(m[1], `\"`, `"`)
				problems = append(problems, checkProse([]string{value}, i)...)
			}
		}
	}
	return append(problems, checkProse(lines[first:], first)...)
}

// checkProse checks Markdown lines whose first line is line offset+1 of
// the page.
func checkProse(lines []string, offset int) []wordingProblem {
	var problems []wordingProblem
	inFence := false
	for i := 0; i < len(lines); {
		line := lines[i]
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			i++
			continue
		}
		if inFence || strings.TrimSpace(line) == "" {
			i++
			continue
		}
		if textBlockOf61.MatchString(line) {
			start := i + 1
			j := start
			var body []string
			for j < len(lines) && strings.HasPrefix(lines[j], ">") {
				body = append(body, strings.TrimSpace(strings.TrimPrefix(lines[j], ">")))
				j++
			}
			for _, part := range strings.Split(strings.Join(body, " "), "…") {
				if part = strings.TrimSpace(part); part != "" && !confirmed(part) {
					problems = append(problems, wordingProblem{offset + start + 1, part})
				}
			}
			i = j
			continue
		}
		// A paragraph: consecutive non-blank lines outside fences.
		start := i
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```") {
			i++
		}
		para := inlineCode.ReplaceAllStringFunc(strings.Join(lines[start:i], "\n"), blank)
		bounds := sentenceBounds(para)
		for _, m := range quotation.FindAllStringSubmatchIndex(para, -1) {
			lo, hi := m[2], m[3]
			if lo < 0 {
				lo, hi = m[4], m[5]
			}
			quote := para[lo:hi]
			if len(strings.Fields(quote)) < 3 || citeLabel.MatchString(quote) || confirmed(quote) || elsewhere(quote) {
				continue
			}
			// The quotation is presented as Article 61 when its sentence,
			// or the one before, speaks of Article 61.
			k := sentenceAt(bounds, lo)
			context := para[bounds[k][0]:bounds[k][1]]
			if k > 0 {
				context = para[bounds[k-1][0]:bounds[k][1]]
			}
			if !article61Mention.MatchString(context) {
				continue
			}
			problems = append(problems, wordingProblem{offset + start + 1 + strings.Count(para[:lo], "\n"), quote})
		}
	}
	return problems
}

// sentenceEnd is where a sentence or a table cell ends: a full stop,
// question or exclamation mark before a capital or an opening mark, or a
// cell border. "Art. 61" and "para. 23" do not end a sentence.
var sentenceEnd = regexp.MustCompile(`[.?!]\s+["“\[(]?[A-Z]|\|`)

// wikiLink matches a reference such as [[mica-art-61#p2|paragraph 2]], whose
// label separator is not a table cell border.
var wikiLink = regexp.MustCompile(`\[\[[^\]\n]*\]\]`)

// sentenceBounds splits a paragraph into sentences, as [start, end) pairs.
func sentenceBounds(para string) [][2]int {
	var bounds [][2]int
	start := 0
	masked := wikiLink.ReplaceAllStringFunc(para, func(s string) string { return strings.Repeat("x", len(s)) })
	for _, m := range sentenceEnd.FindAllStringIndex(masked, -1) {
		end := m[0] + 1
		bounds = append(bounds, [2]int{start, end})
		start = end
	}
	return append(bounds, [2]int{start, len(para)})
}

// sentenceAt returns the index of the sentence that holds offset.
func sentenceAt(bounds [][2]int, offset int) int {
	for k, b := range bounds {
		if offset < b[1] {
			return k
		}
	}
	return len(bounds) - 1
}

// normalize makes a comparison blind to case, spacing, curly apostrophes
// and the punctuation that closes a quoted fragment.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "’", "'")
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	return strings.Trim(s, " .,;:")
}

func confirmed(quote string) bool {
	q := normalize(quote)
	for _, w := range confirmedArticle61 {
		if strings.Contains(normalize(w), q) {
			return true
		}
	}
	return false
}

func elsewhere(quote string) bool {
	q := normalize(quote)
	for _, w := range quotedElsewhere {
		if q == normalize(w) {
			return true
		}
	}
	return false
}

func TestArticle61WordingCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want int
	}{
		{
			desc: "the paraphrase the review found on six pages",
			give: "Under [[MiCA Art. 61(1)]] the firm solicits \"itself or through an entity acting on its behalf or having close links with it\".",
			want: 1,
		},
		{
			desc: "a confirmed fragment of the second subparagraph",
			give: "Art. 61(1) applies \"regardless of the means of communication\" and to \"clients or prospective clients in the Union\".",
			want: 0,
		},
		{
			desc: "the unconfirmed opening words in quotation marks",
			give: "Article 61(1), second subparagraph, opens \"Without prejudice to intragroup relationships\".",
			want: 1,
		},
		{
			desc: "an ESMA phrase quoted beside Article 61",
			give: "Under Art. 61 the initiative \"should be construed narrowly\" [@esma-guidelines, para. 23].",
			want: 0,
		},
		{
			desc: "the paraphrase in the sentence after the one naming the Article",
			give: "The firm cannot avoid [[mica-art-61#p1-sub2|the second subparagraph]] by leaving the promotion to others. Solicitation by \"an entity acting on its behalf or having close links with it\" counts.",
			want: 1,
		},
		{
			desc: "another document quoted two sentences after Article 61",
			give: "Article 61 is narrow. It follows MiFID II. That directive speaks of \"new products of any kind whatever\" [@mifid2, Art. 42].",
			want: 0,
		},
		{
			desc: "a table cell quoting a firm's plan beside a cell citing Article 61",
			give: "| plan | assessment |\n|---|---|\n| custody \"as long as needed\" | beyond what Art. 61 allows [@mica, Art. 61(1)] |",
			want: 0,
		},
		{
			desc: "a paraphrase in a paragraph that does not mention Article 61",
			give: "The guidelines speak of \"anyone who acts for the firm in any way\".",
			want: 0,
		},
		{
			desc: "a quotation block of Art. 61 with confirmed parts around an ellipsis",
			give: "> [!TEXT] [@mica, Art. 61(1), second subparagraph]\n> … including through an entity acting on its behalf or having close links with such third-country firm or any other person acting on behalf of such entity, solicits clients …",
			want: 0,
		},
		{
			desc: "a quotation block of Art. 61 holding a paraphrase",
			give: "> [!TEXT] [@mica, Art. 61(2)]\n> The firm may not sell other products to the client.",
			want: 1,
		},
		{
			desc: "curly quotation marks and a capital first letter",
			give: "MiCA Art. 61(1): “Where a client established or situated in the Union initiates”.",
			want: 0,
		},
		{
			desc: "a quoted citation label names the Article",
			give: "Anchor `p1-b` of the page cited \"MiCA Art. 61\", as in \"MiCA Art. 61(1)(b)\".",
			want: 0,
		},
		{
			desc: "a code span is not prose",
			give: "Write `cite: \"MiCA Art. 61\"` in the front matter of the page on Article 61.",
			want: 0,
		},
		{
			desc: "a misquotation in a front-matter value",
			give: "---\nsummary: \"Article 61 catches solicitation \\\"through an entity acting on its behalf or having close links with it\\\".\"\n---\nBody.",
			want: 1,
		},
		{
			desc: "fenced code is not prose",
			give: "```yaml\n# MiCA Art. 61(1)\nnote: \"acting on its behalf or with close links to it\"\n```",
			want: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := checkArticle61Wording(tt.give); len(got) != tt.want {
				t.Errorf("checkArticle61Wording(%q) = %v, want %d problems", tt.give, got, tt.want)
			}
		})
	}
}

// TestShippedArticle61Wording checks every page of the shipped knowledge
// base: nothing in quotation marks is presented as the wording of MiCA
// Article 61 unless it is the confirmed wording.
func TestShippedArticle61Wording(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "content")
	pages := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".md" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pages++
		for _, p := range checkArticle61Wording(string(data)) {
			t.Errorf("%s:%s — quoted as the wording of Article 61 but not its confirmed wording (facts file R1–R3); quote only confirmed words, or describe them without quotation marks", path, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 50 {
		t.Fatalf("checked only %d pages under %s; the shipped content has more", pages, root)
	}
}

// codeOrTag matches what a reader does not see as prose: code and
// preformatted text (where the writer's guide shows the syntax), scripts,
// and the tags themselves.
var codeOrTag = regexp.MustCompile(`(?s)<(pre|code|script)\b.*?</(pre|code|script)>|<[^>]*>`)

// testNoRawCitations checks that no citation of a source is left in a built
// page as the literal text a writer typed, "[@mica, Art. 61(1)]": every one
// the generator did not turn into a note would read as a typo and cite
// nothing.
func testNoRawCitations(t *testing.T, s *published) {
	for _, file := range s.htmlFiles() {
		data, err := os.ReadFile(filepath.Join(s.dir, file))
		if err != nil {
			t.Fatal(err)
		}
		text := codeOrTag.ReplaceAllString(string(data), " ")
		if i := strings.Index(text, "[@"); i >= 0 {
			end := min(len(text), i+60)
			t.Errorf("%s: a citation left as text: %q", file, strings.Join(strings.Fields(text[i:end]), " "))
		}
	}
}
