package feed_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// server serves a feed body that tests can change, with an ETag and
// Last-Modified, counting requests and conditional hits.
type server struct {
	mu       sync.Mutex
	body     string
	etag     string
	version  int
	status   int // when non-zero, answer this status instead
	failN    int // answer 503 to this many requests first
	delay    time.Duration
	requests atomic.Int32
	notMod   atomic.Int32
	srv      *httptest.Server
}

func newServer(t *testing.T, body string) *server {
	s := &server{}
	s.set(body)
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.srv.Close)
	return s
}

var lastModified = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func (s *server) set(body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.body = body
	s.etag = fmt.Sprintf(`"v%d"`, s.version)
}

func (s *server) handle(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	body, etag, status, delay := s.body, s.etag, s.status, s.delay
	fail := s.failN > 0
	if fail {
		s.failN--
	}
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if fail {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if status != 0 {
		http.Error(w, "nope", status)
		return
	}
	if r.Header.Get("If-None-Match") == etag {
		s.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", lastModified.Format(http.TimeFormat))
	fmt.Fprint(w, body)
}

func list(n int, prefix string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s.%d.%d\n", prefix, i/256, i%256)
	}
	return b.String()
}

var spec = feed.Spec{Name: "remote", Kind: source.VPN, Provider: "Example"}

func fast() []feed.Option {
	return []feed.Option{feed.WithBackoff(time.Millisecond, 2*time.Millisecond), feed.WithTimeout(10 * time.Second)}
}

func TestURLConditionalGet(t *testing.T) {
	s := newServer(t, list(100, "10.0"))
	f, err := feed.FromURL(t.Context(), s.srv.URL, spec, fast()...)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if lookup(t, f, "10.0.0.5").IsZero() {
		t.Fatal("no hit after first fetch")
	}
	if st := f.Stats(); !st.Modified.Equal(lastModified) {
		t.Errorf("Modified = %v, want %v", st.Modified, lastModified)
	}
	if err := f.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if s.notMod.Load() != 1 {
		t.Errorf("second fetch was not conditional (304s: %d)", s.notMod.Load())
	}
	s.set(list(100, "10.1"))
	if err := f.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if !lookup(t, f, "10.0.0.5").IsZero() || lookup(t, f, "10.1.0.5").IsZero() {
		t.Error("new body not swapped in")
	}
	if st := f.Datasets()[0]; st.LastError != nil || st.Origin != "network" || st.LastRefresh.IsZero() {
		t.Errorf("status %+v", st)
	}
}

func TestURLPoisoningRefused(t *testing.T) {
	s := newServer(t, list(100, "10.0"))
	f, err := feed.FromURL(t.Context(), s.srv.URL, spec, fast()...)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name string
		body string
		want error
	}{
		{"empty", "", source.ErrMalformed},
		{"comments only", "# maintenance\n", source.ErrMalformed},
		{"slash zero", list(100, "10.0") + "0.0.0.0/0\n", source.ErrPoisoned},
		{"slash seven", list(100, "10.0") + "10.0.0.0/7\n", source.ErrPoisoned},
		{"shrunk", list(40, "10.0"), source.ErrPoisoned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.set(tc.body)
			err := f.Reload(ctx)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Reload = %v, want %v", err, tc.want)
			}
			if st := f.Datasets()[0]; !errors.Is(st.LastError, tc.want) {
				t.Errorf("Datasets()[0].LastError = %v", st.LastError)
			}
			if f.Stats().Prefixes != 100 || lookup(t, f, "10.0.0.99").IsZero() || !lookup(t, f, "11.0.0.1").IsZero() {
				t.Error("last good table not kept")
			}
		})
	}
	// A refused body is refused again, not taken as "not modified".
	s.set(list(10, "10.0"))
	if err := f.Reload(ctx); !errors.Is(err, source.ErrPoisoned) {
		t.Fatal(err)
	}
	if err := f.Reload(ctx); !errors.Is(err, source.ErrPoisoned) {
		t.Fatalf("second Reload of a refused body = %v", err)
	}
	// A shrink within the limit is fine.
	s.set(list(60, "10.0"))
	if err := f.Reload(ctx); err != nil || f.Stats().Prefixes != 60 {
		t.Fatalf("Reload = %v, %d prefixes", err, f.Stats().Prefixes)
	}
}

