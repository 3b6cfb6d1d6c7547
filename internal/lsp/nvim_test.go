package lsp_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNeovim drives kb lsp from headless Neovim (testdata/nvim.lua): on the
// shipped content it must show a diagnostic for a dead reference where
// it is written, and complete the anchors after "[[mica-art-61#". It is
// skipped when nvim is not installed, unless KB_REQUIRE_NVIM is set (CI
// sets it, having installed Debian's neovim).
func TestNeovim(t *testing.T) {
	t.Parallel()
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("KB_REQUIRE_NVIM") != "" {
			t.Fatal("nvim is not installed and KB_REQUIRE_NVIM is set")
		}
		t.Skip("nvim is not installed (apt-get install neovim)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	kb := filepath.Join(tmp, "kb")
	build := exec.CommandContext(ctx, "go", "build", "-o", kb, "github.com/kb-legal/kb/cmd/kb")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	site := copySite(t)
	script, err := filepath.Abs("testdata/nvim.lua")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out.txt")
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile "+script)
	cmd.Env = append(os.Environ(), "KB="+kb, "SITE="+site, "OUT="+out, "HOME="+tmp, "XDG_CONFIG_HOME="+tmp, "XDG_DATA_HOME="+tmp, "XDG_STATE_HOME="+tmp)
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, log)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)

	page, err := os.ReadFile(filepath.Join(site, scenario))
	if err != nil {
		t.Fatal(err)
	}
	// The script appends "The firm’s “offer” — see [[mica-art-61#p9]]." as
	// the last line; Neovim counts columns in bytes.
	line := strings.Count(strings.TrimSuffix(string(page), "\n"), "\n") + 1
	col := len("The firm’s “offer” — see ")
	if want := fmt.Sprintf("diagnostic: %d:%d: ", line, col); !strings.Contains(got, want) || !strings.Contains(got, "#p9") {
		t.Errorf("Neovim saw:\n%s\nwant a diagnostic %q… about #p9", got, want)
	}
	if want := "completion: p1-sub2 1, second subparagraph — Solicitation defeats the exemption"; !strings.Contains(got, want) {
		t.Errorf("Neovim saw:\n%s\nwant %q", got, want)
	}
}
