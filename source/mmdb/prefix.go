package mmdb

import "net/netip"

// prefixFor returns the network p that a lookup of addr matched, in addr's
// family, or the zero Prefix when no such network can be named.
//
// An IPv6 database keeps the IPv4 space at ::/96 (IPv4-compatible
// addresses), and maxminddb maps the prefixes of that subtree back to IPv4.
// But an IPv4 lookup can stop at a node shallower than the subtree (a
// database without one, like MaxMind's no-ipv4-search-tree test file, or a
// crafted tree), and then the reader reports the IPv6 network it stopped
// at, ::/37 say, which does not contain the address. Such a network covers
// the whole IPv4 space: its IPv4 equivalent is 0.0.0.0/0.
func prefixFor(addr netip.Addr, p netip.Prefix) netip.Prefix {
	if addr.Is4() && p.IsValid() && p.Addr().Is6() {
		p = ipv4Equivalent(p)
	}
	if !p.IsValid() || !p.Contains(addr) {
		// Never report a network that does not hold the address.
		return netip.Prefix{}
	}
	return p
}

// ipv4Equivalent returns the IPv4 prefix that the IPv6 prefix p covers in
// the IPv4-compatible subtree ::/96, or the zero Prefix when p lies
// outside it.
func ipv4Equivalent(p netip.Prefix) netip.Prefix {
	compat := netip.PrefixFrom(netip.IPv6Unspecified(), 96)
	switch {
	case p.Bits() <= 96 && p.Contains(compat.Addr()):
		return netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	case p.Bits() > 96 && compat.Contains(p.Addr()):
		a := p.Addr().As16()
		return netip.PrefixFrom(netip.AddrFrom4([4]byte(a[12:])), p.Bits()-96).Masked()
	}
	return netip.Prefix{}
}
