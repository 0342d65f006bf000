package middleware

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing, so the benchmarks
// measure the middleware, not a recorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkMiddleware compares a bare handler with the same handler behind
// the middleware on the bundled MMDBs (City, ASN, Anonymous: three local
// sources, no cache), for each path a request can take.
func BenchmarkMiddleware(b *testing.B) {
	client := bundledClient(b)
	bare := okHandler()
	cases := []struct {
		name   string
		h      http.Handler
		peer   string
		header string
		value  string
		path   string
	}{
		{name: "bare", h: bare, peer: cleanV4 + ":1"},
		// The lookup a handler would make without the middleware: the
		// middleware's own overhead is the difference.
		{name: "bare+lookup", h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			client.LookupAddr(r.Context(), netip.MustParseAddrPort(r.RemoteAddr).Addr())
			bare.ServeHTTP(w, r)
		}), peer: cleanV4 + ":1"},
		{name: "direct/allow/v4", h: mustNew(b, client)(bare), peer: cleanV4 + ":1"},
		{name: "direct/allow/v6", h: mustNew(b, client)(bare), peer: "[" + cleanV6 + "]:1"},
		{name: "direct/miss", h: mustNew(b, client)(bare), peer: missAddr + ":1"},
		{name: "direct/block", h: mustNew(b, client)(bare), peer: torExit + ":1"},
		{name: "direct/reserved", h: mustNew(b, client)(bare), peer: "10.1.2.3:1"},
		{name: "skip", h: mustNew(b, client, WithSkipPaths("/healthz"))(bare), peer: cleanV4 + ":1", path: "/healthz"},
		{name: "proxy/xff", h: mustNew(b, client, WithTrustedProxies(trustedNets))(bare), peer: "10.0.0.1:1",
			header: HeaderXForwardedFor, value: "8.8.8.8, " + cleanV4 + ", 10.0.0.2"},
		{name: "proxy/forwarded", h: mustNew(b, client, WithTrustedProxies(trustedNets), WithClientIPHeader("Forwarded"))(bare), peer: "10.0.0.1:1",
			header: HeaderForwarded, value: `for=8.8.8.8, for="` + cleanV4 + `:443";proto=https`},
		{name: "proxy/x-real-ip", h: mustNew(b, client, WithTrustedProxies(trustedNets), WithClientIPHeader("X-Real-IP"))(bare), peer: "10.0.0.1:1",
			header: "X-Real-Ip", value: cleanV4},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			path := c.path
			if path == "" {
				path = "/"
			}
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.RemoteAddr = c.peer
			if c.header != "" {
				r.Header.Set(c.header, c.value)
			}
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(w, r)
			}
		})
	}
}

// BenchmarkResolver measures client-IP extraction alone.
func BenchmarkResolver(b *testing.B) {
	for _, c := range []struct{ name, header, value string }{
		{"xff", HeaderXForwardedFor, "8.8.8.8, 81.2.69.142, 10.0.0.2"},
		{"forwarded", HeaderForwarded, `for=8.8.8.8, for="[2a02:26f0::1]:443";proto=https, for=10.0.0.2`},
		{"x-real-ip", "X-Real-IP", "81.2.69.142"},
	} {
		b.Run(c.name, func(b *testing.B) {
			res, _ := NewResolver(trustedNets, c.header)
			r := request("10.0.0.1:1", c.header, c.value)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := res.ClientIP(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
