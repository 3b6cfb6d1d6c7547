package serve

import (
	"net"
	"strings"
)

// hostAllowed reports whether a request's Host header names this server,
// listening on bound ("" for a loopback address on any port). A page on
// another site can make a browser send requests here under its own host
// name (DNS rebinding), so host names are refused, except "localhost"
// when the server listens on loopback: only loopback names then, and IP
// addresses of the server, which no other site can claim.
func hostAllowed(host, bound string) bool {
	name, port := splitHostPort(host)
	boundName, boundPort := splitHostPort(bound)
	if boundPort != "" && boundPort != "0" {
		if port == "" {
			port = "80"
		}
		if port != boundPort {
			return false
		}
	}
	boundIP := net.ParseIP(boundName)
	loopback := boundName == "" || boundName == "localhost" || boundIP != nil && boundIP.IsLoopback()
	anyAddr := boundIP != nil && boundIP.IsUnspecified()
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return loopback || anyAddr
	}
	ip := net.ParseIP(name)
	switch {
	case ip == nil:
		return false
	case loopback:
		return ip.IsLoopback()
	case anyAddr:
		return true
	}
	return ip.Equal(boundIP)
}

// splitHostPort splits "h:p", "[::1]:p", "h" and "::1".
func splitHostPort(s string) (host, port string) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		return h, p
	}
	return strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), ""
}

// IsLoopback reports whether addr, as given to net.Listen or returned by
// Listener.Addr, listens only on this machine.
func IsLoopback(addr string) bool {
	host, _ := splitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
