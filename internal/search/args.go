package search

import (
	"flag"
	"strings"
)

// ParseArgs reads a query written on a command line, with flags before,
// after or among its words: it sets fs's flags from the arguments that
// name one and returns the others, joined by spaces, as the query.
//
// An argument is a flag when it names one of fs's flags ("-limit",
// "--limit=3") or asks for help ("-h", "--help"); the next argument is
// its value unless it is given with "=" or the flag is boolean. After
// "--", every argument is a word. "-word" that names no flag is a word:
// the query's way to exclude it (see ParseQuery).
func ParseArgs(fs *flag.FlagSet, args []string) (query string, err error) {
	words, flagArgs := splitArgs(fs, args)
	if err := fs.Parse(flagArgs); err != nil {
		return "", err
	}
	return strings.Join(append(words, fs.Args()...), " "), nil
}

// splitArgs separates the query's words from the flags and their values,
// keeping the order of each.
func splitArgs(fs *flag.FlagSet, args []string) (words, flagArgs []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(words, args[i+1:]...), flagArgs
		}
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
			continue
		}
		name, _, eq := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f := fs.Lookup(name)
		if f == nil && name != "h" && name != "help" {
			words = append(words, a)
			continue
		}
		flagArgs = append(flagArgs, a)
		if f != nil && !eq && !isBool(f) && i+1 < len(args) {
			i++
			flagArgs = append(flagArgs, args[i])
		}
	}
	return words, flagArgs
}

// isBool reports a flag that takes no value unless given with "=", as
// package flag tells them.
func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
