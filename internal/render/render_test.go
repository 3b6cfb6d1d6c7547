package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"testing/fstest"
)

// minimalTheme has every layout a theme must provide.
func minimalTheme() fstest.MapFS {
	fsys := fstest.MapFS{
		"layouts/base.html":          {Data: []byte(`<html>{{template "main" .}}<link href="{{.Asset "style.css"}}"></html>`)},
		"layouts/partials/meta.html": {Data: []byte(`{{define "meta"}}{{.Kind}}{{end}}`)},
		"assets/style.css":           {Data: []byte("body{}")},
		"assets/kb.js":               {Data: []byte("1")},
	}
	for _, l := range layouts {
		fsys["layouts/"+l+".html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}default ` + l + ` {{.Title}}{{end}}`)}
	}
	return fsys
}

func TestSiteThemeOverridesFileByFile(t *testing.T) {
	t.Parallel()
	own := fstest.MapFS{
		"layouts/page.html": {Data: []byte(`{{define "main"}}own page {{.Title}} {{template "meta" .}}{{end}}`)},
		"assets/style.css":  {Data: []byte("body{color:red}")},
		"assets/extra.js":   {Data: []byte("2")},
	}
	theme, err := Load(minimalTheme(), own, map[string][]byte{"chroma.css": []byte(".chroma{color:red}")})
	if err != nil {
		t.Fatal(err)
	}
	render := func(layout, title string) string {
		var b bytes.Buffer
		if err := theme.Render(&b, &Page{Site: &Site{BasePath: "/kb/"}, Layout: layout, Title: title, Kind: "provision"}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if got := render("page", "<A>"); !strings.Contains(got, "own page &lt;A&gt; provision") {
		t.Errorf("the site's page layout was not used, or did not escape: %s", got)
	}
	if got := render("section", "S"); !strings.Contains(got, "default section S") {
		t.Errorf("the default section layout was not used: %s", got)
	}
	var names []string
	for _, a := range theme.Assets() {
		names = append(names, a.Path)
	}
	// Names carry the first 4 bytes of the SHA-256 of what is published:
	// the site's style.css, not the default one.
	hash := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:4]) }
	want := "assets/chroma." + hash(".chroma{color:red}") + ".css assets/extra." + hash("2") + ".js assets/kb." + hash("1") + ".js assets/style." + hash("body{color:red}") + ".css"
	if strings.Join(names, " ") != want {
		t.Errorf("assets = %v, want %s", names, want)
	}
	if got := render("home", "H"); !strings.Contains(got, `href="/kb/assets/style.`) {
		t.Errorf("asset URL is not under the base path: %s", got)
	}
}

func TestLoadReportsBrokenTemplates(t *testing.T) {
	t.Parallel()
	own := fstest.MapFS{"layouts/page.html": {Data: []byte(`{{define "main"}}{{.Nope`)}}
	if _, err := Load(minimalTheme(), own, nil); err == nil || !strings.Contains(err.Error(), "page") {
		t.Errorf("Load = %v, want an error naming the page layout", err)
	}
}

// TestInlineScript checks the one inline script: minified, and allowed by
// a Content-Security-Policy hash of exactly the bytes in the page.
func TestInlineScript(t *testing.T) {
	t.Parallel()
	fsys := minimalTheme()
	fsys["layouts/base.html"] = &fstest.MapFile{Data: []byte(`<meta content="script-src 'sha256-{{.ScriptHash "theme.js"}}'"><script>{{.Inline "theme.js"}}</script>{{template "main" .}}`)}
	fsys["assets/theme.js"] = &fstest.MapFile{Data: []byte("// applies the theme\nvar theme = \"dark\" ;\n")}
	theme, err := Load(fsys, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := theme.Render(&b, &Page{Site: &Site{BasePath: "/"}, Layout: "page"}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	start, end := strings.Index(page, "<script>")+len("<script>"), strings.Index(page, "</script>")
	script := page[start:end]
	if strings.Contains(script, "applies") || strings.Contains(script, " ;") {
		t.Errorf("inline script is not minified: %q", script)
	}
	sum := sha256.Sum256([]byte(script))
	want := strings.NewReplacer("+", "&#43;").Replace(base64.StdEncoding.EncodeToString(sum[:])) // as escaped in the attribute
	if !strings.Contains(page, "'sha256-"+want+"'") {
		t.Errorf("the policy does not allow the inline script %q by its hash:\n%s", script, page)
	}
}
