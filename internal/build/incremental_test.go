package build

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// propertySite is the starting tree of the incremental property test: a
// provision with paragraph anchors, one of whose paragraphs names the
// term page (so its title shows in the previews of that paragraph's
// citers), a term, a scenario applying the provision (whose
// preview of that provision shows only in the scenario box, not in its
// body), a guideline page of the provision's source cited by paragraph
// ("Src A, para. 2"), a reference to a heading by its label (as the
// parse guesses it: see linker.guess), sections, tags and a theme override.
const propertySite = `
-- kb.yaml --
title: Property site
-- content/_index.md --
---
title: Home
kind: page
---
Start at [[prov-a]].
-- content/law/prov-a.md --
---
id: prov-a
title: "Article A"
kind: provision
cite: "PS Art. A"
tags: [alpha, law]
summary: "The first provision."
official: {source: src-a}
---
{#p1} A firm needs a licence.

{#p2} A widget is not a licence.

{#p3} As [[term-widget]] shows, the rule has a scope.
-- content/law/prov-b.md --
---
id: prov-b
title: "Article B"
kind: provision
cite: "PS Art. B"
tags: [law]
summary: "The second provision, citing [[PS Art. A(1)]]."
---
## Scope {#scope}

See [[PS Art. A(2)]], [[PS Art. A(3)]] and [the first](prov-a.md), as the source says [@src-a, p. 2].

> [!TEXT] [@src-a, p. 3]
> The words of the source.
-- content/terms/widget.md --
---
id: term-widget
title: "Widget"
kind: term
term: widget
summary: "A widget, as defined."
---
A widget is a thing.
-- content/cases/one.md --
---
id: case-one
title: "Case one"
kind: scenario
tags: [alpha]
summary: "A widget case."
facts: "A firm sells widgets."
question: "Is a licence needed?"
outcome: uncertain
risk: medium
trigger: marketing
applies: ["PS Art. A(2)"]
---
## Analysis

Under [[prov-a#p1|the rule]] a widget seller needs a licence, as [[Src A, para. 2]] confirms; see [[prov-b#scope]].
-- content/esma/gl.md --
---
id: gl-a
title: "Guideline A"
kind: guideline
summary: "A guideline on Article A."
official: {source: src-a}
---
## First {#para-1}

A firm must not solicit for widgets ([[PS Art. A(1)]]).

## Second {#para-2}

Read it with [[Src A (REF-A), para. 1]].
-- content/sources/src-a.md --
---
id: src-a
title: "Source A"
cite: "Src A"
kind: source
publisher: "Publisher A"
published: 2024-01-01
url: "https://a.example/"
reliability: primary
reference: "REF-A"
---
The source of Article A.
-- themes/default/assets/extra.css --
body { color: black; }
`

// citeLine is a page's cite key in its front matter.
var citeLine = regexp.MustCompile(`(?m)^cite: .*\n`)

// edit is one random change to the tree.
type edit func(t *testing.T, dir string, rng *rand.Rand) string

var ids = []string{"prov-a", "prov-b", "term-widget", "case-one", "n1", "n2", "n3", "n4"}

