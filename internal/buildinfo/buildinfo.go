// Package buildinfo says which kb a binary is: its version, the commit
// and time it was built from, whether the tree had uncommitted changes,
// and the toolchain and platform. Release builds name them through the
// linker (see Linked); any other build reads them from the build
// information the Go toolchain embeds.
package buildinfo

import (
	"cmp"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Linked is what a release build sets at link time (GoReleaser, see
// .goreleaser.yaml, sets package main's version, commit and date).
type Linked struct{ Version, Commit, Date string }

// Version is what `kb version` prints.
type Version struct {
	Version  string `json:"version"`          // v1.2.3, a pseudo-version, or (devel)
	Commit   string `json:"commit,omitempty"` // the VCS revision built
	Date     string `json:"date,omitempty"`   // the revision's commit time, RFC 3339
	Modified bool   `json:"modified"`         // built from a tree with uncommitted changes
	Go       string `json:"go"`               // the toolchain, e.g. go1.26.8
	Platform string `json:"platform"`         // GOOS/GOARCH
}

// Current is this binary's version, l being what the linker set.
func Current(l Linked) Version {
	info, _ := debug.ReadBuildInfo()
	return Of(info, l)
}

// Of reads the version from the linker flags first, then from the build
// information: the module version that `go install …@v1.2.3` or `go
// build` in a checkout stamps, and the vcs.* settings of a build from a
// checkout (a module download has none).
func Of(info *debug.BuildInfo, l Linked) Version {
	v := Version{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info != nil {
		v.readSettings(info)
	}
	v.Version = cmp.Or(l.Version, v.Version)
	v.Commit = cmp.Or(l.Commit, v.Commit)
	v.Date = cmp.Or(l.Date, v.Date)
	return v
}

// readSettings takes the module version, the toolchain and the vcs.* and
// platform settings from info.
func (v *Version) readSettings(info *debug.BuildInfo) {
	if mv := info.Main.Version; mv != "" {
		v.Version = mv
	}
	if info.GoVersion != "" {
		v.Go = info.GoVersion
	}
	goos, goarch := runtime.GOOS, runtime.GOARCH
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Date = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	v.Platform = goos + "/" + goarch
}

// Short is the version for a log line: the version alone when it names
// its commit (a tag or pseudo-version), else with the commit's first 12
// hex digits, and "+dirty" when the tree had changes Go did not mark.
func (v Version) Short() string {
	s := v.Version
	if v.Commit != "" && !strings.Contains(s, v.Commit[:min(7, len(v.Commit))]) && !isRelease(s) {
		s += "-" + v.Commit[:min(12, len(v.Commit))]
	}
	if v.Modified && !strings.HasSuffix(s, "+dirty") {
		s += "+dirty"
	}
	return s
}

// isRelease tells a semantic version without pre-release or build parts
// (v1.2.3): it names a tag, and the tag its commit.
func isRelease(s string) bool {
	s, ok := strings.CutPrefix(s, "v")
	return ok && strings.Count(s, ".") == 2 && strings.Trim(s, "0123456789.") == ""
}

// String is `kb version`'s text: the version on the first line alone, so
// `kb --version | head -n1` is the version, then one fact a line.
func (v Version) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kb %s\n", v.Version)
	if v.Commit != "" {
		fmt.Fprintf(&b, "commit:   %s\n", v.Commit)
	}
	if v.Date != "" {
		fmt.Fprintf(&b, "date:     %s\n", v.Date)
	}
	if v.Modified {
		fmt.Fprintf(&b, "modified: true (built with uncommitted changes)\n")
	}
	fmt.Fprintf(&b, "go:       %s %s\n", v.Go, v.Platform)
	return b.String()
}
