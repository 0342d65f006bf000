package serve

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// limitedServer serves h through a connLimiter of max connections.
func limitedServer(t *testing.T, max int, h http.Handler) (*connLimiter, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim := newConnLimiter(ln, max)
	srv := &http.Server{Handler: h, ConnState: lim.connState, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() { srv.Serve(lim); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return lim, ln.Addr().String()
}

// keepAlive opens a connection, sends GET path and reads the answer,
// leaving the connection open (idle) for the caller.
func keepAlive(t *testing.T, addr, path string) (net.Conn, *http.Response) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return c, resp
}

// closedByServer reports whether the server has closed c, waiting at most
// wait for it to.
func closedByServer(c net.Conn, wait time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(wait))
	_, err := c.Read(make([]byte, 1))
	return err == io.EOF || (err != nil && !isTimeout(err))
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// waitFor polls cond (under lim.mu) for up to 5 s.
func waitFor(t *testing.T, lim *connLimiter, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lim.mu.Lock()
		ok := cond()
		lim.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestConnLimiter: at the cap a newcomer is served at once by closing the
// longest-idle connection; when every connection is busy one more is
// still served and the next waits for a request to finish; the limiter
// never holds more than its cap plus that one.
func TestConnLimiter(t *testing.T) {
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		io.WriteString(w, "ok")
	})
	const max = 4
	lim, addr := limitedServer(t, max, h)

	var idle []net.Conn
	for range max {
		c, _ := keepAlive(t, addr, "/")
		idle = append(idle, c)
	}
	waitFor(t, lim, "the connections to go idle", func() bool { return lim.idle.Len() == max })
	// The order they went idle in is the server's: find the longest and
	// the shortest idle.
	lim.mu.Lock()
	oldest := lim.idle.Front().Value.(*limitedConn).RemoteAddr().String()
	newest := lim.idle.Back().Value.(*limitedConn).RemoteAddr().String()
	lim.mu.Unlock()
	byAddr := map[string]net.Conn{}
	for _, c := range idle {
		byAddr[c.LocalAddr().String()] = c
	}
	// A newcomer at the cap: answered, and the oldest idle connection
	// closed for it, only it.
	c, resp := keepAlive(t, addr, "/health")
	if resp.StatusCode != 200 {
		t.Fatalf("newcomer: %d", resp.StatusCode)
	}
	if !closedByServer(byAddr[oldest], 5*time.Second) {
		t.Error("the longest-idle connection was not closed for the newcomer")
	}
	if closedByServer(byAddr[newest], 50*time.Millisecond) {
		t.Error("a recently idle connection was closed instead of the oldest")
	}
	if open, evicted := lim.stats(); open != max || evicted != 1 {
		t.Errorf("%d open (cap %d), %d evicted, want %d and 1", open, max, evicted, max)
	}
	for _, c := range append(idle, c) {
		c.Close()
	}
	waitFor(t, lim, "the connections to close", func() bool { return lim.open-lim.pending == 0 })

	// Every connection busy: one more is still served (the spare slot);
	// after it, a newcomer waits for a request to finish.
	for range max + 1 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	waitFor(t, lim, "the slow requests to start", func() bool {
		return lim.open-lim.pending == max+1 && lim.fresh.Len() == 0 && lim.idle.Len() == 0
	})
	got := make(chan int, 1)
	go func() {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			got <- -1
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			got <- -2
			return
		}
		got <- resp.StatusCode
	}()
	select {
	case code := <-got:
		t.Fatalf("answered (%d) with %d connections busy: the cap was exceeded", code, max+1)
	case <-time.After(100 * time.Millisecond):
	}
	if open, _ := lim.stats(); open != max+1 {
		t.Errorf("%d open, want %d", open, max+1)
	}
	release <- struct{}{} // one slow request finishes; its connection goes idle and is taken
	if code := <-got; code != 200 {
		t.Errorf("the waiting newcomer got %d", code)
	}
	close(release)
}

func TestConnCap(t *testing.T) {
	for _, c := range []struct {
		requested int
		limit     uint64
		known     bool
		want      int
		note      bool
		err       string
	}{
		{0, 1024, true, 1024 - fdReserve, false, ""},
		{0, 1 << 20, true, defaultMaxConns, false, ""},
		{0, 0, false, defaultMaxConns, false, ""},
		{100, 1024, true, 100, false, ""},
		{5000, 1024, true, 1024 - fdReserve, true, ""},
		{20000, 1 << 20, true, 20000, false, ""},
		{0, 50, true, 0, false, "open-file limit (50) is too low"},
		{-1, 1024, true, 0, false, "must not be negative"},
	} {
		got, note, err := connCap(c.requested, c.limit, c.known)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: %v", c, err)
			}
			continue
		}
		if err != nil || got != c.want || (note != "") != c.note {
			t.Errorf("%+v: %d %q %v", c, got, note, err)
		}
	}
}

// TestConnLimiterSilent: connections that connect and send nothing are
// closed for a newcomer once they have been silent for freshGrace.
func TestConnLimiterSilent(t *testing.T) {
	const max = 3
	lim, addr := limitedServer(t, max, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	var silent []net.Conn
	for range max {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		silent = append(silent, c)
	}
	waitFor(t, lim, "the silent connections", func() bool { return lim.fresh.Len() == max })
	time.Sleep(freshGrace + 50*time.Millisecond)
	if _, resp := keepAlive(t, addr, "/"); resp.StatusCode != 200 {
		t.Fatalf("newcomer: %d", resp.StatusCode)
	}
	if !closedByServer(silent[0], 5*time.Second) {
		t.Error("the oldest silent connection was not closed for the newcomer")
	}
	if _, evicted := lim.stats(); evicted != 1 {
		t.Errorf("%d evicted, want 1", evicted)
	}
}
