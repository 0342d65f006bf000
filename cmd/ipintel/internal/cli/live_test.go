package cli

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
)

// noNetwork fails every request at once, as a machine without network
// does.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("dial tcp: connect: network is unreachable")
}

// parseFlags registers the flags on a new set and parses args.
func parseFlags(t *testing.T, args ...string) *Flags {
	t.Helper()
	var f Flags
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	f.Register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &f
}

// TestLiveByDefault: without -offline the builtin source is live, with its
// cache under -cache-dir and a start-up budget of 3 s; with no network it
// answers from the embedded data after one warning line.
func TestLiveByDefault(t *testing.T) {
	f := parseFlags(t)
	if f.Offline || f.Budget != 3*time.Second {
		t.Fatalf("defaults: offline %v, budget %v; want live with 3s", f.Offline, f.Budget)
	}
	if dir, err := os.UserCacheDir(); err == nil && f.CacheDir != filepath.Join(dir, "ipintel") {
		t.Errorf("default cache dir %q, want under %q", f.CacheDir, dir)
	}

	cache := t.TempDir()
	f = parseFlags(t, "-cache-dir", cache, "-startup-budget", "300ms")
	f.HTTPClient = &http.Client{Transport: noNetwork{}}
	var stderr strings.Builder
	c, err := f.Client(context.Background(), func(string) string { return "" }, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "ipintel: warning: live: ") || !strings.Contains(lines[0], "network is unreachable") {
		t.Errorf("stderr:\n%s\nwant one warning line naming the error", stderr.String())
	}
	r, err := c.Lookup(context.Background(), "8.8.8.8")
	if err != nil || r.Network == nil || r.Network.ASN != 15169 || r.Geo == nil || r.Geo.CountryCode != "US" {
		t.Fatalf("8.8.8.8: %+v, %v; want the embedded answer", r, err)
	}
}

// TestOffline: -offline opens the embedded data only; the one line it may
// print is the builtin source's warning that the snapshot is old.
func TestOffline(t *testing.T) {
	f := parseFlags(t, "-offline", "-cache-dir", t.TempDir())
	f.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("-offline fetched %s", r.URL)
		return nil, errors.New("no")
	})}
	var stderr strings.Builder
	b, err := f.openBuiltin(&stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, d := range b.Datasets() {
		if d.Origin != "embedded" {
			t.Errorf("dataset %s from %q with -offline", d.Name, d.Origin)
		}
	}
	out := stderr.String()
	if out != "" && (strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "ipintel: warning: builtin: the snapshot in use is old")) {
		t.Errorf("stderr %q: want nothing or the one staleness warning", out)
	}
	c, err := ipintel.New(ipintel.WithSources(b))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := c.Lookup(context.Background(), "1.1.1.1"); err != nil || r.Network == nil {
		t.Errorf("1.1.1.1: %+v, %v", r, err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
