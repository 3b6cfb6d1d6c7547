package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/search"
)

var site = map[string][]byte{
	"index.html":             []byte("<!doctype html><html><body><h1>Home</h1></body></html>"),
	"a/b/index.html":         []byte("<!doctype html><html><body><p>Page B</p></BODY></html>"),
	"404.html":               []byte("<!doctype html><html><body><p>Not here</p></body></html>"),
	"assets/style.1234.css":  []byte("body{color:red}"),
	"assets/kb.5678.js":      []byte("console.log(1)"),
	"sitemap.xml":            []byte("<?xml version=\"1.0\"?><urlset/>"),
	"robots.txt":             []byte("User-agent: *\n"),
	"docs/empty/note.json":   []byte(`{"a":1}`),
	"images/logo.svg":        []byte("<svg/>"),
	"weird name/index.html":  []byte("<html><body>spaces</body></html>"),
	"search/index.json":      []byte(`[]`),
	"only-file-no-index.txt": []byte("x"),
}

func newServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s := New(opts)
	s.Publish(Update{Files: site, All: true})
	ts := httptest.NewServer(s.Handler(""))
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return s, ts
}

func get(t *testing.T, method, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestServeFiles(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, Options{})
	tests := []struct {
		desc, path   string
		status       int
		ctype        string
		bodyContains string
		location     string
	}{
		{"home", "/", 200, "text/html; charset=utf-8", "<h1>Home</h1>", ""},
		{"a page", "/a/b/", 200, "text/html; charset=utf-8", "Page B", ""},
		{"a page without its slash", "/a/b", 301, "text/html; charset=utf-8", "", "/a/b/"},
		{"an index file by name", "/a/b/index.html", 200, "text/html; charset=utf-8", "Page B", ""},
		{"a folder without index: no listing", "/a/", 404, "text/html; charset=utf-8", "Not here", ""},
		{"a folder of files: no listing", "/docs/empty/", 404, "text/html; charset=utf-8", "Not here", ""},
		{"css", "/assets/style.1234.css", 200, "text/css; charset=utf-8", "color:red", ""},
		{"js", "/assets/kb.5678.js", 200, "text/javascript; charset=utf-8", "console.log", ""},
		{"xml", "/sitemap.xml", 200, "application/xml; charset=utf-8", "urlset", ""},
		{"txt", "/robots.txt", 200, "text/plain; charset=utf-8", "User-agent", ""},
		{"json", "/docs/empty/note.json", 200, "application/json", `"a":1`, ""},
		{"svg", "/images/logo.svg", 200, "image/svg+xml", "<svg/>", ""},
		{"escaped space", "/weird%20name/", 200, "text/html; charset=utf-8", "spaces", ""},
		{"missing", "/nope/", 404, "text/html; charset=utf-8", "Not here", ""},
		{"the live script", "/_kb/live.js", 200, "text/javascript; charset=utf-8", "EventSource", ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			res, body := get(t, "GET", ts.URL+tt.path, nil)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if !strings.Contains(body, tt.bodyContains) {
				t.Errorf("body %q lacks %q", body, tt.bodyContains)
			}
			if got := res.Header.Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			isHTML := strings.HasPrefix(tt.ctype, "text/html") && tt.status != 301
			if got := strings.Count(body, script); isHTML && got != 1 || !isHTML && got != 0 && tt.path != "/_kb/live.js" {
				t.Errorf("the live script appears %d times in a %s response", got, tt.ctype)
			}
			if isHTML && !strings.Contains(strings.ToLower(body), script+"</body>") {
				t.Errorf("the script is not just before </body>: %q", body)
			}
		})
	}
}

// TestTraversal asks for places outside the site in every spelling we know.
// The site lives in memory, so none can be served; each must be refused
// or be an ordinary 404, and none may answer 200.
func TestTraversal(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, Options{})
	paths := []string{
		"/../etc/passwd",
		"/a/../../etc/passwd",
		"/%2e%2e/etc/passwd",
		"/%2E%2E%2Fetc%2Fpasswd",
		"/a/%2e%2e/%2e%2e/index.html",
		"/..%2findex.html",
		"/..%5cindex.html",
		"/a\\b\\index.html",
		"/a/b/..\\..\\index.html",
		"/%5c%5cserver%5cshare",
		"//etc/passwd",
		"/a//b/",
		"/./index.html",
		"/a/./b/",
		"/index.html%00.css",
		"/%252e%252e/index.html",
		"/etc/passwd",
		"/proc/self/environ",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			// A raw request line: clients would clean these paths first.
			conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, "GET "+p+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != 400 && res.StatusCode != 404 {
				t.Errorf("%s: status %d, want 400 or 404; body %q", p, res.StatusCode, body)
			}
			if strings.Contains(string(body), "root:") {
				t.Errorf("%s: served something from outside the site", p)
			}
		})
	}
}

