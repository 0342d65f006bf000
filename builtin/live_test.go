package builtin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/leakcheck"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// liveTransport serves the real upstream and catalog URLs from bodies
// (404 for the rest); black-holed, it blocks every request until its
// context ends.
type liveTransport struct {
	mu        sync.Mutex
	bodies    map[string][]byte
	blackhole bool
}

func (lt *liveTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	lt.mu.Lock()
	body, ok := lt.bodies[r.URL.String()]
	bh := lt.blackhole
	lt.mu.Unlock()
	if bh {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	resp := &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Request: r}
	if !ok {
		resp.StatusCode, resp.Status, body = 404, "404 Not Found", []byte("no")
	}
	resp.Header.Set("Last-Modified", "Mon, 30 Nov 2026 00:00:00 GMT")
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (lt *liveTransport) set(url string, body []byte) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lt.bodies[url] = body
}

func (lt *liveTransport) setBlackhole(on bool) {
	lt.mu.Lock()
	lt.blackhole = on
	lt.mu.Unlock()
}

// upstreamCSV is a small country or AS file in ip-location-db's form, in
// public space (the build drops special-purpose blocks).
func upstreamCSV(dataset string, v6 bool, n int) []byte {
	var b strings.Builder
	for i := range n {
		first, last := fmt.Sprintf("11.%d.%d.0", i/256, i%256), fmt.Sprintf("11.%d.%d.255", i/256, i%256)
		if v6 {
			first, last = fmt.Sprintf("2a0f:%x::", i), fmt.Sprintf("2a0f:%x:ffff:ffff:ffff:ffff:ffff:ffff", i)
		}
		if dataset == "asn" {
			fmt.Fprintf(&b, "%s,%s,%d,Example Net %d\n", first, last, 64500+i%10, i%10)
		} else {
			fmt.Fprintf(&b, "%s,%s,%s\n", first, last, []string{"DE", "FR", "JP"}[i%3])
		}
	}
	return []byte(b.String())
}

// newLiveTransport serves small upstream files (n rows each) and the
// Mullvad and Onionoo fixtures of source/feed.
func newLiveTransport(t *testing.T, n int) *liveTransport {
	lt := &liveTransport{bodies: map[string][]byte{}}
	for _, ds := range []string{"geo-whois-asn-country", "asn"} {
		for _, v := range []int{4, 6} {
			lt.bodies[fmt.Sprintf("%s%s/%s-ipv%d.csv", upstreamBase, ds, ds, v)] = upstreamCSV(ds, v == 6, n)
		}
	}
	// Every catalog feed gets the source/feed fixture of its format.
	byFormat := map[feed.Format]string{
		feed.Plain: "plain.netset", feed.TorExitAddresses: "exit-addresses", feed.Geofeed: "geofeed.csv",
		feed.AWS: "aws.json", feed.GCP: "gcp.json", feed.Oracle: "oracle.json", feed.Cloudflare: "cloudflare.json",
	}
	servers := map[string]string{
		"mullvad": "mullvad.json", "mullvad-wireguard": "mullvad-wireguard.json", "nordvpn": "nordvpn.json",
		"protonvpn": "protonvpn.json", "pia": "pia.txt", "windscribe": "windscribe.json", "airvpn": "airvpn.json",
		"ivpn": "ivpn.json", "vpngate": "vpngate.csv", "tor-onionoo": "onionoo.json",
	}
	for _, p := range feed.Catalog() {
		file, ok := byFormat[p.Spec.Format]
		if !ok {
			file = "servers/" + servers[p.Spec.Name]
		}
		if p.URL == "" {
			continue
		}
		body, err := os.ReadFile("../source/feed/testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		lt.bodies[p.URL] = body
	}
	return lt
}

func openLive(t *testing.T, dir string, lt *liveTransport, budget time.Duration) (*Source, time.Duration) {
	t.Helper()
	start := time.Now()
	// The test files are far smaller than the embedded data: the upstream
	// guard is off.
	noGuard := func(c *config) error { c.live.guard = 1; return nil }
	s, err := Open(WithLive(dir), WithHTTPClient(&http.Client{Transport: lt}), WithStartupBudget(budget), noGuard)
	if err != nil {
		t.Fatal(err)
	}
	return s, time.Since(start)
}

func datasetsByName(s *Source) map[string]source.Dataset {
	out := map[string]source.Dataset{}
	for _, d := range s.Datasets() {
		out[d.Name] = d
	}
	return out
}

// TestLiveStartup: a cold start downloads the datasets and the feeds; a
// warm start with the network black-holed answers from the cache within
// the budget; with no cache it returns at the budget with the embedded
// data. Durations are logged, not asserted.
func TestLiveStartup(t *testing.T) {
	dir := t.TempDir()
	lt := newLiveTransport(t, 300)
	before := runtime.NumGoroutine()
	if _, err := Open(); err != nil { // decode the embedded data once, outside the timings
		t.Fatal(err)
	}

	s, d := openLive(t, dir, lt, 10*time.Second)
	t.Logf("cold start, network up: %v", d)
	r, _ := s.Lookup(t.Context(), netip.MustParseAddr("11.0.1.7"))
	if r.Geo == nil || r.Geo.CountryCode != "FR" || r.Network == nil || r.Network.ASN != 64501 {
		t.Errorf("refreshed data not in use: %+v", r)
	}
	r, _ = s.Lookup(t.Context(), netip.MustParseAddr("192.0.2.10"))
	if !hasSignal(r, source.VPN, "Mullvad") {
		t.Errorf("no Mullvad signal: %+v", r)
	}
	r, _ = s.Lookup(t.Context(), netip.MustParseAddr("2001:db8:90::1"))
	if !hasSignal(r, source.Tor, "Tor Project") {
		t.Errorf("no IPv6 Tor signal: %+v", r)
	}
	ds := datasetsByName(s)
	for _, name := range []string{"geo-whois-asn-country", "asn", "mullvad", "tor-onionoo"} {
		if d := ds[name]; d.Origin != source.OriginNetwork || d.Entries == 0 || d.LastError != nil || d.LastRefresh.IsZero() {
			t.Errorf("cold %s: %+v", name, d)
		}
	}
	for _, d := range ds {
		if d.Origin == source.OriginNetwork && (d.Entries == 0 || d.LastError != nil) {
			t.Errorf("cold %s: %+v", d.Name, d)
		}
	}
	s.Close()

	lt.setBlackhole(true)
	s, d = openLive(t, dir, lt, 2*time.Second)
	t.Logf("warm start, network black-holed: %v (budget 2s)", d)
	ds = datasetsByName(s)
	for _, name := range []string{"geo-whois-asn-country", "asn", "mullvad", "tor-onionoo"} {
		if d := ds[name]; d.Origin != source.OriginCache || d.Entries == 0 {
			t.Errorf("warm %s: %+v", name, d)
		}
	}
	if r, _ := s.Lookup(t.Context(), netip.MustParseAddr("11.0.1.7")); r.Geo == nil || r.Geo.CountryCode != "FR" {
		t.Errorf("warm start does not answer from the cached datasets: %+v", r)
	}
	s.Close()

	s, d = openLive(t, t.TempDir(), lt, 300*time.Millisecond)
	t.Logf("no cache, network black-holed: %v (budget 300ms)", d)
	if r, _ := s.Lookup(t.Context(), netip.MustParseAddr("8.8.8.8")); r.Geo == nil || r.Network == nil {
		t.Errorf("no embedded answer: %+v", r)
	}
	if d := datasetsByName(s)["geo-whois-asn-country"]; d.Origin != source.OriginEmbedded {
		t.Errorf("no-cache dataset: %+v", d)
	}
	closeStart := time.Now()
	s.Close()
	t.Logf("Close with downloads in flight: %v", time.Since(closeStart))
	leakcheck.Wait(t, before)
}

func hasSignal(r source.Record, k source.Kind, provider string) bool {
	for _, s := range r.Signals {
		if s.Kind == k && s.Provider == provider {
			return true
		}
	}
	return false
}

// TestLivePoisonedRefresh: a dataset refresh far smaller than the data in
// use, or empty, is refused; the data in use stays and Datasets says why.
func TestLivePoisonedRefresh(t *testing.T) {
	lt := newLiveTransport(t, 300)
	s, _ := openLive(t, t.TempDir(), lt, 10*time.Second)
	defer s.Close()
	u := s.live.upstream
	u.guard = upstreamMaxShrink // the first pass is over: Open waited for it
	url := upstreamBase + "geo-whois-asn-country/geo-whois-asn-country-ipv4.csv"
	for name, body := range map[string][]byte{
		"shrink": upstreamCSV("geo-whois-asn-country", false, 10),
		"empty":  {},
		"all":    []byte("0.0.0.0,255.255.255.255,US\n"),
	} {
		lt.set(url, body)
		err := u.refresh(t.Context(), true)
		if !errors.Is(err, source.ErrPoisoned) {
			t.Errorf("%s: refresh = %v", name, err)
		}
		if r, _ := s.Lookup(t.Context(), netip.MustParseAddr("11.0.1.7")); r.Geo == nil || r.Geo.CountryCode != "FR" {
			t.Errorf("%s: the data in use was lost: %+v", name, r)
		}
		if d := datasetsByName(s)["geo-whois-asn-country"]; !errors.Is(d.LastError, source.ErrPoisoned) {
			t.Errorf("%s: dataset %+v", name, d)
		}
	}
}

// TestLiveCancelClose: Close right after Open, with everything still
// downloading from a dead network, stops every goroutine.
func TestLiveCancelClose(t *testing.T) {
	lt := newLiveTransport(t, 10)
	lt.setBlackhole(true)
	before := runtime.NumGoroutine()
	s, _ := openLive(t, t.TempDir(), lt, 50*time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.Close() // idempotent
	leakcheck.Wait(t, before)
}

func TestLiveNeedsCacheDir(t *testing.T) {
	if s, err := Open(WithLive("")); err == nil {
		s.Close()
		t.Fatal("WithLive(\"\") opened")
	}
}

// A catalog feed live mode could not open at all is a Dataset with its
// error, named after the feed when the error says which.
func TestFailedFeedsAreDatasets(t *testing.T) {
	err := errors.Join(&feed.Error{Feed: "tor-exits", Err: source.ErrUnavailable}, errors.New("other"))
	got := failedFeeds(err)
	if len(got) != 2 || got[0].Name != "tor-exits" || !errors.Is(got[0].LastError, source.ErrUnavailable) ||
		got[1].Name != feed.SetName || got[1].LastError == nil {
		t.Fatalf("failedFeeds = %+v", got)
	}
	if got := failedFeeds(&feed.Error{Feed: "aws", Err: source.ErrMalformed}); len(got) != 1 || got[0].Name != "aws" {
		t.Fatalf("one error: %+v", got)
	}
}
