// Command gen writes a synthetic knowledge base for benchmarks:
//
//	go run ./internal/bench/gen -n 10000 [-seed N] [-hugo] DIR
//
// DIR gets kb.yaml and content/ (or, with -hugo, the same pages as a Hugo
// site: hugo.toml, layouts/ and content/ with plain Markdown links).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/kb-legal/kb/internal/bench/corpus"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	var opts corpus.Options
	fs.IntVar(&opts.Pages, "n", 1000, "number of content `pages`")
	fs.Uint64Var(&opts.Seed, "seed", 1, "random `seed`; the same seed gives the same corpus")
	fs.BoolVar(&opts.Hugo, "hugo", false, "write the corpus as a Hugo site")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gen [-n PAGES] [-seed N] [-hugo] DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || opts.Pages < 1 {
		fs.Usage()
		return 2
	}
	if err := corpus.Write(fs.Arg(0), opts); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		return 1
	}
	return 0
}
