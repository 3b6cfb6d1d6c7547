package main

import (
	"flag"
	"github.com/kb-legal/kb/internal/cli"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// newSite is a small site with a vocabulary, for kb new.
var newSite = map[string]string{
	"kb.yaml":           "title: T\nvocabulary:\n  triggers: [Sponsorship, Website language]\n",
	"content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
}

// TestNewGolden writes a page of every kind and compares it with
// testdata/new/KIND.md; each passes kb check --drafts, and kb check
// without drafts (the property the issue asks of every archetype).
func TestNewGolden(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"provision", "guideline", "scenario", "commentary", "term", "source", "page"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dir := writeSite(t, newSite)
			code, stdout, stderr := kb(t, "new", "--source", dir, "--date", "2026-11-30", kind, "test/"+kind+"-x")
			if code != cli.OK {
				t.Fatalf("kb new = %d\n%s%s", code, stdout, stderr)
			}
			got, err := os.ReadFile(filepath.Join(dir, "content", "test", kind+"-x.md"))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "new", kind+".md")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("kb new %s differs from %s (go test -update to accept):\n%s", kind, golden, got)
			}
			for _, args := range [][]string{{"check", "--drafts"}, {"check"}} {
				code, stdout, stderr := kb(t, append(args, "--source", dir)...)
				if code != cli.OK || stderr != "" || !strings.Contains(stdout, "no problems") || strings.Contains(stdout, "warning") {
					t.Errorf("kb %v after kb new %s = %d\n%s%s", args, kind, code, stdout, stderr)
				}
			}
		})
	}
}

func TestNewMistakes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc       string
		args       []string
		files      map[string]string
		wantCode   int
		wantStderr string
	}{
		{desc: "unknown kind", args: []string{"scenaro", "scenarios/x"}, wantCode: cli.Usage, wantStderr: `kb new: unknown kind "scenaro" (did you mean "scenario"?)`},
		{desc: "no path", args: []string{"scenario"}, wantCode: cli.Usage, wantStderr: "Usage: kb new"},
		{desc: "outside content", args: []string{"page", "../x"}, wantCode: cli.Usage, wantStderr: `kb new: "../x" is not a page path under content/`},
		{desc: "bad date", args: []string{"--date", "2026-02-30", "page", "x"}, wantCode: cli.Usage, wantStderr: `kb new: --date "2026-02-30" is not a date`},
		{desc: "never overwrites", args: []string{"page", "content/_index.md"}, wantCode: cli.Usage, wantStderr: "kb new: content/_index.md exists already"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			dir := writeSite(t, newSite)
			code, _, stderr := kb(t, append([]string{"new", "--source", dir}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("kb new %v = %d, %s; want %d and %q", tt.args, code, stderr, tt.wantCode, tt.wantStderr)
			}
		})
	}
}

// TestNewFreshIDAndSiteArchetype: the id is one no page has, and a site's
// archetypes/ override the theme's.
func TestNewFreshIDAndSiteArchetype(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"archetypes/page.md": "---\nid: {{.ID}}\ntitle: \"{{.Title}}\"\nas_of: {{.Today}}\ndraft: true\n---\nOur own.\n",
		"content/a.md":       "---\nid: test-x\ntitle: A\n---\nx\n",
	}
	for k, v := range newSite {
		files[k] = v
	}
	dir := writeSite(t, files)
	if code, _, stderr := kb(t, "new", "--source", dir, "--date", "2026-11-30", "page", "test/x"); code != cli.OK {
		t.Fatal(stderr)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "content", "test", "x.md"))
	want := "---\nid: test-x-2\ntitle: \"X\"\nas_of: 2026-11-30\ndraft: true\n---\nOur own.\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
