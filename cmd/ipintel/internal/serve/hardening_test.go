package serve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/compat"
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
		{"VectraIP one huge string", apiVectraIP, compat.VectraIPBatchPath, vectra, `{"ips":["`, "1", `"]}`, 413, "too large"},
		{"VectraIP whitespace", apiVectraIP, compat.VectraIPBatchPath, vectra, `{"ips":[`, " ", `]}`, 413, "too large"},
		{"VectraIP 100 MB of addresses", apiVectraIP, compat.VectraIPBatchPath, vectra, `{"ips":[`, `"8.8.8.8",`, `"1.1.1.1"]}`, 422, "at most 100"},
		{"VPN Signal", apiVPNSignal, vpnCheck, bearer, `{"ip":"`, "1", `"}`, 413, "payload_too_large"},
		{"Datpaq one huge string", apiDatpaq, compat.DatpaqBatchPath, bearer, `{"ip":["`, "1", `"]}`, 413, datpaqTooLarge},
		{"Datpaq 100 MB of addresses", apiDatpaq, compat.DatpaqBatchPath, bearer, `{"ip":[`, `"8.8.8.8",`, `"1.1.1.1"]}`, 422, datpaqTooMany},
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
		{apiVectraIP, compat.VectraIPBatchPath, `{"ips":[` + list + `]}`, "vectra"},
		{apiDatpaq, compat.DatpaqBatchPath, `{"ip":[` + list + `]}`, "bearer"},
	} {
		a := f.do(t, call{method: "POST", path: c.path, body: c.body, auth: c.auth})
		if a.code != 422 || !errorEnvelope(c.api, a.body) {
			t.Errorf("%s, 10,000 addresses in %d bytes: %d %s", c.api, len(c.body), a.code, a.body)
		}
	}
}
