package mmdb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
	"github.com/ipintel/ipintel/source/mmdb"
)

// BenchmarkClient compares a whole ipintel Client lookup — City, ASN and
// Anonymous-IP databases, a feed set of a VPN list and a Tor exit list,
// merging and scoring — with one geoip2-golang City() call on the same
// City database and addresses.
func BenchmarkClient(b *testing.B) {
	cityPath, nets := benchCity(b)
	asnPath := cachedDB(b, "asn", mmdbwriter.Options{DatabaseType: "GeoLite2-ASN"}, nets, func(i int) mmdbtype.Map {
		as := 1000 + (i*7919)%6000 // ~6000 distinct ASes
		return mmdbtype.Map{
			"autonomous_system_number":       mmdbtype.Uint32(as),
			"autonomous_system_organization": mmdbtype.String(fmt.Sprintf("Example Networks %d Ltd", as)),
		}
	})
	anonPath := cachedDB(b, "anon", mmdbwriter.Options{DatabaseType: "GeoIP2-Anonymous-IP"}, nets, func(i int) mmdbtype.Map {
		if i%12 != 0 {
			return nil
		}
		m := mmdbtype.Map{"is_anonymous": mmdbtype.Bool(true)}
		switch i % 5 {
		case 0:
			m["is_anonymous_vpn"] = mmdbtype.Bool(true)
		case 1:
			m["is_tor_exit_node"] = mmdbtype.Bool(true)
		case 2:
			m["is_public_proxy"] = mmdbtype.Bool(true)
		default:
			m["is_hosting_provider"] = mmdbtype.Bool(true)
		}
		return m
	})
	var srcs []source.Source
	for _, p := range []string{cityPath, asnPath, anonPath} {
		s, err := mmdb.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, s)
	}
	// Feeds: 20 000 VPN prefixes and 2 000 Tor exits among the networks.
	rng := rand.New(rand.NewPCG(11, 12))
	var vpn, tor strings.Builder
	for range 20_000 {
		fmt.Fprintln(&vpn, nets[rng.IntN(len(nets))])
	}
	for _, a := range benchAddrs(nets, 2000) {
		fmt.Fprintln(&tor, a)
	}
	vf, err := feed.Load(strings.NewReader(vpn.String()), feed.Spec{Name: "vpn-list", Kind: source.VPN})
	if err != nil {
		b.Fatal(err)
	}
	tf, err := feed.Load(strings.NewReader(tor.String()), feed.Spec{Name: "tor-exits", Kind: source.Tor})
	if err != nil {
		b.Fatal(err)
	}
	set, err := feed.NewSet(vf, tf)
	if err != nil {
		b.Fatal(err)
	}
	srcs = append(srcs, set)
	client, err := ipintel.New(ipintel.WithSources(srcs...), ipintel.WithAllowReserved())
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	addrs := benchAddrs(nets, 1<<14)
	ctx := context.Background()

	b.Run("ipintel-Client", func(b *testing.B) {
		for _, a := range addrs {
			_, _ = client.LookupAddr(ctx, a)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			r, err := client.LookupAddr(ctx, addrs[i&(len(addrs)-1)])
			if err != nil || r.Geo == nil {
				b.Fatal(r, err)
			}
		}
	})
	benchGeoIP2(b, cityPath, addrs)
}
