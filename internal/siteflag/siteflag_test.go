package siteflag

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/build"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	mkdir := func(name string, files ...string) string {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f == "content/" {
				if err := os.Mkdir(filepath.Join(dir, "content"), 0o755); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, f), []byte("title: T\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	site := mkdir("site", "kb.yaml")
	contentOnly := mkdir("content-only", "content/")
	contentFile := mkdir("content-file", "content")
	empty := mkdir("empty")
	file := filepath.Join(site, "kb.yaml")
	all := Drafts | Today | Epoch
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	tests := []struct {
		desc    string
		takes   Takes
		args    []string
		env     map[string]string
		want    build.Options
		wantErr string
	}{
		{desc: "a site, no dates", takes: all, args: []string{"--source", site},
			want: build.Options{Source: site}},
		{desc: "content/ alone is a site", takes: all, args: []string{"--source", contentOnly},
			want: build.Options{Source: contentOnly}},
		{desc: "drafts", takes: all, args: []string{"--source", site, "--drafts"},
			want: build.Options{Source: site, Drafts: true}},
		{desc: "--today", takes: all, args: []string{"--source", site, "--today", "2026-06-01"},
			want: build.Options{Source: site, Today: day("2026-06-01")}},
		{desc: "KB_TODAY", takes: all, args: []string{"--source", site}, env: map[string]string{"KB_TODAY": "2026-06-02"},
			want: build.Options{Source: site, Today: day("2026-06-02")}},
		{desc: "--today wins over KB_TODAY, even a bad one", takes: all, args: []string{"--source", site, "--today", "2026-06-01"},
			env:  map[string]string{"KB_TODAY": "June"},
			want: build.Options{Source: site, Today: day("2026-06-01")}},
		{desc: "SOURCE_DATE_EPOCH", takes: all, args: []string{"--source", site}, env: map[string]string{"SOURCE_DATE_EPOCH": "1700000000"},
			want: build.Options{Source: site, Epoch: time.Unix(1700000000, 0).UTC()}},
		{desc: "SOURCE_DATE_EPOCH 0 is 1970", takes: all, args: []string{"--source", site}, env: map[string]string{"SOURCE_DATE_EPOCH": "0"},
			want: build.Options{Source: site, Epoch: time.Unix(0, 0).UTC()}},
		{desc: "variables a command does not take are not read", takes: Drafts, args: []string{"--source", site},
			env:  map[string]string{"KB_TODAY": "June", "SOURCE_DATE_EPOCH": "soon"},
			want: build.Options{Source: site}},

		{desc: "bad --today", takes: all, args: []string{"--source", site, "--today", "2026-13-01"},
			wantErr: `--today "2026-13-01" is not a date (YYYY-MM-DD)`},
		{desc: "bad KB_TODAY", takes: Today, args: []string{"--source", site}, env: map[string]string{"KB_TODAY": "tomorrow"},
			wantErr: `KB_TODAY "tomorrow" is not a date (YYYY-MM-DD)`},
		{desc: "a terminal escape in --today is not printed", takes: Today, args: []string{"--source", site, "--today", "\x1b[2J"},
			wantErr: "--today \"\ufffd[2J\" is not a date"},
		{desc: "SOURCE_DATE_EPOCH not a number", takes: Epoch, args: []string{"--source", site}, env: map[string]string{"SOURCE_DATE_EPOCH": "abc"},
			wantErr: `SOURCE_DATE_EPOCH="abc" is not a number of seconds since 1970`},
		{desc: "SOURCE_DATE_EPOCH negative", takes: Epoch, args: []string{"--source", site}, env: map[string]string{"SOURCE_DATE_EPOCH": "-1"},
			wantErr: `SOURCE_DATE_EPOCH="-1" is not a number`},
		{desc: "SOURCE_DATE_EPOCH a fraction", takes: Epoch, args: []string{"--source", site}, env: map[string]string{"SOURCE_DATE_EPOCH": "1.5"},
			wantErr: `SOURCE_DATE_EPOCH="1.5" is not a number`},
		{desc: "the source is checked first", takes: all, args: []string{"--source", empty, "--today", "June"},
			wantErr: "no kb site in " + empty},

		{desc: "no such source", takes: 0, args: []string{"--source", filepath.Join(root, "nope")},
			wantErr: "--source " + filepath.Join(root, "nope") + " is not a directory"},
		{desc: "a file for a source", takes: 0, args: []string{"--source", file},
			wantErr: "--source " + file + " is not a directory"},
		{desc: "a folder with no site", takes: 0, args: []string{"--source", empty},
			wantErr: "no kb site in " + empty + " (no kb.yaml or content/); pass --source"},
		{desc: "content that is a file is no site", takes: 0, args: []string{"--source", contentFile},
			wantErr: "no kb site in " + contentFile},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			fs := flag.NewFlagSet("kb test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			var opts build.Options
			f := Add(fs, &opts, tt.takes)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := f.Check(func(k string) string { return tt.env[k] })
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want one containing %q", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("error %v", err)
			case opts.Source != tt.want.Source || opts.Drafts != tt.want.Drafts ||
				!opts.Today.Equal(tt.want.Today) || !opts.Epoch.Equal(tt.want.Epoch):
				t.Errorf("options %+v, want %+v", opts, tt.want)
			}
		})
	}
}

// TestAdd checks that a command gets the flags it takes and no others.
func TestAdd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc  string
		takes Takes
		want  []string
	}{
		{"source alone", 0, []string{"source"}},
		{"drafts", Drafts, []string{"drafts", "source"}},
		{"today", Today, []string{"source", "today"}},
		{"the epoch is no flag", Epoch, []string{"source"}},
		{"all", Drafts | Today | Epoch, []string{"drafts", "source", "today"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			fs := flag.NewFlagSet("kb test", flag.ContinueOnError)
			Add(fs, &build.Options{}, tt.takes)
			var got []string
			fs.VisitAll(func(f *flag.Flag) { got = append(got, f.Name) })
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("flags %v, want %v", got, tt.want)
			}
			if src := fs.Lookup("source"); src.DefValue != "." {
				t.Errorf("--source defaults to %q, want .", src.DefValue)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kb.yaml"), []byte("title: T\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := build.Options{}
	fs := flag.NewFlagSet("kb test", flag.ContinueOnError)
	f := Add(fs, &opts, Today)
	if err := fs.Parse([]string{"--source", dir, "--today", "2026-01-02"}); err != nil {
		t.Fatal(err)
	}
	src, err := f.Open(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if data, err := src.ReadFile("kb.yaml"); err != nil || string(data) != "title: T\n" {
		t.Errorf("kb.yaml through the site: %q, %v", data, err)
	}
	if opts.Today.IsZero() {
		t.Error("Open did not fill the options' dates")
	}
	fs = flag.NewFlagSet("kb test", flag.ContinueOnError)
	f = Add(fs, &build.Options{}, 0)
	if err := fs.Parse([]string{"--source", filepath.Join(dir, "nope")}); err != nil {
		t.Fatal(err)
	}
	if src, err := f.Open(os.Getenv); err == nil {
		src.Close()
		t.Error("Open of no site: no error")
	}
}
