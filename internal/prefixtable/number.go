package prefixtable

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// number is an address as a 128-bit unsigned integer: an IPv4 address in
// the low 32 bits, an IPv6 address whole. AppendRange does its arithmetic
// on it, so splitting a range costs a few instructions per prefix.
type number struct{ hi, lo uint64 }

func numberOf(a netip.Addr) number {
	if a.Is4() {
		v := a.As4()
		return number{lo: uint64(binary.BigEndian.Uint32(v[:]))}
	}
	v := a.As16()
	return number{binary.BigEndian.Uint64(v[:8]), binary.BigEndian.Uint64(v[8:])}
}

// addr is n as an address of bit length w (32 or 128).
func (n number) addr(w int) netip.Addr {
	if w == 32 {
		var v [4]byte
		binary.BigEndian.PutUint32(v[:], uint32(n.lo))
		return netip.AddrFrom4(v)
	}
	var v [16]byte
	binary.BigEndian.PutUint64(v[:8], n.hi)
	binary.BigEndian.PutUint64(v[8:], n.lo)
	return netip.AddrFrom16(v)
}

// trailingZeros is the number of zero bits at the low end (128 for 0).
func (n number) trailingZeros() int {
	if n.lo != 0 {
		return bits.TrailingZeros64(n.lo)
	}
	return 64 + bits.TrailingZeros64(n.hi)
}

// log2 is the index of the highest set bit; n must not be 0.
func (n number) log2() int {
	if n.hi != 0 {
		return 64 + bits.Len64(n.hi) - 1
	}
	return bits.Len64(n.lo) - 1
}

// sub returns n-m; n must not be less than m.
func (n number) sub(m number) number {
	lo, borrow := bits.Sub64(n.lo, m.lo, 0)
	hi, _ := bits.Sub64(n.hi, m.hi, borrow)
	return number{hi, lo}
}

// inc returns n+1 and false when that overflows 128 bits.
func (n number) inc() (number, bool) {
	lo, carry := bits.Add64(n.lo, 1, 0)
	hi, carry := bits.Add64(n.hi, 0, carry)
	return number{hi, lo}, carry == 0
}

// orLow returns n with its low k bits set (0 ≤ k ≤ 128).
func (n number) orLow(k int) number {
	switch {
	case k >= 128:
		return number{^uint64(0), ^uint64(0)}
	case k >= 64:
		return number{n.hi | (1<<(k-64) - 1), ^uint64(0)}
	}
	return number{n.hi, n.lo | (1<<k - 1)}
}
