package serve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestKeyLength: a key shorter than 20 characters is refused at start, by
// line or position and without being repeated; the -dev key passes.
func TestKeyLength(t *testing.T) {
	for _, c := range []struct {
		key string
		ok  bool
	}{
		{"x", false},
		{strings.Repeat("k", minKeyLen-1), false},
		{strings.Repeat("k", minKeyLen), true},
		{strings.Repeat("é", minKeyLen-1), false}, // characters, not bytes
		{strings.Repeat("é", minKeyLen), true},
		{newKey(), true},
	} {
		_, err := newKeyring([]keySpec{{key: c.key}}, plans{})
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, errWeakKey)) {
			t.Errorf("key of %d characters: %v", len([]rune(c.key)), err)
		}
		if err != nil && len(c.key) > 1 && strings.Contains(err.Error(), c.key) { // "x" is in "hex"
			t.Errorf("the error repeats the key: %v", err)
		}
	}
	_, err := readKeys(strings.NewReader(key1 + "\n\nsecret vectraip=free\n"))
	if !errors.Is(err, errWeakKey) || !strings.Contains(err.Error(), "line 3") || strings.Contains(err.Error(), "secret") {
		t.Errorf("keys file with a 6-character key: %v", err)
	}
}

// rawPost sends a POST of total bytes over a raw connection: head, then
// fill repeated, then tail, written while the answer is read, and returns
// the answer and how many body bytes went out before the server stopped
// taking them. The body is generated, never held: a 100 MB body costs
// nothing but the writes.
func rawPost(t *testing.T, addr, path string, hdr http.Header, head, fill, tail string, total int64) (*http.Response, []byte, int64) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	var req strings.Builder
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, addr, total)
	hdr.Write(&req)
	req.WriteString("\r\n")
	var sent atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := io.WriteString(conn, req.String()); err != nil {
			return
		}
		body := io.LimitReader(io.MultiReader(strings.NewReader(head), repeatReader(fill)), total-int64(len(tail)))
		buf := make([]byte, 32<<10)
		for {
			n, rerr := body.Read(buf)
			if n > 0 {
				if _, err := conn.Write(buf[:n]); err != nil {
					return
				}
				sent.Add(int64(n))
			}
			if rerr != nil {
				break
			}
		}
		if _, err := io.WriteString(conn, tail); err == nil {
			sent.Add(int64(len(tail)))
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: no answer: %v", path, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	conn.Close()
	<-done
	return resp, b, sent.Load()
}

// repeatReader yields s over and over.
func repeatReader(s string) io.Reader {
	return &repeater{s: s}
}

type repeater struct {
	s string
	i int
}

func (r *repeater) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.i:])
		n += c
		r.i = (r.i + c) % len(r.s)
	}
	return n, nil
}

// TestOversizedBodies: a 100 MB body gets 413 and a batch of too many
// addresses 422, at any size, each in its API's error envelope, over a
// real connection; the server stops reading the body early.
func TestOversizedBodies(t *testing.T) {
	f := newFixture(t, roomy)
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	const size = 100 << 20
	vectra := http.Header{"X-Api-Key": {key1}}
	bearer := http.Header{"Authorization": {"Bearer " + key1}}
	for _, c := range []struct {
		name, api, path  string
		hdr              http.Header
		head, fill, tail string
		code             int
		text             string
	}{
		{"VectraIP one huge string", apiVectraIP, vectraIPBatchPath, vectra, `{"ips":["`, "1", `"]}`, 413, "too large"},
		{"VectraIP whitespace", apiVectraIP, vectraIPBatchPath, vectra, `{"ips":[`, " ", `]}`, 413, "too large"},
		{"VectraIP 100 MB of addresses", apiVectraIP, vectraIPBatchPath, vectra, `{"ips":[`, `"8.8.8.8",`, `"1.1.1.1"]}`, 422, "at most 100"},
		{"VPN Signal", apiVPNSignal, vpnCheck, bearer, `{"ip":"`, "1", `"}`, 413, "payload_too_large"},
		{"Datpaq one huge string", apiDatpaq, datpaqBatchPath, bearer, `{"ip":["`, "1", `"]}`, 413, datpaqTooLarge},
		{"Datpaq 100 MB of addresses", apiDatpaq, datpaqBatchPath, bearer, `{"ip":[`, `"8.8.8.8",`, `"1.1.1.1"]}`, 422, datpaqTooMany},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body, sent := rawPost(t, addr, c.path, c.hdr, c.head, c.fill, c.tail, size)
			if resp.StatusCode != c.code || !errorEnvelope(c.api, body) || !strings.Contains(string(body), c.text) {
				t.Errorf("%d %s; want %d with %q in %s's envelope", resp.StatusCode, body, c.code, c.text, c.api)
			}
			if sent >= size {
				t.Errorf("the server read all %d bytes", sent)
			}
			if !resp.Close {
				t.Error("the connection is kept open after an unread body")
			}
		})
	}
	// 10,000 addresses in a body of about 100 KiB: 422, not 413.
	list := `"` + strings.Repeat(`8.8.8.8","`, 9999) + `1.1.1.1"`
	for _, c := range []struct{ api, path, body, auth string }{
		{apiVectraIP, vectraIPBatchPath, `{"ips":[` + list + `]}`, "vectra"},
		{apiDatpaq, datpaqBatchPath, `{"ip":[` + list + `]}`, "bearer"},
	} {
		a := f.do(t, call{method: "POST", path: c.path, body: c.body, auth: c.auth})
		if a.code != 422 || !errorEnvelope(c.api, a.body) {
			t.Errorf("%s, 10,000 addresses in %d bytes: %d %s", c.api, len(c.body), a.code, a.body)
		}
	}
}

