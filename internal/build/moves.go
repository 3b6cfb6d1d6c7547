package build

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/kb-legal/kb/internal/diag"
)

// goneURLs compares the pages of the previous output in out with the
// files of this build: a page address that was published and now is not,
// and that no moved_from: keeps alive, breaks every link and bookmark to
// it. Each is a warning, not a problem: removing a page can be intended.
func goneURLs(out string, files []string) diag.List {
	var warns diag.List
	_ = fs.WalkDir(os.DirFS(out), ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil // no previous output, or unreadable: nothing to compare
		case d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != ".":
			return fs.SkipDir
		case d.IsDir() || d.Name() != "index.html":
			return nil
		}
		if _, found := slices.BinarySearch(files, p); !found {
			url := "/" + strings.TrimSuffix(p, "index.html")
			warns = append(warns, diag.Problem{File: path.Join(path.Base(out), p),
				Message: fmt.Sprintf("%s was published by the last build and is gone", url),
				Hint:    fmt.Sprintf("if the page moved, add moved_from: [%s] to its front matter, so the old address redirects", url)})
		}
		return nil
	})
	return warns
}
