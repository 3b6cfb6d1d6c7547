package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// TestBuildEmpty: a site with no page built no index; Bleve's offline
// builder panicked closing with no segment (code review, issue 2).
func TestBuildEmpty(t *testing.T) {
	t.Parallel()
	idx := openSample(t, nil)
	if n, err := idx.Count(); err != nil || n != 0 {
		t.Fatalf("Count = %d, %v; want 0", n, err)
	}
	if res, err := idx.Search(context.Background(), Request{Query: "anything"}); err != nil || len(res.Hits) != 0 {
		t.Fatalf("Search = %v, %v; want nothing", res, err)
	}
}

// cancelAfter is a context that is cancelled after n calls of Err (from
// any goroutine): a Ctrl-C at a chosen point of the build.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func newCancelAfter(n int) *cancelAfter {
	c := &cancelAfter{Context: context.Background()}
	c.n.Store(int64(n))
	return c
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestBuildCancelled: Ctrl-C during indexing closed the offline builder,
// which panicked (TestInterruptedBuildStress was flaky because of it). A
// cancelled build, in one segment or several, returns the cancellation and
// leaves nothing behind.
func TestBuildCancelled(t *testing.T) {
	t.Parallel()
	var docs []Document
	for i := range 2*batchSize + 10 {
		docs = append(docs, Document{ID: fmt.Sprintf("/p%d/", i), URL: fmt.Sprintf("/p%d/", i), Title: "Page", Body: "reverse solicitation"})
	}
	tests := []struct {
		desc  string
		after int
	}{
		{desc: "at once", after: 0},
		{desc: "within the first segment", after: 10},
		{desc: "after one segment", after: batchSize + 10},
		{desc: "after two segments", after: 2 * batchSize},
		{desc: "at the last document", after: len(docs) - 1},
	}
	for _, tt := range tests {
		for _, segments := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/segments=%d", tt.desc, segments), func(t *testing.T) {
				t.Parallel()
				parent := t.TempDir()
				dir := filepath.Join(parent, "index")
				err := buildSegments(newCancelAfter(tt.after), dir, docs, nil, batchSize, segments)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("build = %v, want cancelled", err)
				}
				left, _ := os.ReadDir(parent)
				for _, e := range left {
					t.Errorf("left behind: %s", e.Name())
				}
			})
		}
	}
}
