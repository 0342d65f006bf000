package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/sourcetest"
)

var kinds = []string{"vectraip", "vpnsignal", "datpaq"}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestVectraIPDocumentedExample(t *testing.T) {
	f := newFake(t, "vectraip")
	s := newTestSource(t, f)
	rec, err := s.Lookup(context.Background(), mustAddr("45.130.202.105"))
	require.NoError(t, err)
	pfx := netip.MustParsePrefix("45.130.202.0/23")
	want := source.Record{
		Prefix: pfx,
		Geo: &source.Geo{CountryCode: "TR", CountryName: "Turkey", Region: "Bursa", City: "Bursa",
			Timezone: "Europe/Istanbul", Continent: "AS",
			Coordinates: source.Coordinates{Latitude: 40.19, Longitude: 29.06}},
		Network: &source.Network{ASN: 137409, Organization: "GSL Networks Pty LTD", CIDR: pfx,
			ConnectionType: "hosting", UsageType: "hosting"},
		Signals: []source.Signal{
			{Kind: source.VPN, Confidence: 80, Source: "vectraip", Category: "vpn_exit"},
			{Kind: source.Hosting, Confidence: FlagConfidence, Provider: "GSL Networks Pty LTD", Source: "vectraip"},
			{Kind: source.ProviderRisk, Confidence: 74, Source: "vectraip", Category: "high"},
		},
	}
	assert.Equal(t, want, rec)
	assert.Equal(t, "AS137409", rec.Network.ASN.String())
}

func TestVectraIPMonitoring(t *testing.T) {
	f := newFake(t, "vectraip")
	s := newTestSource(t, f)
	rec, err := s.Lookup(context.Background(), mustAddr("216.144.250.150"))
	require.NoError(t, err)
	var mon *source.Signal
	for i := range rec.Signals {
		if rec.Signals[i].Kind == source.Monitoring {
			mon = &rec.Signals[i]
		}
	}
	require.NotNil(t, mon, "no monitoring signal in %+v", rec.Signals)
	assert.Equal(t, source.Signal{Kind: source.Monitoring, Confidence: 90, Provider: "UptimeRobot", Source: "vectraip",
		Category:  "synthetic_monitoring",
		FirstSeen: time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC),
		LastSeen:  time.Date(2026, 5, 24, 23, 59, 0, 0, time.UTC)}, *mon)
	assert.Equal(t, "NA", rec.Geo.Continent)
}

func TestVPNSignalDocumentedExample(t *testing.T) {
	f := newFake(t, "vpnsignal")
	s := newTestSource(t, f)
	rec, err := s.Lookup(context.Background(), mustAddr("1.1.1.1"))
	require.NoError(t, err)
	pfx := netip.MustParsePrefix("1.1.1.0/24")
	want := source.Record{
		Prefix: pfx,
		Geo: &source.Geo{CountryCode: "US", CountryName: "United States", Region: "California", City: "San Francisco",
			Coordinates: source.Coordinates{Latitude: 37.7749, Longitude: -122.4194}},
		Network: &source.Network{ASN: 13335, Organization: "Cloudflare, Inc.", Domain: "cloudflare.com", CIDR: pfx, UsageType: "hosting"},
		Signals: []source.Signal{
			{Kind: source.Hosting, Confidence: FlagConfidence, Provider: "Cloudflare, Inc.", Source: "vpnsignal"},
			{Kind: source.ProviderRisk, Confidence: 30, Source: "vpnsignal", Category: "allow"},
		},
	}
	assert.Equal(t, want, rec)

	// Null company and location, is_relay.
	rec, err = s.Lookup(context.Background(), mustAddr("104.28.231.47"))
	require.NoError(t, err)
	assert.Nil(t, rec.Geo)
	assert.Equal(t, netip.MustParsePrefix("104.28.0.0/16"), rec.Prefix)
	assert.Equal(t, &source.Network{ASN: 13335, Organization: "CLOUDFLARENET", CIDR: rec.Prefix}, rec.Network)
	assert.Equal(t, source.Relay, rec.Signals[0].Kind)
}

