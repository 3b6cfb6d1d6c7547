package lsp_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

const scenario = "content/scenarios/sponsorship.md"

// broken is a line a writer types: a dead reference after "—", curly
// quotes and a character outside the Basic Multilingual Plane, where
// UTF-16, UTF-8 and code points all count differently.
const broken = "\nThe firm’s “offer” — 𝔄 — see [[mica-art-61#p9]].\n"

func TestDiagnosticsAtTheRightRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc    string
		give    []string // the encodings the client offers
		wantEnc string
	}{
		{desc: "UTF-16 by default", give: nil, wantEnc: "utf-16"},
		{desc: "UTF-8 when offered", give: []string{"utf-8", "utf-16"}, wantEnc: "utf-8"},
		{desc: "UTF-32 when preferred", give: []string{"utf-32"}, wantEnc: "utf-32"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			c := start(t, copySite(t), tt.give...)
			if c.enc != tt.wantEnc {
				t.Fatalf("positionEncoding = %q, want %q", c.enc, tt.wantEnc)
			}
			text := c.read(scenario)
			c.open(scenario, text)
			end := posOf(text, len(text), c.enc)
			c.change(scenario, 2, rng{end, end}, broken)
			text += broken

			ds := c.waitDiagnostics(scenario, func(ds []diagnostic) bool { return len(ds) > 0 })
			if len(ds) != 1 {
				t.Fatalf("diagnostics = %+v, want one", ds)
			}
			d := ds[0]
			ref := "[[mica-art-61#p9]]"
			want := rng{c.at(text, ref, 0), c.at(text, ref, len(ref))}
			if d.Range != want || d.Severity != 1 || d.Source != "kb" || !strings.Contains(d.Message, "#p9") {
				t.Errorf("diagnostic = %+v, want an error at %+v about #p9", d, want)
			}

			// Fixing it clears the file's diagnostics.
			c.change(scenario, 3, rng{c.at(text, "#p9", 2), c.at(text, "#p9", 3)}, "2")
			c.waitDiagnostics(scenario, func(ds []diagnostic) bool { return len(ds) == 0 })
		})
	}
}

func TestDiagnosticsOfOtherFiles(t *testing.T) {
	t.Parallel()
	c := start(t, copySite(t))
	// Removing an anchor breaks the pages that cite it: their diagnostics
	// come too, though they are not open.
	name := "content/provisions/art-61.md"
	text := c.read(name)
	c.open(name, text)
	c.change(name, 2, rng{c.at(text, "{#p2}", 2), c.at(text, "{#p2}", 4)}, "px")
	ds := c.waitDiagnostics("content/esma/not-same-type.md", func(ds []diagnostic) bool { return len(ds) > 0 })
	if !strings.Contains(ds[0].Message, "p2") {
		t.Errorf("diagnostic of a citing page = %+v, want one about #p2", ds[0])
	}
	// Closing the buffer drops the overlay: the file on disk is fine.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": c.uri(name)}})
	c.waitDiagnostics("content/esma/not-same-type.md", func(ds []diagnostic) bool { return len(ds) == 0 })
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	c := start(t, copySite(t))
	text := c.read(scenario)
	c.open(scenario, text)
	tests := []struct {
		desc   string
		typed  string // typed at the end of the body
		want   string // a label among the items
		detail string // part of its detail
	}{
		{desc: "anchors after #", typed: "See [[mica-art-61#", want: "p1-sub2", detail: "1, second subparagraph — "},
		{desc: "anchors of a page named by its cite key", typed: "See [[MiCA Art. 61#p", want: "p2", detail: "2"},
		{desc: "ids after [[", typed: "See [[mica-art", want: "mica-art-61", detail: "Article 61"},
		{desc: "cite keys after [[", typed: "See [[MiCA Art. 6", want: "MiCA Art. 61", detail: "Article 61"},
		{desc: "sources after [@", typed: "Cited [@es", want: "esma-guidelines", detail: "Guidelines"},
	}
	version := 1
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			end := posOf(text, len(text), c.enc)
			version++
			c.change(scenario, version, rng{end, end}, tt.typed)
			text += tt.typed
			items := c.complete(scenario, posOf(text, len(text), c.enc))
			item, ok := find(items, tt.want)
			if !ok || !strings.Contains(item.Detail, tt.detail) {
				t.Fatalf("completion of %q: %s = %+v (found %v), want detail with %q; labels %v", tt.typed, tt.want, item, ok, tt.detail, labels(items))
			}
			if item.Data != nil { // a page: its documentation comes on resolve
				var resolved struct {
					Documentation struct {
						Value string `json:"value"`
					} `json:"documentation"`
				}
				c.call("completionItem/resolve", item, &resolved)
				if !strings.Contains(resolved.Documentation.Value, "content/") {
					t.Errorf("completionItem/resolve of %s: documentation %q, want the page's", tt.want, resolved.Documentation.Value)
				}
			}
			// The edit replaces what was typed of the name.
			if got := item.TextEdit.Range.End; got != posOf(text, len(text), c.enc) {
				t.Errorf("edit ends at %+v, want the cursor", got)
			}
			version++
			c.change(scenario, version, rng{posOf(text, len(text)-len(tt.typed), c.enc), posOf(text, len(text), c.enc)}, "")
			text = text[:len(text)-len(tt.typed)]
		})
	}
}

