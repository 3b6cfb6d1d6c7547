package minify

import (
	"strings"
	"testing"
)

func TestAsset(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		desc, name, give, want string
	}{
		{desc: "css loses comments and spaces", name: "style.css", give: "/* colours */\nbody {\n  color : #ff0000 ;\n}\n", want: "body{color:red}"},
		{desc: "js loses comments and spaces", name: "kb.js", give: "// says hi\nvar greeting = \"hi\" ;\n", want: `var greeting="hi"`},
		{desc: "other files are kept", name: "favicon.svg", give: "<svg> </svg>", want: "<svg> </svg>"},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, err := Asset(tt.name, []byte(tt.give))
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSuffix(string(got), ";") != tt.want {
				t.Errorf("Asset(%q) = %q, want %q", tt.name, got, tt.want)
			}
			again, _ := Asset(tt.name, []byte(tt.give))
			if string(again) != string(got) {
				t.Errorf("Asset is not deterministic: %q then %q", got, again)
			}
		})
	}
	if _, err := Asset("bad.js", []byte("var = ;")); err == nil || !strings.Contains(err.Error(), "bad.js") {
		t.Errorf("a script that does not parse: err = %v, want one naming the file", err)
	}
}