func TestDatpaqDocumentedExample(t *testing.T) {
	f := newFake(t, "datpaq")
	s := newTestSource(t, f)
	rec, err := s.Lookup(context.Background(), mustAddr("185.220.101.1"))
	require.NoError(t, err)
	want := source.Record{
		Geo:     &source.Geo{CountryCode: "DE"},
		Network: &source.Network{ASN: 60729, Organization: "Stiftung Erneuerbare Freiheit"},
		Signals: []source.Signal{
			{Kind: source.Tor, Confidence: FlagConfidence, Source: "datpaq"},
			{Kind: source.ProviderRisk, Confidence: 95, Source: "datpaq"}, // 100 − trust_score 5
		},
	}
	assert.Equal(t, want, rec)
	assert.Empty(t, f.leaks)
}

func TestMissIsNotAnError(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			s := newTestSource(t, f)
			rec, err := s.Lookup(context.Background(), mustAddr("9.9.1.1"))
			require.NoError(t, err)
			assert.True(t, rec.IsZero(), "%+v", rec)
			if kind == "vpnsignal" {
				return
			}
			recs, err := s.LookupBatch(context.Background(), []netip.Addr{mustAddr("9.9.1.2"), mustAddr("45.1.1.1")})
			require.NoError(t, err)
			assert.True(t, recs[0].IsZero())
			assert.False(t, recs[1].IsZero())
		})
	}
}

// A 404 that is not the provider's envelope (a wrong base URL, a proxy's
// page) is an error, not a silent miss.
func TestForeign404IsAnError(t *testing.T) {
	f := newFake(t, "vectraip")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		http.NotFound(w, r)
		return true
	}
	s := newTestSource(t, f)
	_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.ErrorIs(t, err, source.ErrUnavailable)
}

func TestReservedNeverSent(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			s := newTestSource(t, f)
			addrs := []netip.Addr{mustAddr("10.0.0.1"), mustAddr("127.0.0.1"), mustAddr("192.168.1.1"),
				mustAddr("::1"), mustAddr("fe80::1"), mustAddr("100.64.0.1"), mustAddr("::ffff:10.1.1.1"),
				mustAddr("2001:db8::1"), mustAddr("224.0.0.1"), mustAddr("169.254.1.1"), {}}
			for _, a := range addrs {
				rec, err := s.Lookup(context.Background(), a)
				require.NoError(t, err, a)
				require.True(t, rec.IsZero(), a)
			}
			recs, err := s.LookupBatch(context.Background(), addrs)
			require.NoError(t, err)
			require.Len(t, recs, len(addrs))
			assert.Zero(t, f.requests.Load(), "reserved addresses reached the API")
		})
	}
}

func TestBatchOneRequestPerChunk(t *testing.T) {
	for _, kind := range []string{"vectraip", "datpaq"} {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			s := newTestSource(t, f)
			var addrs []netip.Addr
			for i := range 250 {
				addrs = append(addrs, netip.AddrFrom4([4]byte{45, 2, byte(i / 200), byte(i % 200)}))
			}
			addrs = append(addrs, addrs[3], addrs[200], mustAddr("10.1.1.1"), mustAddr("9.9.9.9")) // duplicates, reserved, miss
			recs, err := s.LookupBatch(context.Background(), addrs)
			require.NoError(t, err)
			require.Len(t, recs, len(addrs))
			assert.Equal(t, int64(3), f.requests.Load(), "251 unique public addresses take 3 requests")
			assert.ElementsMatch(t, []int{100, 100, 51}, f.sizes())
			for i := range 250 {
				require.False(t, recs[i].IsZero(), "record %d", i)
				require.True(t, recs[i].Prefix.Contains(addrs[i]) || !recs[i].Prefix.IsValid())
			}
			assert.Equal(t, recs[3], recs[250])
			assert.True(t, recs[252].IsZero())
			assert.True(t, recs[253].IsZero())

			// Everything is cached now: a second batch sends nothing, and
			// single lookups agree with the batch.
			again, err := s.LookupBatch(context.Background(), addrs)
			require.NoError(t, err)
			assert.Equal(t, recs, again)
			assert.Equal(t, int64(3), f.requests.Load())

			s2 := newTestSource(t, f, WithCache(0, 0))
			for _, i := range []int{0, 99, 100, 249} {
				one, err := s2.Lookup(context.Background(), addrs[i])
				require.NoError(t, err)
				assert.Equal(t, recs[i], one, "address %v", addrs[i])
			}
		})
	}
}

