package middleware

import (
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// The proxy's own answer, appended after whatever the client sent.
var (
	proxySawV4 = netip.MustParseAddr("185.220.101.1")
	proxySawV6 = netip.MustParseAddr("2a03:1b20::1")
)

func fuzzSeeds(f *testing.F) {
	for _, c := range spoofCases {
		f.Add(strings.Join(c.lines, "\n"))
	}
	for _, s := range []string{
		"", ",", `"`, `\`, `\"`, `for="`, `for="\`, `for=""`, `for="[::1`, "for=;for=", ";;,,", "[", "]", "[]:",
		"1.2.3.4:99999", "::ffff:10.0.0.1", "fe80::1%25", "\x00", "\xff\xfe", strings.Repeat(",", 100),
	} {
		f.Add(s)
	}
}

// FuzzXForwardedFor checks, for any client-sent X-Forwarded-For (lines split
// at \n), that a trusted proxy's appended entry always wins, whether it is
// appended to the client's last line or sent as a line of its own, and that
// nothing panics.
func FuzzXForwardedFor(f *testing.F) {
	fuzzSeeds(f)
	res, _ := NewResolver(trustedNets, "")
	f.Fuzz(func(t *testing.T, sent string) {
		lines := strings.Split(sent, "\n")
		// Whatever the result on the client's header alone, no panic and
		// an address only with a nil error.
		a, err := res.ClientIP(request("10.0.0.1:80", HeaderXForwardedFor, lines...))
		if (err == nil) != a.IsValid() {
			t.Fatalf("address %v with error %v", a, err)
		}
		if err != nil && !errors.Is(err, ErrNoClientIP) {
			t.Fatalf("error %v does not wrap ErrNoClientIP", err)
		}
		// The proxy appends to the last line, as most do…
		appended := append([]string(nil), lines...)
		appended[len(appended)-1] += ", " + proxySawV4.String()
		mustResolve(t, res, request("10.0.0.1:80", HeaderXForwardedFor, appended...), proxySawV4)
		// …or adds a line, then passes through a second trusted proxy.
		added := append(append([]string(nil), lines...), "["+proxySawV6.String()+"]:443, 10.9.9.9")
		mustResolve(t, res, request("10.0.0.2:80", HeaderXForwardedFor, added...), proxySawV6)
		// From an untrusted peer the header is never read.
		mustResolve(t, res, request("[2a03:1b20::1]:80", HeaderXForwardedFor, lines...), proxySawV6)
	})
}

// FuzzForwarded is FuzzXForwardedFor for RFC 7239 Forwarded.
func FuzzForwarded(f *testing.F) {
	fuzzSeeds(f)
	res, _ := NewResolver(trustedNets, "Forwarded")
	f.Fuzz(func(t *testing.T, sent string) {
		lines := strings.Split(sent, "\n")
		a, err := res.ClientIP(request("10.0.0.1:80", HeaderForwarded, lines...))
		if (err == nil) != a.IsValid() {
			t.Fatalf("address %v with error %v", a, err)
		}
		appended := append([]string(nil), lines...)
		appended[len(appended)-1] += `, for="` + proxySawV4.String() + `:443";proto=https`
		mustResolve(t, res, request("10.0.0.1:80", HeaderForwarded, appended...), proxySawV4)
		added := append(append([]string(nil), lines...), `for="[`+proxySawV6.String()+`]:443";by=10.0.0.1, for=10.9.9.9`)
		mustResolve(t, res, request("10.0.0.2:80", HeaderForwarded, added...), proxySawV6)
	})
}

// FuzzSingleHeader: a single-address header yields that address or an
// error, and a value that parses as an address by itself is taken as it is.
func FuzzSingleHeader(f *testing.F) {
	fuzzSeeds(f)
	res, _ := NewResolver(trustedNets, "X-Real-IP")
	f.Fuzz(func(t *testing.T, v string) {
		a, err := res.ClientIP(request("10.0.0.1:80", "X-Real-IP", v))
		if (err == nil) != a.IsValid() {
			t.Fatalf("address %v with error %v", a, err)
		}
		if want, perr := netip.ParseAddr(v); perr == nil && want.Zone() == "" && (err != nil || a != want.Unmap()) {
			t.Fatalf("X-Real-IP %q: got %v, %v", v, a, err)
		}
	})
}

// FuzzRemoteAddr: any RemoteAddr yields an address or ErrNoClientIP.
func FuzzRemoteAddr(f *testing.F) {
	for _, s := range []string{"1.2.3.4:5", "[::1]:80", "[fe80::1%eth0]:1", "@", "", "::1", "1.2.3.4", "[::ffff:1.2.3.4]:0"} {
		f.Add(s)
	}
	res, _ := NewResolver(nil, "")
	f.Fuzz(func(t *testing.T, peer string) {
		a, err := res.ClientIP(&http.Request{RemoteAddr: peer, Header: http.Header{}})
		if err != nil {
			if !errors.Is(err, ErrNoClientIP) || a.IsValid() {
				t.Fatalf("got %v, %v", a, err)
			}
			return
		}
		if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
			t.Fatalf("RemoteAddr %q: got %v", peer, a)
		}
	})
}

func mustResolve(t *testing.T, res *Resolver, r *http.Request, want netip.Addr) {
	t.Helper()
	got, err := res.ClientIP(r)
	if err != nil || got != want {
		t.Fatalf("lines %q: got %v, %v; want %v", r.Header.Values(res.header), got, err, want)
	}
}
