package gitlog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/gitlog"
	"github.com/kb-legal/kb/internal/gitlog/gittest"
)

const (
	c1 = "1111111111111111111111111111111111111111"
	c2 = "2222222222222222222222222222222222222222"
	b1 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	b2 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	z  = "0000000000000000000000000000000000000000"
)

func TestParse(t *testing.T) {
	t.Parallel()
	jan := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	feb := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		desc    string
		give    string
		shallow bool
		want    map[string]gitlog.Change
		wantErr string
	}{
		{desc: "empty output", give: "", want: map[string]gitlog.Change{}},
		{
			desc: "the first commit naming a file wins",
			give: c2 + " 1769940000 " + c1 + "\x00\n:100644 100644 " + b1 + " " + b2 + " M\x00content/a.md\x00" +
				c1 + " 1767261600 \x00\n:000000 100644 " + z + " " + b1 + " A\x00content/a.md\x00:000000 100644 " + z + " " + b1 + " A\x00content/b c.md\x00",
			want: map[string]gitlog.Change{
				"content/a.md":   {Commit: c2, Time: feb, Blob: b2},
				"content/b c.md": {Commit: c1, Time: jan, Blob: b1},
			},
		},
		{
			desc: "a deletion leaves no blob",
			give: c2 + " 1769940000 " + c1 + "\x00\n:100644 000000 " + b1 + " " + z + " D\x00content/gone.md\x00",
			want: map[string]gitlog.Change{"content/gone.md": {Commit: c2, Time: feb}},
		},
		{
			desc:    "a shallow clone's parentless commit is its boundary",
			give:    c1 + " 1767261600 \x00\n:000000 100644 " + z + " " + b1 + " A\x00a.md\x00",
			shallow: true,
			want:    map[string]gitlog.Change{"a.md": {Commit: c1, Time: jan, Blob: b1, Boundary: true}},
		},
		{
			desc: "a path with a newline and a colon, unquoted under -z",
			give: c1 + " 1767261600\x00\n:000000 100644 " + z + " " + b1 + " A\x00:odd\nname.md\x00",
			want: map[string]gitlog.Change{":odd\nname.md": {Commit: c1, Time: jan, Blob: b1}},
		},
		{desc: "an entry before any commit", give: ":000000 100644 " + z + " " + b1 + " A\x00a.md\x00", wantErr: "before any commit"},
		{desc: "an entry without a path", give: c1 + " 1767261600\x00\n:000000 100644 " + z + " " + b1 + " A\x00", wantErr: "no path"},
		{desc: "a short blob id (--abbrev)", give: c1 + " 1767261600\x00\n:000000 100644 0000000 aaaaaaa A\x00a.md\x00", wantErr: "not a raw diff entry"},
		{desc: "a header that is not one", give: "hello world\x00", wantErr: "not a commit header"},
		{desc: "a bad time", give: c1 + " yesterday\x00", wantErr: "bad commit time"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, err := gitlog.Parse([]byte(tt.give), tt.shallow)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Parse =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(c2+" 1769940000 "+c1+"\x00\n:100644 100644 "+b1+" "+b2+" M\x00content/a.md\x00"), false)
	f.Add([]byte(c1+" 1767261600 \x00\n:000000 100644 "+z+" "+b1+" A\x00a.md\x00"), true)
	f.Add([]byte(":\x00\x00"), false)
	f.Fuzz(func(t *testing.T, data []byte, shallow bool) {
		files, err := gitlog.Parse(data, shallow)
		if err != nil {
			return
		}
		for name, c := range files {
			if name == "" || len(c.Commit) != 40 && len(c.Commit) != 64 {
				t.Fatalf("Parse accepted %q → %q: %+v", data, name, c)
			}
			if c.Blob != "" && len(c.Blob) != 40 && len(c.Blob) != 64 {
				t.Fatalf("blob %q", c.Blob)
			}
		}
	})
}

func TestBlobID(t *testing.T) {
	t.Parallel()
	// git hash-object of "hello\n", and of nothing.
	for give, want := range map[string]string{"hello\n": "ce013625030ba8dba906f756967f9e9ca394464a", "": "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"} {
		if got := gitlog.BlobID([]byte(give), 40); got != want {
			t.Errorf("BlobID(%q) = %s, want %s", give, got, want)
		}
	}
}

