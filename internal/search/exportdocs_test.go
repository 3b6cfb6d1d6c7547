package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestExportDocumentsIsExport checks that the export made from documents
// (alone, and beside the index by BuildAndExport) is, byte for byte, the
// export read back from an index of them.
func TestExportDocumentsIsExport(t *testing.T) {
	t.Parallel()
	withCites := sampleDocs()
	withCites[0].Pins = []Pin{{Key: "art 61", Label: "MiCA Art. 61", Text: "Reverse\tsolicitation"}}
	withCites[1].Cites = []string{"art 61(1)", "art 61", "art 61(1)"}
	withCites[2].Cites = []string{"art 61", ""}
	withCites[4].Pins = []Pin{{Key: "art 61(1)", Anchor: "p1", Label: "MiCA Art. 61(1)", Text: "Where a client"}, {Key: "mica art 61(1)", Anchor: "p1"},
		{Key: "art 61(2)", Anchor: "p2", Label: "MiCA\tArt. 61(2)", Text: "A tab in the label"}}
	many := func(n int) []Document {
		var out []Document
		for i := range n {
			out = append(out, Document{ID: fmt.Sprintf("/p/%d/", i%97), URL: fmt.Sprintf("/p/%d/", i%97), Kind: []string{"scenario", "term"}[i%2],
				Title: fmt.Sprintf("Page %d on firms' marketing", i), Heading: []string{"", "Outcome"}[i%2],
				Body: fmt.Sprintf("The firm's %d clients — Zürich, Straße — solicit services; the client solicits %d times. Not the same, not own.", i, i%7),
				Cite: []string{"", "MiCA Art. 61(2)"}[i%3%2]})
		}
		return out // duplicate IDs: the last of each is indexed
	}
	tests := []struct {
		desc string
		give []Document
		opts ExportOptions
	}{
		{desc: "sample", give: sampleDocs()},
		{desc: "pinpoints and citations", give: withCites},
		{desc: "duplicate ids", give: many(300)},
		{desc: "few postings kept", give: many(300), opts: ExportOptions{MaxPostings: 3, ShardBytes: 512, ChunkDocs: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			want := exportWith(t, openSample(t, tt.give), tt.opts)
			exported := map[string][]byte{}
			if _, err := ExportDocuments(context.Background(), tt.give, func(name string, data []byte) error {
				exported[name] = data
				return nil
			}, tt.opts); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "index")
			built := map[string][]byte{}
			if _, err := BuildAndExport(context.Background(), dir, tt.give, func(name string, data []byte) error {
				built[name] = data
				return nil
			}, tt.opts); err != nil {
				t.Fatal(err)
			}
			for _, d := range tt.give {
				if d.Title != "" || d.Body != "" || d.Pins != nil || d.ID == "" || d.URL == "" {
					t.Fatalf("BuildAndExport left %+v, want its text and pinpoints emptied, its ID and URL kept", d)
				}
			}
			for _, got := range []map[string][]byte{exported, built} {
				if len(got) != len(want) {
					t.Errorf("%d files, want %d", len(got), len(want))
				}
				for name, data := range want {
					if string(got[name]) != string(data) {
						t.Errorf("%s differs:\n got %s\nwant %s", name, gunzip(t, got[name]), gunzip(t, data))
					}
				}
			}
			// BuildAndExport's index is Build's.
			other, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if again := exportWith(t, other, tt.opts); !equalFiles(again, want) {
				t.Error("the index BuildAndExport built exports other files")
			}
		})
	}
}

// TestSpilledPostings checks that postings moved to spill files export
// what postings kept in memory do, and that the files are removed.
func TestSpilledPostings(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var docs []Document
	for i := range 200 {
		docs = append(docs, Document{ID: fmt.Sprintf("/p/%03d/", i), URL: fmt.Sprintf("/p/%03d/", i/3), Kind: "scenario",
			Title: fmt.Sprintf("Reverse solicitation %d", i%5), Heading: []string{"", "Outcome", "Straße"}[i%3],
			Summary: "Where a client solicits the firm's services",
			Body:    fmt.Sprintf("The firm's clients — Zürich — solicit services %d times; reverse solicitation is the client's own initiative.", i%7),
			Cites:   []string{"art 61", fmt.Sprintf("art %d", i%4)}})
	}
	export := func(spillAt int) (map[string][]byte, *collector) {
		c := newCollector(docs)
		if spillAt > 0 {
			c.spillAt = spillAt
		}
		files := map[string][]byte{}
		if _, err := exportCollected(context.Background(), c, func(name string, data []byte) error {
			files[name] = data
			return nil
		}, ExportOptions{ShardBytes: 512}); err != nil {
			t.Fatal(err)
		}
		return files, c
	}
	want, kept := export(0)
	for _, w := range kept.workers {
		if w.spill.off > 0 {
			t.Fatal("the small site spilled postings")
		}
	}
	for _, at := range []int{1, 64} {
		got, c := export(at)
		spilled := int64(0)
		for _, w := range c.workers {
			spilled += w.spill.off
		}
		if spilled == 0 {
			t.Errorf("spilling at %d bytes spilled nothing", at)
		}
		if !equalFiles(got, want) {
			t.Errorf("spilling at %d bytes exports other files", at)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left behind: %s", left[0].Name())
	}
}

// TestBuildAndExportCancelled: a cancelled build returns the cancellation,
// writes no index and leaves nothing behind.
func TestBuildAndExportCancelled(t *testing.T) {
	t.Parallel()
	var docs []Document
	for i := range 2*batchSize + 10 {
		docs = append(docs, Document{ID: fmt.Sprintf("/p%d/", i), URL: fmt.Sprintf("/p%d/", i), Title: "Page", Body: "reverse solicitation"})
	}
	parent := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	written := 0
	_, err := BuildAndExport(ctx, filepath.Join(parent, "index"), docs, func(string, []byte) error {
		if written++; written == 10 {
			cancel()
		}
		return nil
	}, ExportOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("BuildAndExport = %v, want cancelled", err)
	}
	left, _ := os.ReadDir(parent)
	for _, e := range left {
		t.Errorf("left behind: %s", e.Name())
	}
}

func exportWith(t *testing.T, idx *Index, opts ExportOptions) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	if _, err := idx.Export(context.Background(), func(name string, data []byte) error {
		files[name] = data
		return nil
	}, opts); err != nil {
		t.Fatal(err)
	}
	return files
}

// TestBuildAndExportSpillsBesideIndex builds a site large enough to spill
// postings, with pinpoints, with no usable temp dir, as in kb's container
// image: the spill files go beside the index, and nothing of them is left.
func TestBuildAndExportSpillsBesideIndex(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	var docs []Document
	for i := range 3000 {
		docs = append(docs, Document{ID: fmt.Sprintf("/p/%04d/", i), URL: fmt.Sprintf("/p/%04d/", i), Kind: "scenario",
			Title: "Reverse solicitation", Body: fmt.Sprintf("The client's own initiative, case %d.", i),
			Pins: []Pin{{Key: fmt.Sprintf("art %d", i), Label: fmt.Sprintf("Art. %d", i), Text: "The client's own initiative."}}})
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "index")
	if _, err := BuildAndExport(context.Background(), dir, docs, func(string, []byte) error { return nil }, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "index" {
			t.Errorf("left beside the index: %s", e.Name())
		}
	}
}
