package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// sourceParts are what a build reads from the source folder: an output
// that is, holds or lies inside one of them would be swapped out, and the
// sources deleted with the previous output.
var sourceParts = []string{"content", "themes", "static", "kb.yaml"}

// OutputsError is a build refused before it started because its output
// folders would overwrite its sources or each other: a mistake in how
// the build was asked for, not in the content.
type OutputsError struct{ Err error }

func (e *OutputsError) Error() string { return e.Err.Error() }
func (e *OutputsError) Unwrap() error { return e.Err }

// checkOutputs refuses output folders that would overwrite sources: out
// and index may not be, contain or lie inside the source's content/,
// themes/, static/ or kb.yaml, nor each other. Paths are compared after
// resolving symbolic links.
func checkOutputs(source, out, index string) error {
	src, err := resolve(source)
	if err != nil {
		return err
	}
	outputs := []struct{ flag, path string }{{"--out", out}, {"--index", index}}
	resolved := make([]string, len(outputs))
	for i, o := range outputs {
		if resolved[i], err = resolve(o.path); err != nil {
			return err
		}
		for _, part := range sourceParts {
			p := filepath.Join(src, part)
			switch {
			case resolved[i] == p:
				return fmt.Errorf("%s %s is the source's %s: a build replaces its output folder", o.flag, o.path, part)
			case within(p, resolved[i]):
				return fmt.Errorf("%s %s holds the source's %s: a build replaces its output folder", o.flag, o.path, part)
			case within(resolved[i], p):
				return fmt.Errorf("%s %s lies inside the source's %s: a build replaces its output folder", o.flag, o.path, part)
			}
		}
	}
	if overlap(resolved[0], resolved[1]) {
		return fmt.Errorf("--out %s and --index %s overlap: each build replaces both folders", out, index)
	}
	return nil
}

// within reports whether p lies strictly inside dir.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func overlap(a, b string) bool { return a == b || within(a, b) || within(b, a) }

// resolve makes p absolute with its symbolic links resolved, as far as it
// exists: an output folder need not exist yet.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for dir := abs; ; dir = filepath.Dir(dir) {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if !errors.Is(err, os.ErrNotExist) || filepath.Dir(dir) == dir {
			return abs, nil
		}
		rest = append([]string{filepath.Base(dir)}, rest...)
	}
}
