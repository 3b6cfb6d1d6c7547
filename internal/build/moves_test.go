package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func movesSite(pages map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{"kb.yaml": {Data: []byte("title: T\nbase_url: https://org.example/kb/\n")}}
	for name, text := range pages {
		fsys["content/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

// TestRedirectPage: each moved_from: address gets a redirect page (golden),
// listed nowhere else; links to the old address go to the new one.
func TestRedirectPage(t *testing.T) {
	t.Parallel()
	res, sink := generateMem(t, movesSite(map[string]string{
		"esma/what-counts.md": "---\ntitle: \"What counts as solicitation\"\nmoved_from: [/esma/solicitation/, /old.html]\n---\nText.\n",
		"b.md":                "---\ntitle: B\n---\nSee [the old address](/esma/solicitation/).\n",
	}), Options{})
	if len(res.Problems) > 0 {
		t.Fatal(res.Problems)
	}
	got := sink.Files["esma/solicitation/index.html"]
	golden := filepath.Join("testdata", "golden", "redirect.html")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil || string(got) != string(want) {
		t.Errorf("redirect page differs from %s (go test -update to accept), %v:\n%s", golden, err, got)
	}
	if sink.Files["old/index.html"] == nil {
		t.Error("no redirect page at /old/")
	}
	for name, data := range sink.Files {
		if name != "esma/solicitation/index.html" && name != "old/index.html" && strings.Contains(string(data), "/esma/solicitation/") {
			t.Errorf("%s names the old address", name)
		}
	}
	for _, d := range res.Docs {
		if strings.Contains(d.URL, "solicitation/") && d.URL != "/esma/what-counts/" {
			t.Errorf("search document for %s", d.URL)
		}
	}
	if b := string(sink.Files["b/index.html"]); !strings.Contains(b, `href="/kb/esma/what-counts/"`) {
		t.Error("a link to the old address does not go to the new one")
	}
}

func TestMoveProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc  string
		pages map[string]string
		want  string
	}{
		{desc: "not a site path", pages: map[string]string{"a.md": "---\ntitle: A\nmoved_from: [esma/old]\n---\nx\n"},
			want: `content/a.md:3:13: moved_from "esma/old" is not a site path (write the old address as it was published, from the site's root: moved_from: [/esma/solicitation/])`},
		{desc: "a page lives there", pages: map[string]string{"a.md": "---\ntitle: A\nmoved_from: [/b/]\n---\nx\n", "b.md": "---\ntitle: B\n---\nx\n"},
			want: `content/a.md:3:13: moved_from /b/ is the address of b.md (a page still lives there; remove the old address, or move that page too)`},
		{desc: "claimed twice", pages: map[string]string{"a.md": "---\ntitle: A\nmoved_from: [/old/]\n---\nx\n", "b.md": "---\ntitle: B\nmoved_from: [/old/]\n---\nx\n"},
			want: `content/a.md:3:13: moved_from /old/ is also claimed by b.md (an old address redirects to one page; keep it on one of them)`},
		{desc: "a reference to the id the page had before it moved", pages: map[string]string{
			"esma/what-counts.md": "---\ntitle: W\nmoved_from: [/esma/solicitation/]\n---\nx\n",
			"b.md":                "---\ntitle: B\n---\nSee [[esma-solicitation]].\n"},
			want: `content/b.md:4:5: unresolved reference "esma-solicitation" (did you mean "esma-what-counts"? esma/what-counts.md moved from /esma/solicitation/)`},
		{desc: "a link to the file before it moved", pages: map[string]string{
			"esma/what-counts.md": "---\ntitle: W\nmoved_from: [/esma/solicitation/]\n---\nx\n",
			"b.md":                "---\ntitle: B\n---\nSee [it](esma/solicitation.md).\n"},
			want: `content/b.md:4:5: link to missing file "esma/solicitation.md" (did you mean content/esma/what-counts.md? It moved from /esma/solicitation/)`},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			res, _ := generateMem(t, movesSite(tt.pages), Options{})
			var got []string
			for _, p := range res.Problems {
				got = append(got, p.String())
			}
			if len(got) == 0 || got[0] != tt.want {
				t.Errorf("problems:\n%s\nwant first:\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

// TestGoneURLWarning: a page address the last build published that this
// one does not is a warning naming moved_from:.
func TestGoneURLWarning(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("kb.yaml", "title: T\n")
	write("content/a.md", "---\ntitle: A\n---\nx\n")
	write("content/b.md", "---\ntitle: B\n---\nx\n")
	out := filepath.Join(dir, "public")
	if res, err := RunWithIndex(t.Context(), Options{Source: dir}, out, ""); err != nil || len(res.Warnings) > 0 {
		t.Fatal(err, res.Warnings)
	}
	if err := os.Rename(filepath.Join(dir, "content/a.md"), filepath.Join(dir, "content/c.md")); err != nil {
		t.Fatal(err)
	}
	write("content/b.md", "---\ntitle: B\nmoved_from: [/gone-but-kept/]\n---\nx\n")
	res, err := RunWithIndex(t.Context(), Options{Source: dir}, out, "")
	if err != nil || len(res.Problems) > 0 {
		t.Fatal(err, res.Problems)
	}
	want := "public/a/index.html:1:1: /a/ was published by the last build and is gone (if the page moved, add moved_from: [/a/] to its front matter, so the old address redirects)"
	if len(res.Warnings) != 1 || res.Warnings[0].String() != want {
		t.Errorf("warnings %v, want %s", res.Warnings, want)
	}
}
