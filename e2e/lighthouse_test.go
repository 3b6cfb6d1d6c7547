package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/browsertest"
)

// lighthouseMin is the least score every audited page must have in each
// Lighthouse category (performance, accessibility, best practices, SEO),
// on a phone and on a desktop; performance leaves out total blocking
// time, which measures the CI machine's CPU (see lighthouse.mjs).
const lighthouseMin = 0.95

// lighthousePages are the pages audited: the home page, a provision, a
// guideline, a scenario, the matrix and the search page with results.
var lighthousePages = []string{"", "provisions/art-61/", "esma/solicitation/", "scenarios/influencers/", "matrix/", "search/?q=solicitation"}

// TestLighthouse audits the key pages of the shipped content with
// Lighthouse (npm, pinned in e2e/package.json) on the system Chromium.
// It runs after TestPublishedSite's parallel gates, alone, so that their
// load does not count against the performance scores.
func TestLighthouse(t *testing.T) {
	chromium := browsertest.Path()
	if chromium == "" {
		requireTool(t, "chromium", "apt-get install chromium, or set KB_CHROMIUM")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		requireTool(t, "node", "install Node.js 18 or later")
	}
	if _, err := os.Stat("node_modules/lighthouse/package.json"); err != nil {
		requireTool(t, "e2e/node_modules/lighthouse", "run `npm ci --prefix e2e --ignore-scripts`")
	}
	s := publish(t)
	args := []string{"lighthouse.mjs", fmt.Sprint(lighthouseMin), chromium}
	for _, p := range lighthousePages {
		args = append(args, s.url(p))
	}
	start := time.Now()
	cmd := exec.Command(node, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lighthouse: %v\n%s", err, stderr.String())
	}
	type audit struct {
		URL        string             `json:"url"`
		FormFactor string             `json:"formFactor"`
		Runs       int                `json:"runs"`
		Scores     map[string]float64 `json:"scores"`
		Short      []string           `json:"short"`
		Errors     []string           `json:"errors"`
		// Lighthouse's own performance score; the gated one in Scores
		// leaves out the CPU-bound audits (see lighthouse.mjs).
		Lighthouse float64 `json:"lighthousePerformance"`
	}
	var audits []audit
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a audit
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("lighthouse printed %q: %v", sc.Text(), err)
		}
		audits = append(audits, a)
	}
	if want := 2 * len(lighthousePages); len(audits) != want {
		t.Fatalf("lighthouse made %d audits, want %d:\n%s\n%s", len(audits), want, out, stderr.String())
	}
	categories := []string{"performance", "accessibility", "best-practices", "seo"}
	for _, a := range audits {
		page := strings.TrimPrefix(a.URL, s.origin)
		var row strings.Builder
		low := false
		for _, c := range categories {
			score, ok := a.Scores[c]
			fmt.Fprintf(&row, " | %.0f", score*100)
			low = low || !ok || score < lighthouseMin
		}
		t.Logf("| %s | %s%s | (%d %s; Lighthouse's performance %.0f)", page, a.FormFactor, row.String(), a.Runs, map[bool]string{true: "run", false: "runs, median"}[a.Runs == 1], a.Lighthouse*100)
		if low || len(a.Errors) > 0 {
			t.Errorf("%s (%s): scores %v, want each of %v at least %.0f; %s\n  %s", page, a.FormFactor, a.Scores,
				categories, lighthouseMin*100, strings.Join(a.Errors, "; "), strings.Join(a.Short, "\n  "))
		}
	}
	t.Logf("%d audits in %s", len(audits), time.Since(start).Round(time.Second))
}
