package workspace

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/kb-legal/kb/internal/search"
)

// testSite is a small site: a provision and a note citing it.
const testSite = `
-- kb.yaml --
title: Workspace site
-- content/_index.md --
---
title: Home
kind: page
---
Welcome. See [[rule]].
-- content/law/rule.md --
---
id: rule
title: "The rule"
kind: provision
cite: "PS Art. 1"
summary: "The rule."
---
{#p1} The first paragraph says ORIGINAL TEXT.

{#p2} A second paragraph.
-- content/notes/note.md --
---
id: note
title: "A note"
kind: commentary
summary: "A note citing the rule."
---
Under [[PS Art. 1(1)]] firms need a licence.
`

func writeTree(t testing.TB, dir, archive string) {
	t.Helper()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		writeFile(t, dir, f.Name, string(f.Data))
	}
}

func writeFile(t testing.TB, dir, name, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// openTest opens a workspace on a copy of testSite.
func openTest(t *testing.T, opts Options) (*Workspace, string) {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, testSite)
	opts.Build.Source = dir
	if opts.Logger == nil {
		opts.Logger = testLogger()
	}
	w, err := Open(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, dir
}

// settled waits, at most 30 s, for the build covering every change so far.
func settled(t *testing.T, w *Workspace) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	r, err := w.Settled(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func page(t *testing.T, r *Result, name string) string {
	t.Helper()
	data, ok := r.Build.Output[name]
	if !ok {
		t.Fatalf("no %s in the output", name)
	}
	return string(data)
}

// recorder is a subscriber that keeps every result it is given.
type recorder struct {
	mu      sync.Mutex
	results []*Result
}

func (r *recorder) record(res *Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, res)
}

func (r *recorder) seqs() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s []int
	for _, res := range r.results {
		s = append(s, res.Seq)
	}
	return s
}

// TestWorkspaceOverlays goes through an editor's session: a buffer typed
// with a mistake, its fix, a save of other text on disk while the buffer
// is open, and the buffer closed; every result reaches the subscriber in
// order.
func TestWorkspaceOverlays(t *testing.T) {
	t.Parallel()
	w, dir := openTest(t, Options{})
	var rec recorder
	cancel := w.Subscribe(rec.record)
	defer cancel()

	first := settled(t, w)
	if !first.Good() || !first.Everything || first.Seq != 1 || len(first.Sources) != 0 {
		t.Fatalf("first build: good %v, everything %v, seq %d, sources %v; problems %v",
			first.Good(), first.Everything, first.Seq, first.Sources, first.Problems())
	}
	if got := page(t, first, "law/rule/index.html"); !strings.Contains(got, "ORIGINAL TEXT") {
		t.Fatal("the rule page lacks its text")
	}

	const rule = "content/law/rule.md"
	broken := "---\nid: rule\ntitle: \"The rule\"\nkind: provision\ncite: \"PS Art. 1\"\n---\n{#p1} See [[nowhere]].\n"
	if err := w.SetOverlay(rule, []byte(broken)); err != nil {
		t.Fatal(err)
	}
	r := settled(t, w)
	probs := r.Problems()
	if r.Good() || len(probs) != 1 || probs[0].File != rule || probs[0].Line != 7 {
		t.Fatalf("a broken buffer: problems %v, want one at %s:7", probs, rule)
	}
	if got := w.Line(rule, 7); got != "{#p1} See [[nowhere]]." {
		t.Errorf("Line(%s, 7) = %q: not the buffer's", rule, got)
	}
	if r.Sources[0] != rule || r.Everything {
		t.Errorf("the build was for %v (everything %v), want %s", r.Sources, r.Everything, rule)
	}
	if got := page(t, r, "law/rule/index.html"); !strings.Contains(got, "ORIGINAL TEXT") {
		t.Error("a build with problems does not keep the last good site")
	}
	if w.Good() != first {
		t.Error("Good is not the last good build")
	}

	fixed := strings.Replace(broken, "See [[nowhere]].", "BUFFER TEXT.", 1)
	if err := w.SetOverlay(rule, []byte(fixed)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, rule, strings.Replace(fixed, "BUFFER TEXT", "SAVED ELSEWHERE", 1)) // unseen while the buffer is open
	r = settled(t, w)
	if !r.Good() || !strings.Contains(page(t, r, "law/rule/index.html"), "BUFFER TEXT") {
		t.Fatalf("the fixed buffer is not what is built: good %v, problems %v", r.Good(), r.Problems())
	}
	time.Sleep(300 * time.Millisecond) // the watcher's batch of the save
	r = settled(t, w)
	if got := page(t, r, "law/rule/index.html"); !strings.Contains(got, "BUFFER TEXT") {
		t.Error("a save on disk replaced the open buffer")
	}

	w.ClearOverlay(rule)
	r = settled(t, w)
	if got := page(t, r, "law/rule/index.html"); !r.Good() || !strings.Contains(got, "SAVED ELSEWHERE") {
		t.Error("the file on disk is not built once its buffer is closed")
	}

	seqs := rec.seqs()
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("the subscriber got builds %v, want 1, 2, 3… in order", seqs)
		}
	}
	if last := seqs[len(seqs)-1]; last != r.Seq {
		t.Errorf("the subscriber's last build is %d, the workspace's %d", last, r.Seq)
	}
}

