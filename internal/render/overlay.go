package render

import (
	"errors"
	"io/fs"
	"slices"
)

// overlay is a file system where upper's files hide lower's: a site's theme
// directory over the embedded default theme.
type overlay struct {
	upper, lower fs.FS // upper may be nil
}

func (o overlay) Open(name string) (fs.File, error) {
	if o.upper != nil {
		f, err := o.upper.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return o.lower.Open(name)
}

// ReadDir merges both directories' entries, upper's winning, sorted by name.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	lower, lerr := fs.ReadDir(o.lower, name)
	var upper []fs.DirEntry
	var uerr error = fs.ErrNotExist
	if o.upper != nil {
		upper, uerr = fs.ReadDir(o.upper, name)
	}
	if lerr != nil && uerr != nil {
		return nil, lerr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range upper {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range lower {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int {
		switch {
		case a.Name() < b.Name():
			return -1
		case a.Name() > b.Name():
			return 1
		}
		return 0
	})
	return out, nil
}
