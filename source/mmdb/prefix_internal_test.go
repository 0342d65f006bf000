package mmdb

import (
	"net/netip"
	"testing"

	maxminddb "github.com/oschwald/maxminddb-golang/v2"

	"github.com/ipintel/ipintel/internal/realdata"
)

func TestPrefixFor(t *testing.T) {
	for _, tc := range []struct{ addr, p, want string }{
		{"1.1.1.1", "::/37", "0.0.0.0/0"},          // shallow node of an IPv6 tree
		{"1.1.1.1", "::/0", "0.0.0.0/0"},           // one record for everything
		{"1.1.1.1", "::/96", "0.0.0.0/0"},          // the IPv4 subtree itself
		{"1.1.1.1", "::1.1.1.0/120", "1.1.1.0/24"}, // a prefix inside the subtree
		{"1.1.1.1", "1.1.1.0/24", "1.1.1.0/24"},
		{"1.1.1.1", "2001::/16", "invalid Prefix"}, // cannot hold the address
		{"1.1.1.1", "::2:0:0:0/96", "invalid Prefix"},
		{"1.1.1.1", "9.9.9.0/24", "invalid Prefix"},
		{"2001::1", "2001::/16", "2001::/16"},
		{"2001::1", "0.0.0.0/0", "invalid Prefix"},
	} {
		var p netip.Prefix
		if tc.p != "" {
			p = netip.MustParsePrefix(tc.p)
		}
		if got := prefixFor(netip.MustParseAddr(tc.addr), p).String(); got != tc.want {
			t.Errorf("prefixFor(%s, %s) = %s, want %s", tc.addr, tc.p, got, tc.want)
		}
	}
}

// TestPrefixForNoIPv4SearchTree reads MaxMind's test database without an
// IPv4 subtree: its reader answers an IPv4 lookup with ::/64, which holds
// every IPv4 address, so the IPv4 network is 0.0.0.0/0. (ipintel cannot
// open the file itself: its records are strings, not a known type.)
func TestPrefixForNoIPv4SearchTree(t *testing.T) {
	path := realdata.Path(t, "maxmind-MaxMind-DB", "test-data", "MaxMind-DB-no-ipv4-search-tree.mmdb")
	r, err := maxminddb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, ip := range []string{"1.1.1.1", "0.0.0.0", "255.255.255.255"} {
		a := netip.MustParseAddr(ip)
		res := r.Lookup(a)
		if !res.Found() {
			t.Fatalf("Lookup(%s): not found", ip)
		}
		if got := prefixFor(a, res.Prefix()); got != netip.MustParsePrefix("0.0.0.0/0") {
			t.Errorf("Lookup(%s): reader says %s, prefixFor = %s, want 0.0.0.0/0", ip, res.Prefix(), got)
		}
	}
}

// BenchmarkPrefixFor measures what the family check adds to every lookup:
// the common case (the reader's IPv4 network, kept) and the mapping of a
// shallow IPv6 node.
func BenchmarkPrefixFor(b *testing.B) {
	a := netip.MustParseAddr("81.2.69.142")
	for _, bc := range []struct{ name, p string }{{"v4-kept", "81.2.69.0/24"}, {"v6-node-mapped", "::/37"}} {
		p := netip.MustParsePrefix(bc.p)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !prefixFor(a, p).IsValid() {
					b.Fatal("no prefix")
				}
			}
		})
	}
}
