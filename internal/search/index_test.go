package search

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// sampleDocs is a small site: two pages with sections and a term.
func sampleDocs() []Document {
	return []Document{
		{ID: "/scenarios/webinar/", URL: "/scenarios/webinar/", Title: "Webinar hosted by an affiliate", Kind: "scenario",
			Tags: []string{"marketing"}, Summary: "An affiliate hosts a webinar for EU clients.",
			Body: "A third-country firm's affiliate runs a webinar. The webinar promotes the firm's services to clients in the Union."},
		{ID: "/scenarios/webinar/#p1", URL: "/scenarios/webinar/", Anchor: "p1", Title: "Webinar hosted by an affiliate", Heading: "Outcome", Kind: "scenario",
			Tags: []string{"marketing"}, Summary: "An affiliate hosts a webinar for EU clients.",
			Body: "The affiliate acts on the firm's behalf; the firm solicits. Reverse solicitation is not available."},
		{ID: "/scenarios/sponsorship/", URL: "/scenarios/sponsorship/", Title: "Sponsorship of a football club", Kind: "scenario",
			Summary: "Sponsoring an EU sports club is a means of communication.",
			Body:    "The firm sponsors a football club. Sponsorship is marketing: the firm's name appears on shirts and banners."},
		{ID: "/terms/close-links/", URL: "/terms/close-links/", Title: "Close links", Kind: "term", Cite: "MiCA Art. 3(1)(31)",
			Summary: "Control or a participation of 20% or more.",
			Body:    "Close links means a situation in which two or more persons are linked by control or participation."},
		{ID: "/provisions/art-61/#p1", URL: "/provisions/art-61/", Anchor: "p1", Title: "Article 61", Heading: "Paragraph 1", Kind: "provision",
			Cite: "MiCA Art. 61(1)", Summary: "Reverse solicitation.",
			Body: "Where a client established in the Union initiates at its own exclusive initiative the provision of a crypto-asset service by a third-country firm, the requirement for authorisation shall not apply. <Tags> & entities stay text."},
	}
}

func buildSample(t testing.TB, docs []Document) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, docs); err != nil {
		t.Fatal(err)
	}
	return dir
}

