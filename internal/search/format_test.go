package search

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kb-legal/kb/internal/site"
)

// formatDocs are documents with every field the static client shows set,
// and some left empty, which the export leaves out.
func formatDocs() []Document {
	return []Document{
		{ID: "/provisions/art-61/", URL: "/provisions/art-61/", Title: "Article 61", Kind: "provision", Cite: "MiCA Art. 61",
			Summary: "Services at the client's own exclusive initiative.", Body: "Lead text of the article.",
			Pins: []Pin{{Key: "mica art 61", Label: "MiCA Art. 61", Text: "Article 61"}}},
		{ID: "/provisions/art-61/#p1", URL: "/provisions/art-61/", Anchor: "p1", Title: "Article 61", Heading: "Paragraph 1",
			Kind: "provision", Cite: "MiCA Art. 61(1)", Summary: "Services at the client's own exclusive initiative.",
			Body: "Where a client established in the Union initiates the provision of a crypto-asset service, firms are exempt.",
			Pins: []Pin{{Key: "mica art 61(1)", Anchor: "p1", Label: "MiCA Art. 61(1)", Text: "Where a client established"}}},
		{ID: "/scenarios/webinar/", URL: "/scenarios/webinar/", Title: "Webinar", Kind: "scenario",
			Body: "An affiliate runs webinars, citing the rule on solicitation.", Cites: []string{"mica art 61(1)"}},
	}
}

// TestExportFormat reads an export as the static client (search.js) does,
// as plain JSON, and checks every field the client reads: a field dropped
// or renamed in the export fails here, not only in a browser.
func TestExportFormat(t *testing.T) {
	t.Parallel()
	docs := formatDocs()
	files := exportMap(t, openSample(t, docs))
	decode := func(name string) map[string]any {
		t.Helper()
		data, ok := files[name]
		if !ok {
			t.Fatalf("the export has no %s; it has %v", name, slices.Sorted(maps.Keys(files)))
		}
		var v map[string]any
		if err := json.Unmarshal(gunzip(t, data), &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}

	meta := decode("search/meta.kbz")
	want := map[string]any{"docs": 3.0, "scale": float64(Scale), "step": impactStep, "cite": site.CitationPattern, "pins": true,
		"pageDocs": []any{2.0, 1.0}, "kinds": []any{"provision", "scenario"}, "pageKind": []any{0.0, 1.0}}
	for key, w := range want {
		if got := meta[key]; !reflect.DeepEqual(got, w) {
			t.Errorf("meta %q = %#v, want %#v", key, got, w)
		}
	}
	if h, _ := meta["hash"].(string); h == "" {
		t.Errorf("meta hash = %#v, want a content hash", meta["hash"])
	}
	if c, _ := meta["chunk"].(float64); c < 1 {
		t.Errorf("meta chunk = %#v, want documents per chunk", meta["chunk"])
	}
	if stop, _ := meta["stop"].([]any); !slices.Contains(stop, any("the")) || slices.Contains(stop, any("not")) {
		t.Errorf("meta stop = %v, want the stop list (with the, without not)", meta["stop"])
	}
	if infl, _ := meta["infl"].([]any); len(infl) == 0 {
		t.Errorf("meta infl = %#v, want the inflection rules", meta["infl"])
	}
	keys, _ := meta["keys"].([]any)
	if len(keys) == 0 {
		t.Fatalf("meta keys = %#v, want the shard keys", meta["keys"])
	}

	// Every shard: its terms' postings, and the words and inflections
	// mapped to them.
	seen := map[string]bool{}
	for i := range keys {
		shard := decode(fmt.Sprintf("search/w/%d.kbz", i))
		for k := range shard {
			seen[k] = true
		}
		if _, ok := shard["t"].(map[string]any); !ok {
			t.Errorf("shard %d has no terms: %v", i, slices.Sorted(maps.Keys(shard)))
		}
	}
	for _, k := range []string{"t", "w", "i"} {
		if !seen[k] {
			t.Errorf("no shard has %q", k)
		}
	}

	// The pinpoints a query may cite and who cites them.
	cites := decode("search/c/art-61.kbz")
	pins, _ := cites["p"].(map[string]any)
	if got := pins["mica art 61(1)"]; !reflect.DeepEqual(got, []any{[]any{1.0, "p1", "MiCA Art. 61(1)", "Where a client established"}}) {
		t.Errorf("cite file pin = %#v", got)
	}
	citers, _ := cites["t"].(map[string]any)
	if got, _ := citers["mica art 61(1)"].([]any); len(got) != 2 || got[0] != 2.0 {
		t.Errorf("cite file citers = %#v, want [2 (the webinar), impact]", citers["mica art 61(1)"])
	}

	// The documents, in ID order, as a hit shows them.
	var shown []any
	for c := 0; ; c++ {
		data, ok := files[fmt.Sprintf("search/d/%d.kbz", c)]
		if !ok {
			break
		}
		var chunk []any
		if err := json.Unmarshal(gunzip(t, data), &chunk); err != nil {
			t.Fatal(err)
		}
		shown = append(shown, chunk...)
	}
	slices.SortFunc(docs, func(a, b Document) int { return strings.Compare(a.ID, b.ID) })
	if len(shown) != len(docs) {
		t.Fatalf("%d documents exported, want %d", len(shown), len(docs))
	}
	chunk := int(meta["chunk"].(float64))
	start := 0 // the page's first document
	for i, d := range docs {
		want := map[string]any{"u": d.URL, "t": d.Title, "k": d.Kind, "b": d.Body}
		for key, v := range map[string]string{"a": d.Anchor, "h": d.Heading, "s": d.Summary} {
			if v != "" {
				want[key] = v
			}
		}
		// The page's first document in a chunk outlines a page of sections.
		if docs[start].URL != d.URL {
			start = i
		}
		var outline []any
		for j := start; j < len(docs) && docs[j].URL == d.URL; j++ {
			outline = append(outline, []any{docs[j].Anchor, docs[j].Heading})
		}
		if len(outline) > 1 && (i == start || i%chunk == 0) {
			want["o"] = outline
		}
		if !reflect.DeepEqual(shown[i], any(want)) {
			t.Errorf("document %d (%s):\n got %v\nwant %v", i, d.ID, shown[i], want)
		}
	}
}

// TestShardJSON checks that a shard file written by hand is what
// encoding/json writes of it, which the client and the tests decode.
func TestShardJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give shardFile
	}{
		{desc: "terms only", give: shardFile{Terms: map[string]json.RawMessage{"firm": json.RawMessage("[0,123]")}}},
		{desc: "empty maps left out", give: shardFile{Words: map[string]string{}, Infl: map[string]int{},
			Terms: map[string]json.RawMessage{"b": json.RawMessage("[1,2,3,4]"), "a": json.RawMessage("[0,9]")}}},
		{desc: "words, inflections and escapes", give: shardFile{
			Words: map[string]string{"zürich": "zurich", "a<b>&c": "abc", "line\u2028sep": "line", `quo"te`: "quote"},
			Infl:  map[string]int{"solicit": 5, "firm": 1 << 30},
			Terms: map[string]json.RawMessage{"zurich": json.RawMessage("[3,1]"), "abc": json.RawMessage("[0,1,2,1]")}}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			writesAsJSON(t, &tt.give)
		})
	}
}

