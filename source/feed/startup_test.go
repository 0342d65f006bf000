package feed_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/leakcheck"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// catalogTransport answers the catalog's real URLs from local files or
// bodies, 404 for any other URL. With blackhole set it answers nothing:
// every request blocks until its context ends, as a dead network does.
type catalogTransport struct {
	mu        sync.Mutex
	files     map[string]string // URL → file
	bodies    map[string][]byte // URL → body, before files
	blackhole bool
	requests  atomic.Int32
}

func (c *catalogTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	c.mu.Lock()
	body, hasBody := c.bodies[r.URL.String()]
	path, hasFile := c.files[r.URL.String()]
	blackhole := c.blackhole
	c.mu.Unlock()
	if blackhole {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	resp := &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Request: r, ContentLength: -1}
	switch {
	case hasBody:
		resp.Body = io.NopCloser(bytes.NewReader(body))
	case hasFile:
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		resp.Body = f
	default:
		resp.StatusCode, resp.Status, resp.Body = 404, "404 Not Found", io.NopCloser(strings.NewReader("no such file"))
	}
	return resp, nil
}

func (c *catalogTransport) set(url string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bodies == nil {
		c.bodies = map[string][]byte{}
	}
	c.bodies[url] = body
}

func (c *catalogTransport) setBlackhole(on bool) {
	c.mu.Lock()
	c.blackhole = on
	c.mu.Unlock()
}

// fixturePresets are the catalog presets that have a fixture under
// testdata/servers, with a transport serving them at their real URLs.
func fixturePresets(t *testing.T) ([]feed.Preset, *catalogTransport) {
	tr := &catalogTransport{files: map[string]string{}}
	var ps []feed.Preset
	for _, fx := range serverFixtures {
		p, ok := feed.CatalogPreset(fx.preset)
		if !ok {
			t.Fatalf("no preset %q", fx.preset)
		}
		tr.files[p.URL] = "testdata/servers/" + fx.file
		ps = append(ps, p)
	}
	return ps, tr
}

func openAll(t *testing.T, ps []feed.Preset, tr http.RoundTripper, opts ...feed.Option) (*feed.Set, time.Duration, error) {
	t.Helper()
	start := time.Now()
	set, err := feed.OpenAll(t.Context(), ps, append([]feed.Option{
		feed.WithHTTPClient(&http.Client{Transport: tr}), feed.WithBackoff(time.Millisecond, 5*time.Millisecond),
	}, opts...)...)
	return set, time.Since(start), err
}

