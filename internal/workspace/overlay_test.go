package workspace

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kb-legal/kb/internal/sitefs"
)

// TestOverlayFS checks the overlaid site against testing/fstest: a file
// replaced, one added beside files on disk, one added in a folder of its
// own on disk, and one cleared again.
func TestOverlayFS(t *testing.T) {
	t.Parallel()
	base := fstest.MapFS{
		"kb.yaml":          {Data: []byte("title: T\n")},
		"content/a.md":     {Data: []byte("on disk")},
		"content/b.md":     {Data: []byte("b on disk")},
		"content/sub/c.md": {Data: []byte("c on disk")},
	}
	o := newOverlayFS(base)
	o.set("content/a.md", []byte("typed, longer than on disk"))
	o.set("content/new.md", []byte("not on disk"))
	o.set("content/b.md", []byte("cleared"))
	if !o.clear("content/b.md") || o.clear("content/b.md") {
		t.Error("clear does not report whether there was an overlay")
	}
	if err := fstest.TestFS(o, "kb.yaml", "content/a.md", "content/b.md", "content/new.md", "content/sub/c.md"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ desc, give, want string }{
		{"overlaid", "content/a.md", "typed, longer than on disk"},
		{"added", "content/new.md", "not on disk"},
		{"cleared", "content/b.md", "b on disk"},
		{"untouched", "content/sub/c.md", "c on disk"},
	} {
		got, err := fs.ReadFile(o, c.give)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: ReadFile(%s) = %q, %v; want %q", c.desc, c.give, got, err, c.want)
		}
	}
	entries, err := fs.ReadDir(o, "content")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := "a.md b.md new.md sub"; strings.Join(names, " ") != want {
		t.Errorf("ReadDir(content) = %s, want %s", strings.Join(names, " "), want)
	}
}

// TestOverlayVersions checks that each version of a buffer looks new to a
// builder that keeps files whose size and modification time did not
// change.
func TestOverlayVersions(t *testing.T) {
	t.Parallel()
	o := newOverlayFS(fstest.MapFS{})
	o.set("content/a.md", []byte("one"))
	first, _ := fs.Stat(o, "content/a.md")
	o.set("content/a.md", []byte("two"))
	second, _ := fs.Stat(o, "content/a.md")
	if first.Size() != second.Size() || first.ModTime().Equal(second.ModTime()) {
		t.Errorf("two versions of the same size share a modification time: %v", first.ModTime())
	}
}

// TestOverlayCap holds an overlay to the size cap of its kind of file,
// as the source gate does files on disk.
func TestOverlayCap(t *testing.T) {
	t.Parallel()
	o := newOverlayFS(fstest.MapFS{})
	o.set("kb.yaml", make([]byte, sitefs.ConfigLimit+1))
	if _, err := fs.ReadFile(o, "kb.yaml"); !errors.Is(err, sitefs.ErrTooLarge) {
		t.Errorf("an oversized overlay: %v, want ErrTooLarge", err)
	}
}
