package sitefs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCheckSite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc  string
		files []string // under the folder; a trailing / is a folder
		give  string   // the folder checked, under the test's
		want  error
	}{
		{desc: "kb.yaml", files: []string{"kb.yaml"}},
		{desc: "content/ alone", files: []string{"content/"}},
		{desc: "no such folder", give: "missing", want: ErrNotDir},
		{desc: "a file", files: []string{"file"}, give: "file", want: ErrNotDir},
		{desc: "an empty folder", want: ErrNoSite},
		{desc: "content is a file", files: []string{"content"}, want: ErrNoSite},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for _, f := range tt.files {
				p := filepath.Join(dir, f)
				var err error
				if f[len(f)-1] == '/' {
					err = os.Mkdir(p, 0o755)
				} else {
					err = os.WriteFile(p, nil, 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := CheckSite(filepath.Join(dir, tt.give)); got != tt.want {
				t.Errorf("CheckSite = %v, want %v", got, tt.want)
			}
		})
	}
}
