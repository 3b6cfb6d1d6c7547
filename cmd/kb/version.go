package main

import (
	"context"
	"fmt"

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

func runVersion(_ context.Context, args []string, std stdio) int {
	fs := flags("version", std)
	asJSON := fs.Bool("json", false, "print the version information as JSON")
	if code, ok := parseFlags(fs, args, std); !ok {
		return code
	} else if !*asJSON {
		fmt.Fprint(std.out, currentVersion())
	} else if err := writeJSON(std.out, currentVersion()); err != nil {
		return fail(std.err, "kb version", err, exitUsage)
	}
	return exitOK
}
