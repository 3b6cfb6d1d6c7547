package lsp_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/lsp"
	"github.com/kb-legal/kb/internal/workspace"
)

// The protocol tests drive a real server, on a real workspace over a
// copy of a site, from a client in the same process that speaks JSON-RPC
// over a pipe, as an editor does over stdio.

// client is a test's editor.
type client struct {
	t    testing.TB
	conn *jsonrpc2.Conn
	dir  string // the site folder
	enc  string // the position encoding the server chose

	mu    sync.Mutex
	diags map[string][]diagnostic // by site file, the latest published
	wake  chan struct{}
	done  chan error
}

// Protocol shapes, written out here so that the tests check the JSON the
// server sends, not the library's reading of it.
type (
	position struct {
		Line      int `json:"line"`
		Character int `json:"character"`
	}
	rng struct {
		Start position `json:"start"`
		End   position `json:"end"`
	}
	location struct {
		URI   string `json:"uri"`
		Range rng    `json:"range"`
	}
	diagnostic struct {
		Range    rng    `json:"range"`
		Severity int    `json:"severity"`
		Message  string `json:"message"`
		Source   string `json:"source"`
	}
	completionItem struct {
		Label         string          `json:"label"`
		Data          any             `json:"data,omitempty"`
		Detail        string          `json:"detail"`
		Documentation json.RawMessage `json:"documentation"`
		TextEdit      struct {
			Range   rng    `json:"range"`
			NewText string `json:"newText"`
		} `json:"textEdit"`
	}
	textEdit struct {
		Range   rng    `json:"range"`
		NewText string `json:"newText"`
	}
)

// copySite copies the shipped site (kb.yaml and content/) to a temp dir.
func copySite(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS("../../content")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../kb.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kb.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// start runs a server on a workspace over dir and returns a client that
// has initialized it, offering the given position encodings.
func start(t testing.TB, dir string, encodings ...string) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ws, err := workspace.Open(ctx, workspace.Options{Build: build.Options{Source: dir, Model: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv := lsp.New(ws, lsp.Options{Root: dir})
	serverSide, clientSide := net.Pipe()
	c := &client{t: t, dir: dir, diags: map[string][]diagnostic{}, wake: make(chan struct{}, 1), done: make(chan error, 1)}
	go func() { c.done <- srv.Serve(ctx, serverSide) }()
	c.conn = jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(clientSide, jsonrpc2.VSCodeObjectCodec{}), jsonrpc2.HandlerWithError(c.handle))
	t.Cleanup(func() {
		c.conn.Close()
		select {
		case <-c.done:
		case <-time.After(time.Minute):
			t.Error("the server did not stop when the client went away")
		}
		cancel()
		ws.Close()
	})
	params := map[string]any{"processId": nil, "rootUri": fileURI(dir), "capabilities": map[string]any{}}
	if encodings != nil {
		params["capabilities"] = map[string]any{"general": map[string]any{"positionEncodings": encodings}}
	}
	var res struct {
		Capabilities struct {
			PositionEncoding string `json:"positionEncoding"`
			RenameProvider   any    `json:"renameProvider"`
		} `json:"capabilities"`
	}
	c.call("initialize", params, &res)
	c.enc = res.Capabilities.PositionEncoding
	c.notify("initialized", map[string]any{})
	return c
}

func (c *client) handle(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
	if req.Method != "textDocument/publishDiagnostics" || req.Params == nil {
		return nil, nil
	}
	var p struct {
		URI         string       `json:"uri"`
		Diagnostics []diagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal(*req.Params, &p); err != nil {
		c.t.Errorf("publishDiagnostics: %v", err)
		return nil, nil
	}
	c.mu.Lock()
	c.diags[c.name(p.URI)] = p.Diagnostics
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return nil, nil
}

func (c *client) call(method string, params, result any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := c.conn.Call(ctx, method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) callErr(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	return c.conn.Call(ctx, method, params, result)
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

func (c *client) uri(name string) string { return fileURI(filepath.Join(c.dir, name)) }

func (c *client) name(uri string) string {
	u, _ := url.Parse(uri)
	rel, _ := filepath.Rel(c.dir, filepath.FromSlash(u.Path))
	return filepath.ToSlash(rel)
}

func (c *client) read(name string) string {
	c.t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(data)
}

func (c *client) open(name, text string) {
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": c.uri(name), "languageId": "markdown", "version": 1, "text": text}})
}

// change replaces the range r of an open buffer with text.
func (c *client) change(name string, version int, r rng, text string) {
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": c.uri(name), "version": version},
		"contentChanges": []any{map[string]any{"range": r, "text": text}}})
}

// waitDiagnostics waits until the diagnostics published for name satisfy
// ok, and returns them.
func (c *client) waitDiagnostics(name string, ok func([]diagnostic) bool) []diagnostic {
	c.t.Helper()
	deadline := time.After(3 * time.Minute) // builds are slow under the race detector
	for {
		c.mu.Lock()
		ds, seen := c.diags[name]
		c.mu.Unlock()
		if seen && ok(ds) {
			return ds
		}
		select {
		case <-c.wake:
		case <-deadline:
			c.t.Fatalf("no such diagnostics for %s; last: %+v", name, ds)
		}
	}
}

// at is the position of the first occurrence of needle in text, plus
// delta bytes, in the client's encoding.
func (c *client) at(text, needle string, delta int) position {
	c.t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		c.t.Fatalf("%q not in the text", needle)
	}
	return posOf(text, i+delta, c.enc)
}

// posOf converts a byte offset of text to a position in encoding enc,
// independently of the server's code.
func posOf(text string, off int, enc string) position {
	before := text[:off]
	line := strings.Count(before, "\n")
	col := before[strings.LastIndex(before, "\n")+1:]
	switch enc {
	case "utf-8":
		return position{line, len(col)}
	case "utf-32":
		return position{line, utf8.RuneCountInString(col)}
	}
	return position{line, len(utf16.Encode([]rune(col)))}
}

// offsetOf converts a position in encoding enc back to a byte offset.
func offsetOf(text string, p position, enc string) int {
	off := 0
	for range p.Line {
		off += strings.IndexByte(text[off:], '\n') + 1
	}
	n := 0
	for i, r := range text[off:] {
		if n >= p.Character || r == '\n' {
			return off + i
		}
		switch enc {
		case "utf-8":
			n += utf8.RuneLen(r)
		case "utf-32":
			n++
		default:
			n += len(utf16.Encode([]rune{r}))
		}
	}
	return len(text)
}

// apply applies a workspace edit's changes to the files under dir.
func apply(t testing.TB, dir string, changes map[string][]textEdit, enc string) {
	t.Helper()
	for uri, edits := range changes {
		u, _ := url.Parse(uri)
		rel, err := filepath.Rel(dir, filepath.FromSlash(u.Path))
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, rel)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		// From the last edit back, so earlier offsets stay valid.
		slices.SortFunc(edits, func(a, b textEdit) int {
			return offsetOf(text, b.Range.Start, enc) - offsetOf(text, a.Range.Start, enc)
		})
		for _, e := range edits {
			start, end := offsetOf(text, e.Range.Start, enc), offsetOf(text, e.Range.End, enc)
			text = text[:start] + e.NewText + text[end:]
		}
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// check is kb check on dir: the problems of a full build.
func check(t testing.TB, fsys fs.FS) *build.Result {
	t.Helper()
	res, err := build.Generate(context.Background(), fsys, build.Options{}, discard{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
