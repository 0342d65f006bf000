package remote

import (
	"net/netip"

	"github.com/ipintel/ipintel/source"
)

// checkPrefix makes a decoded answer's networks (Record.Prefix and
// Network.CIDR) hold addr in addr's family, whatever the provider (or an
// [Endpoint.Decode]) put there: an IPv4-mapped network of /96 or longer
// becomes the IPv4 network it maps, and any other network that does not
// contain addr is dropped rather than reported. It is called once on every
// decoded record, so no decoder can skip it.
func checkPrefix(rec source.Record, addr netip.Addr) source.Record {
	addr = addr.Unmap()
	rec.Prefix = prefixHolding(rec.Prefix, addr)
	if n := rec.Network; n != nil && n.CIDR.IsValid() {
		if p := prefixHolding(n.CIDR, addr); p != n.CIDR {
			c := *n // the decoder's value may be shared: change a copy
			c.CIDR = p
			rec.Network = &c
			if c == (source.Network{}) {
				rec.Network = nil
			}
		}
	}
	return rec
}

// checkPrefixes is checkPrefix for a batch answer, recs[i] answering
// addrs[i].
func checkPrefixes(recs []source.Record, addrs []netip.Addr) {
	for i := range min(len(recs), len(addrs)) {
		recs[i] = checkPrefix(recs[i], addrs[i])
	}
}

// prefixHolding returns p in addr's family when it contains addr, else
// the zero Prefix.
func prefixHolding(p netip.Prefix, addr netip.Addr) netip.Prefix {
	if !p.IsValid() {
		return netip.Prefix{}
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	p = p.Masked()
	if !p.Contains(addr) {
		return netip.Prefix{}
	}
	return p
}

// holds reports whether p, when known, contains addr.
func holds(p netip.Prefix, addr netip.Addr) bool {
	return !p.IsValid() || p.Contains(addr)
}
