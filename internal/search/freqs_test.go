package search

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// bleveAnalysed is d analysed by Bleve alone: each indexed field's
// Analyze, composed into _all field by field.
func bleveAnalysed(t *testing.T, d Document) *document.Document {
	t.Helper()
	doc := document.NewDocument(d.ID)
	if err := newMapping().MapDocument(doc, fields(d)); err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.Fields {
		if !f.Options().IsIndexed() {
			continue
		}
		f.Analyze()
		for _, c := range doc.CompositeFields {
			c.Compose(f.Name(), f.AnalyzedLength(), f.AnalyzedTokenFrequencies())
		}
	}
	return doc
}

// describe lists a field's analysis: its length and value, and per term its
// frequency, its Term and its locations, sorted by field and position.
func describe(f index.Field) map[string]string {
	out := map[string]string{"": fmt.Sprintf("%s %v length %d value %q", f.Name(), f.ArrayPositions(), f.AnalyzedLength(), f.Value())}
	for term, tf := range f.AnalyzedTokenFrequencies() {
		locs := make([]index.TokenLocation, len(tf.Locations))
		for i, l := range tf.Locations {
			locs[i] = *l
		}
		// _all's follow the document's fields, which MapDocument orders
		// as it walks a map: in no fixed order.
		slices.SortFunc(locs, func(a, b index.TokenLocation) int {
			return cmp.Or(cmp.Compare(a.Field, b.Field), cmp.Compare(a.Position, b.Position))
		})
		out[term] = fmt.Sprintf("%q ×%d %+v", tf.Term, tf.Frequency(), locs)
	}
	return out
}

// TestAnalyseIsBleve checks that the analyser's fields, _all included,
// are Bleve's own analysis of the document: lengths, terms, frequencies,
// locations and stored values.
func TestAnalyseIsBleve(t *testing.T) {
	t.Parallel()
	docs := append(sampleDocs(), Document{ID: "/x/#p1", URL: "/x/", Anchor: "p1", Title: "The client's own initiative", Heading: "Initiative, initiatives",
		Kind: "provision", Tags: []string{"reverse-solicitation", "third-country"}, Cite: "MiCA Art. 61(1)", AsOf: "2025-02-26",
		Summary: "Own initiative: the client's.", Body: "The client solicits; the firm's clients — Zürich, Straße — solicit 1,000.50 times. Own initiative.",
		Official: "the client's own exclusive initiative", Pins: []Pin{{Key: "art 61(1)", Anchor: "p1", Label: "MiCA Art. 61(1)", Text: "Where"}},
		Cites: []string{"art 61(2)", "art 61(1)"}}, Document{ID: "/empty/", URL: "/empty/", Title: "Empty"})
	// All are analysed before any is compared: the analyser reuses its
	// buffers and shares its stems from document to document.
	a := newAnalyser(newMapping())
	analysed := make([]*document.Document, len(docs))
	for i, d := range docs {
		var err error
		if analysed[i], err = a.analyse(d); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range docs {
		t.Run(d.ID, func(t *testing.T) {
			got, want := analysed[i], bleveAnalysed(t, d)
			// MapDocument walks fields(d), a map, in no fixed order: the
			// fields are compared by name and array positions.
			byName := func(fields []index.Field) map[string]map[string]string {
				out := map[string]map[string]string{}
				for _, f := range fields {
					out[fmt.Sprint(f.Name(), f.ArrayPositions())] = describe(f)
				}
				return out
			}
			var wantFields, gotFields []index.Field
			for _, c := range want.CompositeFields {
				wantFields = append(wantFields, c)
			}
			for _, f := range want.Fields {
				wantFields = append(wantFields, f)
			}
			for _, f := range got.Fields {
				gotFields = append(gotFields, f)
			}
			if len(got.CompositeFields) != 0 || len(gotFields) != len(wantFields) || gotFields[0].Name() != fieldAll {
				t.Fatalf("%d fields, the first %s, and %d composites, want %d fields, _all first", len(gotFields), gotFields[0].Name(), len(got.CompositeFields), len(wantFields))
			}
			g, w := byName(gotFields), byName(wantFields)
			for name := range w {
				if !reflect.DeepEqual(g[name], w[name]) {
					t.Errorf("field %s:\n got %v\nwant %v", name, g[name], w[name])
				}
			}
			if len(g) != len(w) {
				t.Errorf("%d fields by name and positions, want %d", len(g), len(w))
			}
		})
	}
}