func TestFrontMatterCompletion(t *testing.T) {
	t.Parallel()
	c := start(t, copySite(t))
	name := "content/scenarios/new.md"
	tests := []struct {
		desc   string
		line   string // the line being typed, cursor at its end
		want   string
		detail string
	}{
		{desc: "a field", line: "sum", want: "summary", detail: "One or two sentences"},
		{desc: "a kind", line: "kind: sc", want: "scenario"},
		{desc: "an outcome, with its label", line: "outcome: ", want: "exemption-unavailable", detail: "Exemption unavailable"},
		{desc: "a risk", line: "risk: h", want: "high", detail: "High"},
		{desc: "a trigger of kb.yaml", line: "trigger: Spo", want: "Sponsorship"},
		{desc: "a known tag", line: "tags: [reverse-solicitation, mark", want: "marketing", detail: "pages"},
		{desc: "a reference in applies", line: `applies: ["mica-art-61#p1`, want: "p1-sub2", detail: "second subparagraph"},
	}
	for i, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			text := "---\ntitle: New\n" + tt.line + "\n---\nBody.\n"
			if i == 0 {
				c.open(name, text)
			} else {
				c.notify("textDocument/didChange", map[string]any{
					"textDocument":   map[string]any{"uri": c.uri(name), "version": i + 1},
					"contentChanges": []any{map[string]any{"text": text}}})
			}
			items := c.complete(name, c.at(text, tt.line, len(tt.line)))
			item, ok := find(items, tt.want)
			if !ok || !strings.Contains(item.Detail, tt.detail) {
				t.Errorf("completion of %q: %s = %+v (found %v), want detail with %q; labels %v", tt.line, tt.want, item, ok, tt.detail, labels(items))
			}
		})
	}
}

func (c *client) complete(name string, pos position) []completionItem {
	c.t.Helper()
	var list struct {
		Items []completionItem `json:"items"`
	}
	c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": c.uri(name)}, "position": pos}, &list)
	return list.Items
}

func find(items []completionItem, label string) (completionItem, bool) {
	for _, it := range items {
		if it.Label == label {
			return it, true
		}
	}
	return completionItem{}, false
}

func labels(items []completionItem) []string {
	var out []string
	for _, it := range items[:min(len(items), 20)] {
		out = append(out, it.Label)
	}
	return out
}

func TestHoverDefinitionReferences(t *testing.T) {
	t.Parallel()
	c := start(t, copySite(t))
	text := c.read(scenario)
	c.open(scenario, text)
	line := "\nSee [[mica-art-61#p2]] and [@mica, Art. 61(2)]; reverse solicitation.\n"
	end := posOf(text, len(text), c.enc)
	c.change(scenario, 2, rng{end, end}, line)
	text += line
	doc := map[string]any{"uri": c.uri(scenario)}

	var hover struct {
		Contents struct {
			Value string `json:"value"`
		} `json:"contents"`
		Range *rng `json:"range"`
	}
	c.call("textDocument/hover", map[string]any{"textDocument": doc, "position": c.at(text, "[[mica-art-61#p2]]", 5)}, &hover)
	if v := hover.Contents.Value; !strings.Contains(v, "MiCA Art. 61(2)") || !strings.Contains(v, "cited by") {
		t.Errorf("hover on [[mica-art-61#p2]] = %q, want its citation, its text and its citers", v)
	}
	c.call("textDocument/hover", map[string]any{"textDocument": doc, "position": c.at(text, "[@mica,", 3)}, &hover)
	if v := hover.Contents.Value; !strings.Contains(v, "Regulation (EU) 2023/1114") {
		t.Errorf("hover on [@mica] = %q, want the source", v)
	}
	c.call("textDocument/hover", map[string]any{"textDocument": doc, "position": c.at(text, "reverse solicitation.", 3)}, &hover)
	if v := hover.Contents.Value; !strings.Contains(v, "defined term") {
		t.Errorf("hover on a defined term = %q, want its definition", v)
	}

	art := "content/provisions/art-61.md"
	artText := c.read(art)
	var loc location
	c.call("textDocument/definition", map[string]any{"textDocument": doc, "position": c.at(text, "[[mica-art-61#p2]]", 8)}, &loc)
	if want := (rng{c.at(artText, "{#p2}", 0), c.at(artText, "{#p2}", 5)}); loc.URI != c.uri(art) || loc.Range != want {
		t.Errorf("definition = %+v, want %s at %+v", loc, c.uri(art), want)
	}

	var refs []location
	c.open(art, artText)
	c.call("textDocument/references", map[string]any{"textDocument": map[string]any{"uri": c.uri(art)},
		"position": c.at(artText, "{#p2}", 3), "context": map[string]any{"includeDeclaration": false}}, &refs)
	var inScenario, elsewhere bool
	for _, r := range refs {
		name := c.name(r.URI)
		data, err := os.ReadFile(c.dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		written := string(data)
		if name == scenario {
			written = text
			inScenario = true
		} else {
			elsewhere = true
		}
		at := written[offsetOf(written, r.Range.Start, c.enc):offsetOf(written, r.Range.End, c.enc)]
		if !strings.HasPrefix(at, "[[") && !strings.HasPrefix(at, "[") && !strings.Contains(at, "61") {
			t.Errorf("reference at %s %+v reads %q, want a reference", name, r.Range, at)
		}
	}
	if !inScenario || !elsewhere {
		t.Errorf("references of {#p2} = %+v, want the open buffer's and other files'", refs)
	}

	var symbols json.RawMessage
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri(art)}}, &symbols)
	raw := symbols
	if !strings.Contains(string(raw), `"detail":"#p1-sub2"`) || !strings.Contains(string(raw), `"name":"Paragraph 2"`) {
		t.Errorf("document symbols = %s, want headings and anchors", raw)
	}
}