func TestBatchWithoutBatchEndpoint(t *testing.T) {
	f := newFake(t, "vpnsignal")
	s := newTestSource(t, f, WithConcurrency(4))
	var addrs []netip.Addr
	for i := range 30 {
		addrs = append(addrs, netip.AddrFrom4([4]byte{45, 3, 0, byte(i)}))
	}
	addrs = append(addrs, addrs[0])
	recs, err := s.LookupBatch(context.Background(), addrs)
	require.NoError(t, err)
	assert.Equal(t, int64(30), f.requests.Load())
	assert.Equal(t, recs[0], recs[30])
	assert.Equal(t, source.VPN, recs[5].Signals[0].Kind)
}

func TestWithBatchSize(t *testing.T) {
	f := newFake(t, "vectraip")
	s := newTestSource(t, f, WithBatchSize(10))
	assert.Equal(t, 10, s.Describe().MaxBatch)
	var addrs []netip.Addr
	for i := range 25 {
		addrs = append(addrs, netip.AddrFrom4([4]byte{45, 4, 0, byte(i)}))
	}
	_, err := s.LookupBatch(context.Background(), addrs)
	require.NoError(t, err)
	assert.ElementsMatch(t, []int{10, 10, 5}, f.sizes())
}

func TestFakeRefusesOversizedBatch(t *testing.T) {
	// The fakes enforce the documented limit, so a source that ignored
	// it would fail TestBatchOneRequestPerChunk.
	for _, kind := range []string{"vectraip", "datpaq"} {
		f := newFake(t, kind)
		s := newTestSource(t, f)
		addrs := make([]netip.Addr, 101)
		for i := range addrs {
			addrs[i] = netip.AddrFrom4([4]byte{45, 5, 0, byte(i)})
		}
		s.maxBatch = 0 // bypass chunking
		_, err := s.LookupBatch(context.Background(), addrs)
		require.ErrorIs(t, err, source.ErrInvalidInput, kind)
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Contains(t, []int{400, 422}, se.Status)
	}
}

func TestDescribe(t *testing.T) {
	for _, kind := range kinds {
		s := newTestSource(t, newFake(t, kind), WithTimeout(time.Second))
		tr := s.Describe()
		assert.True(t, tr.Remote)
		assert.Equal(t, time.Second, tr.Timeout)
		assert.Equal(t, 100, tr.MaxBatch)
		assert.Equal(t, kind, s.Name())
		var _ source.Batcher = s
	}
	s := newTestSource(t, newFake(t, "datpaq"), WithName("datpaq-eu"))
	rec, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.NoError(t, err)
	assert.Equal(t, "datpaq-eu", rec.Signals[0].Source)
}

func TestCacheHitMakesNoRequest(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			s := newTestSource(t, f, WithCache(10, time.Minute))
			now := time.Now()
			s.now = func() time.Time { return now }
			a := mustAddr("45.6.7.8")
			first, err := s.Lookup(context.Background(), a)
			require.NoError(t, err)
			second, err := s.Lookup(context.Background(), a)
			require.NoError(t, err)
			assert.Equal(t, first, second)
			assert.Equal(t, int64(1), f.requests.Load())
			// Misses are cached too.
			_, _ = s.Lookup(context.Background(), mustAddr("9.9.3.3"))
			_, _ = s.Lookup(context.Background(), mustAddr("9.9.3.3"))
			assert.Equal(t, int64(2), f.requests.Load())
			// TTL is checked on read.
			now = now.Add(time.Minute)
			_, err = s.Lookup(context.Background(), a)
			require.NoError(t, err)
			assert.Equal(t, int64(3), f.requests.Load())
		})
	}
}

