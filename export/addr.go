package export

import (
	"net/netip"

	"github.com/ipintel/ipintel/cidr"
	"github.com/ipintel/ipintel/internal/uint128"
)

// u128 is an address as a number: an IPv4 address in the low 32 bits, an
// IPv6 address whole. The family is kept apart (one table per family).
type u128 = uint128.Uint128

// family is one address family's bounds.
type family struct {
	is6 bool
	max u128
}

var (
	v4 = family{max: u128{Lo: 1<<32 - 1}}
	v6 = family{is6: true, max: uint128.Max}
)

func familyOf(a netip.Addr) family {
	if a.Is4() {
		return v4
	}
	return v6
}

// inc returns a+1 within the family, false past its last address.
func (f family) inc(a u128) (u128, bool) {
	if a == f.max {
		return a, false
	}
	n, _ := a.Inc()
	return n, true
}

func (f family) addr(a u128) netip.Addr { return a.Addr(f.width()) }

// lastOf returns the last address of the masked prefix whose first address
// is first and whose length is bits.
func (f family) lastOf(first u128, bits int) u128 { return first.OrLow(f.width() - bits) }

// width is the family's address length in bits.
func (f family) width() int {
	if f.is6 {
		return 128
	}
	return 32
}

// appendPrefixes appends the fewest prefixes that cover r exactly, in
// order.
func appendPrefixes(dst []netip.Prefix, fam family, r ival) []netip.Prefix {
	dst, _ = cidr.AppendRange(dst, fam.addr(r.lo), fam.addr(r.hi)) // lo ≤ hi, one family: no error
	return dst
}
