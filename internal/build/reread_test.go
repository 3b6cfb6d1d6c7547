package build

import (
	"hash/maphash"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kb-legal/kb/internal/site"
)

// A full build reads a page's body again to write it (see lighten): the
// body linked, or an error when the file changed since.
func TestReread(t *testing.T) {
	t.Parallel()
	const file = "---\nid: a\ntitle: A\n---\nThe body.\n"
	fsys := fstest.MapFS{"content/a.md": {Data: []byte(file)}}
	g := &generation{fsys: fsys, seed: maphash.MakeSeed()}
	pp := &parsed{page: &site.Page{File: "a.md"}, reread: true, bodySum: maphash.Bytes(g.seed, []byte("The body.\n"))}
	body, err := g.reread(pp)
	if err != nil || string(body) != "The body.\n" {
		t.Fatalf("reread = %q, %v; want the body", body, err)
	}
	fsys["content/a.md"].Data = []byte(strings.Replace(file, "The", "A", 1))
	if _, err := g.reread(pp); err == nil || !strings.Contains(err.Error(), "content/a.md changed during the build") {
		t.Errorf("reread of an edited file: %v; want it to say the file changed", err)
	}
	delete(fsys, "content/a.md")
	if _, err := g.reread(pp); err == nil {
		t.Error("reread of a removed file: no error")
	}
}
