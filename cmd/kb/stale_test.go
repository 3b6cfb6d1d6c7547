package main

import (
	"github.com/kb-legal/kb/internal/cli"
	"strings"
	"testing"
)

// staleSite has a provision reviewed every year, a scenario every 90
// days, a page of no review, and a source newer than a page citing it.
var staleSite = map[string]string{
	"kb.yaml":                "title: Stale\nreview: {every: 1y, scenario: 90d, page: never}\n",
	"content/law/a.md":       "---\ntitle: A\nkind: provision\nas_of: 2025-01-01\n---\nA rule [@src, p. 1].\n",
	"content/law/b.md":       "---\ntitle: B\nkind: provision\nas_of: 2026-01-01\n---\nAnother rule.\n",
	"content/cases/c.md":     "---\ntitle: C\nkind: scenario\nas_of: 2026-01-01\nfacts: F.\nquestion: Q?\noutcome: uncertain\nrisk: low\n---\nSee [[law-b]].\n",
	"content/about.md":       "---\ntitle: About\nas_of: 2020-01-01\n---\nOld, never reviewed.\n",
	"content/sources/src.md": "---\ntitle: The statement\nkind: source\npublisher: ESMA\npublished: 2025-06-23\nurl: https://esma.example/s\nreliability: primary\nreference: ESMA-1\n---\nA statement.\n",
}

func TestCheckStale(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, staleSite)
	code, out, errs := kb(t, "check", "--source", dir, "--stale", "--today", "2026-06-01")
	if code != cli.OK {
		t.Fatalf("kb check --stale: exit %d, want 0 (warnings only)\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"content/law/a.md:4:8: warning: review due: as_of 2025-01-01 is 516 days old (kb.yaml review: 1y for provision pages)",
		"content/law/a.md:4:8: warning: cites [@src] (The statement), published 2025-06-23, after the page's as_of 2025-01-01",
		"content/cases/c.md:4:8: warning: review due: as_of 2026-01-01 is 151 days old (kb.yaml review: 90d for scenario pages)",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("kb check --stale lacks %q:\n%s", want, errs)
		}
	}
	for _, not := range []string{"law/b.md", "about.md"} {
		if strings.Contains(errs, not) {
			t.Errorf("kb check --stale lists %s, which is not due:\n%s", not, errs)
		}
	}
	if !strings.Contains(out, "3 warnings due for review") {
		t.Errorf("summary: %q", out)
	}

	code, _, errs = kb(t, "check", "--source", dir, "--stale", "--strict", "--today", "2026-06-01")
	if code != cli.Problems || !strings.Contains(errs, "content/law/a.md:4:8: review due") {
		t.Errorf("--strict: exit %d, want %d, with the pages as errors:\n%s", code, cli.Problems, errs)
	}
	if code, _, errs = kb(t, "check", "--source", dir, "--today", "2026-06-01"); code != cli.OK || strings.Contains(errs, "review due") {
		t.Errorf("without --stale: exit %d\n%s", code, errs)
	}
	if code, _, _ = kb(t, "check", "--source", dir, "--stale", "--today", "2025-02-01"); code != cli.OK {
		t.Errorf("a day before anything is due: exit %d", code)
	}
	if code, _, errs = kb(t, "check", "--source", dir, "--today", "June"); code != cli.Usage || !strings.Contains(errs, `--today "June" is not a date`) {
		t.Errorf("a bad --today: exit %d\n%s", code, errs)
	}
}

func TestReviewConfigProblems(t *testing.T) {
	t.Parallel()
	for give, want := range map[string]string{
		"review: {evry: 180d}\n":      `kb.yaml:2:10: review: unknown key "evry" (did you mean "every"? review: takes every: and the kinds`,
		"review: {every: 6 months}\n": `kb.yaml:2:10: review: every: "6 months" is not an interval`,
	} {
		dir := writeSite(t, map[string]string{"kb.yaml": "title: T\n" + give, "content/a.md": "---\ntitle: A\n---\nA.\n"})
		code, _, errs := kb(t, "check", "--source", dir)
		if code != cli.Problems || !strings.Contains(errs, want) {
			t.Errorf("%q: exit %d, want %q in\n%s", give, code, want, errs)
		}
	}
}
