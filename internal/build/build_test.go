package build

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

var assetHash = regexp.MustCompile(`\.[0-9a-f]{8}\.(css|js|svg|json)`)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// archiveFS loads a txtar archive of a whole site.
func archiveFS(t *testing.T, file string) fstest.MapFS {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range ar.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return fsys
}

// archiveDir writes a txtar archive of a whole site into a temp dir.
func archiveDir(t *testing.T, file string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, archiveFS(t, file)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func generateMem(t *testing.T, fsys fs.FS, opts Options) (*Result, *MemSink) {
	t.Helper()
	sink := NewMemSink()
	res, err := Generate(context.Background(), fsys, opts, sink)
	if err != nil {
		t.Fatal(err)
	}
	return res, sink
}

func TestGenerateGolden(t *testing.T) {
	t.Parallel()
	res, sink := generateMem(t, archiveFS(t, "testdata/site.txtar"), Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	for _, page := range []string{"provisions/art-61/index.html", "esma/solicitation/index.html", "scenarios/sponsorship/index.html", "glossary/index.html", "matrix/index.html", "provisions/index.html"} {
		got, ok := sink.Files[page]
		if !ok {
			t.Errorf("%s was not written", page)
			continue
		}
		// Asset names carry content hashes; a theme edit should not rewrite
		// every golden page, so they are compared without them.
		got = assetHash.ReplaceAll(got, []byte(".HASH.$1"))
		golden := filepath.Join("testdata/golden", strings.ReplaceAll(strings.TrimSuffix(page, "/index.html"), "/", "-")+".html")
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (go test -update to accept):\n%s", page, golden, firstDiff(got, want))
		}
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + g[i] + "\nwant: " + w[i]
		}
	}
	return "lengths differ"
}