// TestAuthThrottle: from one client address, after 20 wrong keys every
// authenticated request gets 429 with Retry-After whatever its key, the
// same answer for a right key, a wrong one and none, in each API's
// envelope; other addresses, and the endpoints that need no key, are not
// affected; a token comes back after Retry-After.
func TestAuthThrottle(t *testing.T) {
	f := newFixture(t, roomy, "10.0.0.0/8")
	type endpoint struct {
		api   string
		c     call
		noKey call
	}
	endpoints := []endpoint{
		{apiVectraIP, call{path: "/v1/ip/" + clean, auth: "vectra"}, call{path: "/v1/ip/" + clean}},
		{apiVPNSignal, call{method: "POST", path: vpnCheck, body: `{"ip":"` + clean + `"}`, auth: "bearer"},
			call{method: "POST", path: vpnCheck, body: `{"ip":"` + clean + `"}`}},
		{apiDatpaq, call{path: datpaqPath + "?ip=" + clean, auth: "bearer"}, call{path: datpaqPath + "?ip=" + clean}},
	}
	const wrong = "wrong-key-0123456789abcdef"
	for i, e := range endpoints {
		t.Run(e.api, func(t *testing.T) {
			remote := fmt.Sprintf("203.0.113.%d:5000", i+1)
			with := func(c call, key, remote string) call {
				c.key, c.remote = key, remote
				return c
			}
			for n := 1; n <= defaultAuthBurst; n++ {
				c := with(e.c, wrong, remote)
				if n%2 == 0 {
					c = with(e.noKey, "", remote) // a missing key counts too
				}
				if a := f.do(t, c); a.code != 401 {
					t.Fatalf("wrong key %d: %d %s", n, a.code, a.body)
				}
			}
			answers := map[string]answer{
				"right key": f.do(t, with(e.c, key1, remote)),
				"wrong key": f.do(t, with(e.c, wrong, remote)),
				"no key":    f.do(t, with(e.noKey, "", remote)),
			}
			var first string
			for label, a := range answers {
				a.expect(t, 429)
				if !errorEnvelope(e.api, a.body) {
					t.Errorf("%s: %s is not %s's envelope", label, a.body, e.api)
				}
				if ra, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || ra < 1 || ra > 3 {
					t.Errorf("%s: Retry-After %q, want the 3 s until the next attempt", label, a.header.Get("Retry-After"))
				}
				if s := sameness(a); first == "" {
					first = s
				} else if s != first {
					t.Errorf("the answers differ by key:\n%s\n%s", first, s)
				}
			}
			// Another address is not affected, nor are health checks.
			f.do(t, with(e.c, key1, "203.0.113.200:1")).expect(t, 200)
			f.do(t, call{path: "/api/v1/health", remote: remote}).expect(t, 200)
			f.do(t, call{path: datpaqPath + "/health", remote: remote}).expect(t, 200)
			// One attempt comes back every refill/burst (3 s).
			f.clock.advance(defaultAuthRefill / defaultAuthBurst)
			f.do(t, with(e.c, key1, remote)).expect(t, 200)
			f.do(t, with(e.c, wrong, remote)).expect(t, 401)
			f.do(t, with(e.c, key1, remote)).expect(t, 429)
		})
	}

	t.Run("client address through a trusted proxy", func(t *testing.T) {
		behind := func(client, key string) call {
			return call{path: "/v1/ip/" + clean, auth: "vectra", key: key, remote: "10.1.1.1:443",
				header: http.Header{"X-Forwarded-For": {client}}}
		}
		for range defaultAuthBurst {
			f.do(t, behind("198.51.100.7", wrong)).expect(t, 401)
		}
		f.do(t, behind("198.51.100.7", key1)).expect(t, 429)
		f.do(t, behind("198.51.100.8", key1)).expect(t, 200) // the proxy's other clients
		// An untrusted peer's forwarding header is ignored: it is
		// counted as itself, whatever it claims.
		for n := range defaultAuthBurst {
			f.do(t, call{path: "/v1/ip/" + clean, auth: "vectra", key: wrong, remote: "198.51.100.9:1",
				header: http.Header{"X-Forwarded-For": {fmt.Sprintf("192.0.2.%d", n)}}}).expect(t, 401)
		}
		f.do(t, call{path: "/v1/ip/" + clean, auth: "vectra", remote: "198.51.100.9:1"}).expect(t, 429)
	})

	t.Run("IPv6 by /64", func(t *testing.T) {
		for n := range defaultAuthBurst {
			f.do(t, call{path: "/v1/ip/" + clean, auth: "vectra", key: wrong, remote: fmt.Sprintf("[2001:db8:1:2::%x]:1", n)}).expect(t, 401)
		}
		f.do(t, call{path: "/v1/ip/" + clean, auth: "vectra", remote: "[2001:db8:1:2:ffff::1]:1"}).expect(t, 429)
		f.do(t, call{path: "/v1/ip/" + clean, auth: "vectra", remote: "[2001:db8:1:3::1]:1"}).expect(t, 200)
	})

	t.Run("concurrent burst", func(t *testing.T) {
		const n = 200
		codes := make(chan int, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				codes <- f.do(t, call{path: "/v1/ip/" + clean, auth: "vectra", key: wrong, remote: "192.0.2.77:1"}).code
			})
		}
		wg.Wait()
		close(codes)
		count := map[int]int{}
		for c := range codes {
			count[c]++
		}
		if count[401] != defaultAuthBurst || count[429] != n-defaultAuthBurst {
			t.Errorf("%d wrong keys at once: %v, want %d refused as 401 and the rest 429", n, count, defaultAuthBurst)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		body := string(f.do(t, call{path: "/metrics"}).body)
		if !strings.Contains(body, `ipintel_server_auth_throttled_total{api="vectraip"}`) {
			t.Error("no ipintel_server_auth_throttled_total")
		}
	})
}

