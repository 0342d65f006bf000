package middleware

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
)

// seen records what the protected handler saw.
type seen struct {
	called bool
	result *ipintel.Result
	hasRes bool
	addr   netip.Addr
	hasIP  bool
}

func recordingHandler(s *seen) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.called = true
		s.result, s.hasRes = FromContext(r.Context())
		s.addr, s.hasIP = ClientIP(r.Context())
		w.Write([]byte("ok"))
	})
}

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestPolicy(t *testing.T) {
	client := bundledClient(t)
	cases := []struct {
		name    string
		opts    []Option
		addr    string
		blocked bool
		reason  string
	}{
		{"default blocks Tor", nil, torExit, true, "TOR_EXIT"},
		{"default lets VPN through (verify)", nil, vpnAddr, false, ""},
		{"default lets clean through", nil, cleanV4, false, ""},
		{"default lets unknown through", nil, missAddr, false, ""},
		{"default lets clean IPv6 through", nil, cleanV6, false, ""},
		{"verify and block", []Option{WithBlockRecommendations(ipintel.Verify, ipintel.Block)}, vpnAddr, true, "VPN"},
		{"verify and block, IPv6", []Option{WithBlockRecommendations(ipintel.Verify, ipintel.Block)}, vpnV6, true, "VPN"},
		{"no recommendations: annotate only", []Option{WithBlockRecommendations()}, torExit, false, ""},
		{"score 70 blocks VPN 78", []Option{WithBlockScore(70)}, vpnAddr, true, "VPN"},
		{"score 80 lets VPN 78 through", []Option{WithBlockScore(80)}, vpnAddr, false, ""},
		{"score replaces recommendation policy", []Option{WithBlockScore(95)}, torExit, false, ""},
		{"func: country", []Option{WithBlockFunc(func(r *ipintel.Result) bool { return r.Geo != nil && r.Geo.CountryCode == "GB" })}, cleanV4, true, ReasonPolicy},
		{"func: country other", []Option{WithBlockFunc(func(r *ipintel.Result) bool { return r.Geo != nil && r.Geo.CountryCode == "GB" })}, torExit, false, ""},
		{"last policy wins", []Option{WithBlockScore(1), WithBlockRecommendations()}, torExit, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s seen
			h := mustNew(t, client, c.opts...)(recordingHandler(&s))
			rec := serve(h, request(netip.AddrPortFrom(netip.MustParseAddr(c.addr), 1234).String(), ""))
			if c.blocked {
				if rec.Code != http.StatusForbidden || s.called {
					t.Fatalf("status %d, handler called %v; want 403", rec.Code, s.called)
				}
				var body struct{ Error, Reason string }
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Fatal(err)
				}
				if body.Error != "forbidden" || body.Reason != c.reason {
					t.Errorf("body %+v, want reason %q", body, c.reason)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q", ct)
				}
				return
			}
			if rec.Code != http.StatusOK || !s.called {
				t.Fatalf("status %d, handler called %v; want 200", rec.Code, s.called)
			}
			if !s.hasRes || s.result.Query.IP != netip.MustParseAddr(c.addr) {
				t.Errorf("FromContext = %v, %v", s.result, s.hasRes)
			}
			if !s.hasIP || s.addr != netip.MustParseAddr(c.addr) {
				t.Errorf("ClientIP = %v, %v", s.addr, s.hasIP)
			}
		})
	}
}

func TestReservedPassWithoutLookup(t *testing.T) {
	counter := &countingSource{}
	client, err := ipintel.New(ipintel.WithSources(counter))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	h := mustNew(t, client, WithBlockFunc(func(*ipintel.Result) bool { return true }))
	for _, peer := range []string{"127.0.0.1:1", "10.1.2.3:1", "192.168.0.1:1", "[::1]:1", "[fe80::1%eth0]:1", "[fd00::1]:1", "100.64.0.1:1"} {
		var s seen
		rec := serve(h(recordingHandler(&s)), request(peer, ""))
		if rec.Code != http.StatusOK || !s.called {
			t.Errorf("%s: status %d", peer, rec.Code)
		}
		if s.hasRes || !s.hasIP {
			t.Errorf("%s: result %v (want none), client IP %v", peer, s.hasRes, s.hasIP)
		}
	}
	if n := counter.calls.Load(); n != 0 {
		t.Errorf("reserved addresses caused %d source lookups", n)
	}
	// A public address is looked up, and blocked by the always-block policy.
	if rec := serve(h(okHandler()), request("8.8.8.8:1", "")); rec.Code != http.StatusForbidden {
		t.Errorf("public address: status %d", rec.Code)
	}
	if n := counter.calls.Load(); n != 1 {
		t.Errorf("public address: %d source lookups, want 1", n)
	}
}

