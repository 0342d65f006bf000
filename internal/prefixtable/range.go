package prefixtable

import (
	"fmt"
	"net/netip"

	"github.com/ipintel/ipintel/internal/uint128"
	"github.com/ipintel/ipintel/source"
)

// ErrInvalidPrefix and ErrInvalidRange wrap [source.ErrInvalidInput]:
// text or a value that is not an IP address or CIDR prefix, or a range
// whose ends are not addresses of the same family in ascending order.
// Their texts name package cidr, whose parse helpers and Builder return
// them to users.
var (
	ErrInvalidPrefix = fmt.Errorf("cidr: %w: not an address or prefix", source.ErrInvalidInput)
	ErrInvalidRange  = fmt.Errorf("cidr: %w: not an address range", source.ErrInvalidInput)
)

// Normalize unmaps an IPv4-mapped IPv6 prefix of length /96 or longer and
// rejects invalid or zoned prefixes. It does not mask.
func Normalize(p netip.Prefix) (netip.Prefix, bool) {
	if !p.IsValid() || p.Addr().Zone() != "" {
		return netip.Prefix{}, false
	}
	if a := p.Addr(); a.Is4In6() {
		if p.Bits() < 96 {
			return p, true
		}
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96), true
	}
	return p, true
}

// AppendRange appends the fewest prefixes that exactly cover the inclusive
// range from–to to dst. It appends nothing and returns [ErrInvalidRange]
// when the ends are invalid, of different families, or out of order.
func AppendRange(dst []netip.Prefix, from, to netip.Addr) ([]netip.Prefix, error) {
	if !from.IsValid() || !to.IsValid() || from.Zone() != "" || to.Zone() != "" {
		return dst, ErrInvalidRange
	}
	from, to = from.Unmap(), to.Unmap()
	if from.BitLen() != to.BitLen() || to.Less(from) {
		return dst, ErrInvalidRange
	}
	w := from.BitLen()
	lo, hi := uint128.FromAddr(from), uint128.FromAddr(to)
	for {
		// The largest aligned block at lo that ends by hi: 2^k addresses,
		// k bounded by lo's alignment and by the count hi-lo+1 (which
		// overflows only for the whole IPv6 space, bounded by w anyway).
		k := min(lo.TrailingZeros(), w)
		if count, ok := hi.Sub(lo).Inc(); ok {
			k = min(k, count.Log2())
		}
		dst = append(dst, netip.PrefixFrom(lo.Addr(w), w-k))
		last := lo.OrLow(k)
		if last == hi {
			return dst, nil
		}
		lo, _ = last.Inc()
	}
}