// contentFiles lists the tree's content files, sorted.
func contentFiles(t *testing.T, dir string) []string {
	var files []string
	err := filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// idOf returns the id in a page's front matter.
func idOf(data []byte) string {
	for line := range strings.Lines(string(data)) {
		if id, ok := strings.CutPrefix(line, "id: "); ok {
			return strings.TrimSpace(id)
		}
	}
	return ""
}

// idFiles maps the ids present in the tree to their files.
func idFiles(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	for _, f := range contentFiles(t, dir) {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if id := idOf(data); id != "" {
			out[id] = f
		}
	}
	return out
}

// existingIDs picks an id present in the tree, and now and then (one time
// in twenty) one that may not be, which both builds must report alike.
func existingIDs(t *testing.T, dir string, rng *rand.Rand) string {
	have := slices.Sorted(maps.Keys(idFiles(t, dir)))
	if len(have) == 0 || rng.IntN(20) == 0 {
		return ids[rng.IntN(len(ids))]
	}
	return have[rng.IntN(len(have))]
}

// randomPage writes a page referring to ids of the tree.
func randomPage(rng *rand.Rand, ref func() string, id string) string {
	kinds := []string{"commentary", "guideline", "page", "provision"}
	kind := kinds[rng.IntN(len(kinds))]
	var b strings.Builder
	fmt.Fprintf(&b, "---\nid: %s\ntitle: \"Title %d\"\nkind: %s\n", id, rng.IntN(5), kind)
	if kind == "provision" {
		fmt.Fprintf(&b, "cite: \"PS Art. %s\"\n", strings.ToUpper(id))
	}
	fmt.Fprintf(&b, "tags: [%s]\nsummary: \"Summary %d\"\n", []string{"alpha", "law", "beta", "gamma"}[rng.IntN(4)], rng.IntN(3))
	if rng.IntN(6) == 0 {
		b.WriteString("draft: true\n")
	}
	b.WriteString("---\n")
	fmt.Fprintf(&b, "{#p1} A widget and [[%s]].\n\n", ref())
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "## Part %d {#part}\n\nSee [[%s|there]] and [[PS Art. A(%d)]].\n", rng.IntN(3), ref(), 1+rng.IntN(2))
	}
	return b.String()
}

