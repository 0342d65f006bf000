package mmdb_test

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipintel/ipintel/internal/realdata"
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
		netip.MustParseAddr("255.255.255.255"),
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
				if err == nil && !rec.IsZero() && !rec.Prefix.Contains(a) {
					t.Fatalf("%v: prefix %v", a, rec.Prefix)
				}
			}
			s.Close()
		}
	})
}