// TestStartupCacheFirst is the start-up story: a cold start downloads
// every feed concurrently and caches it; a warm start with the network
// black-holed answers from the cache at once; with the cache past its
// refresh interval it waits the budget, then answers from the cache; with
// no cache it returns empty feeds at the budget. The durations are logged,
// not asserted (benchmarks hold the figures).
func TestStartupCacheFirst(t *testing.T) {
	ps, tr := fixturePresets(t)
	dir := t.TempDir()
	const budget = 300 * time.Millisecond

	cold, d, err := openAll(t, ps, tr, feed.WithCacheDir(dir), feed.WithStartupBudget(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cold start, network up: %d feeds in %v", len(ps), d)
	for _, ds := range cold.Datasets() {
		if ds.Origin != source.OriginNetwork || ds.Entries == 0 || ds.LastError != nil || ds.NextRefresh.IsZero() {
			t.Errorf("cold %s: %+v", ds.Name, ds)
		}
	}
	cold.Close()

	tr.setBlackhole(true)
	before := tr.requests.Load()
	warm, d, err := openAll(t, ps, tr, feed.WithCacheDir(dir), feed.WithStartupBudget(budget))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("warm start, network black-holed, cache fresh: %v, %d requests", d, tr.requests.Load()-before)
	if r := lookup(t, warm, "192.0.2.10"); len(r.Signals) == 0 {
		t.Error("warm start does not answer from the cache")
	}
	for _, ds := range warm.Datasets() {
		if ds.Origin != source.OriginCache || ds.Entries == 0 || ds.LastRefresh.IsZero() {
			t.Errorf("warm %s: %+v", ds.Name, ds)
		}
	}
	if n := tr.requests.Load() - before; n != 0 {
		t.Errorf("a fresh cache made %d requests at start-up", n)
	}
	warm.Close()

	// The cache is older than the refresh interval: the network is asked,
	// and after the budget the cached copy is served.
	stale, d, err := openAll(t, ps, tr, feed.WithCacheDir(dir), feed.WithStartupBudget(budget), feed.WithRefresh(time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("warm start, network black-holed, cache stale: %v (budget %v)", d, budget)
	if r := lookup(t, stale, "198.51.100.70"); len(r.Signals) == 0 {
		t.Error("stale start does not answer from the cache")
	}
	stale.Close()

	empty, d, err := openAll(t, ps, tr, feed.WithCacheDir(t.TempDir()), feed.WithStartupBudget(budget))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("no cache, network black-holed: %v (budget %v)", d, budget)
	for _, ds := range empty.Datasets() {
		if ds.Entries != 0 || !errors.Is(ds.LastError, source.ErrUnavailable) {
			t.Errorf("empty %s: %+v", ds.Name, ds)
		}
	}
	// The network comes back: the background download fills the feeds.
	tr.setBlackhole(false)
	empty.Close()
}

// TestStartupFillsInBackground: a feed that returned empty at the budget
// gets its data when the download completes.
func TestStartupFillsInBackground(t *testing.T) {
	p, _ := feed.CatalogPreset("mullvad")
	release := make(chan struct{})
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		select {
		case <-release:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
		data, err := os.ReadFile("testdata/servers/mullvad.json")
		if err != nil {
			return nil, err
		}
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(data)), Request: r}, nil
	})
	f, err := p.Open(t.Context(), feed.WithHTTPClient(&http.Client{Transport: tr}), feed.WithStartupBudget(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !lookup(t, f, "192.0.2.10").IsZero() || !errors.Is(f.Datasets()[0].LastError, source.ErrUnavailable) {
		t.Fatalf("before the download: %+v", f.Datasets())
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for lookup(t, f, "192.0.2.10").IsZero() {
		if time.Now().After(deadline) {
			t.Fatal("the background download never arrived")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if st := f.Datasets()[0]; st.Origin != source.OriginNetwork || st.LastError != nil {
		t.Errorf("after the download: %+v", st)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestStartupCancel: cancelling ctx ends a start-up that waits on a dead
// network at once, with ctx's error, and leaves no goroutine behind.
func TestStartupCancel(t *testing.T) {
	ps, tr := fixturePresets(t)
	tr.setBlackhole(true)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	set, err := feed.OpenAll(ctx, ps, feed.WithHTTPClient(&http.Client{Transport: tr}))
	d := time.Since(start)
	t.Logf("cancelled start-up returned after %v (default timeout %v)", d, feed.DefaultTimeout)
	if set != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("OpenAll = %v, %v; want context.Canceled", set, err)
	}
	if d > feed.DefaultTimeout/2 {
		t.Errorf("cancel took %v", d)
	}
	leakcheck.Wait(t, before)
}

// TestCloseLeavesNoGoroutine: a set of refreshing feeds, some still
// downloading, stops every goroutine on Close.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	ps, tr := fixturePresets(t)
	before := runtime.NumGoroutine()
	set, _, err := openAll(t, ps, tr, feed.WithRefresh(time.Millisecond), feed.WithCacheDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	tr.setBlackhole(true) // refreshes now hang until Close
	time.Sleep(20 * time.Millisecond)
	if err := set.Close(); err != nil {
		t.Fatal(err)
	}
	leakcheck.Wait(t, before)
}

// TestPoisonedUpdateRefused serves a preset's real URL a good list, then
// an empty one, one with 0.0.0.0/0 and one 90 % smaller: each is refused,
// the good data stays, and Datasets says why.
func TestPoisonedUpdateRefused(t *testing.T) {
	p, _ := feed.CatalogPreset("x4bnet-vpn-v4")
	tr := &catalogTransport{}
	tr.set(p.URL, []byte(list(1000, "10.1")))
	f, err := p.Open(t.Context(), feed.WithHTTPClient(&http.Client{Transport: tr}), feed.WithRefresh(0))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, body := range map[string]string{
		"empty":   "",
		"default": list(1000, "10.1") + "0.0.0.0/0\n",
		"shrink":  list(100, "10.1"),
	} {
		tr.set(p.URL, []byte(body))
		err := f.Reload(t.Context())
		if err == nil {
			t.Errorf("%s: update accepted", name)
			continue
		}
		if !errors.Is(err, source.ErrPoisoned) && !errors.Is(err, source.ErrMalformed) {
			t.Errorf("%s: err %v", name, err)
		}
		ds := f.Datasets()[0]
		if ds.Entries != 1000 || ds.LastError == nil {
			t.Errorf("%s: dataset %+v", name, ds)
		}
		if lookup(t, f, "10.1.3.200").IsZero() {
			t.Errorf("%s: good data lost", name)
		}
	}
}

// TestStartupFailureRetried: with a budget, a feed whose first download
// fails at once opens empty, reports the error, and fills in when a later
// try succeeds: at the refresh interval, or without one every emptyRetry.
func TestStartupFailureRetried(t *testing.T) {
	for name, extra := range map[string][]feed.Option{
		"refresh":    {feed.WithRefresh(20 * time.Millisecond)},
		"no refresh": {feed.WithRetries(0)},
	} {
		t.Run(name, func(t *testing.T) {
			p, _ := feed.CatalogPreset("ivpn")
			tr := &catalogTransport{files: map[string]string{}} // 404 for now
			opts := append([]feed.Option{feed.WithHTTPClient(&http.Client{Transport: tr}), feed.WithStartupBudget(time.Minute),
				feed.WithEmptyRetry(20 * time.Millisecond)}, extra...)
			f, err := feed.FromURL(t.Context(), p.URL, p.Spec, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if st := f.Datasets()[0]; !errors.Is(st.LastError, source.ErrUnavailable) || st.Entries != 0 {
				t.Fatalf("after a failed start: %+v", st)
			}
			tr.mu.Lock()
			tr.files[p.URL] = "testdata/servers/ivpn.json"
			tr.mu.Unlock()
			deadline := time.Now().Add(10 * time.Second)
			for lookup(t, f, "198.51.100.70").IsZero() {
				if time.Now().After(deadline) {
					t.Fatal("never retried")
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}
