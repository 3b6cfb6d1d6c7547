package sitefs

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// site makes a source folder with a page, a file outside it and the
// links and special files a hostile pull request could add.
func site(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	dir := filepath.Join(top, "site")
	for _, d := range []string{"content/sub", "themes/x/assets", "themes/x/layouts"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("content/_index.md", "---\ntitle: Home\n---\nHi\n")
	write("kb.yaml", "title: T\n")
	if err := os.WriteFile(filepath.Join(top, "secret.md"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	link("../../secret.md", "content/leak.md")
	link("/proc/self/environ", "themes/x/assets/env.txt")
	link("/dev/zero", "content/zero.md")
	link("_index.md", "content/inside.md")
	link("../../../content", "themes/x/layouts/content")
	if err := syscall.Mkfifo(filepath.Join(dir, "content/fifo.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	link("fifo.md", "content/to-fifo.md")
	if l, err := net.Listen("unix", filepath.Join(dir, "content/sock.md")); err == nil {
		t.Cleanup(func() { l.Close() })
	} else {
		t.Logf("no unix socket: %v", err)
	}
	return dir
}

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	f, err := Open(site(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	tests := []struct {
		desc, give string
		want       error // nil: readable
	}{
		{desc: "a page", give: "content/_index.md"},
		{desc: "a link inside the folder", give: "content/inside.md"},
		{desc: "a link through a linked folder inside", give: "themes/x/layouts/content/_index.md"},
		{desc: "kb.yaml", give: "kb.yaml"},
		{desc: "a link to a file outside", give: "content/leak.md", want: ErrOutside},
		{desc: "a link to the environment", give: "themes/x/assets/env.txt", want: ErrOutside},
		{desc: "a link to a device", give: "content/zero.md", want: ErrOutside},
		{desc: "a FIFO", give: "content/fifo.md", want: ErrNotRegular},
		{desc: "a link to a FIFO", give: "content/to-fifo.md", want: ErrNotRegular},
		{desc: "a socket", give: "content/sock.md", want: ErrNotRegular},
		{desc: "a parent path", give: "../secret.md", want: fs.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if tt.give == "content/sock.md" {
				if _, err := os.Lstat(filepath.Join(f.root.Name(), tt.give)); err != nil {
					t.Skip("no socket here")
				}
			}
			done := make(chan error, 1)
			go func() {
				_, err := f.ReadFile(tt.give)
				done <- err
			}()
			select {
			case err := <-done:
				if tt.want == nil && err != nil {
					t.Fatalf("ReadFile(%s) = %v, want the file", tt.give, err)
				}
				if tt.want != nil && !errors.Is(err, tt.want) {
					t.Fatalf("ReadFile(%s) = %v, want %v", tt.give, err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("ReadFile(%s) hangs", tt.give)
			}
		})
	}
}

func TestSizeCaps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", ContentLimit)
	for name, text := range map[string]string{"kb.yaml": big[:ConfigLimit+1], "content/a.md": big[:ConfigLimit+1], "content/exact.yaml": big, "content/over.md": big + "x"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.ReadFile("kb.yaml"); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "the limit is 32 KB") {
		t.Errorf("kb.yaml over its cap: %v", err)
	}
	if data, err := f.ReadFile("content/a.md"); err != nil || len(data) != ConfigLimit+1 {
		t.Errorf("content/a.md under its cap: %d bytes, %v", len(data), err)
	}
	if data, err := f.ReadFile("content/exact.yaml"); err != nil || len(data) != ContentLimit {
		t.Errorf("content/exact.yaml at its cap: %d bytes, %v", len(data), err)
	}
	if _, err := f.ReadFile("content/over.md"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("content/over.md over its cap: %v", err)
	}
}

func TestLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give string
		want int64
	}{
		{"kb.yaml", ConfigLimit},
		{"content/a/b.md", ContentLimit},
		{"themes/default/layouts/base.html", LayoutLimit},
		{"themes/default/assets/kb.js", AssetLimit},
		{"static/files/a.pdf", StaticLimit},
		{"themes/default", OtherLimit},
	}
	for _, tt := range tests {
		if got := Limit(tt.give); got != tt.want {
			t.Errorf("Limit(%q) = %d, want %d", tt.give, got, tt.want)
		}
	}
}

func TestFS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "content/sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kb.yaml", "content/a.md", "content/sub/b.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("text of "+name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := fstest.TestFS(f, "kb.yaml", "content/a.md", "content/sub/b.md"); err != nil {
		t.Fatal(err)
	}
}
