package diag

import (
	"fmt"
	"strings"
	"unicode"
)

// Printable replaces every control character of s (C0, DEL and C1: line
// breaks, tabs and the escape that starts terminal sequences) with U+FFFD,
// so that text from a site cannot move the cursor, clear the screen, set
// the clipboard (OSC 52) or fake links (OSC 8) in a terminal, nor start a
// new line of a report. Bidirectional overrides are replaced too.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unprintable) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unprintable(r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

func unprintable(r rune) bool {
	return unicode.IsControl(r) || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// GitHubCommand formats a GitHub Actions workflow command, as kb check
// --format github prints it: "::level file=…,line=…,col=…::message".
// Property values escape "%", CR, LF, ":" and ",", the message "%", CR and
// LF, as the workflow-command rules say; other control characters are
// replaced (see Printable). A file name cannot end the command or add one.
func GitHubCommand(level string, p Problem) string {
	msg := p.Message
	if p.Hint != "" {
		msg += " (" + p.Hint + ")"
	}
	if p.File == "" {
		return "::" + level + "::" + githubMessage(msg)
	}
	return fmt.Sprintf("::%s file=%s,line=%d,col=%d::%s", level, githubProperty(p.File), max(p.Line, 1), max(p.Col, 1), githubMessage(msg))
}

func githubMessage(s string) string {
	s = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
	return Printable(s)
}

func githubProperty(s string) string {
	s = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
	return Printable(s)
}
