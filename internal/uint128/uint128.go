// Package uint128 does the arithmetic on IP addresses that range
// splitting and merging need, on addresses as unsigned 128-bit integers:
// an IPv4 address in the low 32 bits, an IPv6 address whole. The family
// is the caller's to keep.
package uint128

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// Uint128 is an unsigned 128-bit integer.
type Uint128 struct{ Hi, Lo uint64 }

// Max is the largest Uint128.
var Max = Uint128{^uint64(0), ^uint64(0)}

// FromAddr returns a as a number: an IPv4 address (or an IPv4-mapped
// one, unmapped by the caller) in the low 32 bits.
func FromAddr(a netip.Addr) Uint128 {
	if a.Is4() {
		v := a.As4()
		return Uint128{Lo: uint64(binary.BigEndian.Uint32(v[:]))}
	}
	v := a.As16()
	return Uint128{binary.BigEndian.Uint64(v[:8]), binary.BigEndian.Uint64(v[8:])}
}

// Addr returns n as an address of bit length w: 32 (IPv4, from the low
// 32 bits) or 128.
func (n Uint128) Addr(w int) netip.Addr {
	if w == 32 {
		var v [4]byte
		binary.BigEndian.PutUint32(v[:], uint32(n.Lo))
		return netip.AddrFrom4(v)
	}
	var v [16]byte
	binary.BigEndian.PutUint64(v[:8], n.Hi)
	binary.BigEndian.PutUint64(v[8:], n.Lo)
	return netip.AddrFrom16(v)
}

// Less reports whether n < m.
func (n Uint128) Less(m Uint128) bool { return n.Hi < m.Hi || (n.Hi == m.Hi && n.Lo < m.Lo) }

// Cmp returns -1, 0 or +1 as n is less than, equal to or greater than m.
func (n Uint128) Cmp(m Uint128) int {
	switch {
	case n == m:
		return 0
	case n.Less(m):
		return -1
	}
	return 1
}

// Inc returns n+1, and false when that overflows 128 bits.
func (n Uint128) Inc() (Uint128, bool) {
	lo, carry := bits.Add64(n.Lo, 1, 0)
	hi, carry := bits.Add64(n.Hi, 0, carry)
	return Uint128{hi, lo}, carry == 0
}

// Dec returns n-1; n must not be zero.
func (n Uint128) Dec() Uint128 {
	lo, borrow := bits.Sub64(n.Lo, 1, 0)
	return Uint128{n.Hi - borrow, lo}
}

// Sub returns n-m; n must not be less than m.
func (n Uint128) Sub(m Uint128) Uint128 {
	lo, borrow := bits.Sub64(n.Lo, m.Lo, 0)
	hi, _ := bits.Sub64(n.Hi, m.Hi, borrow)
	return Uint128{hi, lo}
}

// TrailingZeros is the number of zero bits at the low end (128 for 0).
func (n Uint128) TrailingZeros() int {
	if n.Lo != 0 {
		return bits.TrailingZeros64(n.Lo)
	}
	return 64 + bits.TrailingZeros64(n.Hi)
}

// Log2 is the index of the highest set bit; n must not be 0.
func (n Uint128) Log2() int {
	if n.Hi != 0 {
		return 64 + bits.Len64(n.Hi) - 1
	}
	return bits.Len64(n.Lo) - 1
}

// OrLow returns n with its low k bits set (k ≤ 0: n; k ≥ 128: Max): the
// last address of the prefix that starts at n and has k host bits.
func (n Uint128) OrLow(k int) Uint128 {
	switch {
	case k <= 0:
		return n
	case k >= 128:
		return Max
	case k >= 64:
		return Uint128{n.Hi | (1<<(k-64) - 1), ^uint64(0)}
	}
	return Uint128{n.Hi, n.Lo | (1<<k - 1)}
}
