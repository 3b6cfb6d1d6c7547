package search

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// argFlags is a flag set like kb search's: string, int and boolean flags.
type argFlags struct {
	fs          *flag.FlagSet
	index, kind string
	limit       int
	json        bool
}

func newArgFlags() *argFlags {
	f := &argFlags{fs: flag.NewFlagSet("kb search", flag.ContinueOnError)}
	f.fs.SetOutput(io.Discard)
	f.fs.StringVar(&f.index, "index", "", "")
	f.fs.StringVar(&f.kind, "kind", "", "")
	f.fs.IntVar(&f.limit, "limit", 10, "")
	f.fs.BoolVar(&f.json, "json", false, "")
	return f
}

func TestParseArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc      string
		give      []string
		wantQuery string
		wantLimit int
		wantKind  string
		wantJSON  bool
		wantErr   error // errors.Is; nil for none
	}{
		{desc: "words alone", give: []string{"reverse", "solicitation"}, wantQuery: "reverse solicitation", wantLimit: 10},
		{desc: "flags after", give: []string{"sponsorship", "--limit", "1", "--json"}, wantQuery: "sponsorship", wantLimit: 1, wantJSON: true},
		{desc: "flags before", give: []string{"--limit=3", "-json", "--kind", "scenario", "marketing"},
			wantQuery: "marketing", wantLimit: 3, wantKind: "scenario", wantJSON: true},
		{desc: "flags among the words", give: []string{"reverse", "--limit", "2", "solicitation"}, wantQuery: "reverse solicitation", wantLimit: 2},
		{desc: "a boolean flag takes no value", give: []string{"--json", "sponsorship"}, wantQuery: "sponsorship", wantLimit: 10, wantJSON: true},
		{desc: "a boolean flag with =", give: []string{"--json=false", "sponsorship"}, wantQuery: "sponsorship", wantLimit: 10},
		{desc: "a word to exclude is no flag", give: []string{"sponsorship", "-webinar"}, wantQuery: "sponsorship -webinar", wantLimit: 10},
		{desc: "a value may start with -", give: []string{"--kind", "-x", "y"}, wantQuery: "y", wantLimit: 10, wantKind: "-x"},
		{desc: "after --, all is query", give: []string{"--json", "--", "-limit", "3", "--"}, wantQuery: "-limit 3 --", wantLimit: 10, wantJSON: true},
		{desc: "three dashes name no flag", give: []string{"---limit", "x"}, wantQuery: "---limit x", wantLimit: 10},
		{desc: "a lone dash is a word", give: []string{"a", "-", "b"}, wantQuery: "a - b", wantLimit: 10},
		{desc: "words keep their spaces", give: []string{`"same type"`, "x"}, wantQuery: `"same type" x`, wantLimit: 10},
		{desc: "no arguments", give: nil, wantQuery: "", wantLimit: 10},
		{desc: "-h asks for help", give: []string{"-h"}, wantErr: flag.ErrHelp},
		{desc: "--help after the query", give: []string{"sponsorship", "--help"}, wantErr: flag.ErrHelp},
		{desc: "a bad value", give: []string{"x", "--limit", "many"}, wantErr: errAny},
		{desc: "a flag missing its value", give: []string{"x", "--limit"}, wantErr: errAny},
		{desc: "a value for a boolean flag", give: []string{"--json=maybe", "x"}, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			f := newArgFlags()
			q, err := ParseArgs(f.fs, tt.give)
			switch {
			case tt.wantErr == errAny && err == nil, tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("ParseArgs(%q) error %v, want %v", tt.give, err, tt.wantErr)
			case tt.wantErr != nil:
				return
			}
			if q != tt.wantQuery || f.limit != tt.wantLimit || f.kind != tt.wantKind || f.json != tt.wantJSON {
				t.Errorf("ParseArgs(%q) = query %q, limit %d, kind %q, json %v; want %q, %d, %q, %v",
					tt.give, q, f.limit, f.kind, f.json, tt.wantQuery, tt.wantLimit, tt.wantKind, tt.wantJSON)
			}
		})
	}
}

// errAny stands for any error in TestParseArgs.
var errAny = errors.New("any error")

// FuzzParseArgs checks splitArgs against package flag itself: every
// argument lands once, in order, among the words or the flags, and when
// the flags parse, flag leaves none of them over (it reads values and
// flags where splitArgs did).
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{
		"sponsorship\n--limit\n1", "--limit=3\n-json\nx", "--\n-limit", "-webinar\nx", "--kind\n--\ny",
		"---limit\nx", "-\n--json=true", "--limit", "-h", "--help=x", "-=x", "--=", "-json\n--kind\n-json",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\n")
		fl := newArgFlags()
		words, flagArgs := splitArgs(fl.fs, args)
		dashes := len(args) - len(words) - len(flagArgs)
		if dashes != 0 && dashes != 1 || !isSubsequence(words, args) || !isSubsequence(flagArgs, args) {
			t.Fatalf("splitArgs(%q) = %q, %q: not a split of the arguments", args, words, flagArgs)
		}
		all := slices.Sorted(slices.Values(slices.Concat(words, flagArgs, slices.Repeat([]string{"--"}, dashes))))
		if !slices.Equal(all, slices.Sorted(slices.Values(args))) {
			t.Fatalf("splitArgs(%q) = %q, %q: arguments lost or made up", args, words, flagArgs)
		}
		if err := fl.fs.Parse(flagArgs); err == nil && fl.fs.NArg() > 0 {
			t.Fatalf("splitArgs(%q): flags %q leave %q over for flag", args, flagArgs, fl.fs.Args())
		}
	})
}

// isSubsequence reports whether sub's elements appear in s in order.
func isSubsequence(sub, s []string) bool {
	i := 0
	for _, e := range s {
		if i < len(sub) && sub[i] == e {
			i++
		}
	}
	return i == len(sub)
}
