package build

import (
	"strings"
	"testing"
)

// TestRobotsAndDescriptions checks what crawlers read: robots.txt names the
// sitemap only by an absolute URL, and a page without a summary (search,
// 404, tags) carries the site's description.
func TestRobotsAndDescriptions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		desc        string
		give        string // a txtar site
		wantSitemap string // "" for no Sitemap line
	}{
		{desc: "absolute base_url", give: "testdata/site.txtar", wantSitemap: "Sitemap: https://kb.example/sub/sitemap.xml\n"},
		{desc: "path base_url", give: "testdata/sources.txtar", wantSitemap: ""},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			fsys := archiveFS(t, tt.give)
			// A fresh slice: the file's data shares the archive's bytes.
			fsys["kb.yaml"].Data = []byte(string(fsys["kb.yaml"].Data) + "description: \"The site's own description.\"\n")
			res, sink := generateMem(t, fsys, Options{})
			if len(res.Problems) > 0 {
				t.Fatal(res.Problems)
			}
			robots := string(sink.Files["robots.txt"])
			if !strings.HasPrefix(robots, "User-agent: *\n") {
				t.Errorf("robots.txt does not start with a User-agent line:\n%s", robots)
			}
			if got := strings.Contains(robots, "Sitemap:"); got != (tt.wantSitemap != "") || !strings.Contains(robots, tt.wantSitemap) {
				t.Errorf("robots.txt:\n%s\nwant sitemap line %q", robots, tt.wantSitemap)
			}
			for _, page := range []string{"search/index.html", "404.html", "tags/index.html"} {
				if html := string(sink.Files[page]); !strings.Contains(html, `<meta name="description" content="The site&#39;s own description.">`) {
					t.Errorf("%s has no meta description from kb.yaml", page)
				}
			}
		})
	}
}
