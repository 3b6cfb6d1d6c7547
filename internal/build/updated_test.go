package build

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/gitlog/gittest"
)

// gitSite is a small site whose history the tests script.
var gitSite = map[string]string{
	"kb.yaml":           "title: Git site\nbase_url: https://kb.example/\n",
	"content/_index.md": "---\ntitle: Home\n---\nStart at [[law-a]].\n",
	"content/law/a.md":  "---\ntitle: Article A\nkind: provision\ncite: GS Art. A\nas_of: 2025-12-01\n---\n{#p1} A rule.\n",
	"content/law/b.md":  "---\ntitle: Article B\nkind: provision\nas_of: 2025-12-01\n---\nSee [[GS Art. A(1)]].\n",
}

// gitRepo writes gitSite into a new repository: everything committed on
// 5 January 2026, then a.md edited on 10 March 2026 at 15:30 (+01:00).
func gitRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	gittest.Init(t, dir)
	gittest.Write(t, dir, gitSite)
	gittest.Commit(t, dir, "2026-01-05T09:00:00Z", "a site")
	gittest.Write(t, dir, map[string]string{"content/law/a.md": gitSite["content/law/a.md"] + "\n{#p2} Another rule.\n"})
	gittest.Commit(t, dir, "2026-03-10T15:30:00+01:00", "Article A: paragraph 2")
	return dir
}

func buildDir(t *testing.T, src string, opts Options) map[string][]byte {
	t.Helper()
	opts.Source = src
	tmp := t.TempDir()
	out := filepath.Join(tmp, "public")
	res, err := RunWithIndex(context.Background(), opts, out, filepath.Join(tmp, "index"))
	if err != nil || len(res.Problems) > 0 {
		t.Fatal(err, res.Problems)
	}
	return readTree(t, out)
}

var updatedSpan = regexp.MustCompile(`<span class="updated[^"]*">.*?</span>`)

func updatedOn(t *testing.T, tree map[string][]byte, page string) string {
	t.Helper()
	return string(updatedSpan.Find(tree[page]))
}

func TestLastUpdatedFromGit(t *testing.T) {
	t.Parallel()
	repo := gitRepo(t)
	tree := buildDir(t, repo, Options{})
	for page, want := range map[string]string{
		"law/a/index.html": `Updated <time datetime="2026-03-10T14:30:00Z">2026-03-10</time></span>`,
		"law/b/index.html": `Updated <time datetime="2026-01-05T09:00:00Z">2026-01-05</time></span>`,
	} {
		if got := updatedOn(t, tree, page); !strings.HasSuffix(got, want) || strings.Contains(got, "not committed") {
			t.Errorf("%s: %q, want …%q", page, got, want)
		}
	}
	sitemap := string(tree["sitemap.xml"])
	for _, want := range []string{
		"<loc>https://kb.example/law/a/</loc>\n    <lastmod>2026-03-10T14:30:00Z</lastmod>",
		"<loc>https://kb.example/law/b/</loc>\n    <lastmod>2026-01-05T09:00:00Z</lastmod>",
		"<loc>https://kb.example/</loc>\n    <lastmod>2026-01-05T09:00:00Z</lastmod>",
	} {
		if !strings.Contains(sitemap, want) {
			t.Errorf("sitemap.xml lacks %q:\n%s", want, sitemap)
		}
	}
	feed := string(tree["atom.xml"])
	a, b := strings.Index(feed, "<id>https://kb.example/law/a/</id>"), strings.Index(feed, "<id>https://kb.example/law/b/</id>")
	if a < 0 || b < 0 || a > b {
		t.Errorf("the feed does not list a (updated last) before b:\n%s", feed)
	}
	if !strings.Contains(feed, "<updated>2026-03-10T14:30:00Z</updated>\n  <author>") {
		t.Errorf("the feed's own date is not its newest entry's:\n%s", feed)
	}
}

// TestSameCommitSameOutput: a second checkout of the same commit, made at
// another time with other file times, builds byte for byte the same site.
func TestSameCommitSameOutput(t *testing.T) {
	t.Parallel()
	repo := gitRepo(t)
	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Git(t, t.TempDir(), "", "clone", "-q", repo, clone)
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for name := range gitSite {
		if err := os.Chtimes(filepath.Join(clone, name), later, later); err != nil {
			t.Fatal(err)
		}
	}
	one, two := buildDir(t, repo, Options{}), buildDir(t, clone, Options{})
	if len(one) != len(two) {
		t.Fatalf("%d and %d files", len(one), len(two))
	}
	for name, data := range one {
		if !bytes.Equal(data, two[name]) {
			t.Errorf("%s differs between two checkouts of one commit:\n%s", name, firstDiff(data, two[name]))
		}
	}
}

