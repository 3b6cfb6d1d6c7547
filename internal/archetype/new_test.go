package archetype

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestPagePath(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, give, want string }{
		{"bare path", "scenarios/x", "scenarios/x.md"},
		{"under content/ with .md", "content/scenarios/x.md", "scenarios/x.md"},
		{"cleaned", "scenarios//a/../x", "scenarios/x.md"},
		{"content itself", "content", ""},
		{"dot", ".", ""},
		{"outside", "../x", ""},
		{"outside after cleaning", "content/../../x", ""},
		{"absolute", "/etc/x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := pagePath(tt.give); got != tt.want {
				t.Errorf("pagePath(%q) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestCheckKind(t *testing.T) {
	t.Parallel()
	tests := []struct{ desc, give, want string }{
		{"a kind", "scenario", ""},
		{"a typo gets the nearest", "scenaro", `unknown kind "scenaro" (did you mean "scenario"?)`},
		{"nothing near lists them", "zzzzzzzz", `unknown kind "zzzzzzzz" (one of `},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			err := checkKind(tt.give)
			if got := ""; err != nil {
				got = err.Error()
				if tt.want == "" || !strings.HasPrefix(got, tt.want) {
					t.Errorf("checkKind(%q) = %q, want %q", tt.give, got, tt.want)
				}
			} else if tt.want != "" {
				t.Errorf("checkKind(%q) = nil, want %q", tt.give, tt.want)
			}
		})
	}
}

func TestNewPage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		desc             string
		kind, path, date string
		want             Page
		wantErr          string
	}{
		{desc: "a page", kind: "scenario", path: "scenarios/x", date: "2026-01-02",
			want: Page{Kind: "scenario", File: "scenarios/x.md", Today: "2026-01-02"}},
		{desc: "no date: now's day", kind: "page", path: "content/a.md",
			want: Page{Kind: "page", File: "a.md", Today: "2026-11-30"}},
		{desc: "the kind is checked first", kind: "scenaro", path: "../x", date: "x",
			wantErr: `unknown kind "scenaro" (did you mean "scenario"?)`},
		{desc: "a path outside content/", kind: "page", path: "../x",
			wantErr: `"../x" is not a page path under content/ (e.g. scenarios/shirt-sponsorship)`},
		{desc: "no such day", kind: "page", path: "x", date: "2026-02-30",
			wantErr: `--date "2026-02-30" is not a date (YYYY-MM-DD)`},
		{desc: "not a date", kind: "page", path: "x", date: "30/11/2026",
			wantErr: `--date "30/11/2026" is not a date (YYYY-MM-DD)`},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, err := NewPage(tt.kind, tt.path, tt.date, now)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("NewPage error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("NewPage = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// TestWrite: a fresh id beside existing pages, the site's archetype over
// the theme's, the vocabulary filled in, and never a page overwritten.
func TestWrite(t *testing.T) {
	t.Parallel()
	theme := fstest.MapFS{
		"archetypes/term.md":     {Data: []byte("---\nid: {{.ID}}\ntitle: {{.Title}}\nas_of: {{.Today}}\n---\n")},
		"archetypes/scenario.md": {Data: []byte("theme's\n")},
	}
	tests := []struct {
		desc     string
		files    map[string]string
		give     Page
		wantFrom string
		want     string
		wantErr  string
	}{
		{
			desc: "theme's archetype, fresh id", give: Page{Kind: "term", File: "terms/client.md", Today: "2026-11-30"},
			files:    map[string]string{"content/terms/other.md": "---\nid: terms-client\ntitle: Taken\n---\n"},
			wantFrom: "the theme's archetypes/term.md", want: "---\nid: terms-client-2\ntitle: Client\nas_of: 2026-11-30\n---\n",
		},
		{
			desc: "site's archetype with the vocabulary", give: Page{Kind: "scenario", File: "s/shirt-sponsorship.md", Today: "2026-01-02"},
			files: map[string]string{
				"kb.yaml":                "title: T\nvocabulary:\n  triggers: [Sponsorship, Webinar]\n",
				"archetypes/scenario.md": "{{.ID}} {{.Term}} {{join .Triggers \"|\"}}\n",
			},
			wantFrom: "archetypes/scenario.md", want: "s-shirt-sponsorship shirt sponsorship Sponsorship|Webinar\n",
		},
		{
			desc: "never overwrites", give: Page{Kind: "term", File: "a.md"},
			files: map[string]string{"content/a.md": "mine\n"}, wantErr: "content/a.md exists already; kb new never overwrites a page",
		},
		{
			desc: "kb.yaml's problems", give: Page{Kind: "term", File: "b.md"},
			files: map[string]string{"kb.yaml": "title: [\n"}, wantErr: "kb.yaml: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, text := range tt.files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			from, err := Write(dir, os.DirFS(dir), theme, tt.give)
			if tt.wantErr != "" {
				var exists *ExistsError
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || errors.As(err, &exists) != strings.Contains(tt.wantErr, "exists") {
					t.Fatalf("Write = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || from != tt.wantFrom {
				t.Fatalf("Write = %q, %v; want from %q", from, err, tt.wantFrom)
			}
			got, err := os.ReadFile(filepath.Join(dir, "content", filepath.FromSlash(tt.give.File)))
			if err != nil || string(got) != tt.want {
				t.Errorf("wrote %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}
