package site

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kb-legal/kb/internal/diag"
)

// CheckTags warns of tags that group nothing: a tag on one page only, and
// tags that differ only in plural, case or hyphens ("disclaimer",
// "disclaimers"), which split one group in two. src returns a page's
// file as read, to point at the tag itself; writers' pages are left out,
// as they are of tag pages. The problems are warnings: nothing is wrong
// with the law on the page.
func CheckTags(pages []*Page, src func(file string) []byte) diag.List {
	uses := map[string][]*Page{}
	for _, p := range pages {
		if p.File == "" || p.ForWriters() {
			continue
		}
		for _, t := range p.Tags {
			if !slices.Contains(uses[t], p) {
				uses[t] = append(uses[t], p)
			}
		}
	}
	spellings := map[string][]string{} // tagKey → the tags that share it
	for _, t := range slices.Sorted(maps.Keys(uses)) {
		spellings[tagKey(t)] = append(spellings[tagKey(t)], t)
	}
	var probs diag.List
	warn := func(tag, msg, hint string) {
		for _, p := range uses[tag] {
			line, col := tagPos(p, tag, src(p.File))
			probs = append(probs, diag.Problem{File: path.Join("content", p.File), Line: line, Col: col, Message: msg, Hint: hint})
		}
	}
	for _, tag := range slices.Sorted(maps.Keys(uses)) {
		if same := spellings[tagKey(tag)]; len(same) > 1 {
			// The most used spelling stands; then the shorter, then the first.
			best := slices.MinFunc(same, func(a, b string) int {
				return cmp.Or(cmp.Compare(len(uses[b]), len(uses[a])), cmp.Compare(len(a), len(b)), cmp.Compare(a, b))
			})
			if tag != best {
				warn(tag, fmt.Sprintf("tag %q differs from %q only in plural, case or hyphens", tag, best),
					fmt.Sprintf("did you mean %q? It tags %d %s", best, len(uses[best]), plural(len(uses[best]), "page", "pages")))
			}
			continue
		}
		if len(uses[tag]) == 1 {
			hint := "a tag groups pages: tag a related page with it too, or remove it"
			others := slices.DeleteFunc(slices.Sorted(maps.Keys(uses)), func(o string) bool { return o == tag })
			if near := nearTag(tag, others); near != "" {
				hint = fmt.Sprintf("did you mean %q? Otherwise %s", near, hint)
			}
			warn(tag, fmt.Sprintf("tag %q is on this page only", tag), hint)
		}
	}
	return probs.Sort()
}

// nearTag is the tag a writer may have meant: one a typo or two away, or
// a word of a compound tag ("esma" for "esma-opinion"); "" if none.
func nearTag(tag string, others []string) string {
	words := strings.Split(tag, "-")
	for _, o := range others {
		if distance(tag, o) <= max(1, len(tag)/4) || len(words) > 1 && slices.Contains(words, o) {
			return o
		}
	}
	return ""
}

// tagKey is what tags that differ only in case, hyphens or plural share:
// "Time-Limits" and "time_limit" → "time limit".
func tagKey(tag string) string {
	words := strings.FieldsFunc(strings.ToLower(tag), func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' })
	for i, w := range words {
		switch {
		case strings.HasSuffix(w, "ies") && len(w) > 4:
			w = strings.TrimSuffix(w, "ies") + "y"
		case strings.HasSuffix(w, "ses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes"):
			w = strings.TrimSuffix(w, "es")
		case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3:
			w = strings.TrimSuffix(w, "s")
		}
		words[i] = w
	}
	return strings.Join(words, " ")
}

// tagPos finds tag in the page's tags: value, as file line and column
// (in characters); the start of the value when the file does not show it.
func tagPos(p *Page, tag string, src []byte) (line, col int) {
	line, col = p.Pos.At("tags")
	lines := strings.Split(string(src), "\n")
	for l := line; l >= 1 && l <= len(lines) && l < p.BodyLine; l++ {
		text := lines[l-1]
		from := 0
		if l == line {
			from = min(byteOffset(text, col-1), len(text))
		}
		if l > line && !strings.HasPrefix(strings.TrimSpace(text), "-") {
			break // past a block list
		}
		if at := wordIndex(text[from:], tag); at >= 0 {
			return l, utf8.RuneCountInString(text[:from+at]) + 1
		}
	}
	return line, col
}

// wordIndex finds tag in s where it is not part of a longer tag.
func wordIndex(s, tag string) int {
	isTag := func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.'
	}
	for off := 0; ; {
		i := strings.Index(s[off:], tag)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(tag)
		if (i == 0 || !isTag(s[i-1])) && (end == len(s) || !isTag(s[end])) {
			return i
		}
		off = i + 1
	}
}

// byteOffset is the byte offset of the n-th character of s.
func byteOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
