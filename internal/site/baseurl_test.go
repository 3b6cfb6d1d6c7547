package site

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// TestBaseURLCannotNameAnotherHost: base_url "/%2Fevil.example/" passed
// kb check and made every page load <script src="//evil.example/…">
// (security review F6), as did the forms below.
func TestBaseURLCannotNameAnotherHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc, give string
		want       string // "" when refused
	}{
		{desc: "an encoded slash", give: "/%2Fevil.example/"},
		{desc: "a double slash after the host", give: "https://ok.example//evil.example/"},
		{desc: "a backslash", give: `/\evil.example/`},
		{desc: "an encoded backslash", give: "/%5Cevil.example/"},
		{desc: "a protocol-relative URL", give: "//evil.example/"},
		{desc: "a dot segment", give: "/kb/../x/"},
		{desc: "an encoded dot segment", give: "/kb/%2e%2e/x/"},
		{desc: "a user name", give: "https://ok.example@evil.example/"},
		{desc: "an empty host", give: "https://:443/kb/"},
		{desc: "a quote", give: `/kb"onload="x/`},
		{desc: "a space", give: "/k b/"},
		{desc: "a tab", give: "/k\tb/"},
		{desc: "a fragment", give: "/kb/#x"},
		{desc: "a query", give: "https://ok.example/kb/?x"},
		{desc: "a path", give: "/kb", want: "/kb/"},
		{desc: "the root", give: "/", want: "/"},
		{desc: "a URL", give: "https://org.example/kb", want: "https://org.example/kb/"},
		{desc: "a URL without a path", give: "https://org.example", want: "https://org.example/"},
		{desc: "a port", give: "http://localhost:8080/docs/", want: "http://localhost:8080/docs/"},
		{desc: "letters of any script", give: "/données/", want: "/donn%C3%A9es/"},
		{desc: "a version", give: "/kb/v1.2_x~y/", want: "/kb/v1.2_x~y/"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			var c Config
			err := c.SetBaseURL(tt.give)
			if tt.want == "" && err == nil {
				t.Fatalf("SetBaseURL(%q) accepted: %q, BasePath %q", tt.give, c.BaseURL, c.BasePath())
			}
			if tt.want != "" && (err != nil || c.BaseURL != tt.want) {
				t.Fatalf("SetBaseURL(%q) = %q, %v; want %q", tt.give, c.BaseURL, err, tt.want)
			}
		})
	}
}

// FuzzBaseURL checks that an accepted base URL cannot name another host:
// its path begins with a single "/", has no empty or dot segment, no
// backslash and only letters, digits and -._~; it is an http(s) URL with
// a host or a path; and accepting it again changes nothing.
func FuzzBaseURL(f *testing.F) {
	for _, s := range []string{"/", "/kb/", "https://org.example/kb", "/%2Fevil.example/", "https://ok.example//evil.example/",
		`/\evil.example/`, "//evil.example", "/a/./b", "http://[::1]:80/x", "https://a@b/", "/%E2%80%AE/", "HTTPS://X/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, give string) {
		var c Config
		if c.SetBaseURL(give) != nil {
			return
		}
		p := c.BasePath()
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
			t.Fatalf("SetBaseURL(%q): BasePath %q", give, p)
		}
		for _, seg := range strings.Split(strings.Trim(p, "/"), "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("SetBaseURL(%q): BasePath %q has a dot segment", give, p)
			}
			for _, r := range seg {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-._~", r) {
					t.Fatalf("SetBaseURL(%q): BasePath %q has %q", give, p, r)
				}
			}
		}
		u, err := url.Parse(c.BaseURL)
		if err != nil {
			t.Fatalf("SetBaseURL(%q) = %q, which does not parse: %v", give, c.BaseURL, err)
		}
		switch {
		case u.Scheme == "" && (u.Host != "" || !strings.HasPrefix(c.BaseURL, "/") || strings.HasPrefix(c.BaseURL, "//")):
			t.Fatalf("SetBaseURL(%q) = %q: a path that names a host", give, c.BaseURL)
		case u.Scheme != "" && (u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" || u.User != nil):
			t.Fatalf("SetBaseURL(%q) = %q: not an http(s) URL with a host", give, c.BaseURL)
		case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(c.BaseURL, `\"'<> `):
			t.Fatalf("SetBaseURL(%q) = %q", give, c.BaseURL)
		}
		again := c
		if err := again.SetBaseURL(c.BaseURL); err != nil || again.BaseURL != c.BaseURL {
			t.Fatalf("SetBaseURL(%q) = %q, which is not accepted again unchanged: %q, %v", give, c.BaseURL, again.BaseURL, err)
		}
	})
}
