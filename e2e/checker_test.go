package e2e

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLinkChecker shows the crawl's checker catches what it is for, on a
// tiny site served from /kb/ like the real one.
func TestLinkChecker(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, data := range map[string]string{
		"index.html":     `<!DOCTYPE html><title>home</title><p id="top">home <a name="old">x</a>`,
		"sub/index.html": `<!DOCTYPE html><title>sub</title><p>sub`,
		"assets/x.css":   `body {}`,
		"404.html":       `<!DOCTYPE html><title>not found</title>`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: staticHost(dir)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s := &published{dir: dir, origin: "http://" + ln.Addr().String()}
	s.baseURL = s.origin + basePath
	c := newLinkChecker(s)

	tests := []struct {
		desc, from, give string
		want             string // part of the error; "" for none
	}{
		{desc: "home", from: "", give: "/kb/"},
		{desc: "relative page", from: "sub/", give: "../"},
		{desc: "fragment", from: "sub/", give: "/kb/#top"},
		{desc: "named anchor", from: "sub/", give: "/kb/#old"},
		{desc: "same-page fragment", from: "", give: "#top"},
		{desc: "asset", from: "sub/", give: "../assets/x.css"},
		{desc: "absolute URL", from: "", give: s.baseURL + "sub/"},
		{desc: "other host", from: "", give: "https://example.org/nowhere"},
		{desc: "mail", from: "", give: "mailto:kb@example.org"},
		{desc: "missing page", from: "", give: "/kb/missing/", want: "404"},
		{desc: "missing fragment", from: "", give: "/kb/sub/#top", want: `no element with id "top"`},
		{desc: "fragment on an asset", from: "", give: "/kb/assets/x.css#a", want: "not a page"},
		{desc: "root-relative, outside the sub-path", from: "sub/", give: "/sub/", want: "outside the sub-path"},
		{desc: "relative, climbing out of the sub-path", from: "", give: "../assets/x.css", want: "outside the sub-path"},
		{desc: "script URL", from: "", give: "javascript:alert(1)", want: "unexpected scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			err := c.check(s.url(tt.from), tt.give)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("check(%q, %q) = %v, want no error", tt.from, tt.give, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("check(%q, %q) = %v, want an error with %q", tt.from, tt.give, err, tt.want)
			}
		})
	}
}
