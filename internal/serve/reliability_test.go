package serve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/kb-legal/kb/internal/build"
)

// listen serves s through its own HTTPServer (with its timeouts) on a
// loopback port.
func listen(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.HTTPServer(ln.Addr().String())
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return ln.Addr().String()
}

// rawGet sends a request line exactly as given, which net/http's client
// would clean first, and returns the status and body.
func rawGet(t *testing.T, addr, method, target string) (int, string) {
	t.Helper()
	return rawGetHost(t, addr, method, target, addr)
}

// rawGetHost is rawGet with the Host header given.
func rawGetHost(t *testing.T, addr, method, target, host string) (int, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method, target, host)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestRawTraversal sends paths that try to leave the site, as written on
// the wire, without a client cleaning them first.
func TestRawTraversal(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.Publish(Update{Files: site, All: true})
	t.Cleanup(s.Close)
	addr := listen(t, s)
	if code, _ := rawGet(t, addr, "GET", "/a/b/"); code != http.StatusOK {
		t.Fatalf("GET /a/b/ = %d, want 200", code)
	}
	for _, target := range []string{
		"/../../../../etc/passwd",
		"/a/../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
		"/a/b/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/..%2f..%2fetc/passwd",
		"/..\\..\\etc\\passwd",
		"/%5c..%5c..%5cetc%5cpasswd",
		"/a/%00/index.html",
		"//etc/passwd",
		"/./a/b/",
		"/a/b/.",
		"/%252e%252e/etc/passwd",
		"/assets/../../../proc/self/environ",
		"..",
		"http://evil.example/../etc/passwd",
	} {
		code, body := rawGet(t, addr, "GET", target)
		if code == http.StatusOK || code >= 500 {
			t.Errorf("GET %s = %d, want a 4xx or a redirect inside the site", target, code)
		}
		if strings.Contains(body, "root:") || strings.Contains(body, "PATH=") {
			t.Errorf("GET %s: the body holds a system file: %.80q", target, body)
		}
	}
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND"} {
		target := "/"
		if method == "CONNECT" {
			target = "localhost:80"
		}
		if code, _ := rawGet(t, addr, method, target); code != http.StatusMethodNotAllowed && code != http.StatusBadRequest {
			t.Errorf("%s %s = %d, want 405 (or 400)", method, target, code)
		}
	}
}

// TestSlowLoris holds a connection open by sending a header a byte at a
// time: the server must hang up once its header timeout has passed.
func TestSlowLoris(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.Publish(Update{Files: site, All: true})
	t.Cleanup(s.Close)
	srv := s.HTTPServer("")
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 {
		t.Fatalf("header timeout %v, read timeout %v: both must be set", srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
	addr := listen(t, s)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	limit := srv.ReadHeaderTimeout + 3*time.Second
	closed := make(chan time.Duration, 1)
	go func() {
		_, _ = io.Copy(io.Discard, conn) // returns when the server hangs up
		closed <- time.Since(start)
	}()
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n")); err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case took := <-closed:
			if took < srv.ReadHeaderTimeout/2 {
				t.Errorf("hung up after %v, before the %v header timeout", took, srv.ReadHeaderTimeout)
			}
			return
		case <-tick.C:
			if time.Since(start) > limit {
				t.Fatalf("connection still open after %v of trickled headers", limit)
			}
			_, _ = conn.Write([]byte("X")) // one byte of a header that never ends
		}
	}
}

// loadSite is rebuilt over and over; every page shows the build number in
// its title, its header and its footer.
const loadSite = `
-- kb.yaml --
title: "Build 0"
notice: "End of build 0"
-- content/_index.md --
---
title: Home
---
Home [[a]] [[b]].
-- content/a.md --
---
id: a
title: Page A
cite: "X Art. 1"
kind: provision
---
{#p1} 1. Text citing [[b]].
-- content/b.md --
---
id: b
title: Page B
---
Text citing [[X Art. 1(1)]].
-- content/sec/c.md --
---
title: Page C
---
Body.
`

