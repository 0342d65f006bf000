// Command loadtest measures "ipintel serve" on 127.0.0.1: requests per
// second, p50 and p99 latency and the server's resident memory, for a
// single-address lookup and a 100-address batch, each for a bounded time.
//
// By default it starts the server itself (this binary, re-executed as
// "ipintel serve" on the built-in data, with a generated key and Datpaq's
// per-client limit lifted so that the load, not the limit, is measured)
// and targets Datpaq's endpoints, the only ones whose limit is per client
// rather than per key plan. -url targets a server already running on a
// loopback address instead (-key, and -pid for its memory).
//
//	go run ./cmd/ipintel/internal/serve/loadtest -duration 10s -c 50
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/cmd/ipintel/internal/serve"
)

const childArg = "-loadtest-serve" // runs the server: loadtest -loadtest-serve ARGS…

func main() {
	if len(os.Args) > 1 && os.Args[1] == childArg {
		os.Exit(serve.Main(os.Args[2:]))
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run() error {
	duration := flag.Duration("duration", 10*time.Second, "how long each endpoint is loaded (at most 2m)")
	conc := flag.Int("c", 50, "concurrent clients (at most 1000)")
	batch := flag.Int("batch", 100, "addresses per batch request (1–100)")
	target := flag.String("url", "", "a server already running on a loopback address (default: start one)")
	key := flag.String("key", "", "the API key of -url's server")
	pid := flag.Int("pid", 0, "the process id of -url's server, for its memory")
	flag.Parse()
	switch {
	case *duration <= 0 || *duration > 2*time.Minute:
		return errors.New("-duration must be in (0, 2m]")
	case *conc < 1 || *conc > 1000:
		return errors.New("-c must be in [1, 1000]")
	case *batch < 1 || *batch > 100:
		return errors.New("-batch must be in [1, 100]")
	}

	base, apiKey, serverPID := *target, *key, *pid
	if base == "" {
		var stop func()
		var err error
		if base, apiKey, serverPID, stop, err = startServer(); err != nil {
			return err
		}
		defer stop()
	} else if err := loopbackOnly(base); err != nil {
		return err
	}

	fmt.Printf("# %s, -c %d, %s per endpoint, server pid %d\n", time.Now().UTC().Format(time.RFC3339), *conc, *duration, serverPID)
	fmt.Printf("%-22s %10s %10s %10s %10s %12s %12s  %s\n", "endpoint", "requests", "req/s", "p50", "p99", "RSS start", "RSS max", "statuses")
	endpoints := []struct {
		name string
		req  func(buf *bytes.Buffer) (*http.Request, error)
	}{
		{"single (GET lookup)", func(*bytes.Buffer) (*http.Request, error) {
			return http.NewRequest("GET", base+"/api/v1/ip-intelligence?ip="+randomPublic().String(), nil)
		}},
		{fmt.Sprintf("batch (POST %d)", *batch), func(buf *bytes.Buffer) (*http.Request, error) {
			buf.Reset()
			buf.WriteString(`{"ip":[`)
			for i := range *batch {
				if i > 0 {
					buf.WriteByte(',')
				}
				buf.WriteString(`"` + randomPublic().String() + `"`)
			}
			buf.WriteString(`]}`)
			r, err := http.NewRequest("POST", base+"/api/v1/ip-intelligence/batch", bytes.NewReader(buf.Bytes()))
			if err == nil {
				r.Header.Set("Content-Type", "application/json")
			}
			return r, err
		}},
	}
	for _, e := range endpoints {
		res := load(*conc, *duration, apiKey, e.req, serverPID)
		fmt.Printf("%-22s %10d %10.0f %10s %10s %12s %12s  %s\n", e.name, res.n, float64(res.n)/res.elapsed.Seconds(),
			res.p(50), res.p(99), mb(res.rssStart), mb(res.rssMax), res.statuses())
	}
	return nil
}

type result struct {
	n                int
	elapsed          time.Duration
	lat              []time.Duration // sorted
	codes            map[int]int
	errors           int
	rssStart, rssMax int64
}

func (r result) p(q int) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, len(r.lat)*q/100)].Round(time.Microsecond)
}

