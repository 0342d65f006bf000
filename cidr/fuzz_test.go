package cidr_test

import (
	"net/netip"
	"slices"
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

// FuzzTable builds a table from prefixes decoded from the input and checks
// every lookup against a linear scan: the same values, and a reported
// prefix of the looked-up address's family that contains it, for an IPv4
// address asked as itself, IPv4-mapped, and for a zoned IPv6 address.
//
// The input is a sequence of 18-byte records: a flags byte (bit 0: IPv6,
// bit 1: write an IPv4 prefix IPv4-mapped), a length byte, 16 address
// bytes (an IPv4 prefix uses the first four); the last record's address is
// the probe.
func FuzzTable(f *testing.F) {
	rec := func(flags, bits byte, a netip.Addr) []byte {
		b := a.As16()
		if a.Is4() {
			b4 := a.As4()
			b = [16]byte{}
			copy(b[:], b4[:])
		}
		return append([]byte{flags, bits}, b[:]...)
	}
	v4, v6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")
	f.Add(slices.Concat(rec(0, 24, v4), rec(0, 8, v4), rec(0, 0, v4)))
	f.Add(slices.Concat(rec(2, 120, v4), rec(1, 32, v6), rec(2, 0, v4)))
	f.Add(slices.Concat(rec(1, 0, netip.IPv6Unspecified()), rec(1, 95, netip.MustParseAddr("::ffff:0:0")), rec(0, 32, v4)))
	f.Add(slices.Concat(rec(1, 64, v6), rec(1, 128, v6)))
	f.Fuzz(func(t *testing.T, in []byte) {
		type pair struct {
			p netip.Prefix
			v int
		}
		var pairs []pair
		var b cidr.Builder[int]
		var probe netip.Addr
		for i := 0; len(in) >= 18 && i < 64; i, in = i+1, in[18:] {
			flags, bits := in[0], int(in[1])
			var a netip.Addr
			if flags&1 != 0 {
				a = netip.AddrFrom16([16]byte(in[2:18]))
				bits %= 129
			} else {
				a = netip.AddrFrom4([4]byte(in[2:6]))
				bits %= 33
			}
			probe = a
			p := netip.PrefixFrom(a, bits)
			if flags&3 == 2 { // IPv4 written IPv4-mapped
				p = netip.PrefixFrom(netip.AddrFrom16(a.As16()), bits+96)
			}
			b.Add(p, i%5)
			// The oracle's form: an IPv4-mapped /96 or longer is IPv4.
			q := p.Masked()
			if q.Addr().Is4In6() && q.Bits() >= 96 {
				q = netip.PrefixFrom(q.Addr().Unmap(), q.Bits()-96)
			}
			pairs = append(pairs, pair{q, i % 5})
		}
		if !probe.IsValid() {
			return
		}
		tab, err := b.Table()
		if err != nil {
			t.Fatalf("Table: %v", err)
		}
		queries := []netip.Addr{probe}
		if probe.Is4() {
			queries = append(queries, netip.AddrFrom16(probe.As16()))
		} else {
			queries = append(queries, probe.WithZone("eth0"))
		}
		for _, q := range queries {
			a := q.Unmap().WithZone("")
			var wantP netip.Prefix
			var want []int
			for bits := a.BitLen(); bits >= 0; bits-- { // longest first
				for _, pr := range pairs {
					if pr.p.Bits() == bits && pr.p.Contains(a) {
						if !wantP.IsValid() {
							wantP = pr.p
						}
						if !slices.Contains(want, pr.v) {
							want = append(want, pr.v)
						}
					}
				}
			}
			gotP, got, ok := tab.Lookup(q)
			if ok != (want != nil) || gotP != wantP || !slices.Equal(got, want) {
				t.Fatalf("Lookup(%v) = %v %v %v; linear scan says %v %v", q, gotP, got, ok, wantP, want)
			}
			if ok && (!gotP.Contains(a) || gotP.Addr().Is4() != a.Is4()) {
				t.Fatalf("Lookup(%v): prefix %v does not hold %v", q, gotP, a)
			}
		}
	})
}