func TestSiteName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, give string
		want       string
		ok         bool
	}{
		{"root", "/", "", true},
		{"page", "/a/b/", "a/b/", true},
		{"file", "/a/s.css", "a/s.css", true},
		{"dotdot", "/a/../b", "", false},
		{"trailing dotdot", "/a/..", "", false},
		{"dot", "/./a", "", false},
		{"backslash", "/a\\..\\b", "", false},
		{"nul", "/a\x00", "", false},
		{"double slash", "//a", "", false},
		{"relative", "a/b", "", false},
		{"dots in a name", "/a..b/c...css", "a..b/c...css", true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, ok := siteName(tt.give)
			if got != tt.want || ok != tt.ok {
				t.Errorf("siteName(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// FuzzSiteName checks that an accepted path names a place inside the site.
func FuzzSiteName(f *testing.F) {
	for _, s := range []string{"/", "/a/b/", "/../x", "/a/./b", "/a\\b", "//", "/a/..", "/...", "/%2e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		name, ok := siteName(p)
		if !ok {
			return
		}
		if strings.ContainsAny(name, "\\\x00") {
			t.Fatalf("siteName(%q) = %q, with a backslash or NUL", p, name)
		}
		trimmed := strings.TrimSuffix(name, "/")
		if name != "" && (path.Clean("/"+trimmed) != "/"+trimmed || slices.Contains(strings.Split(trimmed, "/"), "..")) {
			t.Fatalf("siteName(%q) = %q, which is not a clean path inside the site", p, name)
		}
	})
}

func TestMethods(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, Options{})
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"} {
		res, _ := get(t, m, ts.URL+"/", nil)
		if res.StatusCode != 405 || res.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: status %d, Allow %q; want 405, GET, HEAD", m, res.StatusCode, res.Header.Get("Allow"))
		}
	}
	res, body := get(t, "HEAD", ts.URL+"/a/b/", nil)
	if res.StatusCode != 200 || body != "" || res.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD: status %d, body %q, length %q", res.StatusCode, body, res.Header.Get("Content-Length"))
	}
	res, body = get(t, "HEAD", ts.URL+"/missing/", nil)
	if res.StatusCode != 404 || body != "" {
		t.Errorf("HEAD of a missing page: status %d, body %q", res.StatusCode, body)
	}
}

func TestConditionalRequests(t *testing.T) {
	t.Parallel()
	s, ts := newServer(t, Options{})
	res, _ := get(t, "GET", ts.URL+"/a/b/", nil)
	etag, mod := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	if etag == "" || mod == "" {
		t.Fatalf("ETag %q, Last-Modified %q: want both", etag, mod)
	}
	res, body := get(t, "GET", ts.URL+"/a/b/", http.Header{"If-None-Match": {etag}})
	if res.StatusCode != 304 || body != "" {
		t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
	}
	res, _ = get(t, "GET", ts.URL+"/a/b/", http.Header{"If-Modified-Since": {mod}})
	if res.StatusCode != 304 {
		t.Errorf("If-Modified-Since: status %d, want 304", res.StatusCode)
	}

	// A new version of the page gets a new ETag; an unchanged file keeps its own.
	cssRes, _ := get(t, "GET", ts.URL+"/assets/style.1234.css", nil)
	files := map[string][]byte{}
	for k, v := range site {
		files[k] = v
	}
	files["a/b/index.html"] = []byte("<html><body>B, edited</body></html>")
	s.Publish(Update{Files: files, Changed: []string{"a/b/index.html"}})
	res, body = get(t, "GET", ts.URL+"/a/b/", http.Header{"If-None-Match": {etag}})
	if res.StatusCode != 200 || !strings.Contains(body, "B, edited") || res.Header.Get("ETag") == etag {
		t.Errorf("after an edit: status %d, body %q, ETag %q (was %q)", res.StatusCode, body, res.Header.Get("ETag"), etag)
	}
	res, _ = get(t, "GET", ts.URL+"/assets/style.1234.css", http.Header{"If-None-Match": {cssRes.Header.Get("ETag")}})
	if res.StatusCode != 304 {
		t.Errorf("an unchanged file: status %d, want 304", res.StatusCode)
	}

	// A deleted file is gone.
	delete(files, "a/b/index.html")
	s.Publish(Update{Files: files, Changed: []string{}})
	if res, _ := get(t, "GET", ts.URL+"/a/b/", nil); res.StatusCode != 404 {
		t.Errorf("a deleted page: status %d, want 404", res.StatusCode)
	}
}

// sseClient reads a real event stream.
type sseClient struct {
	res    *http.Response
	events chan [2]string
}

func dialEvents(t *testing.T, url string) *sseClient {
	t.Helper()
	res, err := http.Get(url + "/_kb/events")
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	c := &sseClient{res: res, events: make(chan [2]string, 16)}
	go func() {
		defer close(c.events)
		sc := bufio.NewScanner(res.Body)
		var name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			case line == "" && name != "":
				c.events <- [2]string{name, data}
				name, data = "", ""
			}
		}
	}()
	t.Cleanup(func() { res.Body.Close() })
	return c
}

