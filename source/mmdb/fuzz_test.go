package mmdb_test

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
)

// FuzzOpen opens arbitrary bytes as a database, with the type-detected
// mapping and with a schema, and looks up a few addresses: errors are
// fine, panics and hangs are not. It is seeded with the bundled files and,
// when present, every file of MaxMind's test-data and bad-data sets.
func FuzzOpen(f *testing.F) {
	var seeds []string
	for _, glob := range []string{filepath.Join(bundled, "*.mmdb"), filepath.Join("testdata", "*.mmdb")} {
		m, _ := filepath.Glob(glob)
		seeds = append(seeds, m...)
	}
	if root := realdata.Root(); root != "" {
		for _, glob := range []string{"test-data/*.mmdb", "bad-data/*/*.mmdb"} {
			m, _ := filepath.Glob(filepath.Join(root, "maxmind-MaxMind-DB", glob))
			seeds = append(seeds, m...)
		}
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil && len(b) < 1<<20 {
			f.Add(b)
		}
	}
	f.Add([]byte("not an mmdb file"))
	f.Add([]byte("\xab\xcd\xefMaxMind.com"))

	schema := mmdb.WithSchema(mmdb.Schema{
		CountryCode: "country.iso_code", City: "city.names.en", Latitude: "location.latitude",
		Longitude: "location.longitude", ASN: "autonomous_system_number",
		Signals: []mmdb.SignalRule{{Kind: 1, If: "is_anonymous_vpn", ConfidencePath: "anonymizer_confidence"}},
	})
	addrs := []netip.Addr{
		netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("81.2.69.142"),
		netip.MustParseAddr("2001:218::1"), netip.MustParseAddr("::1.2.0.1"),
		netip.MustParseAddr("255.255.255.255"), netip.MustParseAddr("::ffff:1.1.1.1"),
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opts := range [][]mmdb.Option{nil, {schema}, {mmdb.WithLanguage("de"), mmdb.WithCacheSize(0)}} {
			s, err := mmdb.OpenBytes(b, opts...)
			if err != nil {
				if s != nil {
					t.Fatal("a Source with an error")
				}
				continue
			}
			_ = s.Name()
			_ = s.Metadata()
			for _, a := range addrs {
				rec, err := s.Lookup(context.Background(), a)
				// The network holds the address, in its family (an
				// IPv4-mapped query is an IPv4 lookup).
				if err == nil && !rec.IsZero() && !rec.Prefix.Contains(a.Unmap()) {
					t.Fatalf("%v: prefix %v", a, rec.Prefix)
				}
			}
			s.Close()
		}
	})
}

// FuzzSchema reads the bundled City database through schemas with
// arbitrary paths: a bad path is source.ErrInvalidOption, any other path answers
// (perhaps nothing), and nothing panics.
func FuzzSchema(f *testing.F) {
	db, err := os.ReadFile(filepath.Join(bundled, "ipintel-City.mmdb"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][2]string{
		{"country.iso_code", "location.latitude"},
		{"subdivisions.0.names.en", "subdivisions.-1.iso_code"},
		{"subdivisions.99.x", "city.names"},
		{"a..b", "."},
		{"location.time_zone.0", "registered_country"},
	} {
		f.Add(seed[0], seed[1])
	}
	addrs := []netip.Addr{netip.MustParseAddr("81.2.69.142"), netip.MustParseAddr("2a02:26f0::1"), netip.MustParseAddr("9.9.9.9")}
	f.Fuzz(func(t *testing.T, p1, p2 string) {
		s, err := mmdb.OpenBytes(db, mmdb.WithSchema(mmdb.Schema{
			CountryCode: p1, City: p2, Latitude: p1, Longitude: p2, ASN: p2, InEU: p1,
			Signals: []mmdb.SignalRule{{Kind: source.VPN, If: p1, ConfidencePath: p2, LastSeenPath: p1, ProviderPath: p2}},
		}))
		if err != nil {
			if !errors.Is(err, source.ErrInvalidOption) {
				t.Fatalf("%q, %q: %v", p1, p2, err)
			}
			return
		}
		defer s.Close()
		for _, a := range addrs {
			rec, err := s.Lookup(context.Background(), a)
			if err != nil {
				t.Fatalf("%q, %q: %v: %v", p1, p2, a, err)
			}
			for _, sig := range rec.Signals {
				if sig.Confidence < 0 || sig.Confidence > 100 {
					t.Fatalf("confidence %d", sig.Confidence)
				}
			}
		}
	})
}