func TestGenerateSiteFeatures(t *testing.T) {
	t.Parallel()
	res, sink := generateMem(t, archiveFS(t, "testdata/site.txtar"), Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	art61 := string(sink.Files["provisions/art-61/index.html"])
	for _, want := range []string{
		`<h2 id="kb-cited-by">Cited by</h2>`,
		`id="kb-citedby-p1"`, // the scenario cites paragraph 1 …
		`<a href="/sub/scenarios/sponsorship/#analysis">Sponsorship of an event</a>`, // … from its analysis
		`The firm cannot rely on MiCA Art. 61(1); a follow-up offer breaches paragraph 2.`,
		`<a class="citers" href="#kb-citedby-p1-sub1"`, // art 59 cites (1), first subparagraph
		`data-cite="MiCA Art. 61(1), second subparagraph"`,
		`<a class="term" href="/sub/terms/close-links/"`,
		`<link rel="canonical" href="https://kb.example/sub/provisions/art-61/">`,
	} {
		if !strings.Contains(art61, want) {
			t.Errorf("art-61 page lacks %s", want)
		}
	}
	if _, ok := sink.Files["drafts/wip/index.html"]; ok {
		t.Error("a draft was published without --drafts")
	}
	res, sink = generateMem(t, archiveFS(t, "testdata/site.txtar"), Options{Drafts: true})
	if _, ok := sink.Files["drafts/wip/index.html"]; !ok || len(res.Problems) > 0 {
		t.Errorf("--drafts did not publish the draft: %v", res.Problems)
	}
	for _, name := range []string{"index.html", "404.html", "sitemap.xml", "robots.txt", "atom.xml", "tags/index.html", "tags/marketing/index.html", "search/index.html", "drafts/index.html"} {
		if _, ok := sink.Files[name]; !ok {
			t.Errorf("%s was not written", name)
		}
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	dir := archiveDir(t, "testdata/site.txtar")
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, out := range []string{a, b} {
		res, err := RunWithIndex(context.Background(), Options{Source: dir}, out, out+".index")
		if err != nil || len(res.Problems) > 0 {
			t.Fatal(err, res.Problems)
		}
	}
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) < 15 {
		t.Fatalf("only %d files built", len(ta))
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
	if len(ta) != len(tb) {
		t.Errorf("builds wrote %d and %d files", len(ta), len(tb))
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		tree[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestFailedBuildLeavesOutputUntouched(t *testing.T) {
	t.Parallel()
	dir := archiveDir(t, "testdata/site.txtar")
	out := filepath.Join(dir, "public")
	if res, err := RunWithIndex(context.Background(), Options{Source: dir}, out, out+".index"); err != nil || len(res.Problems) > 0 {
		t.Fatal(err, res.Problems)
	}
	before := readTree(t, out)

	broken := "---\ntitle: [unclosed\n---\n"
	if err := os.WriteFile(filepath.Join(dir, "content/provisions/art-59.md"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := RunWithIndex(context.Background(), Options{Source: dir}, out, out+".index")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) == 0 || res.Problems[0].File != "content/provisions/art-59.md" || res.Problems[0].Line != 2 {
		t.Fatalf("problems = %v", res.Problems)
	}
	after := readTree(t, out)
	if len(after) != len(before) {
		t.Fatalf("output has %d files, had %d", len(after), len(before))
	}
	for name, data := range before {
		if !bytes.Equal(data, after[name]) {
			t.Errorf("%s changed after a failed build", name)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp dir %s left behind", e.Name())
		}
	}
}

func TestProblemsAreAllReportedWithPositions(t *testing.T) {
	t.Parallel()
	fsys := archiveFS(t, "testdata/site.txtar")
	fsys["content/scenarios/bad.md"] = &fstest.MapFile{Data: []byte(`---
id: scenario-bad
title: Bad
kind: scenario
facts: f
question: q
outcome: uncertain
risk: low
applies: ["MiCA Art. 62(1)"]
---
See [[mica-art-611]] and [[MiCA Art. 61(3)]].

Also [[mica-art-61#p1-sub9|here]] and [a link](../provisions/art-60.md) and [[scenario-sponsorship#facts]].

> [!ESMAA]
> Typo.

## Twice {#x}

## Again {#x}
`)}
	res, _ := generateMem(t, fsys, Options{})
	want := []string{
		`content/scenarios/bad.md:9:10: applies: unresolved reference "MiCA Art. 62(1)" (did you mean "MiCA Art. 61"?)`,
		`content/scenarios/bad.md:11:5: unresolved reference "mica-art-611" (did you mean "mica-art-61"?)`,
		`content/scenarios/bad.md:11:26: provisions/art-61.md has no anchor #p3 (did you mean #p1?)`,
		`content/scenarios/bad.md:13:6: provisions/art-61.md has no anchor #p1-sub9 (did you mean #p1-sub1?)`,
		`content/scenarios/bad.md:13:39: link to missing file "../provisions/art-60.md" (did you mean content/provisions/art-61.md?)`,
		`content/scenarios/bad.md:13:77: scenarios/sponsorship.md has no anchor #facts (anchors on that page: analysis)`,
		`content/scenarios/bad.md:15:3: unknown callout type [!ESMAA]`,
		`content/scenarios/bad.md:20:4: duplicate anchor #x (anchors must be unique on a page; rename one)`,
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems:\n%s\nwant %d:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

func TestStageRemovesAbandonedStagingDirs(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	// A build killed with SIGKILL leaves its staging dir; pid 2^22+1 is
	// above Linux's pid_max, so no process has it.
	abandoned := filepath.Join(parent, ".public.tmp-4194305-123")
	ours := filepath.Join(parent, ".public.tmp-"+strconv.Itoa(os.Getpid())+"-456")
	for _, d := range []string{abandoned, ours} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	st, err := stage(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WriteFile("a/index.html", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abandoned); !os.IsNotExist(err) && processAliveSupported() {
		t.Errorf("abandoned staging dir survived: %v", err)
	}
	if _, err := os.Stat(ours); err != nil {
		t.Errorf("a live process's staging dir was removed: %v", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "old.html"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	tree := readTree(t, out)
	if len(tree) != 1 || string(tree["a/index.html"]) != "new" {
		t.Errorf("after Commit, out = %v", tree)
	}
	if prev := readTree(t, st.Dir); len(prev) != 1 || string(prev["old.html"]) != "old" {
		t.Errorf("after Commit, the staging dir holds %v, want the previous output", prev)
	}
	if err := st.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Dir); !os.IsNotExist(err) {
		t.Errorf("the previous output was not removed by Abort after the swap: %v", err)
	}
}

// processAliveSupported reports whether this system can tell a dead
// process from a live one (see swap_*.go).
func processAliveSupported() bool { return !processAlive(1<<22 + 1) }

// TestSearchDocumentFields checks that a section's document carries its
// page's title and its heading apart, even a heading with the " › " a hit
// title joins them with.
func TestSearchDocumentFields(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"kb.yaml": {Data: []byte("title: T\n")},
		"content/rule.md": {Data: []byte("---\ntitle: \"The rule\"\nkind: provision\nsummary: \"A rule.\"\n---\n" +
			"Lead text.\n\n## Art. 1 › scope {#scope}\n\nScope text.\n")},
	}
	res, _ := generateMem(t, fsys, Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	var got []string
	for _, d := range res.Docs {
		if d.URL == "/rule/" {
			got = append(got, d.ID+" | "+d.Title+" | "+d.Heading+" | "+d.Summary)
		}
	}
	want := []string{"/rule/ | The rule |  | A rule.", "/rule/#scope | The rule | Art. 1 › scope | A rule."}
	if !slices.Equal(got, want) {
		t.Errorf("documents:\n got %q\nwant %q", got, want)
	}
}

// TestTextsReadResolvedReferences: a page's texts (here its search
// document) read its references as resolved, whether the parse guessed
// how they read (a page's title, a source's cite key, a plain heading)
// or guessed wrong (a heading with emphasis, whose label is known only
// once its page is parsed).
func TestTextsReadResolvedReferences(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"kb.yaml": {Data: []byte("title: T\n")},
		"content/a.md": {Data: []byte("---\ntitle: A\n---\n" +
			"See [[b#scope]], [[c]], [[c#p1]], [[c#part]], [[c#p1|there]] and [@src, p. 2].\n")},
		"content/b.md": {Data: []byte("---\ntitle: \"Rule B\"\n---\n## The *scope* {#scope}\n\nText.\n")},
		"content/c.md": {Data: []byte("---\ntitle: \"Rule C\"\n---\n{#p1} Text.\n\n## Part {#part}\n\nMore.\n")},
		"content/src.md": {Data: []byte("---\ntitle: \"Source\"\ncite: \"Src\"\nkind: source\npublisher: P\n" +
			"published: 2024-01-01\nurl: \"https://s.example/\"\nreliability: secondary\n---\nThe source.\n")},
	}
	for _, model := range []bool{false, true} {
		res, _ := generateMem(t, fsys, Options{Model: model})
		if len(res.Problems) > 0 {
			t.Fatal(res.Problems)
		}
		var body string
		for _, d := range res.Docs {
			if d.URL == "/a/" {
				body += d.Body
			}
		}
		if want := "See Rule B › The scope, Rule C, Rule C, Rule C › Part, there and [Src, p. 2]."; body != want {
			t.Errorf("model %v: /a/ reads %q, want %q", model, body, want)
		}
	}
}
