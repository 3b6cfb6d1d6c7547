package markup

import (
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// TestChromaTimesOutRules pins down why setMatchTimeout exists: chroma
// gives a lexer's rules 250 ms to match. If this fails because chroma
// stopped doing so, patientLexers can go.
func TestChromaTimesOutRules(t *testing.T) {
	rl := chroma.MustNewLexer(&chroma.Config{Name: "kb-test"}, func() chroma.Rules {
		return chroma.Rules{"root": {{Pattern: `\w+`, Type: chroma.Text}, {Pattern: `\W+`, Type: chroma.Text}}}
	})
	rules, err := compiledRules(rl)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules["root"] {
		if got := r.Regexp.MatchTimeout; got != 250*time.Millisecond {
			t.Errorf("chroma compiles %q with a match timeout of %v, want 250ms", r.Pattern, got)
		}
	}
}

// TestPatientLexers highlights a code block as a page does and checks
// that the lexers it used, and one a lexer delegates to by name, give
// their rules matchTimeout, not chroma's 250 ms.
func TestPatientLexers(t *testing.T) {
	md := New(Options{})
	src := "```yaml\nkey: value\nlist: [a, b]\n```\n\n```html\n<script>var a = 1;</script>\n```\n"
	out, err := md.RenderString(md.Parse([]byte(src), ParseOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `class="chroma"`) {
		t.Fatalf("no highlighted code in\n%s", out)
	}
	for _, name := range []string{"yaml", "html", "javascript"} {
		l, ok := lexers.Get(name).(*patientLexer)
		if !ok {
			t.Errorf("lexers.Get(%q) is %T, want *patientLexer", name, lexers.Get(name))
			continue
		}
		rules, err := compiledRules(l.RegexLexer)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for state, list := range rules {
			for _, r := range list {
				if r.Regexp == nil {
					continue
				}
				n++
				if r.Regexp.MatchTimeout != matchTimeout {
					t.Errorf("%s, state %s, rule %q: match timeout %v, want %v", name, state, r.Pattern, r.Regexp.MatchTimeout, matchTimeout)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no compiled rules", name)
		}
	}
}
