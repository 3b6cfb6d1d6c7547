package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/kb-legal/kb/internal/cli"
	"strings"
	"testing"

	"github.com/kb-legal/kb/internal/buildinfo"
)

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	want := currentVersion()
	tests := []struct {
		desc     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{desc: "kb version", args: []string{"version"}, wantOut: "kb " + want.Version + "\n"},
		{desc: "kb --version", args: []string{"--version"}, wantOut: "kb " + want.Version + "\n"},
		{desc: "kb -version", args: []string{"-version"}, wantOut: "kb " + want.Version + "\n"},
		{desc: "json", args: []string{"version", "--json"}, wantOut: `"version": "` + want.Version + `"`},
		{desc: "stray argument", args: []string{"version", "now"}, wantCode: cli.Usage, wantErr: `unexpected argument "now"`},
		{desc: "unknown flag", args: []string{"version", "--short"}, wantCode: cli.Usage, wantErr: "flag provided but not defined: -short"},
		{desc: "listed in the usage", args: []string{"help"}, wantOut: "\n  version  print this binary's version"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := kb(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(stdout, tt.wantOut) || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("kb %v = %d\nstdout %q (want %q)\nstderr %q (want %q)", tt.args, code, stdout, tt.wantOut, stderr, tt.wantErr)
			}
		})
	}
	t.Run("json decodes to the same version", func(t *testing.T) {
		t.Parallel()
		_, stdout, _ := kb(t, "version", "--json")
		var got buildinfo.Version
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || got != want {
			t.Errorf("kb version --json = %s (%v), want %+v", stdout, err, want)
		}
	})
}

func TestBuildLogNamesVersion(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, goodSite)
	code, _, stderr := kb(t, "build", "--source", dir)
	if code != cli.OK {
		t.Fatalf("kb build = %d: %s", code, stderr)
	}
	want := "msg=built kb=" + currentVersion().Short() + " "
	if !strings.Contains(stderr, want) {
		t.Errorf("build log %q lacks %q", stderr, want)
	}
}

// TestLSPNamesVersion: kb lsp speaks on the stdin and stdout run is
// given, and tells the editor which kb it is.
func TestLSPNamesVersion(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, goodSite)
	req := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`
	stdin := strings.NewReader(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(req), req))
	var stdout, stderr strings.Builder
	code := run(context.Background(), []string{"lsp", "--source", dir}, stdin, &stdout, &stderr)
	_, body, ok := strings.Cut(stdout.String(), "\r\n\r\n")
	var res struct {
		Result struct {
			ServerInfo struct{ Name, Version string }
		}
	}
	if !ok || json.Unmarshal([]byte(body), &res) != nil {
		t.Fatalf("kb lsp = %d: no answer to initialize\nstdout %q\nstderr %q", code, stdout.String(), stderr.String())
	}
	if want := currentVersion().Short(); res.Result.ServerInfo.Name != "kb" || res.Result.ServerInfo.Version != want {
		t.Errorf("serverInfo %+v, want kb %s", res.Result.ServerInfo, want)
	}
}
