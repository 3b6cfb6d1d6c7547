package build

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBuilderRelinks makes edits whose effects reach pages that neither
// changed nor refer to a page that did, which a Builder must still render
// again, as a clean build does.
func TestBuilderRelinks(t *testing.T) {
	for _, tc := range []struct {
		name      string
		file      string
		old, new  string
		page      string // a page the edit reaches only through others
		wantThere string
	}{{
		// The term's title shows in prov-a's paragraph p3, and so in the
		// preview prov-b has of it.
		name: "a title in a cited paragraph", file: "content/terms/widget.md",
		old: `title: "Widget"`, new: `title: "Widgetry"`,
		page: "law/prov-b/index.html", wantThere: `data-preview="As Widgetry shows`,
	}, {
		// prov-a's paragraph p1 gains a second citer, and its count shows
		// by the paragraph.
		name: "a new citer of a paragraph", file: "content/_index.md",
		old: `Start at [[prov-a]].`, new: `Start at [[prov-a]] and [[PS Art. A(1)]].`,
		page: "law/prov-a/index.html", wantThere: `>cited by 2 pages</a>`,
	}, {
		// The term is named in case-one's heading, which prov-b cites, and
		// in case-one's table of contents.
		name: "a title in a cited heading", file: "content/terms/widget.md",
		old: `title: "Widget"`, new: `title: "Widgetry"`,
		page: "cases/one/index.html", wantThere: `href="#about">About Widgetry</a>`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTxtar(t, dir, propertySite)
			write(t, dir, "content/cases/one.md", strings.Replace(read(t, dir, "content/cases/one.md"), "## Analysis", "## About [[term-widget]] {#about}\n\nThe case.\n\n## Analysis", 1))
			write(t, dir, "content/law/prov-b.md", read(t, dir, "content/law/prov-b.md")+"\nCompare [[case-one#about]].\n")
			b := NewBuilder(os.DirFS(dir), Options{})
			if rb, err := b.Build(context.Background()); err != nil || len(rb.Problems) > 0 {
				t.Fatal(err, rb.Problems)
			}
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), tc.old) {
				t.Fatalf("%s does not hold %q", tc.file, tc.old)
			}
			write(t, dir, tc.file, strings.Replace(string(data), tc.old, tc.new, 1))
			got, err := b.BuildChanged(context.Background(), []string{tc.file})
			if err != nil || len(got.Problems) > 0 {
				t.Fatal(err, got.Problems)
			}
			want := NewMemSink()
			if _, err := Generate(context.Background(), os.DirFS(dir), Options{}, want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(want.Files[tc.page], []byte(tc.wantThere)) {
				t.Fatalf("a clean build's %s does not show the edit (%s):\n%s", tc.page, tc.wantThere, want.Files[tc.page])
			}
			for name, data := range want.Files {
				if !bytes.Equal(got.Output[name], data) {
					t.Errorf("%s differs from a clean build", name)
				}
			}
		})
	}
}

// TestBuilderReadsReportedPaths checks what a Builder told which paths
// changed reads: files in hidden folders stay unpublished whichever way
// they are reported, a folder reported gone takes its pages with it, and
// a symbolic link whose target changed is read again unreported.
func TestBuilderReadsReportedPaths(t *testing.T) {
	dir := t.TempDir()
	writeTxtar(t, dir, propertySite)
	write(t, dir, "outside.md", "---\ntitle: Linked\n---\nFirst text.\n")
	if err := os.Symlink(filepath.Join(dir, "outside.md"), filepath.Join(dir, "content/linked.md")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	b := NewBuilder(os.DirFS(dir), Options{})
	if rb, err := b.Build(context.Background()); err != nil || len(rb.Problems) > 0 {
		t.Fatal(err, rb.Problems)
	}
	page := "---\ntitle: Hidden\n---\nNot published.\n"
	for _, step := range []struct {
		name    string
		do      func()
		changed []string
	}{
		{"files in hidden folders", func() {
			write(t, dir, "content/_drafts/a.md", page)
			write(t, dir, "content/.git/b.md", page)
			write(t, dir, "content/notes/_private/c.md", page)
			write(t, dir, "content/notes/d.md", "---\ntitle: D\n---\nPublished.\n")
		}, []string{"content/_drafts/a.md", "content/.git/b.md", "content/notes/_private/c.md", "content/notes/d.md"}},
		{"hidden folders reported whole", func() {
			write(t, dir, "content/_drafts/e.md", page)
		}, []string{"content/_drafts", "content/notes/_private"}},
		{"a folder removed", func() {
			if err := os.RemoveAll(filepath.Join(dir, "content/notes")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/notes"}},
		{"a link's target edited", func() {
			write(t, dir, "outside.md", "---\ntitle: Linked\n---\nSecond text, longer.\n")
		}, nil},
		{"a link's target removed", func() {
			if err := os.Rename(filepath.Join(dir, "outside.md"), filepath.Join(dir, "away.md")); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"a link's target put back", func() {
			if err := os.Rename(filepath.Join(dir, "away.md"), filepath.Join(dir, "outside.md")); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"a new link to nowhere", func() {
			if err := os.Symlink(filepath.Join(dir, "nowhere.md"), filepath.Join(dir, "content/dangling.md")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/dangling.md"}},
		{"the link to nowhere removed", func() {
			if err := os.Remove(filepath.Join(dir, "content/dangling.md")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/dangling.md"}},
	} {
		step.do()
		got, err := b.BuildChanged(context.Background(), step.changed)
		if err != nil {
			t.Fatal(step.name, err)
		}
		want := NewMemSink()
		wres, err := Generate(context.Background(), os.DirFS(dir), Options{}, want)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := fmt.Sprint(got.Problems), fmt.Sprint(wres.Problems); g != w {
			t.Errorf("%s: the Builder reports %s, a clean build %s", step.name, g, w)
		}
		if len(wres.Problems) > 0 {
			continue
		}
		if !sameFiles(got.Output, want.Files) {
			t.Errorf("%s: the Builder's site differs from a clean build: %v vs %v", step.name, got.Files, slices.Sorted(maps.Keys(want.Files)))
		}
	}
	want := NewMemSink()
	if _, err := Generate(context.Background(), os.DirFS(dir), Options{}, want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(want.Files["linked/index.html"], []byte("Second text")) {
		t.Error("the clean build does not show the link's new target")
	}
	for name := range want.Files {
		if strings.Contains(name, "drafts") || strings.Contains(name, "private") || strings.Contains(name, "git") {
			t.Errorf("%s is published", name)
		}
	}
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
