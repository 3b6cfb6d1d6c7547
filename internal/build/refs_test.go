package build

import (
	"strings"
	"testing"
)

func TestWriteRefs(t *testing.T) {
	t.Parallel()
	rule := PageRefs{ID: "mica-art-61", Title: "Article 61", Kind: "provision", URL: "/mica/art-61/", File: "content/mica/art-61.md", Cite: "MiCA Art. 61",
		Anchors: []AnchorRef{{ID: "p1", Ref: "[[mica-art-61#p1]]", Label: "1", Citation: "MiCA Art. 61(1)"}, {ID: "scope", Ref: "[[mica-art-61#scope]]", Label: "Scope"}}}
	tests := []struct {
		desc     string
		give     []PageRefs
		wantText string
		wantJSON string
	}{
		{desc: "none", wantJSON: "[]\n"},
		{
			desc: "a page with a cite key and anchors, one without", give: []PageRefs{{ID: "home", Title: "Home", URL: "/"}, rule},
			wantText: "[[home]]  Home  ()\n[[mica-art-61]]  [[MiCA Art. 61]]  Article 61  (content/mica/art-61.md)\n" +
				"    [[mica-art-61#p1]]  1  = MiCA Art. 61(1)\n    [[mica-art-61#scope]]  Scope\n",
			wantJSON: `"cite": "MiCA Art. 61"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var text, js strings.Builder
			WriteRefs(&text, tt.give)
			if err := WriteRefsJSON(&js, tt.give); err != nil {
				t.Fatal(err)
			}
			if text.String() != tt.wantText {
				t.Errorf("WriteRefs = %q, want %q", text.String(), tt.wantText)
			}
			if !strings.Contains(js.String(), tt.wantJSON) {
				t.Errorf("WriteRefsJSON = %s, want it to hold %s", js.String(), tt.wantJSON)
			}
		})
	}
}
