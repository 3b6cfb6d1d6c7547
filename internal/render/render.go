// Package render turns page data into HTML with a theme: the embedded
// default theme, overridden file by file by a site's own themes/<name>/.
// Layouts are html/template files; each defines "main", which the base
// layout wraps. Assets are published under content-hashed names so hosts
// can cache them forever.
package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/kb-legal/kb/internal/minify"
)

// Layouts every theme provides.
var layouts = []string{"page", "section", "home", "404", "glossary", "tags", "tag", "matrix", "search", "sources", "whatsnew"}

// Theme is a parsed theme: its layouts and its fingerprinted assets.
type Theme struct {
	layouts map[string]*template.Template
	assets  []Asset
	urls    map[string]string // asset name → published path (without base)
}

// Asset is a file the site needs besides its pages, under its published name.
type Asset struct {
	Name string // as themes refer to it, e.g. "style.css"
	Path string // published path, e.g. "assets/style.3f2a9c1b.css"
	Data []byte
}

// Load parses the theme. siteTheme is the site's own theme directory (nil
// for none); its files hide the default's. extra assets (generated, such as
// the highlighting stylesheet) are published like the theme's own.
func Load(defaultTheme, siteTheme fs.FS, extra map[string][]byte) (*Theme, error) {
	fsys := overlay{upper: siteTheme, lower: defaultTheme}
	t := &Theme{layouts: map[string]*template.Template{}, urls: map[string]string{}}

	files := map[string][]byte{}
	err := fs.WalkDir(fsys, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		files[strings.TrimPrefix(p, "assets/")] = data
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("theme assets: %w", err)
	}
	for name, data := range extra {
		files[name] = data
	}
	for name, data := range files {
		if files[name], err = minify.Asset(name, data); err != nil {
			return nil, fmt.Errorf("theme assets: %w", err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		a := Asset{Name: name, Path: "assets/" + fingerprint(name, files[name]), Data: files[name]}
		t.assets = append(t.assets, a)
		t.urls[name] = a.Path
	}

	base, err := template.New("base.html").Funcs(funcs()).ParseFS(fsys, "layouts/base.html", "layouts/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	for _, name := range layouts {
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(fsys, "layouts/"+name+".html"); err != nil {
			return nil, fmt.Errorf("theme layout %s: %w", name, err)
		}
		t.layouts[name] = clone
	}
	return t, nil
}

// fingerprint inserts a short content hash before the extension:
// "style.css" → "style.3f2a9c1b.css".
func fingerprint(name string, data []byte) string {
	sum := sha256.Sum256(data)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
}

// Assets lists the theme's published files, sorted by name.
func (t *Theme) Assets() []Asset { return t.assets }

// AssetPath returns the published path of an asset ("" if unknown).
func (t *Theme) AssetPath(name string) string { return t.urls[name] }

// asset returns an asset's (minified) bytes; nil if unknown.
func (t *Theme) asset(name string) []byte {
	for _, a := range t.assets {
		if a.Name == name {
			return a.Data
		}
	}
	return nil
}

// scriptHash is the base64 SHA-256 of a script's bytes: the
// Content-Security-Policy source 'sha256-…' that allows it inline.
func scriptHash(data []byte) string {
	sum := sha256.Sum256(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// Render executes the page's layout into w, all or nothing.
func (t *Theme) Render(w io.Writer, p *Page) error {
	out, err := t.RenderBytes(p)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// Stream executes the page's layout into w as it goes: on an error, w
// holds part of the page. For a page too large to hold whole.
func (t *Theme) Stream(w io.Writer, p *Page) error {
	tmpl, ok := t.layouts[p.Layout]
	if !ok {
		return fmt.Errorf("theme has no layout %q", p.Layout)
	}
	p.theme = t
	if err := tmpl.ExecuteTemplate(w, "base.html", p); err != nil {
		return fmt.Errorf("render %s: %w", p.URL, err)
	}
	return nil
}

// pageChrome is about what a layout adds to a page's content, in bytes.
const pageChrome = 16 << 10

// RenderBytes returns the page's layout executed. Its buffer starts at
// about the page's size: grown from nothing, doubling, it allocated two
// to three times every page of a build.
func (t *Theme) RenderBytes(p *Page) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(p.Content) + pageChrome)
	if err := t.Stream(&buf, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"lower": strings.ToLower,
		"label": func(s string) string { // "exemption-unavailable" → "Exemption unavailable"
			s = strings.ReplaceAll(s, "-", " ")
			if s == "" {
				return s
			}
			return strings.ToUpper(s[:1]) + s[1:]
		},
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
	}
}
