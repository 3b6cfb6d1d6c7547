package site

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestChangesValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string // the front matter's changes: field and what follows
		want string // the problems, "" for none
	}{
		{desc: "a note with a date and an anchor", give: "changes:\n  - date: 2026-06-23\n    note: Added the statement\n    anchor: p2\n"},
		{desc: "a flow item", give: "changes: [{date: 2026-06-23, note: Added the statement}]\n"},
		{desc: "a bad date", give: "changes:\n  - date: 2026-13-01\n    note: Fixed\n",
			want: `content/p.md:5:11: change date "2026-13-01" is not a valid date`},
		{desc: "no date, at the item", give: "changes:\n  - note: Fixed\n",
			want: "content/p.md:5:5: a change note needs date:"},
		{desc: "an empty note, at its value", give: "changes:\n  - date: 2026-01-02\n    note: \"  \"\n",
			want: "content/p.md:6:11: a change note needs note:"},
		{desc: "a note of two lines", give: "changes:\n  - date: 2026-01-02\n    note: |\n      One.\n      Two.\n",
			want: "content/p.md:6:11: a change note is one line"},
		{desc: "the second item's problem at the second item", give: "changes:\n  - {date: 2026-01-02, note: One}\n  - {date: 2026-01-32, note: Two}\n",
			want: `content/p.md:6:12: change date "2026-01-32" is not a valid date`},
		{desc: "an unknown field, with the fields it takes", give: "changes:\n  - date: 2026-01-02\n    nte: One\n",
			want: `content/p.md:6:5: front matter: unknown field "nte" (did you mean "note"? changes: takes date:, note: and anchor:)`},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			src := "---\ntitle: P\nkind: page\n" + tt.give + "---\nBody.\n"
			_, probs := Parse("content/p.md", []byte(src))
			var got []string
			for _, p := range probs {
				s := fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Message)
				if strings.Contains(tt.want, "(") {
					s += " (" + p.Hint + ")"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("problems:\n%s\nwant:\n%s", g, tt.want)
			}
		})
	}
}

func TestParseInterval(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		give, want string // want: the day the interval after 2025-01-31 is, or "error", or "never"
	}{
		{"180d", "2025-07-30"}, {"2w", "2025-02-14"}, {"1m", "2025-03-03"}, {"1y", "2026-01-31"}, {"never", "never"},
		{"0d", "error"}, {"-3d", "error"}, {"180", "error"}, {"6 months", "error"}, {"d", "error"}, {"", "error"},
	} {
		iv, err := ParseInterval(tt.give)
		got := "error"
		if err == nil {
			got = "never"
			if day, ok := iv.After(time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)); ok {
				got = day.Format(time.DateOnly)
			}
		}
		if got != tt.want {
			t.Errorf("ParseInterval(%q) → %s, want %s", tt.give, got, tt.want)
		}
	}
}

func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"180d", "26w", "6m", "1y", "never", "0d", "-1y", "9999999999d", "d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseInterval(s)
		if err != nil {
			return
		}
		again, err := ParseInterval(iv.String())
		if err != nil || again != iv {
			t.Fatalf("%q → %v, which reads back as %v, %v", s, iv, again, err)
		}
		day := time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)
		if after, ok := iv.After(day); ok != (iv.N > 0) || ok && !after.After(day) {
			t.Fatalf("%q: After = %v, %t", s, after, ok)
		}
	})
}
