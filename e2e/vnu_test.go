package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// vnuJar is the Nu HTML Checker as npm's vnu-jar ships it.
const vnuJar = "node_modules/vnu-jar/build/dist/vnu.jar"

// testHTMLValidity runs the Nu HTML Checker over every built page and the
// theme's stylesheets: no errors allowed.
func testHTMLValidity(t *testing.T, s *published) {
	java, err := exec.LookPath("java")
	if err != nil {
		requireTool(t, "java", "install a JRE 17 or later")
	}
	if _, err := os.Stat(vnuJar); err != nil {
		requireTool(t, "e2e/"+vnuJar, "run `npm ci --prefix e2e`")
	}
	var files []string
	for _, f := range s.files {
		if strings.HasSuffix(f, ".html") || strings.HasSuffix(f, ".css") {
			files = append(files, filepath.Join(s.dir, f))
		}
	}
	args := append([]string{"-jar", vnuJar, "--errors-only", "--also-check-css", "--format", "gnu"}, files...)
	out, err := exec.Command(java, args...).CombinedOutput()
	report := strings.ReplaceAll(strings.TrimSpace(string(out)), s.dir+string(filepath.Separator), "")
	if err != nil || report != "" {
		t.Errorf("Nu HTML Checker (%v):\n%s", err, report)
	}
	t.Logf("%d files checked", len(files))
}
