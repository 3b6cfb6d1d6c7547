package e2e

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/gzipserve"
)

// basePath is the sub-path the site is published under, as on a GitHub
// Pages project site.
const basePath = "/kb/"

// published is the shipped content built for a sub-path and served.
type published struct {
	dir     string   // the built site on disk
	origin  string   // "http://127.0.0.1:PORT"
	baseURL string   // origin + basePath
	files   []string // every file of the site, slash-separated, sorted
}

// url returns the absolute URL of a site path such as "provisions/art-61/".
func (s *published) url(sitePath string) string {
	return s.baseURL + strings.TrimPrefix(sitePath, "/")
}

// htmlFiles returns the site's HTML files.
func (s *published) htmlFiles() []string {
	var out []string
	for _, f := range s.files {
		if strings.HasSuffix(f, ".html") {
			out = append(out, f)
		}
	}
	return out
}

// redirects says whether the page file is a moved page's old address,
// which sends the browser on to the new one (a meta refresh).
func (s *published) redirects(file string) bool {
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(file)))
	return err == nil && bytes.Contains(b, []byte(`http-equiv="refresh"`))
}

// pagePath is the URL path a file is served at: "a/index.html" → "/kb/a/".
func pagePath(file string) string {
	return basePath + strings.TrimSuffix(file, "index.html")
}

// TestPublishedSite builds the shipped content once, serves it from /kb/
// and runs every gate against it in parallel.
func TestPublishedSite(t *testing.T) {
	s := publish(t)
	t.Run("links", func(t *testing.T) { t.Parallel(); testLinks(t, s) })
	t.Run("publishing-files", func(t *testing.T) { t.Parallel(); testPublishingFiles(t, s) })
	t.Run("no-preview-code", func(t *testing.T) { t.Parallel(); testNoPreviewCode(t, s) })
	t.Run("no-raw-citations", func(t *testing.T) { t.Parallel(); testNoRawCitations(t, s) })
	t.Run("html-validity", func(t *testing.T) { t.Parallel(); testHTMLValidity(t, s) })
	t.Run("page-weight", func(t *testing.T) { t.Parallel(); testPageWeight(t, s) })
	t.Run("browser", func(t *testing.T) { t.Parallel(); testBrowser(t, s) })
}

// publish builds ../content the way `kb build --base-url` does and serves
// the output from /kb/ on a free local port until the test ends.
func publish(t *testing.T) *published {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &published{origin: "http://" + ln.Addr().String()}
	s.baseURL = s.origin + basePath

	tmp := t.TempDir()
	s.dir = filepath.Join(tmp, "public")
	res, err := build.RunWithIndex(context.Background(), build.Options{Source: "..", BaseURL: s.baseURL}, s.dir, filepath.Join(tmp, "index"))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("build of the shipped content has problems:\n%v", res.Problems)
	}
	err = filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(s.dir, p)
			s.files = append(s.files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(s.files)

	srv := &http.Server{Handler: staticHost(s.dir)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// staticHost serves dir under /kb/ like a static host: directories by their
// index.html, anything missing by 404.html with status 404, nothing outside
// the sub-path, its text gzip-compressed (Lighthouse's simulated phone
// network times the bytes on the wire).
func staticHost(dir string) http.Handler {
	root := os.DirFS(dir)
	files := http.FileServerFS(root)
	mux := http.NewServeMux()
	mux.Handle(basePath, http.StripPrefix(strings.TrimSuffix(basePath, "/"), gzipserve.Text(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		info, err := fs.Stat(root, name)
		if err == nil && info.IsDir() {
			_, err = fs.Stat(root, path.Join(name, "index.html"))
		}
		if errors.Is(err, fs.ErrNotExist) {
			page, err := fs.ReadFile(root, "404.html")
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			w.Write(page)
			return
		}
		files.ServeHTTP(w, r)
	}))))
	return mux
}

// requireTool skips the test when a tool the gate needs is missing, unless
// KB_REQUIRE_BROWSER is set (CI), where a missing tool is a failure.
func requireTool(t *testing.T, what, hint string) {
	t.Helper()
	if os.Getenv("KB_REQUIRE_BROWSER") != "" {
		t.Fatalf("%s is missing and KB_REQUIRE_BROWSER is set: %s", what, hint)
	}
	t.Skipf("skipping: %s is missing (%s); set KB_REQUIRE_BROWSER=1 to make this a failure", what, hint)
}
