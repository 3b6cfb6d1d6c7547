package site

import (
	"strings"
	"testing"
)

// TestVocabulary: a scenario's outcome, risk and trigger must be among
// kb.yaml's values, with "did you mean" for a near miss.
func TestVocabulary(t *testing.T) {
	t.Parallel()
	config := "vocabulary:\n  triggers: [Sponsorship, {value: Website language, label: \"Website language\"}]\n"
	tests := []struct {
		desc   string
		config string
		give   string // front matter lines after kind: scenario
		want   []string
	}{
		{desc: "all known", config: config, give: "outcome: uncertain\nrisk: high\ntrigger: Sponsorship\n"},
		{desc: "trigger in the wrong case", config: config, give: "outcome: uncertain\nrisk: high\ntrigger: sponsorship\n",
			want: []string{`content/s.md:7:10: scenario trigger "sponsorship" is not one of the site's triggers (did you mean "Sponsorship"? kb.yaml's vocabulary: lists the triggers)`}},
		{desc: "outcome cut short", config: config, give: "outcome: unavailable\nrisk: high\n",
			want: []string{`content/s.md:5:10: scenario outcome "unavailable" is not one of the site's outcomes (did you mean "exemption-unavailable"? kb.yaml's vocabulary: lists the outcomes)`}},
		{desc: "risk far off", config: config, give: "outcome: uncertain\nrisk: severe\n",
			want: []string{`content/s.md:6:7: scenario risk "severe" is not one of the site's risks (use one of "high", "medium", "low"; kb.yaml's vocabulary: lists them)`}},
		{desc: "no triggers listed: any trigger", config: "", give: "outcome: uncertain\nrisk: high\ntrigger: anything\n"},
		{desc: "the site's own outcomes", config: "vocabulary:\n  outcomes: [allowed, forbidden]\n", give: "outcome: uncertain\nrisk: high\n",
			want: []string{`content/s.md:5:10: scenario outcome "uncertain" is not one of the site's outcomes (use one of "allowed", "forbidden"; kb.yaml's vocabulary: lists them)`}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			cfg, probs := ParseConfig([]byte("title: T\n" + tt.config))
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			p, probs := ParsePage(Source{File: "s.md", Data: []byte("---\ntitle: S\nkind: scenario\nfacts: f\n" + tt.give + "question: q\n---\nx\n")})
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			_, probs = New(cfg, []*Page{p})
			var got []string
			for _, q := range probs {
				got = append(got, q.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestVocabularyConfigProblems(t *testing.T) {
	t.Parallel()
	for give, want := range map[string]string{
		"vocabulary:\n  risks: [high, high]\n":    `kb.yaml:2:3: vocabulary: risks lists "high" twice (list each value once)`,
		"vocabulary:\n  outcomes: [{label: x}]\n": `kb.yaml:2:3: vocabulary: an empty value among outcomes (each entry is a value, or {value: …, label: …})`,
		"vocabulary:\n  triggrs: [a]\n":           `kb.yaml:2:3: unknown field "triggrs"`,
	} {
		_, probs := ParseConfig([]byte(give))
		if len(probs) != 1 || !strings.HasPrefix(probs[0].String(), want) {
			t.Errorf("ParseConfig(%q) = %v, want %s", give, probs, want)
		}
	}
}
