package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// freePort asks the kernel for an unused local port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// editLatency starts a preview server (cmd, not yet started), waits until
// it serves page, then edits file edits times and measures, for each edit,
// the time from the write until the server serves the page with the edit.
func editLatency(ctx context.Context, cmd *exec.Cmd, pageURL, file string, edits int) ([]time.Duration, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer stop(cmd, exited)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-exited:
			cancel() // a server that quit will never answer
		case <-ctx.Done():
		}
	}()
	client := &http.Client{Timeout: 10 * time.Second}
	if _, err := waitFor(ctx, client, pageURL, "", 10*time.Minute); err != nil {
		return nil, fmt.Errorf("server never served %s: %v\n%s", pageURL, err, tail(out.String(), 2000))
	}
	orig, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	defer os.WriteFile(file, orig, 0o644)
	var lat []time.Duration
	for i := range edits {
		marker := fmt.Sprintf("benchedit%dx%d", i, time.Now().UnixNano()%1e6)
		// The edit adds a word to the first paragraph after the front matter.
		edited := bytes.Replace(orig, []byte("---\n\n"), []byte("---\n\n"+marker+" "), 1)
		start := time.Now()
		if err := os.WriteFile(file, edited, 0o644); err != nil {
			return nil, err
		}
		if _, err := waitFor(ctx, client, pageURL, marker, 60*time.Second); err != nil {
			return lat, fmt.Errorf("edit %d never showed: %v\n%s", i, err, tail(out.String(), 2000))
		}
		lat = append(lat, time.Since(start))
		time.Sleep(300 * time.Millisecond) // let watchers settle between edits
	}
	return lat, nil
}

// waitFor polls url until it answers 200 with a body containing want.
func waitFor(ctx context.Context, client *http.Client, url, want string, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	var last error
	for time.Since(start) < limit {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), want) {
				return time.Since(start), nil
			}
			last = fmt.Errorf("status %d", resp.StatusCode)
		} else {
			last = err
		}
		time.Sleep(2 * time.Millisecond)
	}
	if last == nil {
		last = errors.New("timed out")
	}
	return 0, last
}

// stop ends a server this program started: interrupt, then kill.
func stop(cmd *exec.Cmd, exited <-chan struct{}) {
	_ = cmd.Process.Signal(os.Interrupt)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}
