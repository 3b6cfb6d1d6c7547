package markup

import (
	"strings"
	"testing"
)

func TestCollapseSpace(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, give string }{
		{"empty", ""},
		{"one word", "word"},
		{"collapsed", "two words"},
		{"leading", " word"},
		{"trailing", "word "},
		{"double", "two  words"},
		{"tab and newline", "two\twords\nand more"},
		{"only space", " \t\n "},
		{"no-break space", "Art.\u00a061"},
		{"next line", "a\u0085b"},
		{"invalid UTF-8", "a \xff  b\xfe"},
		{"ideographic space", "a\u3000 b"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got, want := collapseSpace([]byte(tt.give)), strings.Join(strings.Fields(tt.give), " "); got != want {
				t.Errorf("collapseSpace(%q) = %q, want %q", tt.give, got, want)
			}
		})
	}
}

func FuzzCollapseSpace(f *testing.F) {
	for _, s := range []string{"", "a b", " a  b ", "a\u00a0b", "\xff \t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapseSpace([]byte(s)), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkCollapseSpace(b *testing.B) {
	text := strings.Repeat("A third-country firm's affiliate runs a webinar for clients in the Union. ", 40)
	for _, tt := range []struct{ name, give string }{{"collapsed", strings.TrimSpace(text)}, {"spaced", strings.ReplaceAll(text, " ", "  ")}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				collapseSpace([]byte(tt.give))
			}
		})
	}
}
