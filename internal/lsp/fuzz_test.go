package lsp

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	unicode16 "unicode/utf16"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
	"golang.org/x/tools/txtar"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/diag"
	"github.com/kb-legal/kb/internal/workspace"
)

// pieces are what the fuzz target's edits insert: kb's syntax, and the
// characters that count differently in UTF-8, UTF-16 and code points.
var pieces = []string{"[[", "]]", "#", "p2", "p9", "mica-art-61", "MiCA Art. 61(1)", "{#", "}", "[@", "mica", "]", "|",
	"—", "“", "”", "’", "𝔄", "é", "\n", "\r\n", " ", "---", "kind: ", "scenaro", "\\", "`", "(", ")"}

// FuzzDidChange sends a buffer a sequence of changes, as an editor does,
// then checks that the server's diagnostics are kb check's on the final
// text: the same problems, at the same places.
func FuzzDidChange(f *testing.F) {
	dir := f.TempDir()
	ar, err := txtar.ParseFile("testdata/site.txtar")
	if err != nil {
		f.Fatal(err)
	}
	files := fstest.MapFS{}
	for _, file := range ar.Files {
		files[file.Name] = &fstest.MapFile{Data: file.Data}
		path := filepath.Join(dir, filepath.FromSlash(file.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(path, file.Data, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	const name = "content/scenarios/sponsorship.md"
	base := string(files[name].Data)
	ws, err := workspace.Open(context.Background(), workspace.Options{Build: build.Options{Source: dir, Model: true}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ws.Close() })
	s := New(ws, Options{Root: dir})
	uri := "file://" + filepath.ToSlash(filepath.Join(dir, name))

	f.Add([]byte{200, 0, 3, 10, 5, 19}, "")                // a dead anchor, a curly quote
	f.Add([]byte{255, 0, 0, 255, 0, 6}, "x]]")             // an unclosed reference
	f.Add([]byte{0, 3, 22, 128, 40, 21}, "")               // front matter broken
	f.Add([]byte{90, 0, 255, 90, 0, 255}, "kind: scenaro") // the string piece
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, ops []byte, piece string) {
		if len(ops) > 60 || len(piece) > 200 {
			t.Skip()
		}
		text := base
		if err := s.didOpen(nil, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: uri, Version: 1, Text: text}}); err != nil {
			t.Fatal(err)
		}
		defer s.didClose(nil, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}})
		for i := 0; i+2 < len(ops); i += 3 {
			start := runeStart(text, int(ops[i])*len(text)/255)
			end := runeStart(text, min(len(text), start+int(ops[i+1])%16))
			insert := piece
			if k := int(ops[i+2]); k < len(pieces) {
				insert = pieces[k]
			}
			if !utf8.ValidString(insert) {
				insert = "?"
			}
			t0 := newText([]byte(text))
			r := protocol.Range{Start: t0.position(start, utf16), End: t0.position(end, utf16)}
			err := s.didChange(nil, &protocol.DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{
				TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: protocol.Integer(i + 2)},
				ContentChanges: []any{protocol.TextDocumentContentChangeEvent{Range: &r, Text: insert}}})
			if err != nil {
				t.Fatal(err)
			}
			text = text[:start] + insert + text[end:]
		}
		d, err := s.doc(uri)
		if err != nil || string(d.text.src) != text {
			t.Fatalf("the buffer is %q, want %q", d.text.src, text)
		}
		snap := s.settled()
		got := snap.diagnostics(utf16)

		files := maps.Clone(files)
		files[name] = &fstest.MapFile{Data: []byte(text)}
		res, err := build.Generate(context.Background(), files, build.Options{}, discardSink{})
		if err != nil {
			t.Fatal(err)
		}
		if g, w := summary(got), expected(files, res.Problems, res.Warnings); !slices.Equal(g, w) {
			t.Errorf("diagnostics after the changes:\n%q\nkb check on the final text:\n%q\ntext:\n%s", g, w, text)
		}
	})
}

// runeStart moves a byte offset back to the start of its character.
func runeStart(s string, off int) int {
	for off > 0 && off < len(s) && !utf8.RuneStart(s[off]) {
		off--
	}
	return off
}

// expected places kb check's problems as the server should, counted
// independently of its code: each starts at its line (from 0) and at the
// UTF-16 length of the characters before its column.
func expected(files fstest.MapFS, probs, warns diag.List) []string {
	var out []string
	add := func(l diag.List, sev protocol.DiagnosticSeverity) {
		for _, p := range l {
			if p.File == "" {
				continue
			}
			var src string
			if f := files[p.File]; f != nil {
				src = string(f.Data)
			}
			lines := strings.Split(src, "\n")
			n := min(max(p.Line, 1)-1, len(lines)-1)
			line := []rune(strings.TrimSuffix(lines[n], "\r"))
			before := line[:min(max(p.Col, 1)-1, len(line))]
			msg := p.Message
			if p.Hint != "" {
				msg += " (" + p.Hint + ")"
			}
			out = append(out, fmt.Sprintf("%s:%d:%d: %d %s", p.File, n, len(unicode16.Encode(before)), sev, msg))
		}
	}
	add(probs, protocol.DiagnosticSeverityError)
	add(warns, protocol.DiagnosticSeverityWarning)
	slices.Sort(out)
	return out
}

// summary lists diagnostics as "file:line:character: severity message",
// sorted.
func summary(m map[string][]protocol.Diagnostic) []string {
	var out []string
	for file, ds := range m {
		for _, d := range ds {
			out = append(out, fmt.Sprintf("%s:%d:%d: %d %s", file, d.Range.Start.Line, d.Range.Start.Character, *d.Severity, d.Message))
		}
	}
	slices.Sort(out)
	return out
}

type discardSink struct{}

func (discardSink) WriteFile(string, []byte) error { return nil }
