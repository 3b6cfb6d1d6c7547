// Package serve is kb's preview server: an http.Handler (Server.Handler)
// that serves a built site from memory and tells open pages, over
// Server-Sent Events, when to reload, when to swap stylesheets and which
// problems the last build found.
//
// The preview is its owner's: a request whose Host header does not name
// the server's own address (loopback names when it listens on loopback)
// gets 403, so that a web page cannot read it through DNS rebinding.
//
// Preview-only paths live under /_kb/: /_kb/events (the event stream),
// /_kb/errors (the current problems as JSON), /_kb/search (the search API,
// when a Searcher is given) and /_kb/live.js (the live-reload script, which
// is injected into every served HTML page and only there).
//
// The site is a map of files, never the file system: no request can reach
// outside it, whatever its path says. The package does not build sites;
// package workspace builds them and package preview publishes its
// results to a Server.
package serve

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/search"
)

//go:embed live.js
var liveJS []byte

// Problem is one problem of the current build.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	// Excerpt is the text of the offending line, for the overlay to show
	// with a marker under column Col (counted in characters).
	Excerpt string `json:"excerpt,omitempty"`
}

// Searcher answers /_kb/search?q=…&kind=…&limit=… queries; its result is
// sent as JSON, the same as kb search --json's.
type Searcher interface {
	Search(ctx context.Context, req search.Request) (search.Result, error)
}

// Options configure a Server.
type Options struct {
	Searcher Searcher // nil: /_kb/search answers 501
	Logger   *slog.Logger
}

// Server serves the current site and its event stream. Create it with New.
type Server struct {
	opts Options
	hub  *hub

	mu       sync.RWMutex
	files    map[string]*file
	problems []Problem

	placeholder *file // served while there is no site at all
}

