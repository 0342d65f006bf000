package snapshot

import (
	"net/netip"
	"slices"
)

// reserved are the special-purpose blocks of the IANA IPv4 and IPv6
// Special-Purpose Address Registries (RFC 6890 and its updates) that are
// not globally reachable, plus multicast and the IPv4 class E space. No
// registry allocates them to a network, so the snapshot answers no country
// or network there whatever an upstream row says: a published geofeed that
// lists 192.168.0.0/16 (upstream data has held such rows) must not place
// every home network in one country.
var reserved = func() (v4, v6 []Range) {
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/127", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001:2::/48", "2001:db8::/32",
		"3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "ff00::/8",
	} {
		p := netip.MustParsePrefix(s)
		r := Range{Start: FromAddr(p.Addr()), End: FromAddr(lastAddr(p))}
		if p.Addr().Is4() {
			v4 = append(v4, r)
		} else {
			v6 = append(v6, r)
		}
	}
	return v4, v6
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// withoutReserved returns rs, sorted and disjoint, with the parts that
// fall in the sorted, disjoint holes cut out.
func withoutReserved(rs, holes []Range) []Range {
	out := make([]Range, 0, len(rs))
	for _, r := range rs {
		whole := true // what is left of r runs from r.Start to r.End
		for _, h := range holes {
			if h.End.Less(r.Start) || r.End.Less(h.Start) {
				continue
			}
			if r.Start.Less(h.Start) {
				out = append(out, Range{Start: r.Start, End: h.Start.Prev(), Value: r.Value})
			}
			next, overflow := h.End.next()
			if overflow || r.End.Less(next) {
				whole = false
				break
			}
			r.Start = next
		}
		if whole {
			out = append(out, r)
		}
	}
	return slices.Clip(out)
}
