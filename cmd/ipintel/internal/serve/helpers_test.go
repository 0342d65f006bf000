package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/cmd/ipintel/internal/cli"
	"github.com/ipintel/ipintel/middleware"
	"github.com/ipintel/ipintel/source"
)

const (
	key1 = "test-key-0123456789abcdef"
	key2 = "second-key-fedcba9876543210"
	// Addresses of the sample data compiled into package cli.
	torExit = "185.220.101.1"
	vpnAddr = "45.130.202.105"
	clean   = "81.2.69.142"
	vpnV6   = "2a03:1b20::1"
	miss    = "9.9.9.9"
)

// clock is a manual clock for the rate limiter: tests never sleep.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 5, 25, 14, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	h     http.Handler
	clock *clock
}

// limits are a fixture's plans: both keys get them.
type limits struct {
	vectraIP, vpnSignal string // plan names
	datpaqRate          int    // per client IP per minute
}

// roomy is plenty for tests that are not about limits.
var roomy = limits{"enterprise", "enterprise", 100000}

// newFixture builds the handler on the bundled MMDBs with keys key1 and
// key2 on the given plans, and trusted proxies.
func newFixture(t testing.TB, l limits, trusted ...string) *fixture {
	t.Helper()
	var srcs []source.Source
	for _, f := range []string{cli.SampleCity, cli.SampleASN, cli.SampleAnonymous} {
		s, err := cli.OpenSample(f, f)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, s)
	}
	client, err := ipintel.New(ipintel.WithSources(srcs...), ipintel.WithMaxBatch(100))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	var def plans
	var err1, err2 error
	def.vectraIP, err1 = vectraIPPlan(l.vectraIP)
	def.vpnSig, err2 = vpnSignalPlan(l.vpnSignal)
	ring, err := newKeyring([]keySpec{{key: key1}, {key: key2}}, def)
	if err = errors.Join(err1, err2, err); err != nil {
		t.Fatal(err)
	}
	var nets []netip.Prefix
	for _, s := range trusted {
		nets = append(nets, netip.MustParsePrefix(s))
	}
	res, err := middleware.NewResolver(nets, "")
	if err != nil {
		t.Fatal(err)
	}
	c := newClock()
	return &fixture{
		h:     newHandler(config{client: client, keys: ring, datpaqRate: l.datpaqRate, resolver: res, now: c.now}),
		clock: c,
	}
}

// call sends one request; auth is "vectra", "bearer", "x-api-key",
// "api_key" (the query parameter) or "".
type call struct {
	method, path, body string
	auth, key          string
	remote             string
	header             http.Header
}

type answer struct {
	code   int
	header http.Header
	body   []byte
}

func (f *fixture) do(t testing.TB, c call) answer {
	t.Helper()
	if c.method == "" {
		c.method = http.MethodGet
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	r := httptest.NewRequest(c.method, c.path, body)
	if c.remote != "" {
		r.RemoteAddr = c.remote
	}
	key := c.key
	if key == "" {
		key = key1
	}
	switch c.auth {
	case "vectra", "x-api-key":
		r.Header.Set("X-API-Key", key)
	case "bearer":
		r.Header.Set("Authorization", "Bearer "+key)
	case "api_key":
		q := r.URL.Query()
		q.Set("api_key", key)
		r.URL.RawQuery = q.Encode()
	}
	for k, v := range c.header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return answer{code: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// decode decodes the body strictly into v: a field the wire type does not
// know fails the test.
func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding %s: %v", a.body, err)
	}
}

// fields decodes the body as a JSON object.
func (a answer) fields(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("body %s: %v", a.body, err)
	}
	return m
}

func (a answer) expect(t testing.TB, code int) answer {
	t.Helper()
	if a.code != code {
		t.Fatalf("status %d, want %d; body %s", a.code, code, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && code != 200 {
		t.Fatalf("Content-Type %q", ct)
	}
	return a
}

// errorEnvelope reports whether body is api's documented error envelope:
// VectraIP's {"detail"}, VPN Signal's {"error", "message"}, Datpaq's
// {"success": false, "error", "correlationId"}.
func errorEnvelope(api string, body []byte) bool {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	switch api {
	case apiVectraIP:
		return m["detail"] != nil
	case apiVPNSignal:
		return m["error"] != nil && m["message"] != nil
	case apiDatpaq:
		return m["success"] == false && m["error"] != nil && m["correlationId"] != nil
	}
	return false
}
