package main

import (
	"fmt"
	"io"

	"github.com/kb-legal/kb/internal/buildinfo"
)

// Release builds set these at link time (GoReleaser, see .goreleaser.yaml):
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=SHA -X main.date=RFC3339" ./cmd/kb
//
// They are the only way to pass a value in through the linker, hence
// package variables; nothing writes them at run time.
var version, commit, date string

// currentVersion is this binary's version.
func currentVersion() buildinfo.Version {
	return buildinfo.Current(buildinfo.Linked{Version: version, Commit: commit, Date: date})
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flags("version", stderr)
	asJSON := fs.Bool("json", false, "print the version information as JSON")
	if !parseFlags(fs, args) {
		return exitUsage
	} else if !*asJSON {
		fmt.Fprint(stdout, currentVersion())
	} else if err := writeJSON(stdout, currentVersion()); err != nil {
		return fail(stderr, "kb version", err, exitUsage)
	}
	return exitOK
}
