package serve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// These tests run the server as its own process (this test binary,
// re-executed into TestServeProcess), so that it gets real signals and
// its own open-file limit.

const (
	childEnv   = "IPINTEL_SERVE_TEST_CHILD"  // the arguments, separated by \x1f
	nofileEnv  = "IPINTEL_SERVE_TEST_NOFILE" // RLIMIT_NOFILE to set first
	childLimit = 20 * time.Second            // the longest a child may live
)

// TestServeProcess is the child: it serves as "ipintel serve" would.
func TestServeProcess(t *testing.T) {
	args, ok := os.LookupEnv(childEnv)
	if !ok {
		t.Skip("the server process of the tests below")
	}
	if n, err := strconv.ParseUint(os.Getenv(nofileEnv), 10, 64); err == nil {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			os.Exit(3)
		}
	}
	// Never outlive a parent that failed to stop us.
	time.AfterFunc(childLimit, func() { os.Exit(4) })
	os.Exit(Main(strings.Split(args, "\x1f")))
}

type child struct {
	cmd    *exec.Cmd
	addr   string
	done   chan struct{} // closed when the process has exited
	stderr *lockedWriter
	err    error // of Wait, once done
}

// startChild starts the server process with key1 and args, and an
// open-file limit of nofile (0: unchanged).
func startChild(t *testing.T, nofile uint64, args ...string) *child {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("needs Linux (signals, RLIMIT_NOFILE)")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeProcess$")
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(args, "\x1f"), keysEnv+"="+key1)
	if nofile > 0 {
		cmd.Env = append(cmd.Env, nofileEnv+"="+strconv.FormatUint(nofile, 10))
	}
	var stderr strings.Builder
	c := &child{cmd: cmd, done: make(chan struct{}), stderr: &lockedWriter{w: &stderr}}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on http://"); ok {
				lines <- a
			}
		}
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.done
	})
	select {
	case c.addr = <-lines:
	case <-c.done:
		t.Fatalf("the server exited: %v\n%s", c.err, c.stderrText())
	case <-time.After(15 * time.Second):
		t.Fatalf("the server did not start\n%s", c.stderrText())
	}
	return c
}

func (c *child) stderrText() string {
	c.stderr.mu.Lock()
	defer c.stderr.mu.Unlock()
	return c.stderr.w.(*strings.Builder).String()
}

// wait waits up to d for the process to exit.
func (c *child) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case <-c.done:
		return c.err
	case <-time.After(d):
		t.Fatalf("the server is still running after %s\n%s", d, c.stderrText())
		return nil
	}
}

// TestIdleConnectionsUnderFileLimit: 1,500 idle keep-alive connections to
// a server limited to 1,024 open files leave health checks on fresh
// connections answering within 100 ms (before the connection cap the
// server failed accept4 with "too many open files" and answered nobody).
func TestIdleConnectionsUnderFileLimit(t *testing.T) {
	const nofile, idle = 1024, 1500
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur < idle+200 {
		t.Skipf("this process may open %d files; the test holds %d connections", r.Cur, idle)
	}
	c := startChild(t, nofile, "-sample", "-addr", "127.0.0.1:0")

	conns := make([]net.Conn, idle)
	var failed atomic.Int32
	var firstErr atomic.Value
	var wg sync.WaitGroup
	next := atomic.Int32{}
	for range 16 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < idle; i = int(next.Add(1)) - 1 {
				conn, err := healthOn(c.addr, "/api/v1/health", 10*time.Second, true)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				conns[i] = conn
			}
		})
	}
	wg.Wait()
	defer func() {
		for _, conn := range conns {
			if conn != nil {
				conn.Close()
			}
		}
	}()
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d connections got no answer; first: %v", n, idle, firstErr.Load())
	}
	// Health checks on fresh connections: each within 100 ms, from dial to
	// the last byte of the answer.
	var slowest time.Duration
	for i := range 20 {
		path := "/api/v1/health"
		if i%2 == 1 {
			path = datpaqHealthPath
		}
		start := time.Now()
		conn, err := healthOn(c.addr, path, 100*time.Millisecond, false)
		took := time.Since(start)
		if err != nil {
			t.Fatalf("health check %d (%s) with %d idle connections open: %v after %s\n%s", i, path, idle, err, took, c.stderrText())
		}
		conn.Close()
		slowest = max(slowest, took)
	}
	// The room was made by closing idle connections, the oldest first.
	closed := 0
	for _, conn := range conns {
		if conn != nil && closedByServer(conn, time.Millisecond) {
			closed++
		}
	}
	t.Logf("slowest health check %s; %d of %d idle connections closed by the server for room", slowest, closed, idle)
	if want := idle - (nofile - fdReserve); closed < want {
		t.Errorf("%d idle connections closed, want at least %d: the server holds more than its cap", closed, want)
	}
	if strings.Contains(c.stderrText(), "too many open files") {
		t.Errorf("the server ran out of descriptors:\n%s", c.stderrText())
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	if err := c.wait(t, 15*time.Second); err != nil {
		t.Errorf("exit: %v\n%s", err, c.stderrText())
	}
}

