package gzipserve

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	dir := t.TempDir()
	page := strings.Repeat("<p>Article 61</p>\n", 100)
	for name, body := range map[string]string{"index.html": page, "style.css": page, "s/0.kbz": page} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(Text(http.FileServer(http.Dir(dir))))
	defer srv.Close()
	for _, tc := range []struct {
		path, acceptEncoding, rangeHeader string
		gzipped                           bool
		want                              string
	}{
		{"/", "gzip, deflate, br", "", true, page},
		{"/style.css", "gzip", "", true, page},
		{"/style.css", "", "", false, page},                   // no gzip accepted
		{"/s/0.kbz", "gzip", "", false, page},                 // compressed already
		{"/style.css", "gzip", "bytes=3-7", false, page[3:8]}, // a range of the file itself
	} {
		req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
		if tc.acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", tc.acceptEncoding) // set: the transport no longer decompresses
		}
		if tc.rangeHeader != "" {
			req.Header.Set("Range", tc.rangeHeader)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = resp.Body
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tc.gzipped {
			t.Errorf("%s (Accept-Encoding %q, Range %q): gzipped %v, want %v", tc.path, tc.acceptEncoding, tc.rangeHeader, got, tc.gzipped)
		} else if got {
			if resp.ContentLength == int64(len(page)) {
				t.Errorf("%s: Content-Length %d, the uncompressed file's", tc.path, resp.ContentLength)
			}
			if body, err = gzip.NewReader(resp.Body); err != nil {
				t.Fatal(err)
			}
		}
		got, err := io.ReadAll(body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s: body %q…, want %q…", tc.path, got[:min(20, len(got))], tc.want[:min(20, len(tc.want))])
		}
	}
}