// countingSource counts lookups and knows nothing.
type countingSource struct{ calls atomic.Int64 }

func (*countingSource) Name() string { return "counting" }
func (s *countingSource) Lookup(context.Context, netip.Addr) (source.Record, error) {
	s.calls.Add(1)
	return source.Record{}, nil
}

// failingSource fails every lookup.
type failingSource struct{}

func (*failingSource) Name() string { return "failing" }
func (s *failingSource) Lookup(context.Context, netip.Addr) (source.Record, error) {
	return source.Record{}, errors.New("failing: backend down")
}

// torSource says every address is a Tor exit.
type torSource struct{}

func (torSource) Name() string { return "tor" }
func (torSource) Lookup(context.Context, netip.Addr) (source.Record, error) {
	return source.Record{Signals: []source.Signal{{Kind: source.Tor, Confidence: 100, Source: "tor"}}}, nil
}

// blockingSource waits for its context: a remote source that never
// answers. The test needs no clock: it only checks that the request is
// answered once the deadline passes.
type blockingSource struct{}

func (blockingSource) Name() string { return "blocking" }
func (blockingSource) Describe() source.Traits {
	return source.Traits{Remote: true, Timeout: time.Hour}
}
func (blockingSource) Lookup(ctx context.Context, _ netip.Addr) (source.Record, error) {
	<-ctx.Done()
	return source.Record{}, ctx.Err()
}

func TestFailOpenAndClosed(t *testing.T) {
	newClient := func(srcs ...source.Source) *ipintel.Client {
		c, err := ipintel.New(ipintel.WithSources(srcs...))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	failing := newClient(&failingSource{})
	torAndFailing := newClient(torSource{}, &failingSource{})
	closed := newClient(torSource{})
	closed.Close()
	slow := newClient(blockingSource{})

	cases := []struct {
		name       string
		client     *ipintel.Client
		failClosed bool
		wantCode   int
		wantReason string
		wantResult bool
	}{
		{"source fails, open", failing, false, 200, "", true},
		{"source fails, closed", failing, true, 403, ReasonLookupFailed, true},
		{"partial evidence still blocks when open", torAndFailing, false, 403, "TOR_EXIT", true},
		{"client closed, open", closed, false, 200, "", false},
		{"client closed, closed", closed, true, 403, ReasonLookupFailed, false},
		{"deadline passes, open", slow, false, 200, "", true},
		{"deadline passes, closed", slow, true, 403, ReasonLookupFailed, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			// Long enough that the lookup starts before the deadline even on
			// a loaded machine (with 1 ms it could expire first, and the
			// lookup then fails without a result), short enough to keep the
			// blocking cases quick.
			opts := []Option{WithTimeout(200 * time.Millisecond), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}
			if c.failClosed {
				opts = append(opts, WithFailClosed())
			}
			var s seen
			var blockRes bool
			var blockReason string
			opts = append(opts, WithOnBlock(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, blockRes = FromContext(r.Context())
				blockReason, _ = BlockReason(r.Context())
				w.WriteHeader(http.StatusForbidden)
			})))
			rec := serve(mustNew(t, c.client, opts...)(recordingHandler(&s)), request("8.8.8.8:1", ""))
			if rec.Code != c.wantCode {
				t.Fatalf("status %d, want %d", rec.Code, c.wantCode)
			}
			if c.wantCode == 200 {
				if s.hasRes != c.wantResult || !s.hasIP {
					t.Errorf("handler saw result %v, client IP %v", s.hasRes, s.hasIP)
				}
			} else if blockReason != c.wantReason || blockRes != c.wantResult {
				t.Errorf("block reason %q result %v; want %q %v", blockReason, blockRes, c.wantReason, c.wantResult)
			}
			if !strings.Contains(logs.String(), " failed") {
				t.Errorf("failure not logged: %q", logs.String())
			}
		})
	}
}

