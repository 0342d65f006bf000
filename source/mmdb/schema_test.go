package mmdb_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
	maxminddb "github.com/oschwald/maxminddb-golang/v2"

	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
)

// buildDB writes a database of the given type with one record per network.
func buildDB(t testing.TB, dbType string, recs map[string]mmdbtype.Map) []byte {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, BuildEpoch: 1})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, r := range recs {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(n, r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := tree.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func lookup(t *testing.T, s *mmdb.Source, ip string) source.Record {
	t.Helper()
	rec, err := s.Lookup(context.Background(), netip.MustParseAddr(ip))
	if err != nil {
		t.Fatalf("Lookup(%s): %v", ip, err)
	}
	return rec
}

func TestOtherLayouts(t *testing.T) {
	ipinfo := map[string]mmdbtype.Map{
		"1.1.1.0/24": {
			"asn": mmdbtype.String("AS13335"), "as_name": mmdbtype.String("Cloudflare, Inc."),
			"as_domain": mmdbtype.String("cloudflare.com"), "country_code": mmdbtype.String("AU"),
			"country": mmdbtype.String("Australia"), "continent_code": mmdbtype.String("OC"),
			"continent": mmdbtype.String("Oceania"),
		},
	}
	iplocation := map[string]mmdbtype.Map{
		"1.1.1.0/24": {
			"country_code": mmdbtype.String("AU"), "city": mmdbtype.String("Sydney"),
			"state1": mmdbtype.String("New South Wales"), "postcode": mmdbtype.String("2000"),
			"latitude": mmdbtype.Float32(-33.8688), "longitude": mmdbtype.Float64(151.2093),
			"timezone": mmdbtype.String("Australia/Sydney"),
		},
	}
	dbipCity := map[string]mmdbtype.Map{
		"1.1.1.0/24": {
			"city":         mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String("Sydney")}},
			"continent":    mmdbtype.Map{"code": mmdbtype.String("OC")},
			"country":      mmdbtype.Map{"iso_code": mmdbtype.String("AU"), "names": mmdbtype.Map{"en": mmdbtype.String("Australia")}},
			"location":     mmdbtype.Map{"latitude": mmdbtype.Float64(-33.8688), "longitude": mmdbtype.Float64(151.209)},
			"subdivisions": mmdbtype.Slice{mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String("New South Wales")}}},
		},
	}
	dbipASN := map[string]mmdbtype.Map{
		"1.1.1.0/24": {"autonomous_system_number": mmdbtype.Uint32(13335), "autonomous_system_organization": mmdbtype.String("Cloudflare, Inc.")},
	}
	for _, tc := range []struct {
		dbType string
		recs   map[string]mmdbtype.Map
		geo    *source.Geo
		net    *source.Network
	}{
		{"ipinfo lite.mmdb", ipinfo,
			&source.Geo{CountryCode: "AU", CountryName: "Australia", Continent: "OC"},
			&source.Network{ASN: 13335, Organization: "Cloudflare, Inc.", Domain: "cloudflare.com"}},
		// An unnamed type is read by its keys.
		{"ip-location-db-city", iplocation,
			&source.Geo{CountryCode: "AU", Region: "New South Wales", City: "Sydney", PostalCode: "2000",
				Timezone: "Australia/Sydney", Coordinates: source.Coordinates{Latitude: float64(float32(-33.8688)), Longitude: 151.2093}}, nil},
		{"geolite2-city-ipv4 (sapics)", iplocation,
			&source.Geo{CountryCode: "AU", Region: "New South Wales", City: "Sydney", PostalCode: "2000",
				Timezone: "Australia/Sydney", Coordinates: source.Coordinates{Latitude: float64(float32(-33.8688)), Longitude: 151.2093}}, nil},
		{"DBIP-City-Lite", dbipCity,
			&source.Geo{CountryCode: "AU", CountryName: "Australia", Region: "New South Wales", City: "Sydney",
				Continent: "OC", Coordinates: source.Coordinates{Latitude: -33.8688, Longitude: 151.209}}, nil},
		{"DBIP-ASN-Lite (compat=GeoLite2-ASN)", dbipASN, nil,
			&source.Network{ASN: 13335, Organization: "Cloudflare, Inc."}},
	} {
		t.Run(tc.dbType, func(t *testing.T) {
			s, err := mmdb.OpenBytes(buildDB(t, tc.dbType, tc.recs))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rec := lookup(t, s, "1.1.1.1")
			if !equalPtr(rec.Geo, tc.geo) {
				t.Errorf("Geo = %+v, want %+v", deref(rec.Geo), deref(tc.geo))
			}
			if !equalPtr(rec.Network, tc.net) {
				t.Errorf("Network = %+v, want %+v", deref(rec.Network), deref(tc.net))
			}
			if rec.Prefix != netip.MustParsePrefix("1.1.1.0/24") {
				t.Errorf("Prefix = %v", rec.Prefix)
			}
		})
	}
}

