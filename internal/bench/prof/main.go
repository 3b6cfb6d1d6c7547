// Command prof runs one full build with the search index, as `kb build`
// does, under the CPU profiler (and, with -memprofile, writes a heap
// profile at the end), for finding where a build spends its time:
//
//	go run ./internal/bench/gen -n 10000 /tmp/s10k
//	go build -o /tmp/prof ./internal/bench/prof
//	/tmp/prof -cpuprofile /tmp/cpu.prof /tmp/s10k
//	go tool pprof -top /tmp/prof /tmp/cpu.prof
//
// With -site it builds the site alone (no search index), for the cost of
// loading, parsing, linking and writing pages. -out and -index put the
// output elsewhere than in SITE (a corpus shared with others stays as it
// is); -heapevery writes a heap profile every so often while the build
// runs (FILE.1, FILE.2, … beside -memprofile's FILE), for what is live at
// the build's peak rather than at its end.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kb-legal/kb/internal/build"
	"github.com/kb-legal/kb/internal/sitefs"
)

func main() {
	os.Exit(run())
}

func run() int {
	cpu := flag.String("cpuprofile", "", "write a CPU profile to `file`")
	mem := flag.String("memprofile", "", "write a heap profile to `file` at the end")
	siteOnly := flag.Bool("site", false, "build the site alone, without the search index, into SITE/public-prof")
	outDir := flag.String("out", "", "the site's output `dir` (default SITE/public, or SITE/public-prof with -site)")
	indexDir := flag.String("index", "", "the search index's `dir` (default SITE/index)")
	every := flag.Duration("heapevery", 0, "with -memprofile: also write a heap profile every `interval` while building, to FILE.1, FILE.2, …")
	exact := flag.Bool("gc", false, "with -heapevery: collect garbage before each profile, so that it holds exactly what is live (slower)")
	classes := flag.Duration("memclasses", 0, "print the runtime's memory classes (runtime/metrics /memory/classes/) and heap goal to stderr every `interval`")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: prof [-site] [-out DIR] [-index DIR] [-cpuprofile FILE] [-memprofile FILE [-heapevery D [-gc]]] [-memclasses D] SITE")
		return 2
	}
	src := flag.Arg(0)
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fmt.Fprintln(os.Stderr, "prof:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "prof:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	if *mem != "" && *every > 0 {
		stop := heapEvery(*mem, *every, *exact)
		defer stop()
	}
	if *classes > 0 {
		stop := memClassesEvery(os.Stderr, *classes)
		defer stop()
	}
	start := time.Now()
	var res *build.Result
	var err error
	if *siteOnly {
		res, err = generate(src, cmp.Or(*outDir, filepath.Join(src, "public-prof")))
	} else {
		res, err = build.RunWithIndex(context.Background(), build.Options{Source: src},
			cmp.Or(*outDir, filepath.Join(src, "public")), cmp.Or(*indexDir, filepath.Join(src, "index")))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "prof:", err)
		return 1
	}
	if len(res.Problems) > 0 {
		fmt.Fprintln(os.Stderr, "prof:", len(res.Problems), "problems, first:", res.Problems[0])
		return 1
	}
	fmt.Fprintf(os.Stderr, "prof: %d pages, %d files in %v\n", res.Pages, len(res.Files), time.Since(start).Round(time.Millisecond))
	if *mem != "" {
		f, err := os.Create(*mem)
		if err != nil {
			fmt.Fprintln(os.Stderr, "prof:", err)
			return 1
		}
		defer f.Close()
		runtime.GC()
		if err := pprof.WriteHeapProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "prof:", err)
			return 1
		}
	}
	return 0
}

// heapEvery writes a heap profile to name.1, name.2, … every interval
// until stop is called. Each holds what the last collection found live,
// which with gc is one made just before.
func heapEvery(name string, interval time.Duration, gc bool) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if gc {
				runtime.GC()
			}
			f, err := os.Create(name + "." + strconv.Itoa(n))
			if err != nil {
				fmt.Fprintln(os.Stderr, "prof:", err)
				return
			}
			if err := pprof.WriteHeapProfile(f); err != nil {
				fmt.Fprintln(os.Stderr, "prof:", err)
			}
			f.Close()
		}
	})
	return func() { close(done); wg.Wait() }
}

// memClassesEvery prints to w, every interval until stop is called, the
// heap goal, the live heap and each of the runtime's memory classes in MB:
// what a memory limit counts besides the heap, which it takes from the
// heap goal.
func memClassesEvery(w io.Writer, interval time.Duration) (stop func()) {
	var samples []metrics.Sample
	for _, d := range metrics.All() {
		if strings.HasPrefix(d.Name, "/memory/classes/") || d.Name == "/gc/heap/goal:bytes" || d.Name == "/gc/heap/live:bytes" {
			samples = append(samples, metrics.Sample{Name: d.Name})
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	wg.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(samples)
			var b strings.Builder
			fmt.Fprintf(&b, "memclasses %.0fs", time.Since(start).Seconds())
			for _, s := range samples {
				name := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s.Name, "/memory/classes/"), "/gc/heap/"), ":bytes")
				fmt.Fprintf(&b, " %s=%d", name, s.Value.Uint64()>>20)
			}
			fmt.Fprintln(w, b.String())
		}
	})
	return func() { close(done); wg.Wait() }
}

// generate builds the site in src alone into out, replaced.
func generate(src, out string) (*build.Result, error) {
	fsys, err := sitefs.Open(src)
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	if err := os.RemoveAll(out); err != nil {
		return nil, err
	}
	return build.Generate(context.Background(), fsys, build.Options{Source: src}, dirSink(out))
}

// dirSink writes a site's files under a directory.
type dirSink string

func (d dirSink) WriteFile(name string, data []byte) error {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// Create writes a file as it is made, as kb build's staging dir does.
func (d dirSink) Create(name string) (io.WriteCloser, error) {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}
