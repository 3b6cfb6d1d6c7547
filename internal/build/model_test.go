package build

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestModel(t *testing.T) {
	t.Parallel()
	fsys := archiveFS(t, "testdata/site.txtar")
	res, _ := generateMem(t, fsys, Options{Model: true})
	m := res.Model
	if m == nil || m.Site.ByID("mica-art-61") == nil {
		t.Fatalf("Model = %+v, want the site", m)
	}
	uses := m.Uses["scenarios/sponsorship.md"]
	var got []string
	for _, u := range uses {
		got = append(got, u.Target)
		p := m.Site.ByFile("scenarios/sponsorship.md")
		if u.Offset >= 0 && !strings.HasPrefix(string(p.Body[u.Offset:]), "[[") {
			t.Errorf("use %q at %d: body there is %q, want [[", u.Target, u.Offset, p.Body[u.Offset:min(len(p.Body), u.Offset+10)])
		}
	}
	want := []string{"MiCA Art. 61(1)", "mica-art-61#p1-sub2|second subparagraph", "esma-gl-solicitation#para-13", "MiCA Art. 61(1)", "mica-art-61#p2"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("uses = %q, want %q (applies first, then in document order)", got, want)
	}

	// With problems, the model is still made: an editor completes on it.
	fsys["content/broken.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Broken\n---\nSee [[nowhere]].\n")}
	res, _ = generateMem(t, fsys, Options{Model: true})
	if len(res.Problems) == 0 || res.Model == nil || len(res.Model.Uses["broken.md"]) != 1 {
		t.Errorf("a build with problems: problems %v, model %+v; want both", res.Problems, res.Model)
	}
	if res, _ := generateMem(t, fsys, Options{}); res.Model != nil {
		t.Error("Model made without Options.Model")
	}
}
