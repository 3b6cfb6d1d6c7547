package site

import "testing"

func TestSnapshot(t *testing.T) {
	t.Parallel()
	art := &Page{FrontMatter: FrontMatter{ID: "art-61", Title: "Article 61", Kind: "provision", Cite: "MiCA Art. 61"},
		File: "art-61.md", URL: "/art-61/", Section: "/", Anchors: []Anchor{{ID: "p2"}}}
	draft := &Page{FrontMatter: FrontMatter{ID: "idea", Title: "Idea", Draft: true}, File: "idea.md", URL: "/idea/", Section: "/"}
	s, probs := New(DefaultConfig(), []*Page{art})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	s.SetDrafts([]*Page{draft})
	snap := s.Snapshot()

	// A later build updates the page in place: the snapshot keeps what it had.
	art.Anchors = []Anchor{{ID: "p3"}}
	got, err := snap.Resolve("MiCA Art. 61(2)")
	if err != nil || got.Page.ID != "art-61" || got.Anchor != "p2" || got.Page == art {
		t.Errorf("snapshot Resolve = %+v, %v; want a copy of art-61 at p2", got, err)
	}
	if _, err := snap.Resolve("idea"); err == nil || err.Error() != `cites draft page "idea" (not published)` {
		t.Errorf("snapshot Resolve(draft) = %v, want the draft error", err)
	}
	if snap.ByURL("/art-61/") != snap.ByID("art-61") || snap.ByFile("art-61.md") != snap.ByID("art-61") || len(snap.Pages) != len(s.Pages) {
		t.Error("snapshot lookups disagree")
	}
	if (*Site)(nil).Snapshot() != nil {
		t.Error("nil.Snapshot() != nil")
	}
}
