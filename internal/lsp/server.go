// Package lsp is kb's language server: the knowledge base inside a
// writer's editor. It speaks the Language Server Protocol over a stream
// (stdio in kb lsp) and answers from the same workspace kb serve uses: one
// model of the site, rebuilt incrementally, with the editor's unsaved
// buffers overlaying the files on disk.
//
// What it offers: diagnostics for every problem kb check reports, as you
// type; completion of page ids, cite keys and anchors inside [[…]], of
// source ids inside [@…], and of front matter fields and their allowed
// values; hover on a reference (the cited paragraph and its citation), a
// source note or a defined term; go to definition; find references (the
// "Cited by" of a page or an anchor); rename of a page id or an anchor
// across the site; and the document's headings and anchors as symbols.
//
// Positions are converted at the edge, in the encoding the client
// negotiates (UTF-16 unless it offers UTF-8 or UTF-32): legal text is full
// of "—", "§" and curly quotes. The protocol's types and dispatch come from
// github.com/tliron/glsp (LSP 3.16, generated from the specification), the
// JSON-RPC framing from github.com/sourcegraph/jsonrpc2; this is the only
// package that imports either.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/kb-legal/kb/internal/workspace"
)

// Options configure a Server.
type Options struct {
	// Root is the site folder the workspace was opened on: files are named
	// relative to it, and only files under it are overlaid.
	Root    string
	Logger  *slog.Logger // nil: no logging
	Version string       // reported to the client as serverInfo.version
}

// Server answers one client about one workspace.
type Server struct {
	ws     *workspace.Workspace
	roots  []string // the site folder, absolute, as given and with symbolic links resolved
	logger *slog.Logger
	opts   Options

	mu       sync.Mutex
	enc      encoding
	docs     map[string]*document // open buffers, by URI
	snap     *snapshot            // the latest build
	shutdown bool                 // the client asked to shut down
	conn     *jsonrpc2.Conn

	publish chan *snapshot // the latest build whose diagnostics are not sent yet
	sent    map[string]string
}

// document is a buffer the client has open.
type document struct {
	uri     string
	name    string // site file, "content/a.md"; "" outside the site folder
	version int32
	text    *text
}

// New returns a server for the workspace ws, opened on opts.Root.
func New(ws *workspace.Workspace, opts Options) *Server {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{ws: ws, logger: logger, opts: opts, enc: utf16, docs: map[string]*document{},
		publish: make(chan *snapshot, 1), sent: map[string]string{}}
	if abs, err := filepath.Abs(opts.Root); err == nil {
		s.roots = append(s.roots, abs)
		if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
			s.roots = append(s.roots, real)
		}
	}
	return s
}

// Serve speaks the protocol over rw until the client sends exit, closes
// the stream, or ctx is done. It returns nil after an orderly shutdown
// and exit, as the protocol's exit code 0.
func (s *Server) Serve(ctx context.Context, rw io.ReadWriteCloser) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h := s.handler()
	conn := jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(rw, jsonrpc2.VSCodeObjectCodec{}),
		jsonrpc2.HandlerWithError(func(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
			return s.handle(ctx, conn, req, h)
		}), jsonrpc2.SetLogger(logAdapter{s.logger}))
	s.mu.Lock()
	s.conn = conn
	s.mu.Unlock()

	unsubscribe := s.ws.Subscribe(func(r *workspace.Result) { s.update(r) })
	var wg sync.WaitGroup
	wg.Go(func() { s.publishLoop(ctx, conn) })
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
	unsubscribe()
	cancel()
	wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.shutdown {
		return errors.New("the client left without shutting the server down")
	}
	return nil
}

// handle runs one request or notification through glsp's dispatch, as
// glsp's own server does, with the protocol's error codes.
func (s *Server) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request, h *protocol.Handler) (any, error) {
	gc := &glsp.Context{
		Method: req.Method,
		Notify: func(method string, params any) { s.notify(ctx, conn, method, params) },
		Call:   func(string, any, any) {}, // the server asks the client nothing
	}
	if req.Params != nil {
		gc.Params = *req.Params
	}
	if req.Method == protocol.MethodExit {
		_, _, _, _ = h.Handle(gc)
		return nil, conn.Close()
	}
	result, validMethod, validParams, err := h.Handle(gc)
	switch {
	case !validMethod:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not supported: " + req.Method}
	case !validParams && err != nil:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: err.Error()}
	case !validParams:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams}
	case err != nil:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: err.Error()}
	}
	return result, nil
}

