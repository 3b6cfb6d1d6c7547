// Package gzipserve compresses a file server's text responses for clients
// that accept gzip, as static hosts (GitHub Pages, Netlify, Cloudflare
// Pages) do: the browser tests and the benchmark's browser then fetch the
// bytes a reader's browser would.
package gzipserve

import (
	"compress/gzip"
	"net/http"
	"path"
	"strings"
)

// isText reports whether a file of extension ext is compressed; the others
// (kb's .kbz, Pagefind's .pf_* files, images) are compressed already or
// gain nothing.
func isText(ext string) bool {
	switch ext {
	case "", ".html", ".css", ".js", ".json", ".svg", ".xml", ".txt":
		return true
	}
	return false
}

// Text serves h, gzip-compressing the response to a request for a text
// file (a directory's index.html included) from a client that accepts
// gzip. A range request is served as is: its offsets are the file's.
func Text(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isText(path.Ext(r.URL.Path)) || r.Header.Get("Range") != "" ||
			!strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		z := gzip.NewWriter(w)
		defer z.Close()
		h.ServeHTTP(writer{w, z}, r)
	})
}

// writer compresses a response's body. (http.FileServer sets no
// Content-Length on a response that has a Content-Encoding.)
type writer struct {
	http.ResponseWriter
	z *gzip.Writer
}

func (w writer) Write(b []byte) (int, error) { return w.z.Write(b) }
