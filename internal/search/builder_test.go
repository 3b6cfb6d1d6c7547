package search

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// manyDocs is docs over several of Build's batches, so that its index is
// merged from several segments: words vary by document, some sections
// quote official text, some cite.
func manyDocs(n int) []Document {
	words := []string{"firm", "client", "solicitation", "reverse", "initiative", "own", "exclusive", "marketing",
		"service", "crypto-asset", "Union", "authorisation", "webinar", "affiliate", "sponsorship", "close", "links"}
	docs := sampleDocs()
	for i := range n {
		body := ""
		for j := range 12 + i%7 {
			body += words[(i*7+j*j)%len(words)] + " "
		}
		d := Document{ID: fmt.Sprintf("/p/%d/", i), URL: fmt.Sprintf("/p/%d/", i), Title: "Page " + words[i%len(words)],
			Kind: []string{"scenario", "provision", "term"}[i%3], Summary: words[(i+3)%len(words)] + " summary", Body: body}
		if i%5 == 0 {
			d.Official = "the client's own exclusive initiative"
			d.Body += d.Official
			d.Cites = []string{"art 61(1)"}
		}
		if i%4 == 0 {
			d.Heading, d.Anchor, d.ID = "Paragraph "+words[i%len(words)], "p1", d.ID+"#p1"
		}
		docs = append(docs, d)
	}
	return docs
}

// TestBuildScoresAsBleve checks that the index Build makes (analysed
// ahead of Bleve's offline builder, _all composed on every core, segments
// merged in one pass) finds and scores as an index Bleve fills itself.
func TestBuildScoresAsBleve(t *testing.T) {
	t.Parallel()
	docs := manyDocs(2*batchSize + 300)
	built := openSample(t, docs)
	mem, err := NewMemory(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	analyzer := mem.bleve.Mapping().AnalyzerNamed(analyzerName)
	for _, give := range []string{"firm", "reverse solicitation", `"own exclusive initiative"`, "title:webinar",
		"heading:paragraph", "official:initiative", "body:affiliate -client", "+union marketing", "cite:mica", `"close links"`} {
		clauses, err := ParseQuery(give)
		if err != nil {
			t.Fatal(err)
		}
		q := compile(clauses, "", analyzer, true, nil)
		req := bleve.NewSearchRequestOptions(q, len(docs), 0, false)
		want, err := mem.bleve.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := built.bleve.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total || len(got.Hits) == 0 {
			t.Errorf("%s: %d hits, want %d", give, got.Total, want.Total)
			continue
		}
		// Ties are in index order, which the segments' layout sets.
		for _, hits := range []search.DocumentMatchCollection{got.Hits, want.Hits} {
			slices.SortFunc(hits, func(a, b *search.DocumentMatch) int {
				return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ID, b.ID))
			})
		}
		for i := range want.Hits {
			if got.Hits[i].ID != want.Hits[i].ID || got.Hits[i].Score != want.Hits[i].Score {
				t.Errorf("%s: hit %d is %s (%v), want %s (%v)", give, i, got.Hits[i].ID, got.Hits[i].Score, want.Hits[i].ID, want.Hits[i].Score)
				break
			}
		}
		gotRes, err1 := built.Search(context.Background(), Request{Query: give})
		wantRes, err2 := mem.Search(context.Background(), Request{Query: give})
		if err1 != nil || err2 != nil || !reflect.DeepEqual(gotRes, wantRes) {
			t.Errorf("%s: Search gives %+v (%v), want %+v (%v)", give, gotRes, err1, wantRes, err2)
		}
	}
}
