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
	fieldHeading = "heading"
	fieldSummary = "summary"
	fieldCite    = "cite"
	fieldBody    = "body"
	fieldKind    = "kind"
	fieldTags    = "tags"
	fieldURL     = "url"
	fieldAnchor  = "anchor"
	fieldAsOf    = "as_of"
)

// fieldAll is Bleve's composite of every text field.
const fieldAll = "_all"

// textField is a field searched by words, with its query-time boost.
type textField struct {
	name  string
	boost float64
}

// textFields are the fields a word is looked up in, in a fixed order (the
// static export and its client score them in the same order): the page's
// title, boosted, and all the text. Bleve scales a match by the share of
// these fields it is found in, so few fields keep that from outweighing
// how often and where a word occurs.
func textFields() []textField {
	return []textField{{fieldTitle, 3}, {fieldAll, 1}}
}

// fieldBoosts are the boosts of the fields a clause can name (title:x).
func fieldBoost(name string) (float64, bool) {
	switch name {
	case fieldTitle:
		return 3, true
	case fieldHeading, fieldCite:
		return 2, true
	case fieldSummary, fieldBody:
		return 1, true
	}
	return 0, false
}

func isTextField(name string) bool {
	_, ok := fieldBoost(name)
	return ok
}

func isKeywordField(name string) bool {
	return name == fieldKind || name == fieldTags
}

// newMapping is the index's schema: English analysis for text, keywords
// for facets, and nothing indexed that is not declared.
func newMapping() *mapping.IndexMappingImpl {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.Store = true
		f.IncludeInAll = true
		f.IncludeTermVectors = true // for phrases
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
	doc.AddFieldMappingsAt(fieldTitle, text())
	doc.AddFieldMappingsAt(fieldHeading, text())
	doc.AddFieldMappingsAt(fieldCite, text())
	doc.AddFieldMappingsAt(fieldSummary, text())
	doc.AddFieldMappingsAt(fieldBody, text())
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
		fieldHeading: d.Heading,
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
