package site

import (
	"reflect"
	"strings"
)

// fieldDocs describes front matter fields for editors: what a writer sees
// when completing a field.
var fieldDocs = map[string]string{
	"id":            "Stable key for references ([[id]]); defaults to the path. Keep it when the file moves.",
	"title":         "Required. The page's title.",
	"kind":          "What the page is; it decides which other fields apply.",
	"cite":          "How lawyers cite the page, unique: [[MiCA Art. 61(2)]] finds anchor p2.",
	"as_of":         "The date the page's statement of the law is current to, YYYY-MM-DD.",
	"date":          "When the page was written, YYYY-MM-DD.",
	"tags":          "Lowercase tags with dashes.",
	"summary":       "One or two sentences for lists, previews and search results.",
	"draft":         "true: left out of kb build; its problems are warnings.",
	"weight":        "Order within the section (lower first).",
	"aliases":       "Terms only: other names that link to the term.",
	"moved_from":    "Old addresses of this page, e.g. [/esma/solicitation/]: each redirects here.",
	"changes":       "Dated change notes, each {date: YYYY-MM-DD, note: one line, anchor: the section that changed}: the page's history, What's new and the feed.",
	"term":          "Terms only: the word that links to this page.",
	"no_term_links": "true: no automatic links to defined terms on this page.",
	"search":        "false: the page is left out of search.",
	"audience":      "readers (default) or writers: a writers' page is left out of readers' navigation, lists, feed, sitemap and search.",
	"facts":         "Scenarios: the facts.",
	"question":      "Scenarios: the legal question.",
	"outcome":       "Scenarios: the answer (kb.yaml vocabulary: outcomes).",
	"risk":          "Scenarios: the risk level (kb.yaml vocabulary: risks).",
	"trigger":       "Scenarios: what drives the outcome, a filter of the matrix (kb.yaml vocabulary: triggers).",
	"applies":       "Scenarios: the rules applied, each a reference.",
	"publisher":     "Sources: who published the document.",
	"author":        "Sources: the author, if not the publisher.",
	"published":     "Sources: the document's date, YYYY-MM-DD.",
	"url":           "Sources: the document's own address.",
	"reliability":   "Sources: primary (official) or secondary.",
	"reference":     "Sources: the official reference (CELEX number, ESMA reference).",
	"official":      "Provisions and guidelines: the source publishing the official wording.",
	"params":        "A site's own fields, unchecked.",
}

// Schema returns a JSON Schema (draft 2020-12) of front matter, made from
// the FrontMatter type that front matter is decoded into, the kinds, and
// the site's vocabulary: what kb check accepts, for editors' completion.
func Schema(v Vocabulary) map[string]any {
	v = v.withDefaults()
	enums := map[string][]string{
		"kind": kinds, "outcome": Values(v.Outcomes), "risk": Values(v.Risks), "reliability": reliabilities,
		"audience": audiences,
	}
	if len(v.Triggers) > 0 {
		enums["trigger"] = Values(v.Triggers)
	}
	props := map[string]any{}
	t := reflect.TypeFor[FrontMatter]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		prop := typeSchema(f.Type)
		if d := fieldDocs[name]; d != "" {
			prop["description"] = d
		}
		if e, ok := enums[name]; ok {
			prop["enum"] = e
		}
		switch name {
		case "id":
			prop["pattern"] = idPattern.String()
		case "as_of", "date", "published":
			prop["pattern"] = `^\d{4}-\d{2}-\d{2}$`
		case "tags":
			prop["items"] = map[string]any{"type": "string", "pattern": idPattern.String()}
		case "moved_from":
			prop["items"] = map[string]any{"type": "string", "pattern": "^/"}
		case "changes":
			item := typeSchema(f.Type.Elem())
			item["required"] = []string{"date", "note"}
			item["properties"].(map[string]any)["date"] = map[string]any{"type": "string", "pattern": `^\d{4}-\d{2}-\d{2}$`}
			prop["items"] = item
		}
		props[name] = prop
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"title":                "kb page front matter",
		"type":                 "object",
		"properties":           props,
		"required":             []string{"title"},
		"additionalProperties": false,
	}
}

func typeSchema(t reflect.Type) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return typeSchema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int:
		return map[string]any{"type": "integer"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": typeSchema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object"}
	case reflect.Struct:
		props := map[string]any{}
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if name != "" && name != "-" {
				props[name] = typeSchema(t.Field(i).Type)
			}
		}
		return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	}
	return map[string]any{}
}
