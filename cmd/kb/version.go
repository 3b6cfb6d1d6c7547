package main

import (
	"context"
	"fmt"
	"github.com/kb-legal/kb/internal/cli"

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

func runVersion(_ context.Context, inv *cli.Invocation) int {
	asJSON := inv.Flags.Bool("json", false, "print the version information as JSON")
	if code, ok := inv.Parse(); !ok {
		return code
	} else if !*asJSON {
		fmt.Fprint(inv.Out, currentVersion())
	} else if err := writeJSON(inv.Out, currentVersion()); err != nil {
		return inv.Fail(err, cli.Usage)
	}
	return cli.OK
}
