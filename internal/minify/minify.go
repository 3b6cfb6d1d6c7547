// Package minify shrinks the theme's stylesheets and scripts at build
// time. It is the only importer of github.com/tdewolff/minify, a
// well-kept minifier whose output depends on its input alone, so builds
// stay byte-identical.
package minify

import (
	"bytes"
	"fmt"
	"path"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
)

// Asset returns a stylesheet or script minified, chosen by the name's
// extension; other files come back as they are.
func Asset(name string, data []byte) ([]byte, error) {
	var m func(*minify.M, *bytes.Buffer, *bytes.Reader) error
	switch path.Ext(name) {
	case ".css":
		m = func(mm *minify.M, w *bytes.Buffer, r *bytes.Reader) error { return css.Minify(mm, w, r, nil) }
	case ".js":
		m = func(mm *minify.M, w *bytes.Buffer, r *bytes.Reader) error { return js.Minify(mm, w, r, nil) }
	default:
		return data, nil
	}
	var out bytes.Buffer
	out.Grow(len(data))
	if err := m(minify.New(), &out, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("minify %s: %w", name, err)
	}
	return out.Bytes(), nil
}
