package main

import (
	"encoding/json"
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
	}
	v := currentVersion()
	if !*asJSON {
		fmt.Fprint(stdout, v)
		return exitOK
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "kb version: %v\n", err)
		return exitUsage
	}
	return exitOK
}
