package main

import (
	"encoding/json"
	"github.com/kb-legal/kb/internal/cli"
	"strings"
	"testing"
)

// citedSite has a source, a provision naming its official text, and
// commentary with cited and uncited prose.
var citedSite = map[string]string{
	"content/sources/mica.md": "---\nid: mica\ntitle: MiCA\nkind: source\npublisher: EU\npublished: 2023-06-09\n" +
		"url: http://data.europa.eu/eli/reg/2023/1114/oj\nreliability: primary\nreference: CELEX 32023R1114\n---\nThe regulation.\n",
	"content/provisions/art-61.md": "---\nid: art-61\ntitle: Art. 61\nkind: provision\ncite: MiCA Art. 61\nofficial: {source: mica}\n---\n" +
		"## Paragraph 1 {#p1}\n\nThe client must take the initiative on its own accord.\n\n" +
		"## Annotations\n\nThe exemption is narrow and the firm bears the risk.\n",
	"content/commentary/notes.md": "---\ntitle: Notes\nkind: commentary\n---\n" +
		"Firms should keep records of how each client came to them [@mica, Art. 61(1)].\n\n" +
		"A record kept at onboarding is worth more than a later declaration.\n\n" +
		"- [[art-61]]\n- [[art-61#p1]]\n\n" +
		"> [!OPEN] Duration\n> Nobody knows how long an exempt relationship may last.\n\n" +
		"Short line.\n",
}

func TestCheckCitations(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, citedSite)
	code, stdout, stderr := kb(t, "check", "--citations", "--source", dir)
	want := "content/commentary/notes.md:7:1: uncited paragraph\n" +
		"content/provisions/art-61.md:14:1: uncited paragraph\n" +
		"citations: 2 of 4 paragraphs cited (50.0%)\n" +
		"kb check: 3 pages, no problems\n"
	if code != cli.OK || stdout != want || stderr != "" {
		t.Errorf("kb check --citations = %d\nstdout:\n%s\nstderr:\n%s\nwant stdout:\n%s", code, stdout, stderr, want)
	}

	code, stdout, _ = kb(t, "check", "--citations", "--format", "json", "--source", dir)
	var report struct {
		Citations struct {
			Paragraphs, Cited int
			Percent           float64
			Uncited           []struct{ File, Message string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil || code != cli.OK {
		t.Fatalf("kb check --citations --format json = %d, %v:\n%s", code, err, stdout)
	}
	if c := report.Citations; c.Paragraphs != 4 || c.Cited != 2 || c.Percent != 50 || len(c.Uncited) != 2 || c.Uncited[0].Message != "uncited paragraph" {
		t.Errorf("JSON coverage = %+v", c)
	}

	withMin := map[string]string{"kb.yaml": "title: T\ncitations: {min_percent: 75}\n"}
	for k, v := range citedSite {
		withMin[k] = v
	}
	dir = writeSite(t, withMin)
	code, stdout, stderr = kb(t, "check", "--source", dir)
	wantErr := "kb.yaml:2:13: citations: 50.0% of paragraphs cited, below min_percent 75 (cite the paragraphs kb check --citations lists, with [[reference]] or [@source, pinpoint])\n"
	if code != cli.Problems || stdout != "" || !strings.HasPrefix(stderr, wantErr) {
		t.Errorf("kb check below min_percent = %d\nstdout:\n%s\nstderr:\n%s\nwant stderr to start:\n%s", code, stdout, stderr, wantErr)
	}
	if code, _, _ := kb(t, "build", "--source", dir, "--out", t.TempDir()+"/p", "--index", t.TempDir()+"/i"); code != cli.OK {
		t.Errorf("kb build fails below min_percent (%d); only kb check enforces it", code)
	}

	bad := map[string]string{"kb.yaml": "citations: {min_percent: 120}\n"}
	code, _, stderr = kb(t, "check", "--source", writeSite(t, bad))
	if code != cli.Problems || !strings.HasPrefix(stderr, "kb.yaml:1:13: citations: min_percent 120 is not between 0 and 100") {
		t.Errorf("min_percent 120: %d %s", code, stderr)
	}
}

func TestCheckUnknownSource(t *testing.T) {
	t.Parallel()
	site := map[string]string{}
	for k, v := range citedSite {
		site[k] = v
	}
	site["content/commentary/typo.md"] = "---\ntitle: Typo\nkind: commentary\n---\nAs the law says [@mcia, Art. 61(2)].\n"
	code, _, stderr := kb(t, "check", "--source", writeSite(t, site))
	want := `content/commentary/typo.md:5:17: unknown source "mcia" (did you mean "mica"?)`
	if code != cli.Problems || !strings.HasPrefix(stderr, want) {
		t.Errorf("kb check with an unknown source = %d\n%s\nwant %s", code, stderr, want)
	}
}
