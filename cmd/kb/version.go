package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// Release builds set these at link time (GoReleaser, see .goreleaser.yaml):
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=SHA -X main.date=RFC3339" ./cmd/kb
//
// They are the only way to pass a value in through the linker, hence
// package variables; nothing writes them at run time. Left empty, the
// build information the Go toolchain embeds gives the same facts.
var (
	version string
	commit  string
	date    string
)

// linked is what the linker flags above set.
type linked struct{ version, commit, date string }

// buildVersion is what `kb version` prints.
type buildVersion struct {
	Version  string `json:"version"`          // v1.2.3, a pseudo-version, or (devel)
	Commit   string `json:"commit,omitempty"` // the VCS revision built
	Date     string `json:"date,omitempty"`   // the revision's commit time, RFC 3339
	Modified bool   `json:"modified"`         // built from a tree with uncommitted changes
	Go       string `json:"go"`               // the toolchain, e.g. go1.26.8
	Platform string `json:"platform"`         // GOOS/GOARCH
}

// versionOf reads the version from the linker flags first, then from the
// build information: the module version that `go install …@v1.2.3` or
// `go build` in a checkout stamps, and the vcs.* settings of a build
// from a checkout (a module download has none).
func versionOf(info *debug.BuildInfo, l linked) buildVersion {
	v := buildVersion{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info != nil {
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
	v.Version = cmp.Or(l.version, v.Version)
	v.Commit = cmp.Or(l.commit, v.Commit)
	v.Date = cmp.Or(l.date, v.Date)
	return v
}

// Short is the version for a log line: the version alone when it names
// its commit (a tag or pseudo-version), else with the commit's first 12
// hex digits, and "+dirty" when the tree had changes Go did not mark.
func (v buildVersion) Short() string {
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
func (v buildVersion) String() string {
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

// currentVersion is this binary's version.
func currentVersion() buildVersion {
	info, _ := debug.ReadBuildInfo()
	return versionOf(info, linked{version: version, commit: commit, date: date})
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flags("version", stderr)
	asJSON := fs.Bool("json", false, "print the version information as JSON")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	v := currentVersion()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(stderr, "kb version: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	fmt.Fprint(stdout, v)
	return exitOK
}