func TestConcurrentDuplicatesMakeOneRequest(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			release := make(chan struct{})
			f.fault = func(w http.ResponseWriter, r *http.Request) bool {
				<-release
				return false
			}
			s := newTestSource(t, f, WithCache(0, 0))
			const n = 16
			var joined sync.WaitGroup
			joined.Add(n)
			s.onJoined = func() { joined.Done() }
			var wg sync.WaitGroup
			recs := make([]source.Record, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() { recs[i], errs[i] = s.Lookup(context.Background(), mustAddr("45.9.9.9")) })
			}
			joined.Wait() // every caller is waiting on the one flight
			close(release)
			wg.Wait()
			for i := range n {
				require.NoError(t, errs[i])
				assert.Equal(t, recs[0], recs[i])
			}
			assert.Equal(t, int64(1), f.requests.Load())
		})
	}
}

func TestAuthHeaders(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			s, err := map[string]func(string, ...Option) (*Source, error){
				"vectraip": VectraIP, "vpnsignal": VPNSignal, "datpaq": Datpaq,
			}[kind]("wrong-key", WithBaseURL(f.url()))
			require.NoError(t, err)
			defer s.Close()
			_, err = s.Lookup(context.Background(), mustAddr("45.1.2.3"))
			require.ErrorIs(t, err, ErrUnauthorized)
			// The right key works: the fake checks the documented header.
			good := newTestSource(t, f)
			_, err = good.Lookup(context.Background(), mustAddr("45.1.2.3"))
			require.NoError(t, err)
			assert.Empty(t, f.leaks)
		})
	}
}

func TestConformance(t *testing.T) {
	hits := map[string][]netip.Addr{
		"vectraip":  {mustAddr("45.130.202.105"), mustAddr("2a01:4f8::1")},
		"vpnsignal": {mustAddr("1.1.1.1"), mustAddr("2a01:4f8::1")},
		"datpaq":    {mustAddr("185.220.101.1"), mustAddr("2a01:4f8::1")},
	}
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			sourcetest.Run(t, func(t *testing.T) source.Source { return newTestSource(t, f) },
				sourcetest.Hits(hits[kind]...),
				sourcetest.Misses(mustAddr("9.9.9.9"), mustAddr("10.0.0.1"), mustAddr("::1")))
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		key  string
		opts []Option
	}{
		"empty key":      {"", nil},
		"newline key":    {"a\nb", nil},
		"bad base":       {"k", []Option{WithBaseURL("ftp://x")}},
		"base with user": {"k", []Option{WithBaseURL("https://u:p@x")}},
		"base query":     {"k", []Option{WithBaseURL("https://x/?api_key=k")}},
		"timeout":        {"k", []Option{WithTimeout(0)}},
		"retries":        {"k", []Option{WithRetries(-1)}},
		"rate":           {"k", []Option{WithRateLimit(0, 1)}},
		"cache":          {"k", []Option{WithCache(10, -time.Second)}},
		"batch":          {"k", []Option{WithBatchSize(0)}},
		"body":           {"k", []Option{WithMaxResponseSize(0)}},
		"breaker":        {"k", []Option{WithCircuitBreaker(3, 0)}},
		"concurrency":    {"k", []Option{WithConcurrency(0)}},
		"name":           {"k", []Option{WithName(" ")}},
		"client":         {"k", []Option{WithHTTPClient(nil)}},
		"prefix brace":   {"k", []Option{WithKeyPrefix("{app}:")}},
		"name brace":     {"k", []Option{WithName("a}b")}},
	} {
		_, err := VectraIP(tc.key, tc.opts...)
		assert.ErrorIs(t, err, source.ErrInvalidOption, name)
	}
	// A bad base URL names the option, never the URL, which may hold a key.
	_, err := VectraIP("k", WithBaseURL("https://u:secret@x"))
	if err == nil || !strings.Contains(err.Error(), "WithBaseURL") || strings.Contains(err.Error(), "secret") {
		t.Errorf("WithBaseURL error %v: want the option named and the URL left out", err)
	}
	// An empty base URL keeps the provider's address.
	s, err := VectraIP("k", WithBaseURL(""))
	if err != nil {
		t.Fatalf("WithBaseURL(\"\"): %v", err)
	}
	s.Close()
	// A generic endpoint's bad URL names the Endpoint, not WithBaseURL.
	_, err = New("k", Endpoint{Name: "x", URL: "ftp://host/{ip}", Auth: Auth{Header: "X-Key"}, Decode: decodeGeneric})
	if !errors.Is(err, source.ErrInvalidOption) || !strings.Contains(err.Error(), "Endpoint.URL") {
		t.Errorf("ftp endpoint: %v", err)
	}
}