// generate builds loadSite numbered n into memory, with the real pipeline.
func generate(t testing.TB, n int) map[string][]byte {
	fsys := fstest.MapFS{}
	for _, f := range txtar.Parse([]byte(loadSite)).Files {
		data := strings.ReplaceAll(string(f.Data), "build 0", "build "+strconv.Itoa(n))
		data = strings.ReplaceAll(data, "Build 0", "Build "+strconv.Itoa(n))
		fsys[f.Name] = &fstest.MapFile{Data: []byte(data)}
	}
	sink := build.NewMemSink()
	res, err := build.Generate(context.Background(), fsys, build.Options{}, sink)
	if err != nil || len(res.Problems) > 0 {
		t.Errorf("build %d: %v %v", n, err, res.Problems)
		return nil
	}
	return sink.Files
}

var buildMark = regexp.MustCompile(`[Bb]uild (\d+)`)

// TestLoad has 200 clients reading pages while the site is rebuilt and
// republished 100 times (1,000 with KB_STRESS=1). No response may be a 5xx,
// every page must come from one build (its marks agree), and no client may
// see a build older than one it has already seen.
func TestLoad(t *testing.T) {
	t.Parallel()
	clients, rebuilds := 200, 100
	if os.Getenv("KB_STRESS") != "" {
		rebuilds = 1000
	}
	s := New(Options{})
	t.Cleanup(s.Close)
	s.Publish(Update{Files: generate(t, 0)})
	addr := listen(t, s)
	paths := []string{"/", "/a/", "/b/", "/sec/c/", "/sec/", "/glossary/", "/tags/", "/nowhere/"}

	var done atomic.Bool
	var requests, fivexx atomic.Int64
	var wg sync.WaitGroup
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	errs := make(chan error, clients)
	for c := range clients {
		wg.Go(func() {
			seen := 0
			for i := 0; !done.Load() || i == 0; i++ {
				p := paths[(c+i)%len(paths)]
				res, err := client.Get("http://" + addr + p)
				if err != nil {
					errs <- fmt.Errorf("client %d: GET %s: %w", c, p, err)
					return
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				requests.Add(1)
				if err != nil {
					errs <- fmt.Errorf("client %d: GET %s: reading: %w", c, p, err)
					return
				}
				if res.StatusCode >= 500 {
					fivexx.Add(1)
					continue
				}
				marks := buildMark.FindAllStringSubmatch(string(body), -1)
				if res.StatusCode == http.StatusOK && len(marks) < 2 {
					errs <- fmt.Errorf("client %d: GET %s: %d build marks in a page", c, p, len(marks))
					return
				}
				for _, m := range marks {
					n, _ := strconv.Atoi(m[1])
					if n != atoiMust(marks[0][1]) {
						errs <- fmt.Errorf("client %d: GET %s: a torn page, marks %v", c, p, marks)
						return
					}
				}
				if len(marks) > 0 {
					n := atoiMust(marks[0][1])
					if n < seen {
						errs <- fmt.Errorf("client %d: GET %s: build %d after build %d", c, p, n, seen)
						return
					}
					seen = n
				}
			}
		})
	}
	for n := 1; n <= rebuilds; n++ {
		files := generate(t, n)
		if files == nil {
			break
		}
		s.Publish(Update{Files: files, All: true})
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if fivexx.Load() > 0 {
		t.Errorf("%d responses of %d were 5xx", fivexx.Load(), requests.Load())
	}
	t.Logf("%d clients, %d rebuilds: %d requests", clients, rebuilds, requests.Load())
	if code, body := rawGet(t, addr, "GET", "/a/"); code != http.StatusOK || !strings.Contains(body, fmt.Sprintf("Build %d", rebuilds)) {
		t.Errorf("after the last rebuild GET /a/ = %d without build %d", code, rebuilds)
	}
}

func atoiMust(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(errors.New("not a number: " + s))
	}
	return n
}