func (s *Server) notify(ctx context.Context, conn *jsonrpc2.Conn, method string, params any) {
	if err := conn.Notify(ctx, method, params); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		s.logger.Warn("lsp: notify", "method", method, "err", err)
	}
}

// handler wires the protocol's methods to the server's.
func (s *Server) handler() *protocol.Handler {
	return &protocol.Handler{
		Initialize:  s.initialize,
		Initialized: func(*glsp.Context, *protocol.InitializedParams) error { return nil },
		Shutdown: func(*glsp.Context) error {
			s.mu.Lock()
			s.shutdown = true
			s.mu.Unlock()
			return nil
		},
		Exit:                            func(*glsp.Context) error { return nil },
		SetTrace:                        func(*glsp.Context, *protocol.SetTraceParams) error { return nil },
		CancelRequest:                   func(*glsp.Context, *protocol.CancelParams) error { return nil },
		WorkspaceDidChangeConfiguration: func(*glsp.Context, *protocol.DidChangeConfigurationParams) error { return nil },
		WorkspaceDidChangeWatchedFiles:  func(*glsp.Context, *protocol.DidChangeWatchedFilesParams) error { return nil }, // the workspace watches the folder itself
		TextDocumentDidOpen:             s.didOpen,
		TextDocumentDidChange:           s.didChange,
		TextDocumentDidClose:            s.didClose,
		TextDocumentDidSave:             func(*glsp.Context, *protocol.DidSaveTextDocumentParams) error { return nil },
		TextDocumentCompletion:          s.completion,
		CompletionItemResolve:           s.resolveCompletion,
		TextDocumentHover:               s.hover,
		TextDocumentDefinition:          s.definition,
		TextDocumentReferences:          s.references,
		TextDocumentPrepareRename:       s.prepareRename,
		TextDocumentRename:              s.rename,
		TextDocumentDocumentSymbol:      s.documentSymbol,
	}
}

// initializeParams is what the server reads of initialize's parameters,
// LSP 3.17's position encodings included, which glsp's 3.16 types lack.
type initializeParams struct {
	Capabilities struct {
		General struct {
			PositionEncodings []string `json:"positionEncodings"`
		} `json:"general"`
	} `json:"capabilities"`
}

// serverCapabilities adds LSP 3.17's positionEncoding to glsp's.
type serverCapabilities struct {
	protocol.ServerCapabilities
	PositionEncoding encoding `json:"positionEncoding,omitempty"`
}

type initializeResult struct {
	Capabilities serverCapabilities                   `json:"capabilities"`
	ServerInfo   *protocol.InitializeResultServerInfo `json:"serverInfo,omitempty"`
}

func (s *Server) initialize(gc *glsp.Context, _ *protocol.InitializeParams) (any, error) {
	var p initializeParams
	if err := json.Unmarshal(gc.Params, &p); err != nil {
		return nil, err
	}
	enc := negotiate(p.Capabilities.General.PositionEncodings)
	s.mu.Lock()
	s.enc = enc
	s.mu.Unlock()
	yes := true
	incremental := protocol.TextDocumentSyncKindIncremental
	caps := protocol.ServerCapabilities{
		TextDocumentSync: protocol.TextDocumentSyncOptions{OpenClose: &yes, Change: &incremental},
		CompletionProvider: &protocol.CompletionOptions{
			TriggerCharacters: []string{"[", "#", "@", ":", " ", "\"", ","},
			ResolveProvider:   &yes,
		},
		HoverProvider:          true,
		DefinitionProvider:     true,
		ReferencesProvider:     true,
		RenameProvider:         protocol.RenameOptions{PrepareProvider: &yes},
		DocumentSymbolProvider: true,
	}
	version := s.opts.Version
	return initializeResult{
		Capabilities: serverCapabilities{ServerCapabilities: caps, PositionEncoding: enc},
		ServerInfo:   &protocol.InitializeResultServerInfo{Name: "kb", Version: &version},
	}, nil
}

// nameOf returns the site file a URI names ("content/a.md"), "" when it
// is not a file under the site folder.
func (s *Server) nameOf(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	p := filepath.FromSlash(u.Path)
	if len(p) > 2 && p[0] == '\\' && p[2] == ':' { // file:///C:/… on Windows
		p = p[1:]
	}
	for _, root := range s.roots {
		rel, err := filepath.Rel(root, p)
		if err == nil && rel != "." && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return ""
}

// uriOf returns the URI of a site file: the client's own for an open
// buffer, else a file URI under the site folder.
func (s *Server) uriOf(name string) string {
	s.mu.Lock()
	for uri, d := range s.docs {
		if d.name == name {
			s.mu.Unlock()
			return uri
		}
	}
	s.mu.Unlock()
	if len(s.roots) == 0 {
		return ""
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(s.roots[0], filepath.FromSlash(name)))}).String()
}