// sameness is an answer with its random request ids blanked out: what
// must not depend on the key.
func sameness(a answer) string {
	h := a.header.Clone()
	id := h.Get("X-Request-Id")
	h.Del("X-Request-Id")
	h.Del("X-Correlation-Id")
	body := strings.ReplaceAll(string(a.body), id, "ID")
	var b strings.Builder
	h.Write(&b)
	return fmt.Sprintf("%d\n%s%s", a.code, b.String(), body)
}

// TestAuthThrottleBounded: the throttle remembers at most its size in
// networks, forgets the least recently failing first, and drops a bucket
// that has refilled.
func TestAuthThrottleBounded(t *testing.T) {
	c := newClock()
	a := newAuthThrottle(2, time.Minute, 4, c.now)
	p := func(i int) netip.Prefix { return netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}), 32) }
	for i := range 10 {
		a.attempt(p(i), false)
		a.attempt(p(i), false)
	}
	if a.len() != 4 {
		t.Fatalf("%d networks tracked, want 4", a.len())
	}
	if _, refused := a.attempt(p(9), true); !refused {
		t.Error("the most recent network was forgotten")
	}
	if _, refused := a.attempt(p(0), false); refused {
		t.Error("the oldest network was not forgotten")
	}
	c.advance(time.Minute)
	if _, refused := a.attempt(p(9), true); refused || a.len() != 3 {
		t.Errorf("a refilled bucket: refused %v, %d tracked, want 3", refused, a.len())
	}
}