func TestSkipPaths(t *testing.T) {
	client := bundledClient(t)
	h := mustNew(t, client, WithSkipPaths("/healthz", "/metrics"), WithSkipPrefixes("/static/"))(okHandler())
	for path, wantCode := range map[string]int{
		"/healthz":               200,
		"/metrics":               200,
		"/static/app.js":         200,
		"/static/":               200,
		"/healthz/":              403,
		"/healthzx":              403,
		"/HEALTHZ":               403,
		"/":                      403,
		"/api":                   403,
		"/static":                403,
		"/static/../admin":       403,
		"/static/./x":            403,
		"/static/a/..":           403,
		"/x/static/a":            403,
		"/static/%2e%2e/private": 403,
	} {
		r := httptest.NewRequest(http.MethodGet, "http://example.com"+path, nil)
		r.RemoteAddr = torExit + ":1"
		if rec := serve(h, r); rec.Code != wantCode {
			t.Errorf("%s: status %d, want %d", path, rec.Code, wantCode)
		}
	}
}

func TestTrustedProxyHeaders(t *testing.T) {
	client := bundledClient(t)
	for _, c := range []struct {
		header, value string
	}{
		{"", "8.8.8.8, " + torExit},
		{"X-Real-IP", torExit},
		{"CF-Connecting-IP", torExit},
		{"True-Client-IP", torExit},
		{"Forwarded", `for="` + torExit + `:443";proto=https`},
	} {
		opts := []Option{WithTrustedProxies(prefixes("10.0.0.0/8"))}
		send := HeaderXForwardedFor
		if c.header != "" {
			opts = append(opts, WithClientIPHeader(c.header))
			send = c.header
		}
		h := mustNew(t, client, opts...)
		var s seen
		if rec := serve(h(recordingHandler(&s)), request("10.0.0.1:1", send, c.value)); rec.Code != http.StatusForbidden {
			t.Errorf("%s: Tor behind the proxy got %d", send, rec.Code)
		}
		rec := serve(h(recordingHandler(&s)), request("10.0.0.1:1", send, strings.ReplaceAll(c.value, torExit, cleanV4)))
		if rec.Code != http.StatusOK || s.addr != netip.MustParseAddr(cleanV4) {
			t.Errorf("%s: clean client behind the proxy got %d as %v", send, rec.Code, s.addr)
		}
	}
}

func TestOptionsInvalid(t *testing.T) {
	client := bundledClient(t)
	for name, opt := range map[string]Option{
		"zero prefix":  WithTrustedProxies([]netip.Prefix{{}}),
		"empty header": WithClientIPHeader(""),
		"bad header":   WithClientIPHeader("X-Real IP"),
		"score 0":      WithBlockScore(0),
		"score 101":    WithBlockScore(101),
		"nil func":     WithBlockFunc(nil),
		"nil OnBlock":  WithOnBlock(nil),
		"zero timeout": WithTimeout(0),
		"negative":     WithTimeout(-time.Second),
		"nil logger":   WithLogger(nil),
		"empty prefix": WithSkipPrefixes(""),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(client, opt)
			if !errors.Is(err, ipintel.ErrInvalidOption) {
				t.Errorf("New: %v, want ipintel.ErrInvalidOption", err)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("New: %q is not one line", err)
			}
		})
	}
	if _, err := New(nil); !errors.Is(err, ipintel.ErrInvalidOption) {
		t.Errorf("New(nil): %v", err)
	}
	if _, err := New(client, nil); err != nil {
		t.Errorf("a nil Option: %v", err)
	}
}

func TestNoMiddlewareContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := FromContext(ctx); ok {
		t.Error("FromContext on a bare context")
	}
	if _, ok := ClientIP(ctx); ok {
		t.Error("ClientIP on a bare context")
	}
	if _, ok := BlockReason(ctx); ok {
		t.Error("BlockReason on a bare context")
	}
}

// TestConcurrent runs many requests at once under -race.
func TestConcurrent(t *testing.T) {
	client := bundledClient(t, ipintel.WithCache(100, time.Minute))
	h := mustNew(t, client, WithTrustedProxies(prefixes("10.0.0.0/8")))(okHandler())
	addrs := []string{torExit, vpnAddr, cleanV4, missAddr}
	done := make(chan bool)
	for g := range 8 {
		go func() {
			ok := true
			for i := range 200 {
				a := addrs[(g+i)%len(addrs)]
				rec := serve(h, request("10.0.0.1:1", HeaderXForwardedFor, "8.8.8.8, "+a))
				if (rec.Code == http.StatusForbidden) != (a == torExit) {
					ok = false
				}
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Error("a concurrent request got the wrong verdict")
		}
	}
}
