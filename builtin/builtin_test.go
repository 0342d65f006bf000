package builtin

import (
	"context"
	"net/netip"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/sourcetest"
)

func open(t testing.TB) *Source {
	t.Helper()
	s, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestKnownAnswers checks addresses whose owner is public and stable.
func TestKnownAnswers(t *testing.T) {
	s := open(t)
	for _, tc := range []struct {
		ip       string
		asn      source.ASN
		org      string        // a word of the organisation
		kinds    []source.Kind // of the signals, in order
		provider string
		country  string // "" when not checked
	}{
		{"45.130.202.105", 137409, "GSL", []source.Kind{source.Hosting, source.VPN}, "GSL Networks", ""},
		{"8.8.8.8", 15169, "Google", []source.Kind{source.Hosting}, "Google", "US"},
		{"1.1.1.1", 13335, "Cloudflare", []source.Kind{source.Hosting}, "Cloudflare", ""},
		{"2a03:1b20::1", 39351, "31173", []source.Kind{source.VPN}, "Mullvad (31173 Services)", ""},
		{"2a00:1450:4001:80b::200e", 15169, "Google", []source.Kind{source.Hosting}, "Google", ""},
		{"185.220.101.1", 60729, "Erneuerbare", []source.Kind{source.Tor}, "Stiftung Erneuerbare Freiheit", "DE"},
		{"109.70.100.1", 208323, "Applied Privacy", []source.Kind{source.Tor}, "Foundation for Applied Privacy", ""},
		{"81.2.69.142", 20712, "Andrews", nil, "", "GB"},
	} {
		t.Run(tc.ip, func(t *testing.T) {
			r, err := s.Lookup(context.Background(), netip.MustParseAddr(tc.ip))
			if err != nil {
				t.Fatal(err)
			}
			if r.Network == nil || r.Network.ASN != tc.asn || !contains(r.Network.Organization, tc.org) {
				t.Fatalf("network %+v, want %v with %q", r.Network, tc.asn, tc.org)
			}
			if r.Geo == nil || len(r.Geo.CountryCode) != 2 || r.Geo.CountryName == "" || r.Geo.Continent == "" {
				t.Fatalf("geo %+v", r.Geo)
			}
			if tc.country != "" && r.Geo.CountryCode != tc.country {
				t.Errorf("country %s, want %s", r.Geo.CountryCode, tc.country)
			}
			if !r.Prefix.IsValid() || !r.Prefix.Contains(netip.MustParseAddr(tc.ip)) {
				t.Errorf("prefix %v does not hold the address", r.Prefix)
			}
			if len(r.Signals) != len(tc.kinds) {
				t.Fatalf("signals %+v, want %v", r.Signals, tc.kinds)
			}
			for i, s := range r.Signals {
				if s.Kind != tc.kinds[i] || s.Provider != tc.provider || s.Source != Name {
					t.Errorf("signals %+v, want %v by %q", r.Signals, tc.kinds, tc.provider)
				}
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestMisses: addresses no registry allocates to anyone are misses, not
// errors.
func TestMisses(t *testing.T) {
	s := open(t)
	for _, ip := range []string{"10.0.0.1", "192.168.1.1", "127.0.0.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::1", "fe80::1"} {
		r, err := s.Lookup(context.Background(), netip.MustParseAddr(ip))
		if err != nil || !r.IsZero() {
			t.Errorf("%s: %+v, %v; want a miss", ip, r, err)
		}
	}
	if r, err := s.Lookup(context.Background(), netip.Addr{}); err != nil || !r.IsZero() {
		t.Errorf("zero Addr: %+v, %v", r, err)
	}
	// A mapped or zoned address answers like the plain one.
	a, _ := s.Lookup(context.Background(), netip.MustParseAddr("8.8.8.8"))
	b, _ := s.Lookup(context.Background(), netip.MustParseAddr("::ffff:8.8.8.8"))
	if a.Network != b.Network || a.Prefix != b.Prefix {
		t.Errorf("mapped address answers %+v, plain %+v", b, a)
	}
}

// TestOpenShares: a second Open decodes nothing and answers with the same
// shared values.
func TestOpenShares(t *testing.T) {
	a, b := open(t), open(t)
	if a.cur.Load() != b.cur.Load() {
		t.Fatal("two Opens decoded the data twice")
	}
	ra, _ := a.Lookup(context.Background(), netip.MustParseAddr("8.8.8.8"))
	rb, _ := b.Lookup(context.Background(), netip.MustParseAddr("8.8.8.8"))
	if ra.Geo != rb.Geo || ra.Network != rb.Network {
		t.Error("answers are not shared")
	}
}

func TestLookupAllocatesNothing(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	for _, ip := range []string{"45.130.202.105", "2a03:1b20::1", "10.0.0.1"} {
		addr := netip.MustParseAddr(ip)
		if n := testing.AllocsPerRun(100, func() { s.Lookup(ctx, addr) }); n != 0 {
			t.Errorf("%s: %v allocations per Lookup", ip, n)
		}
	}
}

func TestDatasets(t *testing.T) {
	ds := open(t).Datasets()
	names := map[string]source.Dataset{}
	for _, d := range ds {
		names[d.Name] = d
		if d.Origin != source.OriginEmbedded || d.Version == "" || d.Updated.IsZero() || d.Entries == 0 || d.License == "" || d.Attribution == "" {
			t.Errorf("dataset %+v has an empty field", d)
		}
	}
	for _, want := range []string{"geo-whois-asn-country", "asn", "network-class"} {
		if _, ok := names[want]; !ok {
			t.Errorf("no dataset %q in %+v", want, ds)
		}
	}
	if d := names["geo-whois-asn-country"]; !contains(d.Attribution, "nro.net") {
		t.Errorf("geo-whois-asn-country attribution %q does not credit the NRO", d.Attribution)
	}
}

func TestZeroSource(t *testing.T) {
	var s Source
	if r, err := s.Lookup(context.Background(), netip.MustParseAddr("8.8.8.8")); err != nil || !r.IsZero() {
		t.Errorf("zero Source: %+v, %v; want a miss", r, err)
	}
	if ds := s.Datasets(); ds != nil {
		t.Errorf("zero Source datasets: %+v", ds)
	}
}

func TestConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) source.Source { return open(t) })
}