func openSample(t testing.TB, docs []Document) *Index {
	t.Helper()
	idx, err := Open(buildSample(t, docs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

func urls(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.URL+"#"+h.Anchor)
	}
	return out
}

func TestSearch(t *testing.T) {
	t.Parallel()
	idx := openSample(t, sampleDocs())
	tests := []struct {
		desc string
		give Request
		want []string // hits, best first
	}{
		{"stemmed word", Request{Query: "webinars"}, []string{"/scenarios/webinar/#"}},
		{"one hit per page, at its best section", Request{Query: "affiliate"}, []string{"/scenarios/webinar/#p1"}}, // the shorter text
		{"all words required", Request{Query: "sponsorship firm"}, []string{"/scenarios/sponsorship/#"}},
		{"title outranks text", Request{Query: "sponsorship OR firm"}, []string{"/scenarios/sponsorship/#", "/scenarios/webinar/#p1", "/provisions/art-61/#p1"}},
		{"no page has all: any", Request{Query: "sponsorship zzyzx"}, []string{"/scenarios/sponsorship/#"}},
		{"OR group with a required word", Request{Query: "firm sponsors OR webinars"}, []string{"/scenarios/webinar/#", "/scenarios/sponsorship/#"}},
		{"must", Request{Query: "+firm +sponsors"}, []string{"/scenarios/sponsorship/#"}},
		{"must not", Request{Query: "firm -webinar -sponsorship"}, []string{"/provisions/art-61/#p1"}},
		{"phrase", Request{Query: `"own exclusive initiative"`}, []string{"/provisions/art-61/#p1"}},
		{"phrase needs order", Request{Query: `"initiative exclusive"`}, nil},
		{"citation field", Request{Query: "cite:61"}, []string{"/provisions/art-61/#p1"}},
		{"kind clause", Request{Query: "kind:term link"}, []string{"/terms/close-links/#"}},
		{"kind filter", Request{Query: "firm", Kind: "provision"}, []string{"/provisions/art-61/#p1"}},
		{"kind only", Request{Query: "kind:scenario", Limit: 5}, []string{"/scenarios/sponsorship/#", "/scenarios/webinar/#"}},
		{"stop words only", Request{Query: "the of"}, nil},
		{"unknown word", Request{Query: "zzyzx"}, nil},
		{"limit", Request{Query: "firm", Limit: 1}, []string{"/scenarios/webinar/#p1"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			res, err := idx.Search(context.Background(), tt.give)
			if err != nil {
				t.Fatal(err)
			}
			if got := urls(res.Hits); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%+v) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestSearchFallbackAndCounts(t *testing.T) {
	t.Parallel()
	idx := openSample(t, sampleDocs())
	tests := []struct {
		desc         string
		give         string
		wantFallback bool
		wantPages    int
	}{
		{"all words found", "sponsorship firm", false, 1},
		{"no page has all", "sponsorship zzyzx", true, 1},
		{"nothing at all", "zzyzx qqq", false, 0},
		{"either word", "sponsorship OR firm", false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			res, err := idx.Search(context.Background(), Request{Query: tt.give})
			if err != nil {
				t.Fatal(err)
			}
			if res.Fallback != tt.wantFallback || res.Pages != tt.wantPages || res.Pages > int(res.Total) {
				t.Errorf("Search(%q): fallback %v, %d pages, %d sections; want fallback %v, %d pages",
					tt.give, res.Fallback, res.Pages, res.Total, tt.wantFallback, tt.wantPages)
			}
		})
	}
}

func TestSearchSnippetAndFacets(t *testing.T) {
	t.Parallel()
	idx := openSample(t, sampleDocs())
	res, err := idx.Search(context.Background(), Request{Query: "authorisation tags", Kind: "scenario"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 0 || res.Kinds["provision"] != 1 {
		t.Errorf("kind filter: hits %v, kinds %v; want none, and the provision counted in kinds", res.Hits, res.Kinds)
	}
	res, err = idx.Search(context.Background(), Request{Query: "authorisation tags"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v, want 1", res.Hits)
	}
	s := res.Hits[0].Snippet
	if !strings.Contains(s, "<mark>authorisation</mark>") || !strings.Contains(s, "&lt;<mark>Tags</mark>&gt; &amp;") {
		t.Errorf("snippet %q: want the words marked and the text escaped", s)
	}
}

func TestSearchBadQuery(t *testing.T) {
	t.Parallel()
	idx := openSample(t, sampleDocs())
	_, err := idx.Search(context.Background(), Request{Query: `"open`})
	if _, ok := err.(*QueryError); !ok {
		t.Errorf("Search with an unterminated phrase: %v, want a *QueryError", err)
	}
}

func TestOpenMissing(t *testing.T) {
	t.Parallel()
	_, err := Open(filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "kb build") {
		t.Errorf("Open of a missing dir: %v, want an error hinting at kb build", err)
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	docs := sampleDocs()
	idx, err := NewMemory(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	find := func(q string) []string {
		t.Helper()
		res, err := idx.Search(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return urls(res.Hits)
	}
	// The webinar page loses its Outcome section and gains a word.
	edited := docs[0]
	edited.Body = "The affiliate streams a podcast instead."
	if err := idx.Update(ctx, []string{"/scenarios/webinar/"}, []Document{edited}); err != nil {
		t.Fatal(err)
	}
	if got := find("podcast"); !slices.Equal(got, []string{"/scenarios/webinar/#"}) {
		t.Errorf("after update, podcast: %q", got)
	}
	if got := find("behalf"); got != nil {
		t.Errorf("after update, the removed section still matches: %q", got)
	}
	if got := find("sponsorship"); !slices.Equal(got, []string{"/scenarios/sponsorship/#"}) {
		t.Errorf("after update, another page: %q", got)
	}
	// A deleted page: no documents for its URL.
	if err := idx.Update(ctx, []string{"/scenarios/sponsorship/"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := find("sponsorship"); got != nil {
		t.Errorf("after delete: %q", got)
	}
	if n, _ := idx.Count(); n != 3 {
		t.Errorf("count after update and delete = %d, want 3", n)
	}
	if err := idx.Update(ctx, []string{"/a/"}, []Document{{ID: "/b/", URL: "/b/"}}); err == nil {
		t.Error("Update accepted a document of a page not being updated")
	}
	// Incremental equals full: a fresh index of the same documents exports the same bytes.
	full, err := NewMemory(ctx, []Document{edited, docs[3], docs[4]})
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	if a, b := exportMap(t, idx), exportMap(t, full); !equalFiles(a, b) {
		t.Error("the export after updates differs from the export of a full index")
	}
}

func TestUpdateReadOnly(t *testing.T) {
	t.Parallel()
	idx := openSample(t, sampleDocs())
	if err := idx.Update(context.Background(), []string{"/x/"}, nil); err == nil {
		t.Error("Update on a read-only index succeeded")
	}
}

func exportMap(t testing.TB, idx *Index) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	if _, err := idx.Export(context.Background(), func(name string, data []byte) error {
		files[name] = data
		return nil
	}, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	return files
}

func equalFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestExportDeterministic(t *testing.T) {
	t.Parallel()
	a := exportMap(t, openSample(t, sampleDocs()))
	docs := sampleDocs()
	slices.Reverse(docs)
	b := exportMap(t, openSample(t, docs))
	if !equalFiles(a, b) {
		t.Error("two indexes of the same documents export different bytes")
	}
	var m meta
	if err := json.Unmarshal(gunzip(t, a["search/meta.kbz"]), &m); err != nil {
		t.Fatal(err)
	}
	if m.Docs != 5 || !slices.Equal(m.PageDocs, []int{1, 1, 2, 1}) || !slices.Contains(m.Stop, "the") {
		t.Errorf("meta: %+v", m)
	}
}

// TestImpactsAreBleveScores checks the formula the static client relies
// on: for a one-term query, Bleve's score of each document is the
// exported impact times one constant (the query norm).
func TestImpactsAreBleveScores(t *testing.T) {
	t.Parallel()
	idx := openSample(t, sampleDocs())
	files := exportMap(t, idx)
	var m meta
	if err := json.Unmarshal(gunzip(t, files["search/meta.kbz"]), &m); err != nil {
		t.Fatal(err)
	}
	terms := map[string][]int{}
	for i := range m.Keys {
		var s shardFile
		if err := json.Unmarshal(gunzip(t, files["search/w/"+itoa(i)+".kbz"]), &s); err != nil {
			t.Fatal(err)
		}
		for term, p := range s.Terms {
			ps, err := unpackPostings(p)
			if err != nil {
				t.Fatal(err)
			}
			terms[term] = ps
		}
	}
	analyzer := idx.bleve.Mapping().AnalyzerNamed(analyzerName)
	for _, word := range []string{"firm", "affiliate", "webinar", "sponsorship", "link", "61", "union"} {
		term := analyze(analyzer, word)[0]
		docs, err := idx.storedDocs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		impact := map[string]float64{}
		doc := 0
		for i := 0; i < len(terms[term]); i += 2 {
			doc += terms[term][i]
			impact[docs[doc].ID] = decodeImpact(terms[term][i+1])
		}
		q := compile([]Clause{{Text: word}}, "", analyzer, true, nil)
		res, err := idx.bleve.Search(bleve.NewSearchRequestOptions(q, 100, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != len(impact) || len(res.Hits) == 0 {
			t.Fatalf("%s: Bleve finds %d documents, the export %d", word, len(res.Hits), len(impact))
		}
		ratio := res.Hits[0].Score / impact[res.Hits[0].ID]
		for _, h := range res.Hits {
			want := h.Score / ratio
			if math.Abs(want-impact[h.ID]) > 2*impactStep*(1+want) {
				t.Errorf("%s in %s: impact %.4f, want %.4f (Bleve's score over the query norm)", word, h.ID, impact[h.ID], want)
			}
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// gunzip decompresses a .kbz file of the export.
func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
