package export

import (
	"encoding/binary"
	"net/netip"

	"github.com/ipintel/ipintel/cidr"
)

// u128 is an address as a number: an IPv4 address in the low 32 bits, an
// IPv6 address whole. The family is kept apart (one table per family).
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func (a u128) cmp(b u128) int {
	switch {
	case a == b:
		return 0
	case a.less(b):
		return -1
	}
	return 1
}

// next returns a+1 and false when a+1 overflows 128 bits.
func (a u128) next() (u128, bool) {
	a.lo++
	if a.lo == 0 {
		a.hi++
		return a, a.hi != 0
	}
	return a, true
}

// prev returns a-1; a must not be zero.
func (a u128) prev() u128 {
	if a.lo == 0 {
		a.hi--
	}
	a.lo--
	return a
}

// family is one address family's bounds.
type family struct {
	is6 bool
	max u128
}

var (
	v4 = family{max: u128{lo: 1<<32 - 1}}
	v6 = family{is6: true, max: u128{^uint64(0), ^uint64(0)}}
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
	n, _ := a.next()
	return n, true
}

func toU128(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{lo: uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (f family) addr(a u128) netip.Addr {
	if !f.is6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(a.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], a.hi)
	binary.BigEndian.PutUint64(b[8:], a.lo)
	return netip.AddrFrom16(b)
}

// lastOf returns the last address of the masked prefix whose first address
// is first and whose length is bits.
func (f family) lastOf(first u128, bits int) u128 {
	host := 128 - bits
	if !f.is6 {
		host = 32 - bits
	}
	switch {
	case host <= 0:
		return first
	case host >= 128:
		return u128{^uint64(0), ^uint64(0)}
	case host >= 64:
		return u128{first.hi | (1<<(host-64) - 1), ^uint64(0)}
	}
	return u128{first.hi, first.lo | (1<<host - 1)}
}

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
