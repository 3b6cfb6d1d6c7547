package check

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/diag"
)

var (
	problem = diag.Problem{File: "content/a.md", Line: 3, Col: 5, Message: "unresolved reference \"x\"", Hint: "did you mean \"y\"?"}
	warning = diag.Problem{File: "content/tags.md", Line: 2, Col: 1, Message: "tag groups nothing"}
	drafted = diag.Problem{File: "content/draft.md", Line: 4, Col: 2, Message: "unknown kind"}
)

func TestReport(t *testing.T) {
	t.Parallel()
	found := &build.Result{Problems: diag.List{problem}, Warnings: diag.List{drafted, warning}, Drafts: []string{"content/draft.md"}}
	clean := &build.Result{Coverage: build.Coverage{Paragraphs: 3, Cited: 1, Listed: true}}
	tests := []struct {
		desc       string
		res        *build.Result
		err        error
		format     Format
		wantFailed bool
		wantOut    string
		wantErr    string
	}{
		{
			desc: "text: warnings, problems and the count, on stderr", res: found, format: Text, wantFailed: true,
			wantErr: "content/draft.md:4:2: warning: unknown kind\ncontent/tags.md:2:1: warning: tag groups nothing\n" +
				"content/a.md:3:5: unresolved reference \"x\" (did you mean \"y\"?)\nkb: 1 problem; nothing was written\n",
		},
		{desc: "text: nothing found, nothing said", res: &build.Result{}, format: Text},
		{
			desc: "github: a draft's warning says so", res: found, format: GitHub, wantFailed: true,
			wantOut: "::warning file=content/draft.md,line=4,col=2::draft: unknown kind\n::warning file=content/tags.md,line=2,col=1::tag groups nothing\n" +
				"::error file=content/a.md,line=3,col=5::unresolved reference \"x\" (did you mean \"y\"?)\n",
		},
		{
			desc: "json: empty lists, not null, and the coverage when listed", res: clean, format: JSON,
			wantOut: "{\n  \"problems\": [],\n  \"warnings\": [],\n  \"citations\": {\n    \"paragraphs\": 3,\n    \"cited\": 1,\n    \"percent\": 33.3,\n    \"uncited\": []\n  }\n}\n",
		},
		{desc: "an error, made printable", err: errors.New("search index: bad\x1b[2J"), format: JSON, wantFailed: true, wantErr: "kb: search index: bad\ufffd[2J\n"},
		{desc: "interrupted", err: context.Canceled, format: Text, wantFailed: true, wantErr: "kb: interrupted; the previous output is unchanged\n"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var out, errOut strings.Builder
			failed := Report(&out, &errOut, tt.res, tt.err, tt.format)
			if failed != tt.wantFailed || out.String() != tt.wantOut || errOut.String() != tt.wantErr {
				t.Errorf("Report = %v\nstdout %q\n want  %q\nstderr %q\n want  %q", failed, out.String(), tt.wantOut, errOut.String(), tt.wantErr)
			}
		})
	}
}

func TestWriteCoverage(t *testing.T) {
	t.Parallel()
	c := build.Coverage{Paragraphs: 2, Cited: 1, Listed: true, Uncited: diag.List{{File: "content/a.md", Line: 7, Col: 1, Message: "uncited paragraph"}}}
	tests := []struct {
		format Format
		want   string
	}{
		{Text, "content/a.md:7:1: uncited paragraph\ncitations: 1 of 2 paragraphs cited (50.0%)\n"},
		{GitHub, "::warning file=content/a.md,line=7,col=1::uncited paragraph\n::notice::citations: 1 of 2 paragraphs cited (50.0%25)\n"},
		{JSON, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			writeCoverage(&b, c, tt.format)
			if b.String() != tt.want {
				t.Errorf("writeCoverage(%s) = %q, want %q", tt.format, b.String(), tt.want)
			}
		})
	}
}

func TestWriteSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give Result
		want string
	}{
		{"clean", Result{Result: &build.Result{Pages: 1}}, "kb check: 1 pages, no problems\n"},
		{"warnings", Result{Result: &build.Result{Pages: 9}, Warned: 1}, "kb check: 9 pages, no problems (1 warning)\n"},
		{"due for review", Result{Result: &build.Result{Pages: 9, Stale: diag.List{warning, problem}}, Warned: 2}, "kb check: 9 pages, no problems (2 warnings); 2 warnings due for review\n"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			tt.give.writeSummary(&b)
			if b.String() != tt.want {
				t.Errorf("writeSummary = %q, want %q", b.String(), tt.want)
			}
		})
	}
}

// TestResultWrite checks the order of a check's report: the coverage
// when asked for, even when the check failed, then the problems, then the
// summary of a check that passed, in text only.
func TestResultWrite(t *testing.T) {
	t.Parallel()
	coverage := build.Coverage{Paragraphs: 2, Cited: 1, Listed: true, Uncited: diag.List{{File: "content/a.md", Line: 7, Col: 1, Message: "uncited paragraph"}}}
	clean := func(citations bool) *Result {
		return &Result{Result: &build.Result{Pages: 2, Coverage: coverage, Warnings: diag.List{warning}}, Warned: 1, citations: citations}
	}
	broken := func(citations bool) *Result {
		return &Result{Result: &build.Result{Problems: diag.List{problem}}, citations: citations}
	}
	tests := []struct {
		desc       string
		give       *Result
		format     Format
		wantFailed bool
		wantOut    string
		wantErr    string
	}{
		{desc: "text: warnings, then the summary", give: clean(false), format: Text,
			wantOut: "kb check: 2 pages, no problems (1 warning)\n",
			wantErr: "content/tags.md:2:1: warning: tag groups nothing\n"},
		{desc: "text with citations: the coverage first", give: clean(true), format: Text,
			wantOut: "content/a.md:7:1: uncited paragraph\ncitations: 1 of 2 paragraphs cited (50.0%)\nkb check: 2 pages, no problems (1 warning)\n",
			wantErr: "content/tags.md:2:1: warning: tag groups nothing\n"},
		{desc: "text, failed: no summary", give: broken(false), format: Text, wantFailed: true,
			wantErr: "content/a.md:3:5: unresolved reference \"x\" (did you mean \"y\"?)\nkb: 1 problem; nothing was written\n"},
		{desc: "text, failed, with citations: coverage not measured, not 100%", give: broken(true), format: Text, wantFailed: true,
			wantOut: "citations: not measured, the site has problems\n",
			wantErr: "content/a.md:3:5: unresolved reference \"x\" (did you mean \"y\"?)\nkb: 1 problem; nothing was written\n"},
		{desc: "github, failed, with citations: coverage not measured", give: broken(true), format: GitHub, wantFailed: true,
			wantOut: "::notice::citations: not measured, the site has problems\n::error file=content/a.md,line=3,col=5::unresolved reference \"x\" (did you mean \"y\"?)\n"},
		{desc: "json, failed, with citations: no coverage", give: broken(true), format: JSON, wantFailed: true,
			wantOut: "{\n  \"problems\": [\n    {\n      \"file\": \"content/a.md\",\n      \"line\": 3,\n      \"col\": 5,\n      \"message\": \"unresolved reference \\\"x\\\"\",\n      \"hint\": \"did you mean \\\"y\\\"?\"\n    }\n  ],\n  \"warnings\": []\n}\n"},
		{desc: "github: no summary", give: clean(false), format: GitHub,
			wantOut: "::warning file=content/tags.md,line=2,col=1::tag groups nothing\n"},
		{desc: "json: the coverage inside the report", give: clean(true), format: JSON,
			wantOut: `{
  "problems": [],
  "warnings": [
    {
      "file": "content/tags.md",
      "line": 2,
      "col": 1,
      "message": "tag groups nothing"
    }
  ],
  "citations": {
    "paragraphs": 2,
    "cited": 1,
    "percent": 50,
    "uncited": [
      {
        "file": "content/a.md",
        "line": 7,
        "col": 1,
        "message": "uncited paragraph"
      }
    ]
  }
}
`},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var out, errOut strings.Builder
			failed := tt.give.Write(&out, &errOut, tt.format)
			if failed != tt.wantFailed || out.String() != tt.wantOut || errOut.String() != tt.wantErr {
				t.Errorf("Write = %v\nstdout %q\n want  %q\nstderr %q\n want  %q", failed, out.String(), tt.wantOut, errOut.String(), tt.wantErr)
			}
		})
	}
}

