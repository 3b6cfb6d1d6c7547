package search

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestPartsSearchAsOne checks that an index built in parts (a segment
// per part, see joinParts) finds, scores and orders as one built in one
// part: the same hits, scores and order for bleve's own search of every
// match, and the same Results.
func TestPartsSearchAsOne(t *testing.T) {
	t.Parallel()
	docs := manyDocs(4*batchSize + 500)
	open := func(parts int) *Index {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "index")
		if err := buildParts(context.Background(), dir, docs, nil, parts); err != nil {
			t.Fatal(err)
		}
		zaps, err := filepath.Glob(filepath.Join(indexStore(dir), "*.zap"))
		if err != nil || len(zaps) != parts {
			t.Fatalf("%d parts: %d segment files (%v), want %d", parts, len(zaps), err, parts)
		}
		idx, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		return idx
	}
	one, three := open(1), open(3)
	if n, err := three.Count(); err != nil || n != uint64(len(docs)) {
		t.Fatalf("3 parts: %d documents (%v), want %d", n, err, len(docs))
	}
	analyzer := one.bleve.Mapping().AnalyzerNamed(analyzerName)
	for _, give := range []string{"firm", "reverse solicitation", "client OR webinar", `"own exclusive initiative"`,
		`body:"crypto-asset service"`, "title:webinar", "heading:paragraph", "official:initiative", "body:affiliate -client",
		"+union marketing", "cite:mica", "kind:provision firm", `"close links"`, "summary:solicitation", "zzyzx firm"} {
		clauses, err := ParseQuery(give)
		if err != nil {
			t.Fatal(err)
		}
		req := bleve.NewSearchRequestOptions(compile(clauses, "", analyzer, true, nil), len(docs), 0, false)
		req.SortBy([]string{"-_score", "_id"})
		want, err := one.bleve.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := three.bleve.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
			t.Errorf("%s: %d hits, want %d", give, got.Total, want.Total)
			continue
		}
		for i, w := range want.Hits {
			if g := got.Hits[i]; g.ID != w.ID || g.Score != w.Score {
				t.Errorf("%s: hit %d is %s (%v), want %s (%v)", give, i, g.ID, g.Score, w.ID, w.Score)
				break
			}
		}
		for _, req := range []Request{{Query: give}, {Query: give, Kind: "scenario", Limit: 5, From: 3}} {
			gotRes, err1 := three.Search(context.Background(), req)
			wantRes, err2 := one.Search(context.Background(), req)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(gotRes, wantRes) {
				t.Errorf("%+v: 3 parts give %+v (%v), want %+v (%v)", req, gotRes, err1, wantRes, err2)
			}
		}
	}
}
