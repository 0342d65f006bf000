package rediscache_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ipintel/ipintel/rediscache"
	"github.com/ipintel/ipintel/store"
)

// needRedis returns REDIS_ADDR. Without it the test is skipped, except
// under CI=true, where a missing Redis is a failure.
func needRedis(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("REDIS_ADDR is not set under CI=true: .ci/run should have started a Redis")
		}
		t.Skip("REDIS_ADDR not set; .ci/run starts a Redis and sets it")
	}
	return addr
}

// newClient connects to addr with the settings a production client should
// have: context deadlines honoured (they are what bounds each operation),
// dial and I/O timeouts as a backstop.
func newClient(t testing.TB, addr string) *redis.Client {
	return newClientTimeout(t, addr, time.Second)
}

func newClientTimeout(t testing.TB, addr string, io time.Duration) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{
		Addr:                  addr,
		ContextTimeoutEnabled: true,
		DialTimeout:           io,
		ReadTimeout:           io,
		WriteTimeout:          io,
		MaxRetries:            -1, // the caller falls back; retrying a dead server only adds delay
	})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func newStore(t testing.TB, rdb redis.UniversalClient) store.Store {
	t.Helper()
	st, err := rediscache.New(rdb)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// uniquePrefix keeps runs that share one Redis apart.
func uniquePrefix(t testing.TB) string {
	return fmt.Sprintf("test:%s:%d:", strings.ReplaceAll(t.Name(), "/", "_"), time.Now().UnixNano())
}

// server is a redis-server this test runs itself, so that it can stop and
// restart it; the shared CI Redis must not be stopped.
type server struct {
	t    testing.TB
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
}

func startServer(t testing.TB) *server {
	t.Helper()
	needRedis(t) // the same rule: this runs where CI runs Redis
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server not found under CI=true")
		}
		t.Skip("redis-server not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &server{t: t, bin: bin, port: port, dir: t.TempDir()}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *server) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

func (s *server) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--logfile", filepath.Join(s.dir, "log"))
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: s.addr()})
	defer rdb.Close()
	for range 200 {
		if rdb.Ping(context.Background()).Err() == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatal("redis-server did not start")
}

func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// fakeVectra is VectraIP's documented API on 127.0.0.1, counting the
// addresses it is asked about (one per single request, each of a batch's),
// in all and per address.
type fakeVectra struct {
	srv     *httptest.Server
	asked   atomic.Int64
	latency time.Duration
	mu      sync.Mutex
	per     map[string]int
}

// askedFor returns how many times the API was asked about each of addrs.
func (f *fakeVectra) askedFor(addrs []netip.Addr) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, a := range addrs {
		n += f.per[a.String()]
	}
	return n
}

const apiKey = "vip_test_k3y_never_in_redis"

func newFakeVectra(t testing.TB, latency time.Duration) *fakeVectra {
	f := &fakeVectra{latency: latency}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeVectra) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-API-Key") != apiKey {
		w.WriteHeader(401)
		return
	}
	var ips []string
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/ip/"):
		ips = []string{strings.TrimPrefix(r.URL.Path, "/v1/ip/")}
	case r.Method == http.MethodPost && r.URL.Path == "/v1/batch/ip":
		var req struct {
			IPs []string `json:"ips"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
			w.WriteHeader(400)
			return
		}
		ips = slices.Compact(slices.Sorted(slices.Values(req.IPs)))
	default:
		w.WriteHeader(404)
		return
	}
	f.asked.Add(int64(len(ips)))
	f.mu.Lock()
	if f.per == nil {
		f.per = make(map[string]int)
	}
	for _, ip := range ips {
		f.per[ip]++
	}
	f.mu.Unlock()
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
	var answers []map[string]any
	for _, s := range ips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			w.WriteHeader(400)
			return
		}
		answers = append(answers, vectraAnswer(a))
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodGet {
		json.NewEncoder(w).Encode(answers[0])
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"results": answers, "processed": len(ips)})
}

// vectraAnswer is VectraIP's documented response for a, with made-up
// values: a VPN in a /24 of a hosting network.
func vectraAnswer(a netip.Addr) map[string]any {
	p, _ := a.Prefix(24)
	return map[string]any{
		"query":   map[string]any{"ip": a.String(), "processed_at": "2026-05-25T14:00:00Z", "request_id": "req_a1b2c3d4"},
		"privacy": map[string]any{"is_vpn": true, "risk_score": 60},
		"geo":     map[string]any{"country_code": "NL", "country_name": "Netherlands", "continent": "Europe"},
		"network": map[string]any{"asn": "AS64500", "organization": "Example Hosting", "cidr": p.String()},
		"risk":    map[string]any{"score": 61, "level": "medium", "vpn_confidence": 88},
		"meta":    map[string]any{"response_time_ms": 42, "data_sources": []string{"fake"}},
	}
}

// addrs returns n public addresses, distinct for each seed.
func addrs(seed byte, n int) []netip.Addr {
	out := make([]netip.Addr, n)
	for i := range out {
		out[i] = netip.AddrFrom4([4]byte{45, seed, byte(i >> 8), byte(i)})
	}
	return out
}

// percentile returns the p-th percentile (0–100) of ds, sorted in place.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(float64(len(ds))*p/100))]
}
