package diag

import (
	"strings"
	"testing"
)

func TestPrintable(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, give, want string }{
		{"plain", "Article 61 — own initiative", "Article 61 — own initiative"},
		{"a title that drives the terminal (security review F9)", "\x1b]0;PWNED\a\x1b[2J\x1b]8;;https://evil.example/\x1b\\x\x1b]8;;\x1b\\",
			"\ufffd]0;PWNED\ufffd\ufffd[2J\ufffd]8;;https://evil.example/\ufffd\\x\ufffd]8;;\ufffd\\"},
		{"a C1 control", "a\u009b2Jb", "a\ufffd2Jb"},
		{"line breaks and tabs", "a\nb\r\tc", "a\ufffdb\ufffd\ufffdc"},
		{"a bidirectional override", "abc\u202edcba", "abc\ufffddcba"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := Printable(tt.give); got != tt.want {
				t.Errorf("Printable(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestGitHubCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give Problem
		want string
	}{
		{"a problem", Problem{File: "content/a.md", Line: 3, Col: 1, Message: `unknown kind "x"`, Hint: "did you mean"},
			`::error file=content/a.md,line=3,col=1::unknown kind "x" (did you mean)`},
		{"a file name that injects commands (security review F8)",
			Problem{File: "content/a,title=Spoofed::fake\n::warning file=README.md,line=1::Injected annotation\n::add-mask::Hello\n::notice::x.md", Message: "bad\r\n::stop-commands::x 100%"},
			"::error file=content/a%2Ctitle=Spoofed%3A%3Afake%0A%3A%3Awarning file=README.md%2Cline=1%3A%3AInjected annotation%0A%3A%3Aadd-mask%3A%3AHello%0A%3A%3Anotice%3A%3Ax.md,line=1,col=1::bad%0D%0A::stop-commands::x 100%25"},
		{"an escape sequence in a message", Problem{File: "a.md", Message: "x\x1b[2Jy"}, "::error file=a.md,line=1,col=1::x\ufffd[2Jy"},
		{"no file", Problem{Message: "coverage 90%"}, "::error::coverage 90%25"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got := GitHubCommand("error", tt.give)
			if got != tt.want {
				t.Errorf("GitHubCommand = %q\nwant             %q", got, tt.want)
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("GitHubCommand = %q: more than one line", got)
			}
		})
	}
}
