package build

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckOutputs(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	site := filepath.Join(root, "site")
	for _, d := range []string{"content/a", "themes/default", "static"} {
		if err := os.MkdirAll(filepath.Join(site, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(site, "kb.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(site, "content"), filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	in := func(p string) string { return filepath.Join(site, p) }
	tests := []struct {
		desc, out, index string
		want             string // "" for accepted
	}{
		{desc: "the defaults", out: in("public"), index: in("index")},
		{desc: "beside the site", out: filepath.Join(root, "public"), index: filepath.Join(root, "index")},
		{desc: "the content folder (security review F11)", out: in("content"), index: in("index"), want: "--out " + in("content") + " is the source's content"},
		{desc: "inside the content folder", out: in("public"), index: in("content/a/idx"), want: "lies inside the source's content"},
		{desc: "the themes folder", out: in("themes"), index: in("index"), want: "is the source's themes"},
		{desc: "static", out: in("static/x"), index: in("index"), want: "lies inside the source's static"},
		{desc: "kb.yaml", out: in("kb.yaml"), index: in("index"), want: "is the source's kb.yaml"},
		{desc: "the site itself", out: site, index: in("index"), want: "holds the source's content"},
		{desc: "a parent of the site", out: root, index: in("index"), want: "holds the source's content"},
		{desc: "through a symbolic link", out: filepath.Join(root, "alias", "x"), index: in("index"), want: "lies inside the source's content"},
		{desc: "a relative path", out: in("content/../content"), index: in("index"), want: "is the source's content"},
		{desc: "the same folder", out: in("public"), index: in("public"), want: "overlap"},
		{desc: "the index inside the site", out: in("public"), index: in("public/index"), want: "overlap"},
		{desc: "the site inside the index", out: in("idx/public"), index: in("idx"), want: "overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			err := checkOutputs(site, tt.out, tt.index)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("checkOutputs(%s, %s) = %v, want %q", tt.out, tt.index, err, tt.want)
			}
		})
	}
}

// TestRunWithIndexRefusesOutputs: a build asked to write over its
// sources stops before writing anything, with an *OutputsError.
func TestRunWithIndexRefusesOutputs(t *testing.T) {
	t.Parallel()
	site := t.TempDir()
	page := filepath.Join(site, "content", "a.md")
	if err := os.MkdirAll(filepath.Dir(page), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, []byte("---\ntitle: A\n---\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := RunWithIndex(t.Context(), Options{Source: site}, filepath.Join(site, "content"), "")
	if oe := (*OutputsError)(nil); !errors.As(err, &oe) {
		t.Fatalf("RunWithIndex into content/ = %v, want an *OutputsError", err)
	}
	if _, err := os.Stat(page); err != nil {
		t.Errorf("the refused build touched the sources: %v", err)
	}
}