func TestURLSizeLimit(t *testing.T) {
	s := newServer(t, list(1000, "10.0"))
	sp := spec
	sp.MaxBytes = 100
	_, err := feed.FromURL(t.Context(), s.srv.URL, sp, fast()...)
	if !errors.Is(err, source.ErrTooLarge) {
		t.Fatalf("err = %v, want source.ErrTooLarge", err)
	}
	if n := s.requests.Load(); n != 1 {
		t.Errorf("%d requests; a too-large body must not be retried", n)
	}
}

func TestURLRetries(t *testing.T) {
	s := newServer(t, list(10, "10.0"))
	s.failN = 2
	f, err := feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithRetries(2))...)
	if err != nil {
		t.Fatalf("two 503s then success with 2 retries: %v", err)
	}
	f.Close()
	if n := s.requests.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	s.failN = 5
	s.requests.Store(0)
	_, err = feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithRetries(1))...)
	if !errors.Is(err, source.ErrUnavailable) {
		t.Fatalf("err = %v, want source.ErrUnavailable", err)
	}
	if n := s.requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	// A 404 is not retried.
	s.failN = 0
	s.status = http.StatusNotFound
	s.requests.Store(0)
	if _, err := feed.FromURL(t.Context(), s.srv.URL, spec, fast()...); !errors.Is(err, source.ErrUnavailable) || s.requests.Load() != 1 {
		t.Errorf("404: err %v after %d requests", err, s.requests.Load())
	}
}

func TestURLDeadline(t *testing.T) {
	s := newServer(t, list(10, "10.0"))
	s.delay = time.Minute
	_, err := feed.FromURL(t.Context(), s.srv.URL, spec, feed.WithTimeout(50*time.Millisecond), feed.WithRetries(0))
	if !errors.Is(err, source.ErrUnavailable) {
		t.Fatalf("err = %v, want source.ErrUnavailable on deadline", err)
	}
}

func TestURLDiskCache(t *testing.T) {
	dir := t.TempDir()
	s := newServer(t, list(50, "10.0"))
	f, err := feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithCacheDir(dir))...)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()

	// Restart with the network down: the cached copy answers.
	s.status = http.StatusInternalServerError
	f, err = feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithCacheDir(dir), feed.WithRetries(0))...)
	if err != nil {
		t.Fatalf("restart without network: %v", err)
	}
	if lookup(t, f, "10.0.0.7").IsZero() {
		t.Error("cached copy not used")
	}
	if st := f.Datasets()[0]; st.Origin != "cache" || !errors.Is(st.LastError, source.ErrUnavailable) {
		t.Errorf("status %+v; want origin cache and the fetch error", st)
	}
	f.Close()

	// Restart with the network up: a conditional request, answered 304.
	s.status = 0
	before := s.notMod.Load()
	f, err = feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithCacheDir(dir))...)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if s.notMod.Load() != before+1 {
		t.Error("restart did not revalidate the cached copy")
	}
	// Without a cache and without network, FromURL fails.
	s.status = http.StatusInternalServerError
	if _, err := feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithRetries(0))...); !errors.Is(err, source.ErrUnavailable) {
		t.Errorf("no cache, no network: %v", err)
	}
}

// TestURLRefreshUnderLoad refreshes a set's member in the background while
// goroutines look up; run with -race. Every lookup must see either the old
// or the new table, whole.
func TestURLRefreshUnderLoad(t *testing.T) {
	s := newServer(t, list(200, "10.0"))
	f, err := feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithRefresh(time.Millisecond))...)
	if err != nil {
		t.Fatal(err)
	}
	other, err := feed.Load(strings.NewReader("10.0.0.0/16\n10.1.0.0/16\n"), feed.Spec{Name: "dc", Kind: source.Hosting})
	if err != nil {
		t.Fatal(err)
	}
	set, err := feed.NewSet(f, other)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, a := range []netip.Addr{addr("10.0.0.5"), addr("10.1.0.5")} {
					r, err := set.Lookup(ctx, a)
					// The datacenter feed always covers; the VPN feed
					// covers exactly one of the two at any time.
					if err != nil || len(r.Signals) < 1 || r.Signals[len(r.Signals)-1].Source != "dc" || len(r.Signals) > 2 {
						bad.Add(1)
					}
				}
			}
		})
	}
	// Flip the VPN list between 10.0 and 10.1 a few times and wait until
	// the set has seen each flip.
	for i := range 6 {
		p := "10.0"
		if i%2 == 0 {
			p = "10.1"
		}
		s.set(list(200, p))
		// A failsafe, not a timing assertion: the refresh runs every
		// millisecond.
		deadline := time.Now().Add(time.Minute)
		for lookup(t, set, p+".0.5").Signals[0].Source != "remote" {
			if time.Now().After(deadline) {
				t.Fatalf("flip %d never reached the set", i)
			}
			time.Sleep(time.Millisecond)
		}
	}
	close(stop)
	wg.Wait()
	if n := bad.Load(); n != 0 {
		t.Errorf("%d torn or wrong lookups", n)
	}
	if err := set.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Reload(ctx); !errors.Is(err, source.ErrClosed) {
		t.Errorf("Reload after Close = %v", err)
	}
}

