package main

import (
	"encoding/json"
	"github.com/kb-legal/kb/internal/cli"
	"testing"

	"github.com/kb-legal/kb/internal/build"
)

func TestRefsJSON(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, writerHome)
	code, stdout, stderr := kb(t, "refs", "--json", "--source", dir)
	if code != cli.OK {
		t.Fatalf("kb refs = %d: %s", code, stderr)
	}
	var refs []build.PageRefs
	if err := json.Unmarshal([]byte(stdout), &refs); err != nil {
		t.Fatal(err)
	}
	var a *build.PageRefs
	for i := range refs {
		if refs[i].ID == "a" {
			a = &refs[i]
		}
	}
	want := build.AnchorRef{ID: "p1", Ref: "[[a#p1]]", Label: "1", Citation: "Reg Art. 1(1)"}
	if a == nil || a.Cite != "Reg Art. 1" || a.File != "content/a.md" || len(a.Anchors) != 1 || a.Anchors[0] != want {
		t.Errorf("kb refs --json: page a = %+v, want cite Reg Art. 1 and anchor %+v", a, want)
	}
}
