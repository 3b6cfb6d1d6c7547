// Package archetype writes the first version of a new page: the template
// for its kind, from the site's archetypes/ folder or else the theme's,
// filled in with a fresh id, a title and today's date.
package archetype

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
)

// Data is what an archetype can use: {{.ID}}, {{.Title}}, {{.Term}},
// {{.Today}}, and the site's vocabulary as {{.Triggers}}, {{.Outcomes}}
// and {{.Risks}} (lists of values, with {{join .Outcomes ", "}}).
type Data struct {
	ID, Title, Term, Kind, Today string
	Triggers, Outcomes, Risks    []string
}

// Find returns the archetype of kind: the site's archetypes/KIND.md, or
// else the theme's, and the name of the file it came from.
func Find(site, theme fs.FS, kind string) ([]byte, string, error) {
	name := path.Join("archetypes", kind+".md")
	if data, err := fs.ReadFile(site, name); err == nil {
		return data, name, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, name, err
	}
	data, err := fs.ReadFile(theme, name)
	if err != nil {
		return nil, "", fmt.Errorf("no archetype for kind %q (looked for %s in the site and in the theme)", kind, name)
	}
	return data, "the theme's " + name, nil
}

// Fill fills an archetype in.
func Fill(name string, archetype []byte, d Data) ([]byte, error) {
	t, err := template.New(name).Option("missingkey=error").Funcs(template.FuncMap{
		"join": strings.Join,
	}).Parse(string(archetype))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// TitleOf makes a title from a file name: "shirt-sponsorship" → "Shirt
// sponsorship".
func TitleOf(file string) string {
	name := strings.TrimSuffix(path.Base(file), ".md")
	name = strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(name))
	if name == "" {
		return "Untitled"
	}
	return strings.ToUpper(name[:1]) + name[1:]
}
