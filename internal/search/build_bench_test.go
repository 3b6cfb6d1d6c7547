package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/kb-legal/kb/internal/search"
)

// BenchmarkBuild measures building the Bleve index alone (analysis,
// segments and their merge), without the static export. Besides wall
// time it reports the CPU time of a build (cpu-s/op), which a busy
// machine does not inflate as much.
func BenchmarkBuild(b *testing.B) {
	for _, pages := range sizes {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			docs := benchDocs(b, pages)
			ctx := context.Background()
			root := b.TempDir()
			i := 0
			b.ReportAllocs()
			cpu := cpuTime(b)
			for b.Loop() {
				dir := filepath.Join(root, fmt.Sprint(i))
				i++
				if err := search.Build(ctx, dir, docs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime(b)-cpu).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(len(docs)), "sections")
		})
	}
}

// BenchmarkBuildAndExport measures the index and its static export
// together, as kb build makes them: the index is built in parts, one per
// core, while the export is written. Besides wall time it reports the
// CPU time of a build (cpu-s/op) and the cores it kept busy on average
// (cores: CPU time over wall time).
func BenchmarkBuildAndExport(b *testing.B) {
	for _, pages := range sizes {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			docs := benchDocs(b, pages)
			ctx := context.Background()
			root := b.TempDir()
			i := 0
			cpu, start := cpuTime(b), time.Now()
			for b.Loop() {
				dir := filepath.Join(root, fmt.Sprint(i))
				i++
				// A copy: BuildAndExport empties the documents' text.
				_, err := search.BuildAndExport(ctx, dir, slices.Clone(docs), func(string, []byte) error { return nil }, search.ExportOptions{})
				if err != nil {
					b.Fatal(err)
				}
				os.RemoveAll(dir)
			}
			used := (cpuTime(b) - cpu).Seconds()
			b.ReportMetric(used/float64(b.N), "cpu-s/op")
			b.ReportMetric(used/time.Since(start).Seconds(), "cores")
			b.ReportMetric(float64(len(docs)), "sections")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
