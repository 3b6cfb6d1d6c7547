package main

import (
	"encoding/json"
	"github.com/kb-legal/kb/internal/cli"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/serve"
)

// writerHome is a small valid site that each mistake below adds a file to
// or replaces a file of.
var writerHome = map[string]string{
	"kb.yaml":           "title: T\n",
	"content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
	"content/a.md":      "---\nid: a\ntitle: A\ncite: \"Reg Art. 1\"\n---\n## One {#p1}\n\nText.\n",
}

// writerMistakes are the mistakes a writer makes, one per case, with kb
// check's exit code and the exact problem it prints, position included.
var writerMistakes = []struct {
	desc  string
	give  map[string]string // files added to writerHome
	args  []string          // extra kb check flags
	want  int
	wantL string // a whole line of stderr
}{
	{
		desc: "draft with problems is a warning",
		give: map[string]string{"content/idea.md": "---\ntitle: Idea\ndraft: true\n---\nSee [[nowhere]].\n"},
		want: cli.OK, wantL: `content/idea.md:5:5: warning: unresolved reference "nowhere" (no page has that id or cite key)`,
	},
	{
		desc: "draft whose front matter does not parse is a warning",
		give: map[string]string{"content/idea.md": "---\ntitle: Idea\ndraft: true\nkind: scenaro\n---\nx\n"},
		want: cli.OK, wantL: `content/idea.md:4:7: warning: unknown kind "scenaro" (did you mean "scenario"?)`,
	},
	{
		desc: "citing a draft",
		give: map[string]string{
			"content/idea.md": "---\nid: idea\ntitle: Idea\ndraft: true\n---\nx\n",
			"content/b.md":    "---\ntitle: B\n---\nSee [[idea]].\n",
		},
		want: cli.Problems, wantL: `content/b.md:4:5: cites draft page "idea" (not published) (content/idea.md has draft: true: publish it first by removing that line, or cite it later)`,
	},
	{
		desc: "linking to a draft's file",
		give: map[string]string{
			"content/idea.md": "---\nid: idea\ntitle: Idea\ndraft: true\n---\nx\n",
			"content/b.md":    "---\ntitle: B\n---\nSee [the idea](idea.md).\n",
		},
		want: cli.Problems, wantL: `content/b.md:4:5: cites draft page "idea" (not published) (content/idea.md has draft: true: publish it first by removing that line, or cite it later)`,
	},
	{
		desc: "with --drafts a draft's problems are problems",
		give: map[string]string{"content/idea.md": "---\ntitle: Idea\ndraft: true\n---\nSee [[nowhere]].\n"},
		args: []string{"--drafts"},
		want: cli.Problems, wantL: `content/idea.md:5:5: unresolved reference "nowhere" (no page has that id or cite key)`,
	},
	{
		desc: "unclosed reference, column in characters after — and curly quotes",
		give: map[string]string{"content/b.md": "---\ntitle: B\n---\nThe firm’s “offer” — compare [[scenario-sponsorship.\n"},
		want: cli.Problems, wantL: `content/b.md:4:30: "[[" without a matching "]]" on the same line (close the reference: [[page-id]] or [[page-id#anchor|label]]; for the brackets themselves write \[[)`,
	},
	{
		desc: "reference with one closing bracket",
		give: map[string]string{"content/b.md": "---\ntitle: B\n---\nSee [[a#p1|paragraph 1] here.\n"},
		want: cli.Problems, wantL: `content/b.md:4:5: "[[" without a matching "]]" on the same line (close the reference: [[page-id]] or [[page-id#anchor|label]]; for the brackets themselves write \[[)`,
	},
	{
		desc: "empty reference",
		give: map[string]string{"content/b.md": "---\ntitle: B\n---\nSee [[ ]].\n"},
		want: cli.Problems, wantL: `content/b.md:4:5: empty reference [[ ]] (write [[page-id]], [[page-id#anchor]] or [[MiCA Art. 61(2)]])`,
	},
	{
		desc: "malformed anchor",
		give: map[string]string{"content/b.md": "---\ntitle: B\n---\n{#p 2} bad anchor.\n"},
		want: cli.Problems, wantL: `content/b.md:4:1: malformed anchor {#p 2} (an anchor is {#id}: letters, digits and dashes, no spaces; for the text itself write \{#)`,
	},
	{
		desc: "one problem for a bad kind",
		give: map[string]string{"content/b.md": "---\ntitle: B\nkind: scenaro\nfacts: x\noutcome: maybe\n---\nx\n"},
		want: cli.Problems, wantL: `kb: 1 problem; nothing was written`,
	},
	{
		desc: "aliases on a page that is not a term",
		give: map[string]string{"content/b.md": "---\ntitle: B\naliases: [\"/old/\"]\n---\nx\n"},
		want: cli.Problems, wantL: `content/b.md:3:1: aliases: is only for kind: term (other names of a defined term) (remove it; to keep an old address of a moved page working, list it under moved_from:)`,
	},
	{
		desc: "duplicate id on the file not edited too",
		give: map[string]string{"content/b.md": "---\nid: a\ntitle: B\n---\nx\n"},
		want: cli.Problems, wantL: `content/a.md:2:5: duplicate id "a", also used by b.md (ids must be unique; change one of them)`,
	},
	{
		desc: "unclosed quote in YAML, at the line where it starts",
		give: map[string]string{"content/b.md": "---\nkind: page\ntitle: \"Shirt sponsorship\nsummary: \"x\"\ntags: [a]\n---\nx\n"},
		want: cli.Problems, wantL: `content/b.md:3:8: front matter: the quoted value of title: that starts here is not closed (end it with " before the next field)`,
	},
	{
		desc: "kb.yaml did you mean",
		give: map[string]string{"kb.yaml": "title: T\nnotce: x\n"},
		want: cli.Problems, wantL: `kb.yaml:2:1: unknown field "notce" (did you mean "notice"? A site's own fields go under params:)`,
	},
	{
		desc: "a term defined twice, named on both files",
		give: map[string]string{
			"content/t1.md": "---\ntitle: Solicitation\nkind: term\nterm: solicitation\n---\nx\n",
			"content/t2.md": "---\ntitle: Brand advertising\nkind: term\nterm: brand advertising\naliases: [\"Solicitation\"]\n---\nx\n",
		},
		want: cli.Problems, wantL: `content/t1.md:4:7: term "solicitation" is also defined by content/t2.md (a word can link to one definition only; remove it from one page or make it an alias of the other)`,
	},
	{
		desc: "the same, on the other file",
		give: map[string]string{
			"content/t1.md": "---\ntitle: Solicitation\nkind: term\nterm: solicitation\n---\nx\n",
			"content/t2.md": "---\ntitle: Brand advertising\nkind: term\nterm: brand advertising\naliases: [\"Solicitation\"]\n---\nx\n",
		},
		want: cli.Problems, wantL: `content/t2.md:5:10: term "Solicitation" is also defined by content/t1.md (a word can link to one definition only; remove it from one page or make it an alias of the other)`,
	},
	{
		desc: "a trigger spelt differently from kb.yaml's",
		give: map[string]string{
			"kb.yaml":      "title: T\nvocabulary:\n  triggers: [Sponsorship]\n",
			"content/s.md": "---\ntitle: S\nkind: scenario\nfacts: f\nquestion: q\noutcome: uncertain\nrisk: high\ntrigger: \"sponsorship\"\n---\nx\n",
		},
		want: cli.Problems, wantL: `content/s.md:8:10: scenario trigger "sponsorship" is not one of the site's triggers (did you mean "Sponsorship"? kb.yaml's vocabulary: lists the triggers)`,
	},
}