var edits = map[string]edit{
	"create": func(t *testing.T, dir string, rng *rand.Rand) string {
		id := ids[4+rng.IntN(4)]
		folder := []string{"law", "notes", "notes/deep", "new" + fmt.Sprint(rng.IntN(3))}[rng.IntN(4)]
		name := path.Join("content", folder, id+".md")
		if file, ok := idFiles(t, dir)[id]; ok {
			name = file // the id is taken: rewrite its page instead
		}
		write(t, dir, name, randomPage(rng, func() string { return existingIDs(t, dir, rng) }, id))
		return "create " + name
	},
	"restore": func(t *testing.T, dir string, rng *rand.Rand) string {
		if err := os.RemoveAll(filepath.Join(dir, "content")); err != nil {
			t.Fatal(err)
		}
		writeTxtar(t, dir, propertySite)
		return "restore"
	},
	"edit": func(t *testing.T, dir string, rng *rand.Rand) string {
		files := contentFiles(t, dir)
		name := files[rng.IntN(len(files))]
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		switch rng.IntN(5) {
		case 4: // an anchored paragraph, whose text previews show
			p := fmt.Sprintf("{#p%d} ", 1+rng.IntN(2))
			s = strings.Replace(s, p, fmt.Sprintf("%sNow %d, ", p, rng.IntN(10)), 1)
		case 0: // prose
			s += fmt.Sprintf("\nMore text %d about a widget.\n", rng.IntN(100))
		case 1: // title
			s = strings.Replace(s, "title: \"", fmt.Sprintf("title: \"T%d ", rng.IntN(10)), 1)
		case 2: // a reference, to a page or to a paragraph (whose citer count shows by it)
			if rng.IntN(2) == 0 {
				s += fmt.Sprintf("\nSee [[PS Art. A(%d)]].\n", 1+rng.IntN(3))
			} else {
				s += fmt.Sprintf("\nSee [[%s]].\n", existingIDs(t, dir, rng))
			}
		case 3: // summary and tags
			s = strings.Replace(s, "summary: \"", fmt.Sprintf("summary: \"S%d ", rng.IntN(10)), 1)
			//lint:ignore S1017 the condition keeps rng's draws, and so each seed's edit sequence, as they were
			if strings.Contains(s, "tags: [") {
				s = strings.Replace(s, "tags: [", fmt.Sprintf("tags: [t%d, ", rng.IntN(3)), 1)
			}
		}
		write(t, dir, name, s)
		return "edit " + name
	},
	"delete": func(t *testing.T, dir string, rng *rand.Rand) string {
		files := contentFiles(t, dir)
		name := files[rng.IntN(len(files))]
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		return "delete " + name
	},
	"rename": func(t *testing.T, dir string, rng *rand.Rand) string {
		files := contentFiles(t, dir)
		from := files[rng.IntN(len(files))]
		to := path.Join("content", []string{"law", "moved", "notes"}[rng.IntN(3)], fmt.Sprintf("r%d-%s", rng.IntN(3), path.Base(from)))
		if err := os.MkdirAll(filepath.Join(dir, path.Dir(to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
		return "rename " + from + " " + to
	},
	"term": func(t *testing.T, dir string, rng *rand.Rand) string {
		term := []string{"widget", "licence", "firm"}[rng.IntN(3)]
		write(t, dir, "content/terms/widget.md", fmt.Sprintf("---\nid: term-widget\ntitle: \"%s\"\nkind: term\nterm: %s\nsummary: \"Defined.\"\n---\nA %s is a thing.\n", term, term, term))
		return "term " + term
	},
	"source": func(t *testing.T, dir string, rng *rand.Rand) string {
		// What its citers and the official-text links show of it.
		n := rng.IntN(4)
		write(t, dir, "content/sources/src-a.md", fmt.Sprintf("---\nid: src-a\ntitle: \"Source A%d\"\ncite: \"Src A\"\nkind: source\npublisher: \"Publisher %d\"\npublished: 2024-01-0%d\nurl: \"https://a.example/%d\"\nreliability: %s\nreference: \"REF-%d\"\n---\nThe source.\n",
			n, rng.IntN(3), 1+rng.IntN(3), rng.IntN(3), []string{"primary", "secondary"}[rng.IntN(2)], rng.IntN(3)))
		return fmt.Sprintf("source %d", n)
	},
	"cite": func(t *testing.T, dir string, rng *rand.Rand) string {
		// The pinpoints of a cited page (prov-b, cited by the scenario):
		// its pins and the keys its citers' search documents cite.
		file, ok := idFiles(t, dir)["prov-b"]
		if !ok {
			return "cite: no prov-b"
		}
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		s := citeLine.ReplaceAllString(string(data), "")
		cite := []string{"PS Art. 2", "PS Art. 3", ""}[rng.IntN(3)] // citation keys need a number
		if cite != "" {
			s = strings.Replace(s, "---\n", "---\ncite: \""+cite+"\"\n", 1)
		}
		write(t, dir, file, s)
		return "cite " + cite
	},
	"config": func(t *testing.T, dir string, rng *rand.Rand) string {
		write(t, dir, "kb.yaml", fmt.Sprintf("title: Site %d\n", rng.IntN(4)))
		return "config"
	},
	"theme": func(t *testing.T, dir string, rng *rand.Rand) string {
		// style.css is linked, fingerprinted, from every page.
		name := []string{"extra.css", "style.css"}[rng.IntN(2)]
		write(t, dir, "themes/default/assets/"+name, fmt.Sprintf("body { color: #%03d; }\n", rng.IntN(1000)))
		return "theme " + name
	},
	"broken": func(t *testing.T, dir string, rng *rand.Rand) string {
		write(t, dir, "content/notes/broken.md", "---\ntitle: [unclosed\n---\nbody\n")
		return "broken"
	},
	"fix": func(t *testing.T, dir string, rng *rand.Rand) string {
		for _, f := range contentFiles(t, dir) {
			if strings.Contains(f, "broken") {
				if err := os.Remove(filepath.Join(dir, f)); err != nil {
					t.Fatal(err)
				}
			}
		}
		return "fix"
	},
}

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeTxtar(t *testing.T, dir, archive string) {
	t.Helper()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		write(t, dir, f.Name, string(f.Data))
	}
}

// TestBuilderEqualsGenerate is the contract of incremental builds: after
// any sequence of edits, creates, deletes and renames, the Builder's site
// equals a clean Generate of the same tree, byte for byte, and both report
// the same problems.
func TestBuilderEqualsGenerate(t *testing.T) {
	t.Parallel()
	steps := 60
	if os.Getenv("KB_STRESS") != "" {
		steps = 600
	}
	// Weighted so that most builds succeed: a removed or moved page breaks
	// its citers until "restore" puts it back.
	var names []string
	for name, weight := range map[string]int{"create": 3, "edit": 5, "delete": 1, "rename": 1, "restore": 2,
		"term": 1, "cite": 1, "config": 1, "theme": 1, "broken": 1, "fix": 2, "source": 2} {
		for range weight {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeTxtar(t, dir, propertySite)
			rng := rand.New(rand.NewPCG(seed, 7))
			fsys := os.DirFS(dir)
			opts := Options{Drafts: seed == 1}
			b := NewBuilder(fsys, opts)
			var history []string
			good := map[string][]byte{}
			var ok, rendered, parsedN int
			before := snapshot(t, dir)
			for step := range steps {
				if step > 0 {
					history = append(history, edits[names[rng.IntN(len(names))]](t, dir, rng))
				}
				// Half the builds are told what changed, as kb serve's are,
				// by file or by folder.
				var got *Rebuild
				var err error
				if after := snapshot(t, dir); step%2 == 1 {
					changed := changedPaths(before, after)
					if step%4 == 3 {
						changed = folders(changed) // as the watcher reports a folder moved or removed
					}
					got, err = b.BuildChanged(context.Background(), changed)
					before = after
				} else {
					got, err = b.Build(context.Background())
					before = after
				}
				if err != nil {
					t.Fatal(err)
				}
				want := NewMemSink()
				wres, err := Generate(context.Background(), fsys, opts, want)
				if err != nil {
					t.Fatal(err)
				}
				if g, w := fmt.Sprint(got.Problems), fmt.Sprint(wres.Problems); g != w {
					t.Fatalf("after %v:\nBuilder problems:\n%s\nGenerate problems:\n%s", history, g, w)
				}
				if len(wres.Problems) > 0 && os.Getenv("KB_DEBUG") != "" {
					t.Logf("%v: %v", history[max(len(history)-1, 0):], wres.Problems[0])
				}
				if len(wres.Problems) > 0 {
					if !sameFiles(got.Output, good) {
						t.Fatalf("after %v: a failed build changed the served site", history)
					}
					continue
				}
				if got.Pages != wres.Pages || !slices.Equal(got.Files, wres.Files) {
					t.Fatalf("after %v: files differ:\n%v\n%v", history, got.Files, wres.Files)
				}
				if !reflect.DeepEqual(got.Docs, wres.Docs) {
					t.Fatalf("after %v: search documents differ:\n--- builder\n%+v\n--- generate\n%+v", history, got.Docs, wres.Docs)
				}
				for name, data := range want.Files {
					if !bytes.Equal(got.Output[name], data) {
						t.Fatalf("after %v: %s differs from a clean build:\n--- builder\n%s\n--- generate\n%s", history, name, got.Output[name], data)
					}
				}
				for _, name := range got.Changed {
					if bytes.Equal(good[name], got.Output[name]) {
						t.Fatalf("after %v: %s reported changed but is not", history, name)
					}
				}
				for name, data := range got.Output {
					if !slices.Contains(got.Changed, name) && !bytes.Equal(good[name], data) {
						t.Fatalf("after %v: %s changed but is not reported", history, name)
					}
				}
				good = got.Output
				ok++
				rendered += got.Rendered
				parsedN += got.Parsed
			}
			t.Logf("%d of %d builds succeeded; %d pages rendered and %d parsed by the Builder", ok, steps, rendered, parsedN)
			if ok < steps/4 {
				t.Errorf("only %d of %d builds succeeded: the test exercises too little", ok, steps)
			}
		})
	}
}

// snapshot reads every file of the tree, and its time: a file written
// again with the same bytes is reported by the watcher too, and a page
// outside git shows its file's time.
func snapshot(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		if err == nil {
			out[filepath.ToSlash(rel)] += "\x00" + info.ModTime().String()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// changedPaths lists the files added, removed or changed between two
// snapshots, as the watcher would.
func changedPaths(before, after map[string]string) []string {
	var out []string
	for name, data := range after {
		if old, ok := before[name]; !ok || old != data {
			out = append(out, name)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// folders reports each changed path under content/ by its first folder
// there ("content/notes" for "content/notes/deep/n2.md"), or by content/
// itself for a file at its top.
func folders(paths []string) []string {
	var out []string
	for _, p := range paths {
		if rest, ok := strings.CutPrefix(p, "content/"); ok {
			if dir, _, nested := strings.Cut(rest, "/"); nested {
				p = "content/" + dir
			} else {
				p = "content"
			}
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for name, data := range a {
		if !bytes.Equal(b[name], data) {
			return false
		}
	}
	return true
}