func TestRename(t *testing.T) {
	t.Parallel()
	art := "content/provisions/art-61.md"
	tests := []struct {
		desc    string
		file    string // where the cursor is
		at      string // on what, cursor 2 bytes in
		prepare string // the name prepareRename offers
		newName string
		want    string // written somewhere after the rename
		gone    string // written nowhere after it
	}{
		{desc: "a page id, from its id:", file: art, at: "id: mica-art-61", prepare: "mica-art-61", newName: "mica-article-61",
			want: "[[mica-article-61#p1-sub2", gone: "[[mica-art-61"},
		{desc: "a page id, from a reference", file: scenario, at: "mica-art-61#p1-sub1", prepare: "mica-art-61", newName: "art61",
			want: `"art61#p1-sub2"`, gone: "[[mica-art-61"},
		{desc: "an anchor, from its {#…}", file: art, at: "p1-sub2}", prepare: "p1-sub2", newName: "p1-sub2a",
			want: "[[mica-art-61#p1-sub2a", gone: "[[mica-art-61#p1-sub2]"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			dir := copySite(t)
			c := start(t, dir)
			text := c.read(tt.file)
			c.open(tt.file, text)
			pos := c.at(text, tt.at, 2)
			if strings.HasPrefix(tt.at, "id: ") {
				pos = c.at(text, tt.at, 6)
			}
			doc := map[string]any{"uri": c.uri(tt.file)}
			var prep struct {
				Placeholder string `json:"placeholder"`
			}
			c.call("textDocument/prepareRename", map[string]any{"textDocument": doc, "position": pos}, &prep)
			if prep.Placeholder != tt.prepare {
				t.Errorf("prepareRename offers %q, want %q", prep.Placeholder, tt.prepare)
			}
			var edit struct {
				Changes map[string][]textEdit `json:"changes"`
			}
			c.call("textDocument/rename", map[string]any{"textDocument": doc, "position": pos, "newName": tt.newName}, &edit)
			if len(edit.Changes) < 2 {
				t.Fatalf("rename changes %d files, want several", len(edit.Changes))
			}
			apply(t, dir, edit.Changes, c.enc)
			if res := check(t, os.DirFS(dir)); len(res.Problems) > 0 {
				t.Errorf("kb check after the rename: %v", res.Problems)
			}
			// Code spans show the syntax, as the writer's guide does: they are
			// no references, and stay as they are.
			all := codeSpan.ReplaceAllString(readAll(t, dir), "")
			if !strings.Contains(all, tt.want) || strings.Contains(all, tt.gone) {
				t.Errorf("after the rename: %q written: %v; %q written: %v; want yes, no", tt.want, strings.Contains(all, tt.want), tt.gone, strings.Contains(all, tt.gone))
			}
		})
	}
}

func TestRenameRefused(t *testing.T) {
	t.Parallel()
	c := start(t, copySite(t))
	text := c.read(scenario)
	c.open(scenario, text)
	doc := map[string]any{"uri": c.uri(scenario)}
	tests := []struct {
		desc, at, newName, want string
	}{
		{"an id taken", "mica-art-61#p1-sub1", "mica-art-59", "already used"},
		{"not an id", "mica-art-61#p1-sub1", "Art 61", "is not an id"},
		{"an anchor taken", "p1-sub1|", "p2", "already has an anchor"},
		{"a citation", "MiCA Art. 61(1)]]", "x", "is a citation"},
		{"plain prose", "Facts", "x", "put the cursor on"},
	}
	for _, tt := range tests {
		var edit any
		err := c.callErr("textDocument/rename", map[string]any{"textDocument": doc, "position": c.at(text, tt.at, 1), "newName": tt.newName}, &edit)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: rename error = %v, want %q", tt.desc, err, tt.want)
		}
	}
}

var codeSpan = regexp.MustCompile("`[^`\n]*`")

// readAll concatenates the site's content files.
func readAll(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := fs.WalkDir(os.DirFS(dir), "content", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, err := os.ReadFile(dir + "/" + p)
			b.Write(data)
			return err
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
