package cidr_test

import (
	"testing"

	"github.com/ipintel/ipintel/cidr"
)

// FuzzParse checks that Parse never panics and that what it returns is
// valid, masked and covers exactly what the input says.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"192.0.2.1", "192.0.2.1/24", "2001:db8::/32", "::ffff:1.2.3.0/120",
		"10.0.0.1-10.0.0.6", "10.0.0.1 - 10.0.0.6", "::-ffff::", "fe80::1%eth0",
		"0.0.0.0/0", "1.2.3.4/33", "-", "", "not an address",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, masked, err := cidr.Parse(nil, s)
		if err != nil {
			if len(ps) != 0 || masked {
				t.Fatalf("Parse(%q) returned %v, %v with error %v", s, ps, masked, err)
			}
			return
		}
		if len(ps) == 0 {
			t.Fatalf("Parse(%q) returned nothing and no error", s)
		}
		for i, p := range ps {
			if !p.IsValid() || p.Masked() != p || p.Addr().Is4In6() || p.Addr().Zone() != "" {
				t.Fatalf("Parse(%q)[%d] = %v: not a valid masked prefix", s, i, p)
			}
			// Range pieces must be adjacent and ascending.
			if i > 0 {
				prev := ps[i-1]
				var b cidr.Builder[int]
				b.Add(prev, 0)
				tab, _ := b.Table()
				if tab.Contains(p.Addr()) || !prev.Addr().Less(p.Addr()) {
					t.Fatalf("Parse(%q): %v does not follow %v", s, p, prev)
				}
			}
		}
		var b cidr.Builder[int]
		for _, p := range ps {
			b.Add(p, 1)
		}
		tab, err := b.Table()
		if err != nil {
			t.Fatalf("Builder rejected parsed prefixes %v: %v", ps, err)
		}
		if _, v, ok := tab.Lookup(ps[0].Addr()); !ok || len(v) != 1 {
			t.Fatalf("Lookup(%v) = %v, %v", ps[0].Addr(), v, ok)
		}
	})
}