func (c *sseClient) next(t *testing.T) (string, string) {
	t.Helper()
	select {
	case e, ok := <-c.events:
		if !ok {
			t.Fatal("stream closed")
		}
		return e[0], e[1]
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return "", ""
}

func TestEventsAndErrors(t *testing.T) {
	t.Parallel()
	s, ts := newServer(t, Options{})
	c := dialEvents(t, ts.URL)
	if name, data := c.next(t); name != "errors" || data != "[]" {
		t.Fatalf("first event %s %s, want errors []", name, data)
	}

	probs := []Problem{{File: "content/a.md", Line: 3, Col: 7, Message: "unresolved reference \"x\"", Hint: "did you mean \"y\"?"}}
	s.SetProblems(probs)
	name, data := c.next(t)
	var got []Problem
	if err := json.Unmarshal([]byte(data), &got); name != "errors" || err != nil || len(got) != 1 || got[0] != probs[0] {
		t.Fatalf("event %s %s, want the problem", name, data)
	}
	_, body := get(t, "GET", ts.URL+"/_kb/errors", nil)
	if !strings.Contains(body, `"file":"content/a.md","line":3,"col":7`) {
		t.Errorf("/_kb/errors = %s", body)
	}
	// A page opened now gets the problems at once.
	late := dialEvents(t, ts.URL)
	if name, data := late.next(t); name != "errors" || !strings.Contains(data, "content/a.md") {
		t.Errorf("a new page's first event: %s %s", name, data)
	}

	s.SetProblems(nil)
	if name, data := c.next(t); name != "errors" || data != "[]" {
		t.Errorf("after the fix: %s %s, want errors []", name, data)
	}
	if _, body := get(t, "GET", ts.URL+"/_kb/errors", nil); strings.TrimSpace(body) != "[]" {
		t.Errorf("/_kb/errors after the fix = %s", body)
	}

	s.Publish(Update{Files: site, Changed: []string{"a/b/index.html"}})
	if name, data := c.next(t); name != "reload" || data != `{"paths":["a/b/index.html"]}` {
		t.Errorf("after an edit: %s %s", name, data)
	}
	s.Publish(Update{Files: site, Changed: []string{"assets/style.1234.css"}, CSSOnly: true})
	if name, _ := c.next(t); name != "css" {
		t.Errorf("after a stylesheet edit: %s, want css", name)
	}
	s.Publish(Update{Files: site})
	s.SetProblems(nil)
	if name, _ := c.next(t); name != "errors" {
		t.Errorf("an update without changes sent %s", name)
	}
}

// searcher finds one hit, which tells the request it was given.
type searcher struct{}

func (searcher) Search(_ context.Context, req search.Request) (search.Result, error) {
	hit := search.Hit{URL: "/" + req.Query + "/", Kind: req.Kind, Score: float64(req.Limit)}
	return search.Result{Total: 1, Pages: 1, Hits: []search.Hit{hit}}, nil
}

func TestSearch(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t, Options{})
	if res, _ := get(t, "GET", ts.URL+"/_kb/search?q=x", nil); res.StatusCode != 501 {
		t.Errorf("without a Searcher: status %d, want 501", res.StatusCode)
	}
	_, ts = newServer(t, Options{Searcher: searcher{}})
	res, body := get(t, "GET", ts.URL+"/_kb/search?q=close+links&kind=term&limit=5", nil)
	if res.StatusCode != 200 || !strings.Contains(body, `"url":"/close links/"`) || !strings.Contains(body, `"kind":"term"`) || !strings.Contains(body, `"score":5`) {
		t.Errorf("search: %d %s", res.StatusCode, body)
	}
}

// TestGracefulShutdown checks that open event streams do not hold up a
// shutdown.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.Publish(Update{Files: site, All: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.HTTPServer(ln.Addr().String())
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("timeouts missing: %+v", srv)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	c := dialEvents(t, "http://"+ln.Addr().String())
	c.next(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v after %v", err, time.Since(start))
	}
	if err := <-done; err != http.ErrServerClosed {
		t.Errorf("Serve returned %v", err)
	}
	select {
	case _, ok := <-c.events:
		if ok {
			t.Error("an event after shutdown")
		}
	case <-time.After(5 * time.Second):
		t.Error("the event stream stayed open after shutdown")
	}
}

func TestNothingBuiltYet(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	ts := httptest.NewServer(s.Handler(""))
	defer ts.Close()
	defer s.Close()
	c := dialEvents(t, ts.URL)
	c.next(t)
	res, body := get(t, "GET", ts.URL+"/", nil)
	if res.StatusCode != 404 || !strings.Contains(body, "no site to show yet") || !strings.Contains(body, script) {
		t.Errorf("before any site: %d %q", res.StatusCode, body)
	}
	s.Publish(Update{Files: site, All: true})
	if name, data := c.next(t); name != "reload" || data != `{"all":true}` {
		t.Errorf("the first site: %s %s, want a reload of everything", name, data)
	}
	if res, _ := get(t, "GET", ts.URL+"/", nil); res.StatusCode != 200 {
		t.Errorf("after the first site: %d", res.StatusCode)
	}
}
