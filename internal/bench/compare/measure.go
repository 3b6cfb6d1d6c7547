package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// usage is what one run of a command cost.
type usage struct {
	Wall    time.Duration
	CPU     time.Duration // user + system, of the child and what it waited for
	PeakRSS int64         // bytes
}

func (u usage) add(v usage) usage {
	return usage{Wall: u.Wall + v.Wall, CPU: u.CPU + v.CPU, PeakRSS: max(u.PeakRSS, v.PeakRSS)}
}

// measure runs a command to completion and reads its resource use from the
// kernel (wait4's rusage): peak RSS is the child's high-water mark.
func measure(ctx context.Context, dir, name string, args ...string) (usage, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return usage{}, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(out.String(), 2000))
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return usage{Wall: wall}, nil
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return usage{Wall: wall, CPU: cpu, PeakRSS: ru.Maxrss << 10}, nil
}

// best runs prepare and then fn runs times and keeps the run with the least
// wall time: on a shared machine the fastest run is the least disturbed.
func best(runs int, prepare func() error, fn func() (usage, error)) (usage, error) {
	var out usage
	for i := range runs {
		if prepare != nil {
			if err := prepare(); err != nil {
				return usage{}, err
			}
		}
		u, err := fn()
		if err != nil {
			return usage{}, err
		}
		if i == 0 || u.Wall < out.Wall {
			out = u
		}
	}
	return out, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// dirStats sums the sizes of the regular files under dir that keep says to.
func dirStats(dir string, keep func(rel string) bool) (files int, bytes int64) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if keep != nil && !keep(filepath.ToSlash(rel)) {
			return nil
		}
		if info, err := d.Info(); err == nil {
			files++
			bytes += info.Size()
		}
		return nil
	})
	return files, bytes
}

// median of durations; zero for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func removeAll(paths ...string) error {
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// helpOf returns what "NAME ARGS… -h" prints, to detect optional features.
func helpOf(name string, args ...string) string {
	out, _ := exec.Command(name, append(args, "-h")...).CombinedOutput()
	return string(out)
}

func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func fmtBytes(n int64) string {
	switch {
	case n == 0:
		return "–"
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
}

func numCPU() int { return runtime.NumCPU() }
