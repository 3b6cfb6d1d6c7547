package corpus

// hugoSiteFiles is a minimal Hugo site around the corpus: a configuration
// and templates that render what kb's theme renders at its core — title,
// citation, table of contents, content, tags, section lists — with
// highlighting as CSS classes, as kb does. Pagefind indexes <main>.
func hugoSiteFiles() map[string][]byte {
	return map[string][]byte{
		"hugo.toml":                      []byte(hugoConfig),
		"layouts/_default/baseof.html":   []byte(hugoBaseof),
		"layouts/_default/single.html":   []byte(hugoSingle),
		"layouts/_default/list.html":     []byte(hugoList),
		"layouts/_default/terms.html":    []byte(hugoList),
		"layouts/_default/taxonomy.html": []byte(hugoList),
	}
}

const hugoConfig = `baseURL = "https://example.org/"
title = "Synthetic regulation — benchmark corpus"
languageCode = "en"
enableRobotsTXT = true

[taxonomies]
  tag = "tags"

[markup.goldmark.parser.attribute]
  block = true
  title = true

[markup.highlight]
  noClasses = false

[markup.tableOfContents]
  startLevel = 2
  endLevel = 3
`

const hugoBaseof = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} — {{ site.Title }}</title>
<meta name="description" content="{{ .Summary | plainify }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main data-pagefind-body>{{ block "main" . }}{{ end }}</main>
<footer>Generated text for benchmarks; not legal advice.</footer>
</body>
</html>
`

const hugoSingle = `{{ define "main" }}<article>
<nav class="crumbs">{{ range .Ancestors.Reverse }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> › {{ end }}</nav>
<h1>{{ .Title }}</h1>
{{ with .Params.cite }}<p class="cite">{{ . }}</p>{{ end }}
<p class="as-of">Current to {{ .Params.as_of }}</p>
{{ .TableOfContents }}
{{ .Content }}
<ul class="tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>{{ end }}
`

const hugoList = `{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary | plainify }}</li>{{ end }}</ul>
{{ end }}
`