// TestWorkspaceNewFileOverlay opens a buffer for a page not yet saved: it
// is built as if on disk, and gone once cleared.
func TestWorkspaceNewFileOverlay(t *testing.T) {
	t.Parallel()
	w, _ := openTest(t, Options{})
	settled(t, w)
	const name = "content/notes/draft.md"
	if err := w.SetOverlay(name, []byte("---\ntitle: \"Unsaved\"\nkind: commentary\n---\nNot on disk, citing [[PS Art. 1(2)]].\n")); err != nil {
		t.Fatal(err)
	}
	r := settled(t, w)
	if !r.Good() || !strings.Contains(page(t, r, "notes/draft/index.html"), "Not on disk") {
		t.Fatalf("an unsaved page is not built: problems %v", r.Problems())
	}
	if !strings.Contains(page(t, r, "law/rule/index.html"), "Unsaved") {
		t.Error("the rule's Cited by does not name the unsaved page")
	}
	w.ClearOverlay(name)
	r = settled(t, w)
	if _, ok := r.Build.Output["notes/draft/index.html"]; ok || !r.Good() {
		t.Error("a cleared unsaved page is still built")
	}
}

// TestWorkspaceBadOverlay refuses an overlay outside the site.
func TestWorkspaceBadOverlay(t *testing.T) {
	t.Parallel()
	w, _ := openTest(t, Options{})
	for _, name := range []string{"", ".", "../x.md", "/etc/passwd", "content//a.md"} {
		if err := w.SetOverlay(name, nil); err == nil {
			t.Errorf("SetOverlay(%q) accepted", name)
		}
	}
}

// TestWorkspaceSubscribe checks the subscriber API: a late subscriber is
// given the latest build at once; a cancelled one is given nothing more.
func TestWorkspaceSubscribe(t *testing.T) {
	t.Parallel()
	w, _ := openTest(t, Options{})
	first := settled(t, w)
	var late recorder
	cancel := w.Subscribe(late.record)
	if got := late.seqs(); len(got) != 1 || got[0] != first.Seq {
		t.Fatalf("a late subscriber got %v at once, want [%d]", got, first.Seq)
	}
	cancel()
	if err := w.SetOverlay("content/notes/note.md", []byte("---\ntitle: N\nkind: commentary\n---\nText.\n")); err != nil {
		t.Fatal(err)
	}
	if r := settled(t, w); r.Seq != first.Seq+1 {
		t.Fatalf("seq %d after one change, want %d", r.Seq, first.Seq+1)
	}
	if got := late.seqs(); len(got) != 1 {
		t.Errorf("a cancelled subscriber got %v", got)
	}
	w.Close()
	_ = w.SetOverlay("content/notes/note.md", []byte("after close"))
	if _, err := w.Settled(context.Background()); err == nil {
		t.Error("Settled on a closed workspace with a change pending returned no error")
	}
	w.Close() // harmless twice
}

