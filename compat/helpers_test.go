package compat_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
)

// fixture answers from a few prefixes, the first match winning.
type fixture []struct {
	prefix netip.Prefix
	rec    source.Record
}

func (fixture) Name() string { return "fixture" }

func (f fixture) Lookup(_ context.Context, a netip.Addr) (source.Record, error) {
	for _, e := range f {
		if e.prefix.Contains(a) {
			return e.rec, nil
		}
	}
	return source.Record{}, nil
}

var seen = time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)

func entry(prefix string, geo *source.Geo, asn source.ASN, org string, sigs ...source.Signal) struct {
	prefix netip.Prefix
	rec    source.Record
} {
	p := netip.MustParsePrefix(prefix)
	return struct {
		prefix netip.Prefix
		rec    source.Record
	}{p, source.Record{Prefix: p, Geo: geo, Network: &source.Network{ASN: asn, Organization: org, CIDR: p}, Signals: sigs}}
}

// addresses the fixture knows, one per kind of answer, and one it does
// not know.
var addresses = []string{"45.130.202.105", "216.144.250.150", "185.220.101.1", "172.224.226.1", "2a02:26f0::1", "8.8.8.8"}

func newClient(t testing.TB) *ipintel.Client {
	t.Helper()
	src := fixture{
		entry("45.130.202.0/23", &source.Geo{CountryCode: "TR", CountryName: "Turkey", Region: "Bursa", City: "Bursa",
			Timezone: "Europe/Istanbul", Continent: "AS", Coordinates: source.Coordinates{Latitude: 40.19, Longitude: 29.06}},
			137409, "GSL Networks Pty LTD",
			source.Signal{Kind: source.VPN, Confidence: 90, Provider: "NordVPN"}, source.Signal{Kind: source.Hosting, Confidence: 80}),
		entry("216.144.250.0/24", &source.Geo{CountryCode: "US", Continent: "NA"}, 46475, "Limestone Networks, Inc.",
			source.Signal{Kind: source.Monitoring, Confidence: 95, Provider: "UptimeRobot", Category: "synthetic_monitoring",
				FirstSeen: seen, LastSeen: seen.AddDate(2, 0, 0)},
			source.Signal{Kind: source.Hosting, Confidence: 90}),
		entry("185.220.101.0/24", &source.Geo{CountryCode: "DE"}, 60729, "Stiftung Erneuerbare Freiheit",
			source.Signal{Kind: source.Tor, Confidence: 100}),
		entry("172.224.226.0/24", nil, 36183, "Akamai Technologies", source.Signal{Kind: source.Relay, Confidence: 100}),
		entry("2a02:26f0::/32", &source.Geo{CountryCode: "NL", Continent: "EU"}, 20940, "Akamai International"),
	}
	c, err := ipintel.New(ipintel.WithSources(src), ipintel.WithMaxBatch(100))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func lookup(t testing.TB, c *ipintel.Client, ip string) *ipintel.Result {
	t.Helper()
	r, err := c.Lookup(context.Background(), ip)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
