package dist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeKB is the "binary" in the test archives: a script that prints
// what `kb version` prints first.
const fakeKB = "#!/bin/sh\necho kb v1.2.3\n"

func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestInstallScript runs scripts/install-kb, as action.yml does, against
// a release served on loopback.
func TestInstallScript(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "tar", "unzip", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
	linux := tarGz(t, map[string]string{"kb": fakeKB, "README.md": "# kb\n"})
	windows := zipOf(t, map[string]string{"kb.exe": fakeKB, "README.md": "# kb\n"})
	sum := func(b []byte) string { return fmt.Sprintf("%x", sha256.Sum256(b)) }
	release := map[string][]byte{
		"/v1.2.3/kb_1.2.3_linux_amd64.tar.gz":  linux,
		"/v1.2.3/kb_1.2.3_windows_arm64.zip":   windows,
		"/v1.2.3/kb_1.2.3_darwin_arm64.tar.gz": linux,
		"/v1.2.3/kb_1.2.3_checksums.txt": []byte(sum(linux) + "  kb_1.2.3_linux_amd64.tar.gz\n" +
			sum(windows) + "  kb_1.2.3_windows_arm64.zip\n" +
			sum([]byte("another archive")) + "  kb_1.2.3_darwin_arm64.tar.gz\n"),
		"/v2.0.0/kb_2.0.0_linux_amd64.tar.gz": linux,
		"/v2.0.0/kb_2.0.0_checksums.txt":      []byte(sum(linux) + "  kb_2.0.0_linux_arm64.tar.gz\n"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := release[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)

	tests := []struct {
		desc      string
		env       []string
		wantCode  int
		wantErr   string
		installed string // the file installed, or "" for none
	}{
		{desc: "linux archive", env: []string{"KB_VERSION=v1.2.3", "KB_OS=linux", "KB_ARCH=amd64"}, installed: "kb"},
		{desc: "windows zip", env: []string{"KB_VERSION=v1.2.3", "KB_OS=windows", "KB_ARCH=arm64"}, installed: "kb.exe"},
		{desc: "checksum mismatch", env: []string{"KB_VERSION=v1.2.3", "KB_OS=darwin", "KB_ARCH=arm64"}, wantCode: 1, wantErr: "not installed"},
		{desc: "archive not in the checksums", env: []string{"KB_VERSION=v2.0.0", "KB_OS=linux", "KB_ARCH=amd64"}, wantCode: 1, wantErr: "is not listed in kb_2.0.0_checksums.txt"},
		{desc: "no such release", env: []string{"KB_VERSION=v9.9.9", "KB_OS=linux", "KB_ARCH=amd64"}, wantCode: 1, wantErr: "cannot download"},
		{desc: "no version", env: []string{"KB_OS=linux", "KB_ARCH=amd64"}, wantCode: 2, wantErr: "give a release such as v1.2.3"},
		{desc: "version without v", env: []string{"KB_VERSION=1.2.3"}, wantCode: 2, wantErr: "KB_VERSION is '1.2.3'"},
		{desc: "a branch is not a release", env: []string{"KB_VERSION=main"}, wantCode: 2, wantErr: "give a release"},
		{desc: "unknown platform", env: []string{"KB_VERSION=v1.2.3", "KB_OS=plan9", "KB_ARCH=amd64"}, wantCode: 2, wantErr: "no kb release for plan9/amd64"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			bin := filepath.Join(t.TempDir(), "bin")
			cmd := exec.Command("bash", filepath.Join(root, "scripts", "install-kb"))
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "KB_BIN=" + bin, "KB_RELEASES_URL=" + srv.URL}, tt.env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Fatalf("install-kb = %d, stderr %q; want %d and %q", code, stderr.String(), tt.wantCode, tt.wantErr)
			}
			entries, _ := os.ReadDir(bin)
			if tt.installed == "" {
				if len(entries) > 0 {
					t.Errorf("installed %v after a failure", entries)
				}
				return
			}
			if len(entries) != 1 || entries[0].Name() != tt.installed {
				t.Fatalf("installed %v, want only %s", entries, tt.installed)
			}
			out, err := exec.Command(filepath.Join(bin, tt.installed)).Output()
			if err != nil || string(out) != "kb v1.2.3\n" {
				t.Errorf("the installed kb printed %q (%v)", out, err)
			}
		})
	}
}
