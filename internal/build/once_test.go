package build

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
	"testing/fstest"
)

// onceSite has a section whose text links one of its two pages, a section
// of terms that took over /glossary/, a page with its own "Related pages"
// section and a writers' guide that cites the provision.
const onceSite = `
-- kb.yaml --
title: Once
base_url: https://kb.example/
-- content/_index.md --
---
title: Home
as_of: 2025-02-26
---
Start with [[art-1]].
-- content/provisions/_index.md --
---
title: Provisions
---
Read [[art-1]] first.
-- content/provisions/art-1.md --
---
id: art-1
title: Article 1
kind: provision
as_of: 2025-02-26
tags: [scope]
summary: The first article.
---
{#p1} The rule. See [[art-2]].

## Related pages

- [[art-2]]
-- content/provisions/art-2.md --
---
id: art-2
title: Article 2
kind: provision
as_of: 2025-02-26
tags: [scope]
summary: The second article.
---
{#p1} Another rule.
-- content/provisions/art-3.md --
---
id: art-3
title: Article 3
kind: provision
as_of: 2025-02-26
tags: [scope]
summary: The third article.
---
{#p1} A rule nobody links.
-- content/terms/_index.md --
---
title: Glossary
moved_from: [/glossary/]
---
The terms, A to Z.
-- content/terms/zeta.md --
---
title: Zeta
kind: term
term: zeta
summary: The last letter.
---
Zeta.
-- content/terms/alpha.md --
---
title: Alpha
kind: term
term: alpha
summary: The first letter.
---
Alpha.
-- content/guide/_index.md --
---
title: For writers
audience: writers
---
How to write.
-- content/guide/writing.md --
---
title: Writing guide
as_of: 2025-02-26
tags: [scope]
audience: writers
---
Cite like this: [[art-1#p1]].
`

func TestOneOfEverything(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for _, f := range txtar.Parse([]byte(onceSite)).Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	res, sink := generateMem(t, fsys, Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	file := func(name string) string {
		t.Helper()
		data, ok := sink.Files[name]
		if !ok {
			t.Fatalf("%s was not written", name)
		}
		return string(data)
	}
	for _, tt := range []struct {
		desc, file string
		want, not  []string
	}{
		{desc: "a section lists what its text does not link", file: "provisions/index.html",
			want: []string{`<h2 id="kb-more">Also in this section</h2>`, `<a href="/provisions/art-2/">Article 2</a>`, `<a href="/provisions/art-3/">Article 3</a>`},
			not:  []string{`<a href="/provisions/art-1/">Article 1</a> <span`}},
		{desc: "the home page names sections its text does not link", file: "index.html",
			want: []string{`<a href="/terms/">Glossary</a>`},
			not:  []string{`/guide/`}},
		{desc: "a section of terms is the glossary, A to Z", file: "terms/index.html",
			want: []string{`<h2 id="letter-a">A</h2>`, `<dt><a href="/terms/alpha/">alpha</a></dt>`, `<dd>The last letter.</dd>`, `The terms, A to Z.`}},
		{desc: "its old address redirects", file: "glossary/index.html",
			want: []string{`<meta http-equiv="refresh" content="0; url=/terms/">`}},
		{desc: "the menu names the glossary once", file: "provisions/art-2/index.html",
			want: []string{`<a href="/terms/">Glossary</a>`}},
		{desc: "the theme's list does not take the author's heading", file: "provisions/art-1/index.html",
			want: []string{`<h2 id="kb-related">More related pages</h2>`, `<a href="/provisions/art-3/">Article 3</a>`},
			not:  []string{`<h2 id="kb-related">Related pages</h2>`, `Writing guide`}},
		{desc: "related pages are not the ones linked", file: "provisions/art-3/index.html",
			want: []string{`<h2 id="kb-related">Related pages</h2>`},
			not:  []string{`Writing guide`}},
		{desc: "a writers' page is not indexed by crawlers", file: "guide/writing/index.html",
			want: []string{`<meta name="robots" content="noindex">`},
			not:  []string{`/tags/scope/`}},
		{desc: "its section lists it", file: "guide/index.html",
			want: []string{`<a href="/guide/writing/">Writing guide</a>`}},
		{desc: "no tag page lists it", file: "tags/scope/index.html",
			want: []string{`3 pages tagged`}, not: []string{`/guide/`}},
		{desc: "the sitemap leaves writers' pages out", file: "sitemap.xml",
			want: []string{`<loc>https://kb.example/provisions/art-1/</loc>`}, not: []string{`/guide/`}},
		{desc: "so does the feed", file: "atom.xml",
			want: []string{`https://kb.example/provisions/art-1/`}, not: []string{`/guide/`}},
	} {
		html := file(tt.file)
		for _, w := range tt.want {
			if !strings.Contains(html, w) {
				t.Errorf("%s: %s lacks %q", tt.desc, tt.file, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(html, n) {
				t.Errorf("%s: %s has %q", tt.desc, tt.file, n)
			}
		}
	}
	if strings.Count(file("index.html"), `<a href="/terms/">Glossary</a>`) != 2 { // menu and home list
		t.Errorf("home page names the glossary %d times, want 2 (menu, list)", strings.Count(file("index.html"), `<a href="/terms/">Glossary</a>`))
	}
	if strings.Contains(file("provisions/art-1/index.html"), `id="kb-cited-by"`) && strings.Contains(file("provisions/art-1/index.html"), "/guide/writing/") {
		t.Error("Article 1 lists the writers' guide among its citers")
	}
}
