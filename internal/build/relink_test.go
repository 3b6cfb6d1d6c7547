package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuilderRelinksTransitively edits a page whose title shows in another
// page's paragraph, and so in the previews of that paragraph's citers,
// which refer neither to the edited page nor to anything else that
// changed.
func TestBuilderRelinksTransitively(t *testing.T) {
	dir := t.TempDir()
	writeTxtar(t, dir, propertySite)
	b := NewBuilder(os.DirFS(dir), Options{})
	if rb, err := b.Build(context.Background()); err != nil || len(rb.Problems) > 0 {
		t.Fatal(err, rb.Problems)
	}
	name := filepath.Join(dir, "content/terms/widget.md")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "content/terms/widget.md", strings.Replace(string(data), `title: "Widget"`, `title: "Widgetry"`, 1))
	got, err := b.BuildChanged(context.Background(), []string{"content/terms/widget.md"})
	if err != nil || len(got.Problems) > 0 {
		t.Fatal(err, got.Problems)
	}
	want := NewMemSink()
	if _, err := Generate(context.Background(), os.DirFS(dir), Options{}, want); err != nil {
		t.Fatal(err)
	}
	citer := "law/prov-b/index.html"
	if !bytes.Contains(want.Files[citer], []byte("As Widgetry shows")) {
		t.Fatalf("prov-b's preview of prov-a#p3 does not name the new title:\n%s", want.Files[citer])
	}
	for name, data := range want.Files {
		if !bytes.Equal(got.Output[name], data) {
			t.Errorf("%s differs from a clean build", name)
		}
	}
}