func TestClose(t *testing.T) {
	f := newFake(t, "vectraip")
	started := make(chan struct{})
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		close(started)
		<-r.Context().Done() // hang until the client gives up
		return true
	}
	s := newTestSource(t, f, WithTimeout(time.Hour), WithRetries(0))
	done := make(chan error, 1)
	go func() {
		_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
		done <- err
	}()
	<-started
	require.NoError(t, s.Close())
	err := <-done
	require.ErrorIs(t, err, source.ErrClosed)
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.2"))
	require.ErrorIs(t, err, source.ErrClosed)
	_, err = s.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.1.1.2")})
	require.ErrorIs(t, err, source.ErrClosed)
	require.NoError(t, s.Close())
}

// Close drops the keep-alive connection the source opened (and with it the
// transport's reader and writer goroutines) instead of leaving it idle in a
// shared pool for another 90 seconds.
func TestCloseDropsIdleConnections(t *testing.T) {
	closed := make(chan struct{}, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, synthVectra(mustAddr("45.1.1.1")))
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateClosed {
			select {
			case closed <- struct{}{}:
			default:
			}
		}
	}
	srv.Start()
	defer srv.Close()
	s, err := VectraIP(testKey, WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the source's idle connection is still open after Close")
	}
}

func TestCancelledContext(t *testing.T) {
	f := newFake(t, "datpaq")
	s := newTestSource(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Lookup(ctx, mustAddr("45.1.1.1"))
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.LookupBatch(ctx, []netip.Addr{mustAddr("45.1.1.1"), mustAddr("45.1.1.2")})
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, f.requests.Load())
}

func TestStatusErrorText(t *testing.T) {
	e := &StatusError{Source: "x", Status: 429, Code: "rate_limit_exceeded", Message: "slow down", RetryAfter: 2 * time.Second, RequestID: "r1"}
	assert.Equal(t, "remote: x: HTTP 429 Too Many Requests (rate_limit_exceeded): slow down; retry after 2s; request id r1", e.Error())
	assert.ErrorIs(t, e, source.ErrRateLimited)
	for status, want := range map[int]error{400: source.ErrInvalidInput, 401: ErrUnauthorized, 402: ErrForbidden, 403: ErrForbidden,
		413: source.ErrInvalidInput, 422: source.ErrInvalidInput, 429: source.ErrRateLimited, 500: source.ErrUnavailable, 503: source.ErrUnavailable, 302: source.ErrUnavailable, 418: source.ErrUnavailable} {
		assert.ErrorIs(t, &StatusError{Status: status}, want, fmt.Sprint(status))
	}
	assert.False(t, errors.Is(&StatusError{Status: 500}, source.ErrRateLimited))
}

// TestCacheZeroTTLNeverExpires: WithCache(size, 0) means what the Client's
// WithCache(size, 0) means: answers are kept until evicted.
func TestCacheZeroTTLNeverExpires(t *testing.T) {
	f := newFake(t, "vectraip")
	s := newTestSource(t, f, WithCache(10, 0))
	now := time.Now()
	s.now = func() time.Time { return now }
	for _, later := range []time.Duration{0, time.Hour, 1000 * time.Hour} {
		s.now = func() time.Time { return now.Add(later) }
		_, err := s.Lookup(context.Background(), mustAddr("45.1.1.1"))
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), f.requests.Load(), "requests for three lookups of one address over 1000 hours")
}
