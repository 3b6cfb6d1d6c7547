package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/kb-legal/kb/internal/diag"
)

// publishLoop sends the diagnostics of each build, the latest only when
// builds finish faster than they can be sent.
func (s *Server) publishLoop(ctx context.Context, conn *jsonrpc2.Conn) {
	for {
		select {
		case <-ctx.Done():
			return
		case snap := <-s.publish:
			s.publishDiagnostics(ctx, conn, snap)
		}
	}
}

// publishDiagnostics sends the diagnostics of every file with problems,
// and empty ones for each file whose problems are gone. A file whose
// diagnostics did not change is not sent again.
func (s *Server) publishDiagnostics(ctx context.Context, conn *jsonrpc2.Conn, snap *snapshot) {
	s.mu.Lock()
	enc := s.enc
	s.mu.Unlock()
	byFile := snap.diagnostics(enc)
	for _, p := range snap.failure {
		s.notify(ctx, conn, protocol.ServerWindowShowMessage, protocol.ShowMessageParams{Type: protocol.MessageTypeError, Message: "kb: " + p.Message})
	}
	names := slices.Sorted(maps.Keys(byFile))
	for name := range s.sent {
		if _, ok := byFile[name]; !ok {
			names = append(names, name)
		}
	}
	for _, name := range names {
		ds := byFile[name]
		if ds == nil {
			ds = []protocol.Diagnostic{}
		}
		key, _ := json.Marshal(ds)
		if prev, ok := s.sent[name]; ok && prev == string(key) {
			continue
		}
		if len(ds) == 0 {
			delete(s.sent, name)
		} else {
			s.sent[name] = string(key)
		}
		s.notify(ctx, conn, protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{URI: s.uriOf(name), Diagnostics: ds})
	}
}

// diagnostics turns the build's problems into diagnostics, by file.
func (snap *snapshot) diagnostics(enc encoding) map[string][]protocol.Diagnostic {
	out := map[string][]protocol.Diagnostic{}
	add := func(probs diag.List, sev protocol.DiagnosticSeverity) {
		for _, p := range probs {
			if p.File == "" {
				continue
			}
			t := snap.fileText(p.File)
			if t == nil {
				t = newText(nil)
			}
			out[p.File] = append(out[p.File], diagnostic(t, p, sev, enc))
		}
	}
	add(snap.problems, protocol.DiagnosticSeverityError)
	add(snap.warnings, protocol.DiagnosticSeverityWarning)
	return out
}

// diagnostic places a problem in its file's text: kb gives a line and a
// column in characters; the range covers the construct that starts there.
func diagnostic(t *text, p diag.Problem, sev protocol.DiagnosticSeverity, enc encoding) protocol.Diagnostic {
	n := min(max(p.Line, 1)-1, t.lines()-1)
	line := t.line(n)
	col := charIndex(line, max(p.Col, 1))
	start := t.starts[n] + col
	end := t.starts[n] + extent(line, col, n < frontMatterEnd(t))
	msg := p.Message
	if p.Hint != "" {
		msg += " (" + p.Hint + ")"
	}
	source := "kb"
	return protocol.Diagnostic{Range: t.rangeOf(start, end, enc), Severity: &sev, Source: &source, Message: msg}
}

// frontMatterEnd is the line of the front matter's closing "---", 0 when
// there is none.
func frontMatterEnd(t *text) int {
	n, ok := frontMatter(t)
	if !ok {
		return 0
	}
	return n
}

// extent is where the construct at col of line ends: a reference at its
// "]]", a note at its "]", an anchor at its "}", a link at its ")", a front
// matter value at the end of the line, a word at the next space. An empty
// construct at the end of a line covers the character before it.
func extent(line []byte, col int, inFrontMatter bool) int {
	rest := line[col:]
	closeAfter := func(open, close string) int {
		if i := bytes.Index(rest[len(open):], []byte(close)); i >= 0 {
			return col + len(open) + i + len(close)
		}
		return len(line)
	}
	switch {
	case len(rest) == 0:
		return col
	case bytes.HasPrefix(rest, []byte("[[")):
		return closeAfter("[[", "]]")
	case bytes.HasPrefix(rest, []byte("[@")):
		return closeAfter("[@", "]")
	case bytes.HasPrefix(rest, []byte("{#")):
		return closeAfter("{#", "}")
	case rest[0] == '[' && bytes.Contains(rest, []byte("](")):
		i := bytes.Index(rest, []byte("]("))
		if j := bytes.IndexByte(rest[i:], ')'); j >= 0 {
			return col + i + j + 1
		}
		return len(line)
	case inFrontMatter:
		return len(bytes.TrimRight(line, " \t"))
	}
	if i := bytes.IndexAny(rest, " \t"); i > 0 {
		return col + i
	}
	return len(line)
}