// TestUncommittedFallsBackToFileTime: an edit not yet committed is dated
// by the file, and says so; SOURCE_DATE_EPOCH (Options.Epoch) pins it.
func TestUncommittedFallsBackToFileTime(t *testing.T) {
	t.Parallel()
	repo := gitRepo(t)
	b := filepath.Join(repo, "content/law/b.md")
	if err := os.WriteFile(b, []byte(gitSite["content/law/b.md"]+"\nMore.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC)
	if err := os.Chtimes(b, saved, saved); err != nil {
		t.Fatal(err)
	}
	tree := buildDir(t, repo, Options{})
	if got := updatedOn(t, tree, "law/b/index.html"); !strings.Contains(got, `datetime="2026-04-02">2026-04-02</time> <small>(not committed: the file's time)</small>`) {
		t.Errorf("an uncommitted page shows %q", got)
	}
	if got := updatedOn(t, tree, "law/a/index.html"); !strings.Contains(got, "2026-03-10") || strings.Contains(got, "committed") {
		t.Errorf("a committed page shows %q", got)
	}
	tree = buildDir(t, repo, Options{Epoch: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
	if got := updatedOn(t, tree, "law/b/index.html"); !strings.Contains(got, `2026-05-01</time> <small>(not committed`) {
		t.Errorf("with an epoch, an uncommitted page shows %q", got)
	}

	outside := t.TempDir() // no git at all
	gittest.Write(t, outside, gitSite)
	tree = buildDir(t, outside, Options{})
	if got := updatedOn(t, tree, "law/a/index.html"); !strings.Contains(got, "not committed") {
		t.Errorf("a site outside git shows %q", got)
	}
}

// TestBuilderFollowsGit: kb serve's incremental builds equal a full build
// through saves, a commit and a touch: a saved file falls back to its
// time, then takes its commit's date once committed.
func TestBuilderFollowsGit(t *testing.T) {
	t.Parallel()
	repo := gitRepo(t)
	fsys := os.DirFS(repo)
	opts := Options{Source: repo}
	b := NewBuilder(fsys, opts)
	a := filepath.Join(repo, "content/law/a.md")
	steps := []struct {
		desc string
		do   func()
	}{
		{"first build", func() {}},
		{"save a.md", func() {
			gittest.Write(t, repo, map[string]string{"content/law/a.md": gitSite["content/law/a.md"] + "\nSaved.\n"})
		}},
		{"commit it", func() { gittest.Commit(t, repo, "2026-06-01T12:00:00Z", "saved") }},
		{"touch it", func() {
			now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
			if err := os.Chtimes(a, now, now); err != nil {
				t.Fatal(err)
			}
		}},
		{"save b.md and touch it", func() {
			gittest.Write(t, repo, map[string]string{"content/law/b.md": gitSite["content/law/b.md"] + "\nSaved.\n"})
			then := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
			if err := os.Chtimes(filepath.Join(repo, "content/law/b.md"), then, then); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, step := range steps {
		step.do()
		got, err := b.Build(context.Background())
		if err != nil || len(got.Problems) > 0 {
			t.Fatal(step.desc, err, got.Problems)
		}
		want := NewMemSink()
		if _, err := Generate(context.Background(), fsys, opts, want); err != nil {
			t.Fatal(err)
		}
		if !sameFiles(got.Output, want.Files) {
			for name, data := range want.Files {
				if !bytes.Equal(got.Output[name], data) {
					t.Fatalf("after %q, %s differs from a full build:\n%s", step.desc, name, firstDiff(got.Output[name], data))
				}
			}
			t.Fatalf("after %q, the files differ from a full build", step.desc)
		}
		page := string(updatedSpan.Find(got.Output["law/a/index.html"]))
		switch step.desc {
		case "save a.md":
			if !strings.Contains(page, "not committed") {
				t.Errorf("a saved, uncommitted page shows %q", page)
			}
		case "commit it", "touch it":
			if !strings.Contains(page, ">2026-06-01<") || strings.Contains(page, "not committed") {
				t.Errorf("after %q the page shows %q, want its commit's date", step.desc, page)
			}
		}
	}
}

// TestShallowClone: in a clone of depth 1, a page last changed before the
// clone's only commit is dated by it, as "on or before"; the result says
// the clone is shallow, and the build's log warns of it.
func TestShallowClone(t *testing.T) {
	t.Parallel()
	repo := gitRepo(t)
	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Git(t, t.TempDir(), "", "clone", "-q", "--depth", "1", "file://"+repo, clone)
	tmp := t.TempDir()
	var log strings.Builder
	logger := slog.New(slog.NewTextHandler(&log, nil))
	res, err := RunWithIndex(context.Background(), Options{Source: clone, Logger: logger}, filepath.Join(tmp, "public"), filepath.Join(tmp, "index"))
	if err != nil || len(res.Problems) > 0 {
		t.Fatal(err, res.Problems)
	}
	if !res.Shallow {
		t.Error("a depth-1 clone is not reported shallow")
	}
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "git fetch --unshallow") {
		t.Errorf("the build's log does not warn of the shallow clone:\n%s", log.String())
	}
	tree := readTree(t, filepath.Join(tmp, "public"))
	if got := updatedOn(t, tree, "law/b/index.html"); !strings.Contains(got, `Updated on or before <time datetime="2026-03-10T14:30:00Z">2026-03-10</time>`) {
		t.Errorf("a page older than the clone shows %q", got)
	}
}
