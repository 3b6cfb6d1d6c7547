package lsp

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestStdio: the stream reads stdin, writes stdout, and closing it
// closes neither.
func TestStdio(t *testing.T) {
	t.Parallel()
	in := io.NopCloser(strings.NewReader("Content-Length: 2\r\n\r\n{}"))
	var out bytes.Buffer
	rw := Stdio(in, &out)
	if err := rw.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	got, err := io.ReadAll(rw)
	if err != nil || string(got) != "Content-Length: 2\r\n\r\n{}" {
		t.Errorf("read after Close = %q, %v", got, err)
	}
	if _, err := io.WriteString(rw, "ok"); err != nil || out.String() != "ok" {
		t.Errorf("write after Close: %q, %v", out.String(), err)
	}
}
