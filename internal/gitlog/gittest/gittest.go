// Package gittest scripts git repositories for tests: commits with fixed
// dates, so that what is read back from history is known in advance.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Init makes dir a git repository with a fixed identity, or skips the test
// when git is not installed.
func Init(tb testing.TB, dir string) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("git is not installed")
	}
	Git(tb, dir, "", "init", "-q", "-b", "main")
	Git(tb, dir, "", "config", "user.name", "Writer")
	Git(tb, dir, "", "config", "user.email", "writer@example.org")
	Git(tb, dir, "", "config", "commit.gpgsign", "false")
}

// Commit stages every change in dir and commits it at date (RFC 3339, both
// author and committer date), returning the commit id.
func Commit(tb testing.TB, dir, date, msg string) string {
	tb.Helper()
	Git(tb, dir, "", "add", "-A")
	Git(tb, dir, date, "commit", "-q", "--allow-empty", "-m", msg)
	return strings.TrimSpace(Git(tb, dir, "", "rev-parse", "HEAD"))
}

// Write writes files (slash paths → text) under dir.
func Write(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// Git runs git in dir, with date as the author and committer date when not
// empty, and returns its output; a failure fails the test.
func Git(tb testing.TB, dir, date string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if date != "" {
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
