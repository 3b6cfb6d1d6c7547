package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the index.
const (
	fieldTitle   = "title"
	fieldSummary = "summary"
	fieldCite    = "cite"
	fieldBody    = "body"
	fieldKind    = "kind"
	fieldTags    = "tags"
	fieldURL     = "url"
	fieldAnchor  = "anchor"
	fieldAsOf    = "as_of"
)

// textField is a field searched by words, with its query-time boost.
type textField struct {
	name  string
	boost float64
}

// textFields are the fields a word is looked up in, in a fixed order (the
// static export and its client score them in the same order). A match in
// the title outweighs one in the citation, which outweighs the text.
func textFields() []textField {
	return []textField{{fieldTitle, 3}, {fieldCite, 2}, {fieldSummary, 1}, {fieldBody, 1}}
}

func isTextField(name string) bool {
	for _, f := range textFields() {
		if f.name == name {
			return true
		}
	}
	return false
}

func isKeywordField(name string) bool {
	return name == fieldKind || name == fieldTags
}

// newMapping is the index's schema: English analysis for text, keywords
// for facets, and nothing indexed that is not declared.
func newMapping() *mapping.IndexMappingImpl {
	text := func(vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = vectors // for highlighting
		return f
	}
	kw := func(index bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
		f.Index = index
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = index
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text(true))
	doc.AddFieldMappingsAt(fieldCite, text(false))
	doc.AddFieldMappingsAt(fieldSummary, text(true))
	doc.AddFieldMappingsAt(fieldBody, text(true))
	doc.AddFieldMappingsAt(fieldKind, kw(true))
	doc.AddFieldMappingsAt(fieldTags, kw(true))
	doc.AddFieldMappingsAt(fieldURL, kw(true))
	doc.AddFieldMappingsAt(fieldAnchor, kw(false))
	doc.AddFieldMappingsAt(fieldAsOf, kw(false))

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// fields is the document as Bleve indexes it.
func fields(d Document) map[string]any {
	m := map[string]any{
		fieldTitle:   d.Title,
		fieldCite:    d.Cite,
		fieldSummary: d.Summary,
		fieldBody:    d.Body,
		fieldKind:    d.Kind,
		fieldURL:     d.URL,
		fieldAnchor:  d.Anchor,
		fieldAsOf:    d.AsOf,
	}
	if len(d.Tags) > 0 {
		m[fieldTags] = d.Tags
	}
	return m
}
