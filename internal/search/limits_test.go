package search

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestQueryLimits: a 940 KB query to /_kb/search cost 23 s of CPU and
// 506 MB (security review F4). Queries are capped in bytes and clauses.
func TestQueryLimits(t *testing.T) {
	t.Parallel()
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("firm ", n)) }
	tests := []struct {
		desc    string
		give    string
		wantCol int // 0: accepted
		wantMsg string
	}{
		{desc: "the most words", give: words(MaxClauses)},
		{desc: "one word too many", give: words(MaxClauses + 1), wantCol: 5*MaxClauses + 1, wantMsg: "too many words"},
		{desc: "the longest query", give: strings.Repeat("a", MaxQueryBytes)},
		{desc: "one byte too long", give: strings.Repeat("a", MaxQueryBytes+1), wantCol: MaxQueryBytes + 1, wantMsg: "query is too long (1025 bytes; the limit is 1024)"},
		{desc: "940 KB of words", give: words(940 << 10 / 5), wantCol: MaxQueryBytes + 1, wantMsg: "query is too long"},
		{desc: "operators alone are no clauses", give: strings.Repeat("+ ", 200)},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			_, err := ParseQuery(tt.give)
			var qe *QueryError
			switch {
			case tt.wantCol == 0 && err != nil:
				t.Fatalf("ParseQuery = %v, want it accepted", err)
			case tt.wantCol != 0 && (!errors.As(err, &qe) || qe.Col != tt.wantCol || !strings.Contains(qe.Msg, tt.wantMsg)):
				t.Fatalf("ParseQuery = %v, want %q at column %d", err, tt.wantMsg, tt.wantCol)
			}
		})
	}
}

// TestSearchCancelled: the work went on after the client had gone.
func TestSearchCancelled(t *testing.T) {
	t.Parallel()
	idx := openSample(t, sampleDocs())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := idx.Search(ctx, Request{Query: "webinar"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Search with a cancelled context = %v", err)
	}
}
