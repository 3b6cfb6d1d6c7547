package main

import (
	"github.com/kb-legal/kb/internal/cli"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// relevanceCase is a query of the relevance suite and the result a reader
// expects first: a page ("/terms/same-type/"), which must be among the top
// 3 hits, or a pinpoint ("/provisions/art-61/#p2"), which must be hit 1.
type relevanceCase struct{ query, want string }

// rank is the 1-based place of the expected result among hits
// ("url#anchor"), or 0 when it is not there.
func (c relevanceCase) rank(hits []string) int {
	for i, h := range hits {
		if strings.Contains(c.want, "#") && h == c.want || !strings.Contains(c.want, "#") && strings.HasPrefix(h, c.want+"#") {
			return i + 1
		}
	}
	return 0
}

func (c relevanceCase) met(hits []string) bool {
	r := c.rank(hits)
	if strings.Contains(c.want, "#") {
		return r == 1
	}
	return r >= 1 && r <= 3
}

func (c relevanceCase) describe() string {
	if strings.Contains(c.want, "#") {
		return c.want + " first"
	}
	return c.want + " among them"
}

// relevanceScores are the mean reciprocal rank (over the top 10) and the
// shares of queries whose expected result is hit 1 and among the top 3.
func relevanceScores(cases []relevanceCase, hits func(query string) []string) (mrr, top1, top3 float64) {
	for _, c := range cases {
		r := c.rank(hits(c.query))
		if r > 0 {
			mrr += 1 / float64(r)
		}
		if r == 1 {
			top1++
		}
		if r >= 1 && r <= 3 {
			top3++
		}
	}
	n := float64(len(cases))
	return mrr / n, top1 / n, top3 / n
}

// BenchmarkRelevance builds the shipped content and reports how well
// `kb search` and the static client rank the relevance suite: MRR, top-1
// and top-3 rates, the same for both when they agree.
func BenchmarkRelevance(b *testing.B) {
	dir := b.TempDir()
	public, index := filepath.Join(dir, "public"), filepath.Join(dir, "index")
	if code, _, errOut := kb(b, "build", "--source", "../..", "--out", public, "--index", index); code != cli.OK {
		b.Fatalf("kb build: exit %d: %s", code, errOut)
	}
	cases := relevanceCases(b)
	var queries []string
	for _, c := range cases {
		queries = append(queries, c.query)
	}
	bleve := func(q string) []string {
		var out []string
		for _, h := range kbSearch(b, index, 10, q) {
			out = append(out, h.URL+"#"+h.Anchor)
		}
		return out
	}
	for b.Loop() {
		bleve(queries[0])
	}
	mrr, top1, top3 := relevanceScores(cases, bleve)
	b.ReportMetric(mrr, "MRR")
	b.ReportMetric(top1*100, "top1-%")
	b.ReportMetric(top3*100, "top3-%")
	node, err := exec.LookPath("node")
	if err != nil {
		b.Log("node is not installed: no figures for the static client")
		return
	}
	static := runStaticSearch(b, node, public, 10, queries)
	mrr, top1, top3 = relevanceScores(cases, func(q string) []string {
		var out []string
		for _, h := range static[slices.Index(queries, q)].Hits {
			out = append(out, h.URL+"#"+h.Anchor)
		}
		return out
	})
	b.ReportMetric(mrr, "static-MRR")
	b.ReportMetric(top1*100, "static-top1-%")
	b.ReportMetric(top3*100, "static-top3-%")
}