// TestWorkspaceSearch searches the workspace's index: the first build's
// text, then an overlay's.
func TestWorkspaceSearch(t *testing.T) {
	t.Parallel()
	w, _ := openTest(t, Options{Search: true})
	found := func(word string) bool {
		res, err := w.Search(t.Context(), search.Request{Query: word, Limit: 10})
		if err != nil && !errors.Is(err, ErrIndexing) {
			t.Fatal(err)
		}
		return err == nil && len(res.Hits) == 1
	}
	eventually(t, "the first build is searchable", func() bool { return found("original") })
	if err := w.SetOverlay("content/notes/note.md", []byte("---\ntitle: N\nkind: commentary\n---\nA ZEBRAFINCH.\n")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the buffer is searchable", func() bool { return found("zebrafinch") })
	without, _ := openTest(t, Options{})
	if _, err := without.Search(t.Context(), search.Request{Query: "x"}); err == nil {
		t.Error("a workspace without search searched")
	}
}

// eventually polls cond until it holds, for at most 20s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestIndexingYieldsToRebuilds checks the gate between background
// indexing and builds: indexing waits while a build runs, goes on after
// it, and gives up when the workspace closes.
func TestIndexingYieldsToRebuilds(t *testing.T) {
	t.Parallel()
	y := newYielding()
	if err := y.wait(context.Background()); err != nil {
		t.Fatalf("wait with no build running: %v", err)
	}
	done := y.building()
	waited := make(chan error, 1)
	go func() { waited <- y.wait(context.Background()) }()
	select {
	case err := <-waited:
		t.Fatalf("wait returned (%v) while a build runs", err)
	case <-time.After(50 * time.Millisecond):
	}
	done()
	done() // harmless twice
	select {
	case err := <-waited:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wait did not return once the build was done")
	}
	y.building()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := y.wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait on a closed workspace = %v, want context.Canceled", err)
	}
}

// countingHandler counts log records by message.
type countingHandler struct {
	mu     sync.Mutex
	counts map[string]int
}

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts[r.Message]++
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

func (h *countingHandler) count(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[msg]
}

// TestIndexCompacts edits a page more times than the index takes updates
// before it is made whole again: the index is built afresh once, and
// searches find the last edit and not the ones before.
func TestIndexCompacts(t *testing.T) {
	t.Parallel()
	h := &countingHandler{counts: map[string]int{}}
	s := newIndex(slog.New(h), newYielding())
	defer s.close()
	docs := func(word string) []search.Document {
		return []search.Document{
			{ID: "/a/", URL: "/a/", Title: "A", Kind: "page", Body: "about " + word},
			{ID: "/b/", URL: "/b/", Title: "B", Kind: "page", Body: "unchanged text"},
		}
	}
	found := func(word string) bool {
		res, err := s.search(context.Background(), search.Request{Query: word, Limit: 10})
		return err == nil && len(res.Hits) == 1
	}
	s.update(docs("word0"), nil, true)
	for i := 1; i <= compactAfter+5; i++ {
		// One at a time, as edits come: a queue that overflows starts over.
		word := fmt.Sprintf("word%d", i)
		s.update(docs(word), []string{"a/index.html"}, false)
		eventually(t, word+" is searchable", func() bool { return found(word) })
	}
	if res, err := s.search(context.Background(), search.Request{Query: "word3", Limit: 10}); err != nil || len(res.Hits) != 0 {
		t.Errorf("an old edit is still found: %v %v", res, err)
	}
	if n := h.count("search indexed"); n != 2 {
		t.Errorf("the index was built %d times, want 2: once at first and once after %d updates", n, compactAfter)
	}
	// Builds faster than indexing are merged, never queued without end.
	for i := range 1000 {
		s.update(docs(fmt.Sprintf("burst%d", i)), []string{"a/index.html", "b/index.html"}, false)
	}
	eventually(t, "the last of a burst is searchable", func() bool { return found("burst999") })
	if found("burst998") {
		t.Error("an edit overwritten in the burst is still found")
	}
}
