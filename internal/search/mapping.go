package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the index.
const (
	fieldTitle   = "title"
	fieldHeading = "heading"
	fieldSummary = "summary"
	fieldCite    = "cite"
	fieldBody    = "body"
	fieldOffic   = "official" // the official wording quoted in a section, also in body
	fieldKind    = "kind"
	fieldTags    = "tags"
	fieldURL     = "url"
	fieldAnchor  = "anchor"
	fieldAsOf    = "as_of"
	fieldPin     = "pin"    // the keys of the pinpoints in a section
	fieldPinAt   = "pin_at" // stored only: "key\tanchor\tlabel\ttext" for each pin
	fieldCites   = "cites"  // the keys of the pinpoints a section cites
	fieldPage    = "page"   // the page's kind, a tab and its URL: counts pages, by kind
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
	case fieldSummary, fieldBody, fieldOffic:
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

// newMapping is the index's schema: the legal analyzer for text, keywords
// for facets, and nothing indexed that is not declared.
func newMapping() *mapping.IndexMappingImpl {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
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
	official := text()
	official.IncludeInAll = false // its words are counted once, as body's
	official.Store = false        // body holds its text; nothing shows it alone
	doc.AddFieldMappingsAt(fieldOffic, official)
	doc.AddFieldMappingsAt(fieldKind, kw(true))
	doc.AddFieldMappingsAt(fieldTags, kw(true))
	doc.AddFieldMappingsAt(fieldURL, kw(true))
	doc.AddFieldMappingsAt(fieldAnchor, kw(false))
	doc.AddFieldMappingsAt(fieldAsOf, kw(false))
	doc.AddFieldMappingsAt(fieldPin, kw(true))
	doc.AddFieldMappingsAt(fieldPinAt, kw(false))
	cites := kw(true)
	cites.Store, cites.DocValues = false, false
	doc.AddFieldMappingsAt(fieldCites, cites)
	page := kw(true)
	page.Store = false
	doc.AddFieldMappingsAt(fieldPage, page)

	m := bleve.NewIndexMapping()
	addLegalAnalyzer(m)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerName
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
		fieldOffic:   d.Official,
		fieldKind:    d.Kind,
		fieldURL:     d.URL,
		fieldAnchor:  d.Anchor,
		fieldAsOf:    d.AsOf,
		fieldPage:    d.Kind + "\t" + d.URL,
	}
	if len(d.Tags) > 0 {
		m[fieldTags] = d.Tags
	}
	if len(d.Pins) > 0 {
		keys, at := make([]string, len(d.Pins)), make([]string, len(d.Pins))
		for i, p := range d.Pins {
			keys[i], at[i] = p.Key, strings.Join([]string{p.Key, p.Anchor, p.Label, p.Text}, "\t")
		}
		m[fieldPin], m[fieldPinAt] = keys, at
	}
	if len(d.Cites) > 0 {
		m[fieldCites] = d.Cites
	}
	return m
}