// TestRun: a draft's problems are warnings unless drafts are published;
// pages due for review are warnings, or problems when strict.
func TestRun(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"kb.yaml":           {Data: []byte("title: T\nreview: {every: 1y}\n")},
		"content/_index.md": {Data: []byte("---\ntitle: Home\n---\nSee [[a]].\n")},
		"content/a.md":      {Data: []byte("---\nid: a\ntitle: A\nas_of: 2020-01-01\n---\nText.\n")},
		"content/draft.md":  {Data: []byte("---\ntitle: Draft\ndraft: true\n---\nSee [[nowhere]].\n")},
	}
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		desc         string
		opts         build.Options
		strict       bool
		wantProblems int
		wantWarnings int
		wantWarned   int
	}{
		{desc: "a draft's problem is a warning", opts: build.Options{Today: today}, wantWarnings: 1, wantWarned: 1},
		{desc: "published drafts' problems are problems", opts: build.Options{Today: today, Drafts: true}, wantProblems: 1},
		{desc: "due for review: a warning", opts: build.Options{Today: today, Stale: true}, wantWarnings: 2, wantWarned: 1},
		{desc: "due for review, strict: a problem", opts: build.Options{Today: today, Stale: true}, strict: true, wantProblems: 1, wantWarnings: 1, wantWarned: 1},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			res, err := Run(context.Background(), site, tt.opts, tt.strict)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Problems) != tt.wantProblems || len(res.Warnings) != tt.wantWarnings || res.Warned != tt.wantWarned {
				t.Errorf("Run: %d problems %v, %d warnings %v, warned %d; want %d, %d, %d",
					len(res.Problems), res.Problems, len(res.Warnings), res.Warnings, res.Warned, tt.wantProblems, tt.wantWarnings, tt.wantWarned)
			}
		})
	}
}

// TestRefsWrite: kb refs lists what a writer can cite even when the site
// has problems, after them and a note that the list may miss pages.
func TestRefsWrite(t *testing.T) {
	t.Parallel()
	refs := []build.PageRefs{{ID: "a", Title: "A", File: "content/a.md"}}
	tests := []struct {
		desc             string
		give             *Refs
		asJSON           bool
		wantOut, wantErr string
	}{
		{desc: "a clean site: the list only", give: &Refs{&build.Result{Refs: refs}},
			wantOut: "[[a]]  A  (content/a.md)\n"},
		{desc: "json", give: &Refs{&build.Result{Refs: refs}}, asJSON: true,
			wantOut: "[\n  {\n    \"id\": \"a\",\n    \"title\": \"A\",\n    \"kind\": \"\",\n    \"url\": \"\",\n    \"file\": \"content/a.md\"\n  }\n]\n"},
		{desc: "problems: the note and the problems, then the list", give: &Refs{&build.Result{Refs: refs, Problems: diag.List{problem}}},
			wantOut: "[[a]]  A  (content/a.md)\n",
			wantErr: "kb refs: the site has problems; the list below may miss the pages they concern\n" +
				"content/a.md:3:5: unresolved reference \"x\" (did you mean \"y\"?)\nkb: 1 problem; nothing was written\n"},
		{desc: "nothing to cite, in json: an empty array", give: &Refs{&build.Result{}}, asJSON: true, wantOut: "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var out, errOut strings.Builder
			tt.give.Write(&out, &errOut, tt.asJSON)
			if out.String() != tt.wantOut || errOut.String() != tt.wantErr {
				t.Errorf("Write\nstdout %q\n want  %q\nstderr %q\n want  %q", out.String(), tt.wantOut, errOut.String(), tt.wantErr)
			}
		})
	}
}