func TestUnknownType(t *testing.T) {
	b := buildDB(t, "Acme-Threats", map[string]mmdbtype.Map{
		"1.1.1.0/24": {"threat_level": mmdbtype.Uint16(7), "feed": mmdbtype.String("botnet")},
	})
	_, err := mmdb.OpenBytes(b)
	if !errors.Is(err, source.ErrInvalidInput) {
		t.Fatalf("OpenBytes = %v, want source.ErrInvalidInput", err)
	}
	if !strings.Contains(err.Error(), `type "Acme-Threats" (record keys: feed, threat_level)`) {
		t.Errorf("message %q does not name the type and keys", err)
	}

	// The same database through a schema.
	s, err := mmdb.OpenBytes(b, mmdb.WithName("acme"), mmdb.WithSchema(mmdb.Schema{
		Signals: []mmdb.SignalRule{{Kind: source.Abuse, ConfidencePath: "threat_level", Category: "botnet", Provider: "Acme"}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := lookup(t, s, "1.1.1.1")
	want := []source.Signal{{Kind: source.Abuse, Confidence: 7, Provider: "Acme", Source: "acme", Category: "botnet"}}
	if !equalSignals(rec.Signals, want) {
		t.Errorf("Signals = %+v, want %+v", rec.Signals, want)
	}
}

func TestSchema(t *testing.T) {
	b := buildDB(t, "Custom", map[string]mmdbtype.Map{
		"45.0.0.0/8": {
			"geo": mmdbtype.Map{
				"cc": mmdbtype.String("DE"), "eu": mmdbtype.Bool(true),
				"lat": mmdbtype.String("50.1"), "lon": mmdbtype.Float64(8.6), "r": mmdbtype.Uint32(5),
				"regions": mmdbtype.Slice{mmdbtype.String("Hesse"), mmdbtype.String("Darmstadt")},
			},
			"as":      mmdbtype.String("as64500"),
			"flags":   mmdbtype.Map{"vpn": mmdbtype.Bool(true), "tor": mmdbtype.Bool(false)},
			"op":      mmdbtype.String("ExampleVPN"),
			"score":   mmdbtype.Float64(61.6),
			"seen":    mmdbtype.Uint64(1767225600),
			"relay":   mmdbtype.String("not a bool"),
			"nothing": mmdbtype.Map{},
		},
	})
	s, err := mmdb.OpenBytes(b, mmdb.WithSchema(mmdb.Schema{
		CountryCode: "geo.cc", InEU: "geo.eu", Latitude: "geo.lat", Longitude: "geo.lon", AccuracyRadius: "geo.r",
		Region: "geo.regions.0", City: "geo.regions.-1", ASN: "as", Organization: "nothing.at.all",
		Signals: []mmdb.SignalRule{
			{Kind: source.VPN, If: "flags.vpn", ConfidencePath: "score", ProviderPath: "op", LastSeenPath: "seen"},
			{Kind: source.Tor, If: "flags.tor"},
			{Kind: source.Relay, If: "relay"},
			{Kind: source.Hosting, If: "flags.missing"},
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := lookup(t, s, "45.1.2.3")
	wantGeo := source.Geo{CountryCode: "DE", InEU: true, Region: "Hesse", City: "Darmstadt",
		Coordinates: source.Coordinates{Latitude: 50.1, Longitude: 8.6, AccuracyRadius: 5}}
	if rec.Geo == nil || *rec.Geo != wantGeo {
		t.Errorf("Geo = %+v", deref(rec.Geo))
	}
	if rec.Network == nil || *rec.Network != (source.Network{ASN: 64500}) {
		t.Errorf("Network = %+v", deref(rec.Network))
	}
	wantSig := []source.Signal{{Kind: source.VPN, Confidence: 62, Provider: "ExampleVPN", Source: "custom",
		LastSeen: time.Unix(1767225600, 0).UTC()}}
	if !equalSignals(rec.Signals, wantSig) {
		t.Errorf("Signals = %+v, want %+v", rec.Signals, wantSig)
	}
}

func TestInvalidSchema(t *testing.T) {
	b := buildDB(t, "Custom", map[string]mmdbtype.Map{"45.0.0.0/8": {"a": mmdbtype.String("b")}})
	for _, sc := range []mmdb.Schema{
		{},
		{CountryCode: "a..b"},
		{Signals: []mmdb.SignalRule{{Kind: 0}}},
		{Signals: []mmdb.SignalRule{{Kind: source.VPN, Confidence: 101}}},
		{Signals: []mmdb.SignalRule{{Kind: source.VPN, If: "."}}},
	} {
		if _, err := mmdb.OpenBytes(b, mmdb.WithSchema(sc)); !errors.Is(err, source.ErrInvalidOption) {
			t.Errorf("%+v: %v, want source.ErrInvalidOption", sc, err)
		}
	}
}

func TestInvalidOptions(t *testing.T) {
	b := buildDB(t, "GeoLite2-Country", map[string]mmdbtype.Map{"45.0.0.0/8": {"country": mmdbtype.Map{"iso_code": mmdbtype.String("DE")}}})
	for name, o := range map[string]mmdb.Option{
		"name": mmdb.WithName(" "), "language": mmdb.WithLanguage(""), "cache": mmdb.WithCacheSize(-1),
		"watch": mmdb.WithWatch(time.Microsecond), "max size": mmdb.WithMaxSize(0), "logger": mmdb.WithLogger(nil),
	} {
		if _, err := mmdb.OpenBytes(b, o); !errors.Is(err, source.ErrInvalidOption) {
			t.Errorf("%s: %v, want source.ErrInvalidOption", name, err)
		}
	}
	if _, err := mmdb.Open("/nonexistent/x.mmdb"); err == nil {
		t.Error("Open of a missing file succeeded")
	}
}

// TestICloudPrivateRelay reads NextDNS's iCloud Private Relay egress
// database — a "GeoIP2-Country" with only country.iso_code — through a
// schema that makes every network a Relay signal.
func TestICloudPrivateRelay(t *testing.T) {
	path := realdata.Path(t, "nextdns-icloud-private-relay-mmdb", "egress-ip-ranges.mmdb")
	plain, err := mmdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	s, err := mmdb.Open(path, mmdb.WithName("icloud-private-relay"), mmdb.WithSchema(mmdb.Schema{
		CountryCode: "country.iso_code",
		Signals:     []mmdb.SignalRule{{Kind: source.Relay, Provider: "iCloud Private Relay"}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// 104.28.28.0/27 is the first network in the file (AU).
	rec := lookup(t, s, "104.28.28.1")
	if rec.Geo == nil || rec.Geo.CountryCode != "AU" || len(rec.Signals) != 1 ||
		rec.Signals[0].Kind != source.Relay || rec.Signals[0].Source != "icloud-private-relay" {
		t.Errorf("104.28.28.1 = %+v %+v", deref(rec.Geo), rec.Signals)
	}
	if p := lookup(t, plain, "104.28.28.1"); p.Geo == nil || p.Geo.CountryCode != "AU" || len(p.Signals) != 0 {
		t.Errorf("without a schema: %+v", p)
	}
	if r := lookup(t, s, "8.8.8.8"); !r.IsZero() {
		t.Errorf("8.8.8.8 = %+v, want a miss", r)
	}
	// Every network answers through the schema.
	n := 0
	for prefix := range networksOf(t, path) {
		rec := lookup(t, s, prefix.Addr().String())
		if rec.Prefix != prefix || len(rec.Signals) != 1 || rec.Geo == nil || len(rec.Geo.CountryCode) != 2 {
			t.Fatalf("%v: %+v", prefix, rec)
		}
		n++
	}
	t.Logf("%d relay networks answered", n)
	if n < 1000 {
		t.Errorf("only %d networks", n)
	}
}

func networksOf(t *testing.T, path string) map[netip.Prefix]bool {
	t.Helper()
	r, err := maxminddb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[netip.Prefix]bool{}
	for res := range r.Networks() {
		if res.Err() != nil {
			t.Fatal(res.Err())
		}
		out[res.Prefix()] = true
	}
	return out
}

// TestIPv4Database reads one of MaxMind's IPv4-only test databases through
// a schema: IPv6 addresses are misses, not errors.
func TestIPv4Database(t *testing.T) {
	path := realdata.Path(t, "maxmind-MaxMind-DB", "test-data", "MaxMind-DB-test-ipv4-24.mmdb")
	s, err := mmdb.Open(path, mmdb.WithSchema(mmdb.Schema{City: "ip"}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rec := lookup(t, s, "1.1.1.1"); rec.Geo == nil || rec.Geo.City != "1.1.1.1" || rec.Prefix.String() != "1.1.1.1/32" {
		t.Errorf("1.1.1.1 = %+v", rec)
	}
	if rec := lookup(t, s, "1.1.1.3"); rec.Geo == nil || rec.Geo.City != "1.1.1.2" {
		t.Errorf("1.1.1.3 = %+v", rec)
	}
	for _, ip := range []string{"2001:db8::1", "::1.1.1.1", "9.9.9.9"} {
		if rec := lookup(t, s, ip); !rec.IsZero() {
			t.Errorf("%s = %+v, want a miss", ip, rec)
		}
	}
}
