package ipintel

import (
	"context"
	"net/netip"
	"testing"

	"github.com/ipintel/ipintel/source"
)

// crossFamily answers every lookup with the given record, whatever the
// address: a source whose networks need not contain it.
type crossFamily struct {
	name string
	rec  source.Record
}

func (c crossFamily) Name() string { return c.name }
func (c crossFamily) Lookup(context.Context, netip.Addr) (source.Record, error) {
	return c.rec, nil
}

// TestNetworkCIDRHoldsQuery checks that Result.Network.CIDR never shows a
// network that does not contain Query.IP (issue 14), however the sources'
// Prefix and Network.CIDR disagree with the address.
func TestNetworkCIDRHoldsQuery(t *testing.T) {
	p := netip.MustParsePrefix
	v6Net := p("::/37")
	for _, tc := range []struct {
		name    string
		ip      string
		sources []source.Source
		want    string // "" : no CIDR shown
	}{
		{"IPv6 CIDR and prefix for an IPv4 address", "1.1.1.1", []source.Source{
			crossFamily{"a", source.Record{Prefix: v6Net, Network: &source.Network{ASN: 13335, CIDR: v6Net}}},
		}, ""},
		{"IPv6 CIDR, IPv4 prefix holding the address", "1.1.1.1", []source.Source{
			crossFamily{"a", source.Record{Prefix: p("1.1.1.0/24"), Network: &source.Network{ASN: 13335, CIDR: v6Net}}},
		}, "1.1.1.0/24"},
		{"a later source's CIDR when the first one's is wrong", "1.1.1.1", []source.Source{
			crossFamily{"a", source.Record{Prefix: v6Net, Network: &source.Network{ASN: 13335, CIDR: v6Net}}},
			crossFamily{"b", source.Record{Network: &source.Network{CIDR: p("1.1.0.0/16")}}},
		}, "1.1.0.0/16"},
		{"IPv4-mapped query, IPv4 network", "::ffff:1.1.1.1", []source.Source{
			crossFamily{"a", source.Record{Prefix: p("1.1.1.0/24"), Network: &source.Network{ASN: 13335}}},
		}, "1.1.1.0/24"},
		{"IPv4 network for an IPv6 address", "2a02:26f0::1", []source.Source{
			crossFamily{"a", source.Record{Prefix: p("0.0.0.0/0"), Network: &source.Network{ASN: 20940, CIDR: p("1.0.0.0/8")}}},
		}, ""},
		{"IPv6 network holding an IPv6 address", "2a02:26f0::1", []source.Source{
			crossFamily{"a", source.Record{Prefix: p("2a02:26f0::/32"), Network: &source.Network{ASN: 20940}}},
		}, "2a02:26f0::/32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(WithSources(tc.sources...))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			r, err := c.Lookup(context.Background(), tc.ip)
			if err != nil {
				t.Fatal(err)
			}
			if r.Network == nil || r.Network.ASN == 0 {
				t.Fatalf("Network = %+v: want the sources' other fields kept", r.Network)
			}
			got := ""
			if r.Network.CIDR.IsValid() {
				got = r.Network.CIDR.String()
			}
			if got != tc.want {
				t.Errorf("Network.CIDR = %q, want %q", got, tc.want)
			}
			if r.Network.CIDR.IsValid() && !r.Network.CIDR.Contains(r.Query.IP) {
				t.Errorf("Network.CIDR %v does not contain %v", r.Network.CIDR, r.Query.IP)
			}
		})
	}
}
