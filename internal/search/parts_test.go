package search

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestPartsSearchAsOne checks that an index built in segments (see
// joinParts), some of them merged from several batches and some not,
// finds, scores and orders as one built in one segment: the
// same hits, scores and order for bleve's own search of every match, and
// the same Results.
func TestPartsSearchAsOne(t *testing.T) {
	t.Parallel()
	docs := manyDocs(4*batchSize + 500)
	open := func(parts int) *Index {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "index")
		if err := buildSegments(context.Background(), dir, docs, nil, batchSize, parts); err != nil {
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

// TestSegmentOf checks how the batches of a build are dealt to segments:
// every segment gets one; worker w takes the batches i%workers == w into
// its own segments (k%workers == w), filling one after another (so that it
// can close each when the next begins); a segment gets at most mergeMost
// batches while its worker has segments of one; and at most the batches
// that the segments of one cannot take, and one for each segment
// merged, are merged.
func TestSegmentOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ batches, segments, workers int }{
		{1, 1, 1}, {5, 1, 1}, {5, 3, 2}, {5, 5, 2}, {3, 64, 2}, {64, 64, 2}, {80, 64, 2}, {160, 64, 2},
		{400, 64, 2}, {2000, 64, 2}, {7, 4, 4}, {10, 3, 3}, {401, 63, 3},
	} {
		segments := min(tt.segments, tt.batches)
		workers := min(tt.workers, segments)
		got := make([]int, segments)
		last := make([]int, workers)
		for i := range tt.batches {
			k := segmentOf(i, tt.batches, segments, workers)
			if k < 0 || k >= segments {
				t.Fatalf("%+v: batch %d to segment %d", tt, i, k)
			}
			if w := i % workers; k%workers != w || k < last[w] {
				t.Fatalf("%+v: batch %d to segment %d, after segment %d", tt, i, k, last[w])
			}
			last[i%workers] = k
			got[k]++
		}
		most := 0
		for w := range workers {
			n := (tt.batches - w + workers - 1) / workers
			s := (segments - w + workers - 1) / workers
			if n > s {
				most += n - s + (n-s+mergeMost-2)/(mergeMost-1)
			}
		}
		merged, singles := 0, make([]bool, workers)
		for k, n := range got {
			if n == 0 {
				t.Errorf("%+v: segment %d gets no batch", tt, k)
			}
			if n > 1 {
				merged += n
			} else {
				singles[k%workers] = true
			}
		}
		for k, n := range got {
			if n > mergeMost && singles[k%workers] {
				t.Errorf("%+v: segment %d gets %d batches, more than %d, beside segments of one (%v)", tt, k, n, mergeMost, got)
			}
		}
		if merged > most {
			t.Errorf("%+v: %d batches merged (%v), want at most %d", tt, merged, got, most)
		}
	}
}