// TestWriterMistakes checks each of writerMistakes through kb check.
func TestWriterMistakes(t *testing.T) {
	t.Parallel()
	for _, tt := range writerMistakes {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			files := map[string]string{}
			for k, v := range writerHome {
				files[k] = v
			}
			for k, v := range tt.give {
				files[k] = v
			}
			dir := writeSite(t, files)
			code, stdout, stderr := kb(t, append([]string{"check", "--source", dir}, tt.args...)...)
			lines := strings.Split(stderr, "\n")
			found := false
			for _, l := range lines {
				found = found || l == tt.wantL
			}
			if code != tt.want || !found {
				t.Errorf("kb check = %d\nstdout: %s\nstderr: %s\nwant %d and the line\n%s", code, stdout, stderr, tt.want, tt.wantL)
			}
		})
	}
}

// TestPreviewMistakes makes the same mistakes with kb serve running: each
// shows in /_kb/errors with the same position, message and the offending
// line, while the last good site stays served; fixed, it goes.
func TestPreviewMistakes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, data := range writerHome {
		writeSource(t, dir, name, data)
	}
	_, ts := startTestPreview(t, dir)
	eventually(t, "the first build is served", func() bool {
		code, body := fetch(t, ts.URL+"/a/")
		return code == 200 && strings.Contains(body, "Text.")
	})
	for _, tt := range writerMistakes {
		if tt.want != cli.Problems || tt.args != nil || tt.give["kb.yaml"] != "" || !strings.HasPrefix(tt.wantL, "content/") {
			continue
		}
		for name, data := range tt.give {
			writeSource(t, dir, name, data)
		}
		var got []serve.Problem
		eventually(t, tt.desc+": shown in /_kb/errors", func() bool {
			_, body := fetch(t, ts.URL+"/_kb/errors")
			got = nil
			_ = json.Unmarshal([]byte(body), &got)
			for _, p := range got {
				if (diag.Problem{File: p.File, Line: p.Line, Col: p.Col, Message: p.Message, Hint: p.Hint}).String() == tt.wantL {
					return p.Excerpt != ""
				}
			}
			return false
		})
		if code, body := fetch(t, ts.URL+"/a/"); code != 200 || !strings.Contains(body, "Text.") {
			t.Errorf("%s: the last good site is not served", tt.desc)
		}
		for name := range tt.give {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, tt.desc+": gone once fixed", func() bool {
			_, body := fetch(t, ts.URL+"/_kb/errors")
			return strings.TrimSpace(body) == "[]"
		})
	}
}