func (r result) statuses() string {
	var parts []string
	for _, c := range slices.Sorted(mapsKeys(r.codes)) {
		parts = append(parts, fmt.Sprintf("%d×%d", c, r.codes[c]))
	}
	if r.errors > 0 {
		parts = append(parts, fmt.Sprintf("errors×%d", r.errors))
	}
	return strings.Join(parts, " ")
}

func mapsKeys(m map[int]int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// load runs conc clients for d, each on its own keep-alive connection.
func load(conc int, d time.Duration, key string, newReq func(*bytes.Buffer) (*http.Request, error), pid int) result {
	res := result{codes: map[int]int{}, rssStart: rss(pid)}
	var rssMax atomic.Int64
	rssMax.Store(res.rssStart)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	go func() { // sample the server's memory
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if v := rss(pid); v > rssMax.Load() {
					rssMax.Store(v)
				}
			}
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}, Timeout: 10 * time.Second}
			defer client.CloseIdleConnections()
			var buf bytes.Buffer
			lat := make([]time.Duration, 0, 1<<14)
			codes := map[int]int{}
			errs := 0
			for ctx.Err() == nil {
				req, err := newReq(&buf)
				if err != nil {
					errs++
					break
				}
				req.Header.Set("Authorization", "Bearer "+key)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				codes[resp.StatusCode]++
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			for c, n := range codes {
				res.codes[c] += n
			}
			res.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.n = len(res.lat)
	slices.Sort(res.lat)
	res.rssMax = max(rssMax.Load(), rss(pid))
	return res
}

// randomPublic is a random IPv4 address outside the private, loopback,
// multicast and other reserved ranges the server refuses.
func randomPublic() netip.Addr {
	var b [4]byte
	for {
		binary.BigEndian.PutUint32(b[:], randUint32())
		a := netip.AddrFrom4(b)
		if a.IsGlobalUnicast() && !a.IsPrivate() && !reserved(a) {
			return a
		}
	}
}

var reservedNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("240.0.0.0/4"),
}

func reserved(a netip.Addr) bool {
	for _, p := range reservedNets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// randUint32 is a fast, unsynchronised-enough random source for addresses.
var seq atomic.Uint64

func randUint32() uint32 {
	// splitmix64 over a shared counter: no lock, good enough spread.
	z := seq.Add(0x9e3779b97f4a7c15)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return uint32(z ^ (z >> 31))
}

// rss is pid's resident memory in bytes (Linux), 0 if unknown.
func rss(pid int) int64 {
	if pid == 0 {
		return 0
	}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mb(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}

// startServer runs this binary as the server on a free loopback port and
// returns its base URL, key, pid and a function that stops it.
func startServer() (base, key string, pid int, stop func(), err error) {
	var k [16]byte
	rand.Read(k[:])
	key = hex.EncodeToString(k[:])
	self, err := os.Executable()
	if err != nil {
		return "", "", 0, nil, err
	}
	cmd := exec.Command(self, childArg, "-addr", "127.0.0.1:0", "-datpaq-rate", "1000000000")
	cmd.Env = append(os.Environ(), "IPINTEL_API_KEYS="+key)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", "", 0, nil, err
	}
	stop = func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				addr <- a
			}
		}
	}()
	select {
	case base = <-addr:
		return base, key, cmd.Process.Pid, stop, nil
	case <-time.After(30 * time.Second):
		stop()
		return "", "", 0, nil, errors.New("the server did not start within 30 s")
	}
}

// loopbackOnly refuses a target that is not on a loopback address.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil && a.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %s: load tests target loopback addresses only", raw)
}
