package cidr_test

import (
	"testing"

	"github.com/ipintel/ipintel/cidr"
)

// TestLookupPrefixFamily checks that the prefix Lookup reports holds the
// address looked up, in its family, when the query or the table's input
// crosses families (issue 14).
func TestLookupPrefixFamily(t *testing.T) {
	var b cidr.Builder[string]
	for _, in := range []struct{ p, v string }{
		{"::ffff:192.0.2.0/120", "mapped /120"}, // stored as 192.0.2.0/24
		{"::ffff:0:0/95", "mapped space /95"},   // an IPv6 prefix: not IPv4
		{"198.51.100.0/24", "v4"},
		{"2001:db8::/32", "v6"},
	} {
		b.Add(pfx(in.p), in.v)
	}
	tab, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, addr, wantP, wantV string
	}{
		{"IPv4 query, IPv4-mapped input prefix", "192.0.2.7", "192.0.2.0/24", "mapped /120"},
		{"IPv4-mapped query, IPv4-mapped input prefix", "::ffff:192.0.2.7", "192.0.2.0/24", "mapped /120"},
		{"IPv4-mapped query, IPv4 input prefix", "::ffff:198.51.100.9", "198.51.100.0/24", "v4"},
		{"zoned IPv6 query", "2001:db8::1%eth0", "2001:db8::/32", "v6"},
		{"IPv6 query in the mapped space's /95", "::fffe:1:2", "::fffe:0:0/95", "mapped space /95"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := addr(tc.addr)
			p, vals, ok := tab.Lookup(a)
			if !ok || p.String() != tc.wantP || len(vals) != 1 || vals[0] != tc.wantV {
				t.Fatalf("Lookup(%s) = %v %v %v, want %s [%s]", tc.addr, p, vals, ok, tc.wantP, tc.wantV)
			}
			if u := a.Unmap().WithZone(""); !p.Contains(u) {
				t.Errorf("Lookup(%s): prefix %v does not contain %v", tc.addr, p, u)
			}
		})
	}
	// An IPv6 prefix shorter than /96 is IPv6 data: IPv4 addresses, mapped
	// or not, are not in it.
	for _, a := range []string{"203.0.113.1", "::ffff:203.0.113.1"} {
		if p, vals, ok := tab.Lookup(addr(a)); ok {
			t.Errorf("Lookup(%s) = %v %v, want a miss", a, p, vals)
		}
	}
}
