package main

import (
	"github.com/kb-legal/kb/internal/cli"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestHelp: kb help lists every command; "kb COMMAND -h" is help asked
// for, printed on stdout with exit 0, and shows every flag the command
// takes; README.md's table of commands documents each command and each
// of its flags, so neither goes stale when a flag is added.
func TestHelp(t *testing.T) {
	t.Parallel()
	_, usage, _ := kb(t, "help")
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(readme), "\n## Commands\n")
	table, _, _ = strings.Cut(table, "\n## ")
	rows := map[string]string{} // command → its row in README.md's table
	for _, m := range regexp.MustCompile("(?m)^\\| `kb ([a-z]+)[^\\n]*").FindAllStringSubmatch(table, -1) {
		rows[m[1]] = m[0]
	}
	flagLine := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, c := range program().Commands {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(usage, "\n  "+c.Name+" ") {
				t.Errorf("kb help does not list %s:\n%s", c.Name, usage)
			}
			code, help, stderr := kb(t, c.Name, "-h")
			if code != cli.OK || stderr != "" || !strings.HasPrefix(help, "Usage: kb "+c.Name+" [flags]") {
				t.Fatalf("kb %s -h = %d\nstdout:\n%s\nstderr:\n%s", c.Name, code, help, stderr)
			}
			flags := flagLine.FindAllStringSubmatch(help, -1)
			if len(flags) == 0 {
				t.Errorf("kb %s -h shows no flag:\n%s", c.Name, help)
			}
			row, ok := rows[c.Name]
			if !ok {
				t.Fatalf("README.md's table of commands has no row for kb %s", c.Name)
			}
			for _, f := range flags {
				if !regexp.MustCompile(`\[--` + f[1] + `[\] =]`).MatchString(row) {
					t.Errorf("README.md's row for kb %s does not show [--%s]:\n%s", c.Name, f[1], row)
				}
			}
		})
	}
}