const placeholder = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kb serve</title></head>
<body><p>There is no site to show yet: the build found problems. Fix them and this page reloads.</p></body></html>`

// file is a served file: its bytes as sent (HTML with the script injected).
type file struct {
	data    []byte
	etag    string
	ctype   string
	modTime time.Time
}

// New returns a Server with an empty site.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{opts: opts, hub: newHub(), files: map[string]*file{}, problems: []Problem{},
		placeholder: newFile("placeholder.html", []byte(placeholder), time.Time{})}
}

// Update is a new version of the site.
type Update struct {
	Files map[string][]byte // the whole site by slash path; not modified later
	// All says that any file may have changed: every one is taken anew
	// and every open page reloads. Otherwise Changed lists the paths
	// added or changed since the last update, perhaps none.
	All     bool
	Changed []string
	CSSOnly bool // only stylesheets changed: swap them, do not reload
}

// Publish replaces the site and tells open pages what changed.
func (s *Server) Publish(u Update) {
	now := time.Now().UTC().Truncate(time.Second)
	s.mu.Lock()
	next := make(map[string]*file, len(u.Files))
	if u.All {
		for name, data := range u.Files {
			next[name] = newFile(name, data, now)
		}
	} else {
		for name := range u.Files {
			if f, ok := s.files[name]; ok {
				next[name] = f
			}
		}
		for _, name := range u.Changed {
			if data, ok := u.Files[name]; ok {
				next[name] = newFile(name, data, now)
			}
		}
	}
	s.files = next
	s.mu.Unlock()
	if !u.All && len(u.Changed) == 0 {
		return
	}
	if u.CSSOnly {
		s.hub.send(event{name: "css", data: []byte("{}")})
		return
	}
	var msg struct {
		All   bool     `json:"all,omitempty"`
		Paths []string `json:"paths,omitempty"`
	}
	if u.All || len(u.Changed) > 1000 {
		msg.All = true
	} else {
		msg.Paths = slices.Sorted(slices.Values(u.Changed))
	}
	data, _ := json.Marshal(msg)
	s.hub.send(event{name: "reload", data: data})
}

// SetProblems sets the current build's problems (none: the build is good)
// and shows them in every open page.
func (s *Server) SetProblems(probs []Problem) {
	if probs == nil {
		probs = []Problem{}
	}
	s.mu.Lock()
	s.problems = probs
	s.mu.Unlock()
	data, _ := json.Marshal(probs)
	s.hub.send(event{name: "errors", data: data})
}

// Close ends every event stream, so that a graceful shutdown does not wait
// for them. The server keeps serving files.
func (s *Server) Close() { s.hub.close() }

func newFile(name string, data []byte, mod time.Time) *file {
	ctype := contentType(name)
	if strings.HasPrefix(ctype, "text/html") {
		data = inject(data)
	}
	h := fnv.New128a()
	h.Write(data)
	return &file{data: data, etag: fmt.Sprintf(`"%x"`, h.Sum(nil)), ctype: ctype, modTime: mod}
}

// script is what every served HTML page gets before </body>.
const script = `<script src="/_kb/live.js" defer></script>`

// inject adds the live-reload script to an HTML page.
func inject(page []byte) []byte {
	out := make([]byte, 0, len(page)+len(script)+1)
	if i := bytes.LastIndex(bytes.ToLower(page), []byte("</body>")); i >= 0 {
		out = append(out, page[:i]...)
		out = append(out, script...)
		return append(out, page[i:]...)
	}
	out = append(out, page...)
	return append(out, script...)
}

var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".xml":  "application/xml; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".ico":  "image/x-icon",
	".woff": "font/woff", ".woff2": "font/woff2",
	".pdf": "application/pdf",
}

func contentType(name string) string {
	if t, ok := types[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// Handler returns the handler of s for a server listening on addr, as
// Listener.Addr gives it: requests whose Host does not name it get 403
// (see hostAllowed). "" means a loopback address, any port.
func (s *Server) Handler(addr string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(addr, w, r) })
}

// serve answers r for a server listening on addr.
func (s *Server) serve(addr string, w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !hostAllowed(r.Host, addr) {
		http.Error(w, "forbidden: the preview answers only to its own address, not to Host "+strconv.Quote(r.Host), http.StatusForbidden)
		return
	}
	switch r.URL.Path {
	case "/_kb/events":
		s.events(w, r)
		return
	case "/_kb/errors":
		s.mu.RLock()
		probs := s.problems
		s.mu.RUnlock()
		writeJSON(w, http.StatusOK, probs)
		return
	case "/_kb/search":
		s.search(w, r)
		return
	case "/_kb/live.js":
		w.Header().Set("Content-Type", types[".js"])
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "live.js", time.Time{}, bytes.NewReader(liveJS))
		return
	}
	s.serveFile(w, r)
}

// serveFile serves a file of the site, the index.html of a folder, or the
// site's 404 page.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	name, ok := siteName(r.URL.Path)
	if !ok {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	s.mu.RLock()
	f := s.files[name]
	index := name + "/index.html"
	if name == "" || strings.HasSuffix(name, "/") {
		index = name + "index.html"
	}
	dir := s.files[index]
	notFound := s.files["404.html"]
	s.mu.RUnlock()
	switch {
	case f != nil && !strings.HasSuffix(name, "/"):
	case name == "" || strings.HasSuffix(name, "/"):
		f = dir // a folder: its index.html, never a listing
	case dir != nil: // "/a/b" for the page "/a/b/"
		target := r.URL.Path + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	if f == nil {
		w.Header().Set("Cache-Control", "no-cache")
		if notFound == nil {
			// Nothing built yet (the first build failed): a page that
			// shows the problems and reloads once the site exists.
			notFound = s.placeholder
		}
		w.Header().Set("Content-Type", notFound.ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(notFound.data)))
		w.WriteHeader(http.StatusNotFound)
		if r.Method != http.MethodHead {
			w.Write(notFound.data)
		}
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("ETag", f.etag)
	w.Header().Set("Cache-Control", "no-cache") // revalidate: the site changes under the writer
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, f.modTime, bytes.NewReader(f.data))
}

// siteName maps a request path to a file name of the site: "/" → "",
// "/a/b/" → "a/b/", "/a/style.css" → "a/style.css". It refuses anything
// that could mean a place outside the site: ".." or "." segments (also
// when they were percent-encoded, as Path is decoded), backslashes, NUL
// bytes and empty segments.
func siteName(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	name := p[1:]
	for seg := range strings.SplitSeq(strings.TrimSuffix(name, "/"), "/") {
		if name != "" && (seg == "" || seg == "." || seg == "..") {
			return "", false
		}
	}
	return name, true
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	if s.opts.Searcher == nil {
		writeJSON(w, http.StatusNotImplemented, map[string]string{"error": "search is not available in this build of kb"})
		return
	}
	q := r.URL.Query().Get("q")
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 20
	}
	res, err := s.opts.Searcher.Search(r.Context(), search.Request{Query: q, Kind: r.URL.Query().Get("kind"), Limit: limit})
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// HTTPServer returns an http.Server for s on addr, with timeouts that
// bound slow clients, and a shutdown that ends the event streams.
func (s *Server) HTTPServer(addr string) *http.Server {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.Handler(addr),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second, // event streams lift it for themselves
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelDebug),
	}
	srv.RegisterOnShutdown(s.Close)
	return srv
}