// writesAsJSON checks that v's appendJSON writes what encoding/json does.
func writesAsJSON(t *testing.T, v interface{ appendJSON([]byte) []byte }) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.appendJSON(nil); string(got) != string(want) {
		t.Errorf("appendJSON =\n%s\nwant (encoding/json)\n%s", got, want)
	}
}

// TestDocFileJSON checks that a document is written as encoding/json
// writes it.
func TestDocFileJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give docFile
	}{
		{desc: "empty", give: docFile{}},
		{desc: "required only", give: docFile{URL: "/a/", Title: "A", Kind: "provision"}},
		{desc: "all, escaped", give: docFile{URL: "/a/?x=<1>&y", Anchor: "p1", Title: `"Quoted" & co`, Heading: "Art. 1 › scope",
			Kind: "guidance", Summary: "Zürich\tline\u2028sep\x01", Body: "bad\xffutf8 body…",
			Outline: [][2]string{{"", "Lead"}, {"p1", "<b>Art. 1</b>"}}}},
		{desc: "empty outline", give: docFile{URL: "/b/", Title: "B", Kind: "k", Outline: [][2]string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			writesAsJSON(t, &tt.give)
		})
	}
}

// TestPinRowJSON checks that a pinpoint's row is written as encoding/json
// writes the []any of its fields.
func TestPinRowJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give pinRow
	}{
		{desc: "plain", give: pinRow{12, "p1", "MiCA Art. 61(1)", "Where a client"}},
		{desc: "empty", give: pinRow{}},
		{desc: "escapes", give: pinRow{3, "a<b>", "\"Art.\" & co", "Zürich\tline\u2028sep\x01"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			r := tt.give
			want, err := json.Marshal([][]any{{r.doc, r.anchor, r.label, r.text}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal([]pinRow{r})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("pinRow = %s, want (encoding/json) %s", got, want)
			}
		})
	}
}

// FuzzAppendString checks appendString against encoding/json.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "a<b>&c", `quo"te\\`, "tab\tnl\n\b\f\r\x01\x7f", "Zürich", "line\u2028sep\u2029", "bad\xffutf8\xe2\x82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendString(%q) = %s, want (encoding/json) %s", s, got[1:], want)
		}
	})
}
