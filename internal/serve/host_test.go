package serve

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHostAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, host, bound string
		want              bool
	}{
		{desc: "the address itself", host: "127.0.0.1:1313", bound: "127.0.0.1:1313", want: true},
		{desc: "localhost", host: "localhost:1313", bound: "127.0.0.1:1313", want: true},
		{desc: "a .localhost name", host: "kb.localhost:1313", bound: "127.0.0.1:1313", want: true},
		{desc: "IPv6 loopback", host: "[::1]:1313", bound: "[::1]:1313", want: true},
		{desc: "IPv4 loopback on an IPv6 loopback bind", host: "127.0.0.1:1313", bound: "[::1]:1313", want: true},
		{desc: "a rebinding name (security review F5)", host: "attacker.example:1313", bound: "127.0.0.1:1313"},
		{desc: "a name that resolves to loopback", host: "localtest.me:1313", bound: "127.0.0.1:1313"},
		{desc: "another port", host: "127.0.0.1:8080", bound: "127.0.0.1:1313"},
		{desc: "no port, not bound to 80", host: "localhost", bound: "127.0.0.1:1313"},
		{desc: "no port, bound to 80", host: "localhost", bound: "127.0.0.1:80", want: true},
		{desc: "empty", host: "", bound: "127.0.0.1:1313"},
		{desc: "a LAN address on a loopback bind", host: "192.168.1.5:1313", bound: "127.0.0.1:1313"},
		{desc: "the LAN address it is bound to", host: "192.168.1.5:1313", bound: "192.168.1.5:1313", want: true},
		{desc: "another LAN address", host: "192.168.1.6:1313", bound: "192.168.1.5:1313"},
		{desc: "localhost on a LAN bind", host: "localhost:1313", bound: "192.168.1.5:1313"},
		{desc: "any address on an all-interfaces bind", host: "10.0.0.7:1313", bound: "0.0.0.0:1313", want: true},
		{desc: "a name on an all-interfaces bind", host: "attacker.example:1313", bound: "[::]:1313"},
		{desc: "unknown bind: loopback, any port", host: "127.0.0.1:54321", bound: "", want: true},
		{desc: "unknown bind: a name", host: "attacker.example", bound: ""},
		{desc: "upper case", host: "LOCALHOST:1313", bound: "127.0.0.1:1313", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			if got := hostAllowed(tt.host, tt.bound); got != tt.want {
				t.Errorf("hostAllowed(%q, %q) = %v, want %v", tt.host, tt.bound, got, tt.want)
			}
		})
	}
}

// TestForeignHost: a DNS-rebinding page read every preview page,
// /_kb/errors and /_kb/search (security review F5): curl -H 'Host:
// attacker.example:1313' http://127.0.0.1:1313/_kb/errors gave 200.
func TestForeignHost(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.Publish(Update{Files: map[string][]byte{"index.html": []byte("<p>draft</p>")}, All: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.HTTPServer(ln.Addr().String())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, path := range []string{"/", "/_kb/errors", "/_kb/search?q=x", "/_kb/events", "/_kb/live.js"} {
		for _, tt := range []struct {
			host string
			want int
		}{{"attacker.example:" + port, http.StatusForbidden}, {"localhost:" + port, 0}, {ln.Addr().String(), 0}} {
			if path == "/_kb/events" && tt.want == 0 {
				continue // a stream: it does not end
			}
			code, body := rawGetHost(t, ln.Addr().String(), "GET", path, tt.host)
			if tt.want != 0 && code != tt.want || tt.want == 0 && code == http.StatusForbidden {
				t.Errorf("GET %s with Host %s = %d %q", path, tt.host, code, body)
			}
			if code == http.StatusForbidden && strings.Contains(body, "draft") {
				t.Errorf("a refused request got the page")
			}
		}
	}
	// Through Handler (as httptest serves it) the same holds.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/_kb/errors", nil)
	req.Host = "attacker.example"
	s.Handler("").ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("Handler with a foreign Host = %d", rec.Code)
	}
}
