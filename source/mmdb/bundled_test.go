package mmdb_test

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
	"github.com/ipintel/ipintel/testdata/gen/sample"
)

// bundled is the repository's testdata directory.
var bundled = filepath.Join("..", "..", "testdata")

func openBundled(t testing.TB, file string, opts ...mmdb.Option) *mmdb.Source {
	t.Helper()
	s, err := mmdb.Open(filepath.Join(bundled, file), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestBundledDataUpToDate regenerates the sample files and compares them
// with the committed ones byte for byte (the writer's output is
// deterministic).
func TestBundledDataUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := sample.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{sample.CityFile, sample.ASNFile, sample.AnonymousFile} {
		got, err := os.ReadFile(filepath.Join(bundled, f))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s is stale: run go run ./testdata/gen", f)
		}
	}
}

func TestBundledData(t *testing.T) {
	city := openBundled(t, sample.CityFile)
	asn := openBundled(t, sample.ASNFile)
	anon := openBundled(t, sample.AnonymousFile)
	ctx := context.Background()
	for _, tc := range []struct {
		ip      string
		country string
		city    string
		asn     source.ASN
		kinds   []source.Kind
	}{
		{"45.130.202.105", "NL", "Amsterdam", 9009, []source.Kind{source.VPN, source.Hosting}},
		{"185.220.101.1", "DE", "Berlin", 60729, []source.Kind{source.Tor}},
		{"1.1.1.1", "AU", "", 13335, nil},
		{"8.8.8.8", "US", "", 15169, nil},
		{"35.190.0.1", "US", "Mountain View", 15169, []source.Kind{source.Hosting}},
		{"2a02:26f0::1", "DE", "Frankfurt am Main", 20940, nil},
		{"81.2.69.142", "GB", "London", 20712, nil},
		{"159.89.100.1", "DE", "Frankfurt am Main", 14061, []source.Kind{source.Hosting}},
		{"73.15.33.7", "US", "San Jose", 7922, []source.Kind{source.ResidentialProxy}},
		{"89.187.185.11", "NL", "Amsterdam", 60068, []source.Kind{source.Proxy, source.Hosting}},
		{"2a03:1b20::1", "SE", "Stockholm", 39351, []source.Kind{source.VPN}},
	} {
		addr := netip.MustParseAddr(tc.ip)
		c, err := city.Lookup(ctx, addr)
		if err != nil || c.Geo == nil || c.Geo.CountryCode != tc.country || c.Geo.City != tc.city {
			t.Errorf("%s: city = %+v, %v; want %s %q", tc.ip, c.Geo, err, tc.country, tc.city)
		}
		a, err := asn.Lookup(ctx, addr)
		if err != nil || a.Network == nil || a.Network.ASN != tc.asn || a.Network.Organization == "" {
			t.Errorf("%s: asn = %+v, %v; want %v", tc.ip, a.Network, err, tc.asn)
		}
		s, err := anon.Lookup(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []source.Kind
		for _, sig := range s.Signals {
			kinds = append(kinds, sig.Kind)
			if sig.Source != anon.Name() || sig.Confidence <= 0 {
				t.Errorf("%s: signal %+v lacks provenance", tc.ip, sig)
			}
		}
		if !sameKinds(kinds, tc.kinds) {
			t.Errorf("%s: signals %v, want %v", tc.ip, kinds, tc.kinds)
		}
	}
	// Misses.
	for _, ip := range []string{"9.9.9.9", "2001:db8::1", "100.64.0.1"} {
		for _, s := range []*mmdb.Source{city, asn, anon} {
			r, err := s.Lookup(ctx, netip.MustParseAddr(ip))
			if err != nil || !r.IsZero() {
				t.Errorf("%s in %s = %+v, %v; want a miss", ip, s.Name(), r, err)
			}
		}
	}
}

func sameKinds(a, b []source.Kind) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[source.Kind]int{}
	for _, k := range a {
		seen[k]++
	}
	for _, k := range b {
		seen[k]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestSharedRecord checks that networks sharing one data record share one
// decoded record: Frankfurt is the place of both a DigitalOcean and an
// Akamai range.
func TestSharedRecord(t *testing.T) {
	city := openBundled(t, sample.CityFile)
	a := lookup(t, city, "159.89.100.1")
	b := lookup(t, city, "2a02:26f0::1")
	if a.Geo == nil || a.Geo != b.Geo {
		t.Errorf("Geo pointers %p and %p differ", a.Geo, b.Geo)
	}
	if a.Prefix == b.Prefix {
		t.Errorf("both matched %v", a.Prefix)
	}
	nc := openBundled(t, sample.CityFile, mmdb.WithCacheSize(0))
	x, y := lookup(t, nc, "159.89.100.1"), lookup(t, nc, "159.89.100.1")
	if x.Geo == y.Geo || *x.Geo != *y.Geo {
		t.Error("without a cache, records should be equal but not shared")
	}
}

// TestSignalsClipped checks that appending to a returned record's Signals
// cannot write into the cached, shared array.
func TestSignalsClipped(t *testing.T) {
	anon := openBundled(t, sample.AnonymousFile)
	a := lookup(t, anon, "45.130.202.105")
	if len(a.Signals) == 0 || cap(a.Signals) != len(a.Signals) {
		t.Fatalf("Signals len %d cap %d", len(a.Signals), cap(a.Signals))
	}
	_ = append(a.Signals, source.Signal{Kind: source.Abuse})
	if b := lookup(t, anon, "45.130.202.105"); len(b.Signals) != len(a.Signals) {
		t.Errorf("cached record changed: %+v", b.Signals)
	}
}