func (s *Server) didOpen(_ *glsp.Context, p *protocol.DidOpenTextDocumentParams) error {
	d := &document{uri: p.TextDocument.URI, name: s.nameOf(p.TextDocument.URI), version: p.TextDocument.Version,
		text: newText([]byte(p.TextDocument.Text))}
	s.mu.Lock()
	s.docs[d.uri] = d
	s.mu.Unlock()
	return s.overlay(d)
}

func (s *Server) didChange(_ *glsp.Context, p *protocol.DidChangeTextDocumentParams) error {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		s.mu.Unlock()
		return fmt.Errorf("%s is not open", p.TextDocument.URI)
	}
	src := d.text.src
	for _, c := range p.ContentChanges {
		switch c := c.(type) {
		case protocol.TextDocumentContentChangeEvent:
			t := newText(src)
			start, end := t.offset(c.Range.Start, s.enc), t.offset(c.Range.End, s.enc)
			if end < start {
				start, end = end, start
			}
			src = append(append(append(make([]byte, 0, len(src)-(end-start)+len(c.Text)), src[:start]...), c.Text...), src[end:]...)
		case protocol.TextDocumentContentChangeEventWhole:
			src = []byte(c.Text)
		}
	}
	next := &document{uri: d.uri, name: d.name, version: p.TextDocument.Version, text: newText(src)}
	s.docs[d.uri] = next
	s.mu.Unlock()
	return s.overlay(next)
}

func (s *Server) didClose(_ *glsp.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	delete(s.docs, p.TextDocument.URI)
	s.mu.Unlock()
	if d != nil && d.name != "" {
		s.ws.ClearOverlay(d.name)
	}
	return nil
}

// overlay hands a buffer of the site to the workspace, which rebuilds.
func (s *Server) overlay(d *document) error {
	if d.name == "" {
		return nil
	}
	return s.ws.SetOverlay(d.name, d.text.src)
}

// doc returns the open buffer at uri.
func (s *Server) doc(uri string) (*document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.docs[uri]; d != nil {
		return d, nil
	}
	return nil, fmt.Errorf("%s is not open", uri)
}

// latest returns the latest build; before the first has finished, it
// waits for it.
func (s *Server) latest() *snapshot {
	s.mu.Lock()
	snap := s.snap
	s.mu.Unlock()
	if snap == nil {
		return s.settled()
	}
	return snap
}

// settled waits for the build covering every change so far: a request
// that edits or lists places across files must see the buffers as they
// are. The wait is bounded, generously, for a build that would never end;
// after it, the request answers from the latest build.
func (s *Server) settled() *snapshot {
	ctx, cancel := context.WithTimeout(context.Background(), settleWait)
	defer cancel()
	if r, err := s.ws.Settled(ctx); err == nil && r != nil {
		return s.update(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

// settleWait bounds how long a request waits for a build: a 10k-page site
// rebuilds in well under a second, a slow machine under load may take a
// hundred times as long.
const settleWait = 2 * time.Minute

// update records a finished build and queues its diagnostics; it returns
// the build's snapshot.
func (s *Server) update(r *workspace.Result) *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap != nil && s.snap.seq >= r.Seq {
		if s.snap.seq == r.Seq {
			return s.snap
		}
		return s.snap // an older build, reported late
	}
	var snap *snapshot
	if r.Err != nil || r.Build == nil {
		snap = newSnapshot(r.Seq, nil, s.ws.FS())
		snap.failure = r.Problems()
		if s.snap != nil { // keep the last model for completion
			snap.site, snap.uses = s.snap.site, s.snap.uses
		}
	} else {
		snap = newSnapshot(r.Seq, r.Build.Result, s.ws.FS())
		if snap.site == nil && s.snap != nil {
			snap.site, snap.uses = s.snap.site, s.snap.uses
		}
	}
	s.snap = snap
	select {
	case <-s.publish: // superseded before it was sent
	default:
	}
	s.publish <- snap
	return snap
}

// logAdapter sends jsonrpc2's log lines to the server's logger.
type logAdapter struct{ logger *slog.Logger }

func (l logAdapter) Printf(format string, v ...any) {
	l.logger.Debug(strings.TrimSpace(fmt.Sprintf(format, v...)))
}
