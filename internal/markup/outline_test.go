package markup

import (
	"iter"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// goldenOutlineCases returns the golden render cases, with the parser
// and the parse options the outline tests read them with.
func goldenOutlineCases(t *testing.T) ([]string, *Markdown, ParseOptions) {
	t.Helper()
	files, err := filepath.Glob("testdata/render/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	return files, New(Options{}), ParseOptions{Terms: NewTerms([]Term{{ID: "term-cl", Phrases: []string{"close links"}}}), SelfID: "self"}
}

// goldenInputs yields the name and the in.md of each golden case in files.
func goldenInputs(t *testing.T, files []string) iter.Seq2[string, []byte] {
	t.Helper()
	return func(yield func(string, []byte) bool) {
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range ar.Files {
				if f.Name == "in.md" && !yield(filepath.Base(file), f.Data) {
					return
				}
			}
		}
	}
}

// TestOutlineRestore checks the full build's way of rendering: resolving an
// outline, then restoring it into a fresh parse of the same source, renders
// what resolving the parsed document itself does, for every golden case.
func TestOutlineRestore(t *testing.T) {
	t.Parallel()
	files, md, opts := goldenOutlineCases(t)
	resolve := func(d *Document) {
		for _, r := range d.Refs {
			r.Resolved = Resolved{URL: "/ref/" + r.Target + "/", Title: "Title of " + r.Target, Preview: "Preview of " + r.Target}
		}
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var in []byte
			for _, f := range ar.Files {
				if f.Name == "in.md" {
					in = f.Data
				}
			}
			doc := md.Parse(in, opts)
			resolve(doc)
			want, err := md.RenderString(doc)
			if err != nil {
				t.Fatal(err)
			}

			outline := md.Parse(in, opts).Outline()
			if outline.Root != nil {
				t.Fatal("outline keeps the syntax tree")
			}
			resolve(outline)
			again := md.Parse(in, opts)
			if err := again.Restore(outline.Resolutions()); err != nil {
				t.Fatal(err)
			}
			got, err := md.RenderString(again)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("restored render differs:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestRestoreMismatch(t *testing.T) {
	t.Parallel()
	md := New(Options{})
	outline := md.Parse([]byte("See [[a]] and [[b]]."), ParseOptions{}).Outline()
	if err := md.Parse([]byte("See [[a]]."), ParseOptions{}).Restore(outline.Resolutions()); err == nil {
		t.Error("Restore of a different document's outline: no error")
	}
}

// TestMakeSections checks that the sections made alone, from a bare parse
// with references resolved, are those RefreshText makes, for every golden
// case.
func TestMakeSections(t *testing.T) {
	t.Parallel()
	files, md, opts := goldenOutlineCases(t)
	resolve := func(d *Document) {
		for _, r := range d.Refs {
			r.Resolved = Resolved{URL: "/ref/" + r.Target + "/", Title: "Title of " + r.Target}
		}
	}
	sections := 0
	for name, in := range goldenInputs(t, files) {
		want := md.Parse(in, ParseOptions{Terms: opts.Terms, SelfID: opts.SelfID, Bare: true})
		resolve(want)
		want.RefreshText()
		bare := ParseOptions{Terms: opts.Terms, SelfID: opts.SelfID, Render: true}
		got := md.Parse(in, bare)
		resolve(got)
		got.MakeSections()
		if !slices.Equal(got.Sections, want.Sections) {
			t.Errorf("%s: sections\n got %q\nwant %q", name, got.Sections, want.Sections)
		}
		sections += len(want.Sections)
	}
	if sections == 0 {
		t.Error("no golden case has a section: the test compares nothing")
	}
}

// TestRefreshPreviews checks that RefreshPreviews makes what RefreshText
// does but the sections, for every golden case.
func TestRefreshPreviews(t *testing.T) {
	t.Parallel()
	files, md, opts := goldenOutlineCases(t)
	anchors := 0
	for name, in := range goldenInputs(t, files) {
		bare := ParseOptions{Terms: opts.Terms, SelfID: opts.SelfID, Bare: true}
		want, got := md.Parse(in, bare), md.Parse(in, bare)
		want.RefreshText()
		got.RefreshPreviews()
		if got.Sections != nil {
			t.Errorf("%s: sections %q, want none", name, got.Sections)
		}
		want.Sections = nil
		if w, g := want.Outline(), got.Outline(); !reflect.DeepEqual(g, w) {
			t.Errorf("%s: outline\n got %+v\nwant %+v", name, g, w)
		}
		anchors += len(want.Anchors)
	}
	if anchors == 0 {
		t.Error("no golden case has an anchor: the test compares nothing")
	}
}