// TestRead scripts a repository and reads it back: dates of the last
// commit touching each file, the site in a subfolder, a deleted file, an
// edit not yet committed.
func TestRead(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	gittest.Init(t, repo)
	gittest.Write(t, repo, map[string]string{"site/content/a.md": "a\n", "site/content/b.md": "b\n", "site/content/gone.md": "x\n", "other.md": "o\n"})
	gittest.Commit(t, repo, "2026-01-01T10:00:00Z", "one")
	gittest.Write(t, repo, map[string]string{"site/content/a.md": "a2\n"})
	if err := os.Remove(filepath.Join(repo, "site/content/gone.md")); err != nil {
		t.Fatal(err)
	}
	second := gittest.Commit(t, repo, "2026-02-01T12:30:00+02:00", "two")
	gittest.Write(t, repo, map[string]string{"other.md": "o2\n"})
	gittest.Commit(t, repo, "2026-03-01T10:00:00Z", "not the site")

	log, err := gitlog.Read(context.Background(), filepath.Join(repo, "site"), "content")
	if err != nil {
		t.Fatal(err)
	}
	if log.Shallow {
		t.Error("a full repository read as shallow")
	}
	a, ok := log.Committed("content/a.md", []byte("a2\n"))
	if !ok || a.Commit != second || !a.Time.Equal(time.Date(2026, 2, 1, 10, 30, 0, 0, time.UTC)) || a.Time.Location() != time.UTC {
		t.Errorf("a.md = %+v, %t; want the second commit, 10:30 UTC", a, ok)
	}
	if b, ok := log.Committed("content/b.md", []byte("b\n")); !ok || b.Time.Month() != time.January {
		t.Errorf("b.md = %+v, %t; want the first commit", b, ok)
	}
	if _, ok := log.Committed("content/b.md", []byte("b edited\n")); ok {
		t.Error("an edited file matched its committed blob")
	}
	if _, ok := log.Committed("content/b.md", []byte("b\r\n")); !ok {
		t.Error("a CRLF checkout of a committed file did not match")
	}
	if _, ok := log.Committed("content/gone.md", []byte("x\n")); ok {
		t.Error("a file deleted at HEAD, back but uncommitted, matched")
	}
	if _, ok := log.Files["other.md"]; ok {
		t.Error("a file outside the folder was read")
	}
	head, err := gitlog.Head(context.Background(), repo)
	if err != nil || head != log.Head {
		t.Errorf("Head = %q, %v; want %q", head, err, log.Head)
	}
}

func TestReadShallow(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	gittest.Init(t, repo)
	gittest.Write(t, repo, map[string]string{"content/old.md": "old\n", "content/new.md": "new\n"})
	gittest.Commit(t, repo, "2025-01-01T00:00:00Z", "old")
	gittest.Write(t, repo, map[string]string{"content/new.md": "newer\n"})
	gittest.Commit(t, repo, "2026-01-01T00:00:00Z", "new")
	gittest.Write(t, repo, map[string]string{"content/new.md": "newest\n"})
	gittest.Commit(t, repo, "2026-06-01T00:00:00Z", "newest")

	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Git(t, t.TempDir(), "", "clone", "-q", "--depth", "2", "file://"+repo, clone)
	log, err := gitlog.Read(context.Background(), clone, "content")
	if err != nil {
		t.Fatal(err)
	}
	if !log.Shallow {
		t.Fatal("a depth-2 clone read as complete")
	}
	old := log.Files["content/old.md"]
	if !old.Boundary || old.Time.Year() != 2026 || old.Time.Month() != time.January {
		t.Errorf("old.md = %+v; want the boundary commit of January 2026, marked", old)
	}
	if n := log.Files["content/new.md"]; n.Boundary || n.Time.Month() != time.June {
		t.Errorf("new.md = %+v; want June, not at the boundary", n)
	}
}

func TestReadOutsideGit(t *testing.T) {
	t.Parallel()
	if _, err := gitlog.Read(context.Background(), t.TempDir(), "content"); err == nil {
		t.Error("Read outside a repository did not fail")
	}
	empty := t.TempDir()
	gittest.Init(t, empty)
	if _, err := gitlog.Read(context.Background(), empty, "content"); err == nil {
		t.Error("Read of a repository without commits did not fail")
	}
}