// healthOn dials addr and GETs path within d; keep leaves the connection
// open (idle) and returns it.
func healthOn(addr, path string, d time.Duration, keep bool) (net.Conn, error) {
	deadline := time.Now().Add(d)
	conn, err := net.DialTimeout("tcp", addr, d)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(deadline)
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: ipintel\r\n\r\n"); err != nil {
		conn.Close()
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		conn.Close()
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	conn.SetDeadline(time.Time{})
	if !keep {
		conn.Close()
	}
	return conn, nil
}

// TestDrainLosesNothing: 50 keep-alive clients send batches without a
// pause; SIGTERM; every request sent is answered (the only failures
// allowed are connections refused once the server stopped listening,
// which sent nothing), and the server exits 0.
func TestDrainLosesNothing(t *testing.T) {
	c := startChild(t, 0, "-sample", "-addr", "127.0.0.1:0", "-datpaq-rate", "100000000")
	const workers = 50
	body := `{"ip":["` + torExit + `","` + vpnAddr + `","` + clean + `","` + miss + `"]}`
	var signalled atomic.Bool
	var answered, answeredClose, refused atomic.Int64
	var lost []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := time.Now().Add(15 * time.Second)
	for range workers {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}, Timeout: 10 * time.Second}
			defer client.CloseIdleConnections()
			for time.Now().Before(stop) {
				req, _ := http.NewRequest("POST", "http://"+c.addr+datpaqBatchPath, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key1)
				resp, err := client.Do(req)
				if err != nil {
					if signalled.Load() && errors.Is(err, syscall.ECONNREFUSED) {
						refused.Add(1) // nothing was sent: the server no longer listens
						return
					}
					mu.Lock()
					lost = append(lost, err)
					mu.Unlock()
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					mu.Lock()
					lost = append(lost, fmt.Errorf("status %d", resp.StatusCode))
					mu.Unlock()
					return
				}
				answered.Add(1)
				if resp.Close {
					answeredClose.Add(1)
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	before := answered.Load()
	signalled.Store(true)
	c.cmd.Process.Signal(syscall.SIGTERM)
	wg.Wait()
	exitErr := c.wait(t, 15*time.Second)
	t.Logf("%d answered before SIGTERM, %d after (%d of them with Connection: close), %d clients then refused",
		before, answered.Load()-before, answeredClose.Load(), refused.Load())
	if len(lost) > 0 {
		t.Errorf("%d requests lost at SIGTERM; first: %v", len(lost), lost[0])
	}
	if answeredClose.Load() == 0 || refused.Load() != workers-int64(len(lost)) {
		t.Errorf("the load did not run into the drain: %d answers with Connection: close, %d refused", answeredClose.Load(), refused.Load())
	}
	if exitErr != nil {
		t.Errorf("exit: %v\n%s", exitErr, c.stderrText())
	}
}

// TestSecondSignal: while a request holds the drain, a second SIGTERM ends
// the process at once.
func TestSecondSignal(t *testing.T) {
	c := startChild(t, 0, "-sample", "-addr", "127.0.0.1:0")
	conn, err := net.Dial("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A batch whose body never finishes: the request stays in flight.
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nX-API-Key: %s\r\nContent-Length: 1000\r\n\r\n{\"ips\":[", vectraIPBatchPath, key1)
	time.Sleep(200 * time.Millisecond)
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		t.Fatalf("the first signal ended the process with a request in flight: %v\n%s", c.err, c.stderrText())
	case <-time.After(500 * time.Millisecond):
	}
	if conn, err := net.DialTimeout("tcp", c.addr, time.Second); err == nil {
		conn.Close()
		t.Error("the draining server still accepts connections")
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	err = c.wait(t, 3*time.Second)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !ee.ProcessState.Sys().(syscall.WaitStatus).Signaled() {
		t.Errorf("after the second signal: %v, want killed by it", err)
	}
}