func TestFromURLInvalid(t *testing.T) {
	if _, err := feed.FromURL(t.Context(), "ftp://x", spec); !errors.Is(err, source.ErrInvalidOption) {
		t.Errorf("ftp URL: %v", err)
	}
	if _, err := feed.FromURL(t.Context(), "http://127.0.0.1:1/", spec, feed.WithTimeout(-1)); !errors.Is(err, source.ErrInvalidOption) {
		t.Errorf("negative timeout: %v", err)
	}
}

// TestURLErrorsHideCredentials: a feed URL may carry an access token in its
// query or user information; errors (and so Status and logs) must not.
func TestURLErrorsHideCredentials(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	host := strings.TrimPrefix(down.URL, "http://")
	down.Close() // connection refused from now on
	for _, u := range []string{
		"http://" + host + "/list?token=SECRET",
		"http://user:SECRET@" + host + "/list",
		"http://SECRET@" + host + "/list",
		"http://" + host + "/list?SECRET",
		"http://" + host + "/%zz?token=SECRET", // not a valid URL
		"ftp://" + host + "/list?token=SECRET",
	} {
		_, err := feed.FromURL(t.Context(), u, spec, append(fast(), feed.WithRetries(0))...)
		if err == nil {
			t.Fatalf("FromURL(%s) succeeded", u)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("FromURL error shows the credential: %v", err)
		}
	}
}

// httpGoroutines counts the goroutines of kept-alive client connections.
func httpGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "net/http.(*persistConn)")
}

// TestCloseEndsConnections: no goroutine started for a feed outlives its
// Close, not even those of its kept-alive HTTP connection; nor those of a
// FromURL that failed.
func TestCloseEndsConnections(t *testing.T) {
	s := newServer(t, list(10, "10.0"))
	before := httpGoroutines()
	f, err := feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithRefresh(time.Hour))...)
	if err != nil {
		t.Fatal(err)
	}
	if httpGoroutines() <= before {
		t.Skip("no kept-alive connection to check")
	}
	f.Close()
	// A failsafe, not a timing assertion: closing is immediate, the idle
	// timeout that would end them otherwise is 90 s.
	deadline := time.Now().Add(30 * time.Second)
	for httpGoroutines() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d connection goroutines outlive Close", httpGoroutines()-before)
		}
		time.Sleep(5 * time.Millisecond)
	}

	s.status = http.StatusNotFound
	if _, err := feed.FromURL(t.Context(), s.srv.URL, spec, fast()...); err == nil {
		t.Fatal("FromURL of a 404 succeeded")
	}
	for httpGoroutines() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d connection goroutines outlive a failed FromURL", httpGoroutines()-before)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCloseDuringFetchNotLogged: Close aborting a refresh in flight is a
// shutdown, not a failed refresh to warn about.
func TestCloseDuringFetchNotLogged(t *testing.T) {
	s := newServer(t, list(10, "10.0"))
	var logs strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	f, err := feed.FromURL(t.Context(), s.srv.URL, spec, append(fast(), feed.WithRefresh(time.Millisecond), feed.WithLogger(logger))...)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.delay = time.Minute // every refresh from now on hangs until cancelled
	s.mu.Unlock()
	before := s.requests.Load()
	deadline := time.Now().Add(30 * time.Second) // a failsafe
	for s.requests.Load() == before {
		if time.Now().After(deadline) {
			t.Fatal("no refresh started")
		}
		time.Sleep(time.Millisecond)
	}
	f.Close()
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "refresh failed") {
		t.Errorf("Close during a fetch logged a failure:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }
