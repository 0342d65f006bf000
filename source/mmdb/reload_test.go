package mmdb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
	"github.com/ipintel/ipintel/source/sourcetest"
	"github.com/ipintel/ipintel/testdata/gen/sample"
)

func TestSourceConformance(t *testing.T) {
	hits := []netip.Addr{
		netip.MustParseAddr("45.130.202.105"), netip.MustParseAddr("2a02:26f0::1"),
		netip.MustParseAddr("81.2.69.142"),
	}
	misses := []netip.Addr{netip.MustParseAddr("9.9.9.9"), netip.MustParseAddr("2001:db8::1")}
	for _, opts := range [][]mmdb.Option{nil, {mmdb.WithInMemory()}, {mmdb.WithCacheSize(0)}, {mmdb.WithWatch(time.Second)}} {
		sourcetest.Run(t, func(t *testing.T) source.Source {
			return openBundled(t, sample.CityFile, opts...)
		}, sourcetest.Hits(hits...), sourcetest.Misses(misses...))
	}
}

// writeCountryDB writes a one-network GeoLite2-Country style database
// saying that 1.2.3.0/24 (and 2001:db8:1::/48) is in country cc.
func writeCountryDB(t testing.TB, path, dbType, cc string) []byte {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, IncludeReservedNetworks: true, BuildEpoch: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, cidr := range []string{"1.2.3.0/24", "2001:db8:1::/48", "5.6.0.0/16"} {
		_, n, _ := net.ParseCIDR(cidr)
		if err := tree.Insert(n, mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String(cc)}}); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.CreateTemp(t.TempDir(), "db")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if path != "" {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// hammer looks up an address from several goroutines until stop is
// closed, counting answers that are neither old nor new.
func hammer(t *testing.T, s *mmdb.Source, allowed ...string) (stop func() (lookups, failed int64)) {
	addr := netip.MustParseAddr("1.2.3.4")
	var n, bad atomic.Int64
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				rec, err := s.Lookup(context.Background(), addr)
				n.Add(1)
				ok := err == nil && rec.Geo != nil
				if ok {
					ok = false
					for _, a := range allowed {
						ok = ok || rec.Geo.CountryCode == a
					}
				}
				if !ok {
					if bad.Add(1) == 1 {
						t.Errorf("lookup during reload: %+v, %v", rec, err)
					}
				}
			}
		}()
	}
	return func() (int64, int64) {
		close(done)
		wg.Wait()
		return n.Load(), bad.Load()
	}
}

func country(t *testing.T, s *mmdb.Source) string {
	t.Helper()
	rec, err := s.Lookup(context.Background(), netip.MustParseAddr("1.2.3.4"))
	if err != nil || rec.Geo == nil {
		t.Fatalf("Lookup = %+v, %v", rec, err)
	}
	return rec.Geo.CountryCode
}

// waitFor polls cond; the deadline only bounds a broken run, it is not a
// timing assertion.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestReload(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []mmdb.Option
		replace func(t *testing.T, path string) // writes the next version
		want    string                          // country after the change; "" = old kept
		wantErr error
	}{
		{"rename", nil, func(t *testing.T, path string) {
			tmp := path + ".tmp"
			writeCountryDB(t, tmp, "GeoLite2-Country", "FR")
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}, "FR", nil},
		{"rename in memory", []mmdb.Option{mmdb.WithInMemory()}, func(t *testing.T, path string) {
			tmp := path + ".tmp"
			writeCountryDB(t, tmp, "GeoLite2-Country", "FR")
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}, "FR", nil},
		{"in-place rewrite", []mmdb.Option{mmdb.WithInMemory()}, func(t *testing.T, path string) {
			writeCountryDB(t, path, "GeoLite2-Country", "FR")
		}, "FR", nil},
		{"truncated", []mmdb.Option{mmdb.WithInMemory()}, func(t *testing.T, path string) {
			b := writeCountryDB(t, "", "GeoLite2-Country", "FR")
			if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
				t.Fatal(err)
			}
		}, "", source.ErrMalformed},
		{"empty", []mmdb.Option{mmdb.WithInMemory()}, func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "", source.ErrMalformed},
		{"wrong type", []mmdb.Option{mmdb.WithInMemory()}, func(t *testing.T, path string) {
			writeCountryDB(t, path, "GeoLite2-ASN", "FR")
		}, "", source.ErrPoisoned},
		{"removed", nil, func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, "", os.ErrNotExist},
		{"too large", []mmdb.Option{mmdb.WithInMemory(), mmdb.WithMaxSize(2000)}, func(t *testing.T, path string) {
			b := writeCountryDB(t, "", "GeoLite2-Country", "FR")
			if err := os.WriteFile(path, append(b, make([]byte, 4000)...), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "", source.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "Country.mmdb")
			writeCountryDB(t, path, "GeoLite2-Country", "DE")
			var reports []error
			var mu sync.Mutex
			opts := append(tc.opts, mmdb.WithOnReload(func(err error) {
				mu.Lock()
				reports = append(reports, err)
				mu.Unlock()
			}))
			s, err := mmdb.Open(path, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := country(t, s); got != "DE" {
				t.Fatalf("before: %s", got)
			}
			stop := hammer(t, s, "DE", tc.want)
			tc.replace(t, path)
			err = s.Reload(context.Background())
			n, failed := stop()
			if failed != 0 {
				t.Errorf("%d of %d lookups failed during the reload", failed, n)
			}
			want := tc.want
			if tc.wantErr != nil {
				want = "DE"
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("Reload = %v, want %v", err, tc.wantErr)
				}
				if !errors.Is(s.Datasets()[0].LastError, tc.wantErr) {
					t.Errorf("Datasets LastError = %v", s.Datasets()[0].LastError)
				}
			} else if err != nil || s.Datasets()[0].LastError != nil {
				t.Errorf("Reload = %v, Datasets LastError = %v", err, s.Datasets()[0].LastError)
			}
			if got := country(t, s); got != want {
				t.Errorf("after: %s, want %s", got, want)
			}
			mu.Lock()
			if len(reports) != 1 || !errors.Is(reports[0], tc.wantErr) && (reports[0] != nil || tc.wantErr != nil) {
				t.Errorf("OnReload saw %v", reports)
			}
			mu.Unlock()
		})
	}
}

// TestWatch rewrites a watched file in place, then renames a new one over
// it, then writes a bad one, under concurrent lookups.
func TestWatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Country.mmdb")
	writeCountryDB(t, path, "GeoLite2-Country", "DE")
	reports := make(chan error, 16)
	s, err := mmdb.Open(path, mmdb.WithWatch(mmdb.MinWatchInterval), mmdb.WithOnReload(func(err error) {
		select {
		case reports <- err:
		default:
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stop := hammer(t, s, "DE", "FR", "NL")

	// In place: the watcher may catch the file half-written; then it keeps
	// the old data and tries again when the file changes or settles.
	writeCountryDB(t, path, "GeoLite2-Country", "FR")
	waitFor(t, "in-place rewrite", func() bool { return country(t, s) == "FR" })

	tmp := path + ".tmp"
	writeCountryDB(t, tmp, "GeoLite2-Country", "NL")
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "rename", func() bool { return country(t, s) == "NL" })

	writeCountryDB(t, path, "GeoLite2-ASN", "XX")
	waitFor(t, "refusal", func() bool { return errors.Is(s.Datasets()[0].LastError, source.ErrPoisoned) })
	if got := country(t, s); got != "NL" {
		t.Errorf("after a bad file: %s, want NL kept", got)
	}
	n, failed := stop()
	if failed != 0 {
		t.Errorf("%d of %d lookups failed", failed, n)
	}
	if len(reports) == 0 {
		t.Error("OnReload never called")
	}
}

func TestCloseStopsWatcher(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Country.mmdb")
	writeCountryDB(t, path, "GeoLite2-Country", "DE")
	s, err := mmdb.Open(path, mmdb.WithWatch(mmdb.MinWatchInterval))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the watcher to start", func() bool { return watchers() == 1 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Close waits for the watcher: it is gone when Close returns.
	if n := watchers(); n != 0 {
		t.Errorf("%d watcher goroutines after Close", n)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.Lookup(context.Background(), netip.MustParseAddr("1.2.3.4")); !errors.Is(err, source.ErrClosed) {
		t.Errorf("Lookup after Close = %v", err)
	}
	if err := s.Reload(context.Background()); !errors.Is(err, source.ErrClosed) {
		t.Errorf("Reload after Close = %v", err)
	}
}

func TestReloadBytes(t *testing.T) {
	b := writeCountryDB(t, "", "GeoLite2-Country", "DE")
	s, err := mmdb.OpenBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(context.Background()); err != nil {
		t.Errorf("Reload of a source from bytes = %v, want nil (nothing to do)", err)
	}
	if got := country(t, s); got != "DE" {
		t.Errorf("after Reload: %s", got)
	}
	if _, err := mmdb.OpenBytes(b, mmdb.WithWatch(time.Second)); !errors.Is(err, source.ErrInvalidOption) {
		t.Errorf("OpenBytes with WithWatch = %v", err)
	}
}

// watchers counts the goroutines running a Source's watcher.
func watchers() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "mmdb.(*Source).watch(")
}

// TestReloadSuspicious refuses files that look poisoned: one record for
// every address or a new network shorter than /8 anywhere, or a tree
// collapsed to under a tenth of its size.
func TestReloadSuspicious(t *testing.T) {
	write := func(path string, o mmdbwriter.Options, cidrs []string) {
		o.DatabaseType, o.IncludeReservedNetworks = "GeoLite2-Country", true
		tree, err := mmdbwriter.New(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cidrs {
			_, n, _ := net.ParseCIDR(c)
			if err := tree.Insert(n, mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String("DE")}}); err != nil {
				t.Fatal(err)
			}
		}
		f, err := os.Create(path + ".tmp")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tree.WriteTo(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := os.Rename(path+".tmp", path); err != nil {
			t.Fatal(err)
		}
	}
	var many []string
	for i := range 2000 {
		many = append(many, fmt.Sprintf("%d.%d.%d.0/24", 1+i%200, i/200, i%256))
	}
	path := filepath.Join(t.TempDir(), "Country.mmdb")
	write(path, mmdbwriter.Options{}, many)
	s, err := mmdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// The IPv4 probes come first, and an IPv4 lookup in ::/1 (no IPv4
	// subtree) is in 0.0.0.0/0.
	write(path, mmdbwriter.Options{DisableIPv4Aliasing: true}, []string{"::/0"})
	if err := s.Reload(context.Background()); !errors.Is(err, source.ErrPoisoned) || !strings.Contains(err.Error(), "covers 0.0.0.0/0") {
		t.Errorf("one record for everything: Reload = %v", err)
	}
	write(path, mmdbwriter.Options{}, many[:3])
	if err := s.Reload(context.Background()); !errors.Is(err, source.ErrPoisoned) || !strings.Contains(err.Error(), "nodes") {
		t.Errorf("collapsed tree: Reload = %v", err)
	}
	write(path, mmdbwriter.Options{}, many[:1500])
	if err := s.Reload(context.Background()); err != nil {
		t.Errorf("a quarter fewer networks: Reload = %v", err)
	}
	if rec := lookup(t, s, "1.0.0.1"); rec.Geo == nil || rec.Geo.CountryCode != "DE" {
		t.Errorf("after reloads: %+v", rec)
	}

	// A short network anywhere in the tree is refused, not only one among
	// the first records...
	for _, short := range []string{"128.0.0.0/1", "4000::/2"} {
		write(path, mmdbwriter.Options{}, append(slices.Clone(many), short))
		if err := s.Reload(context.Background()); !errors.Is(err, source.ErrPoisoned) || !strings.Contains(err.Error(), "covers "+short) {
			t.Errorf("a new %s deep in the tree: Reload = %v", short, err)
		}
	}
	// ...unless the loaded database has it too.
	write(path, mmdbwriter.Options{}, append(slices.Clone(many), "6.0.0.0/7"))
	s2, err := mmdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	write(path, mmdbwriter.Options{}, append(slices.Clone(many[:1800]), "6.0.0.0/7"))
	if err := s2.Reload(context.Background()); err != nil {
		t.Errorf("a short network the loaded database has too: Reload = %v", err)
	}
}

func TestReloadLogged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Country.mmdb")
	writeCountryDB(t, path, "GeoLite2-Country", "DE")
	var buf bytes.Buffer
	s, err := mmdb.Open(path, mmdb.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	writeCountryDB(t, path, "GeoLite2-ASN", "DE")
	if err := s.Reload(context.Background()); !errors.Is(err, source.ErrPoisoned) {
		t.Fatalf("Reload = %v", err)
	}
	out := buf.String()
	for _, want := range []string{"level=INFO msg=\"mmdb: reloaded\" source=geolite2-country", "level=WARN", "database type changed"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
