package cidr

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/ipintel/ipintel/internal/prefixtable"
)

// Errors returned by the parse helpers and collected by [Builder] wrap
// source.ErrInvalidInput: text or a value that is not an IP address or
// CIDR prefix, or a range whose ends are not addresses of the same family in
// ascending order.
var (
	errInvalidPrefix = prefixtable.ErrInvalidPrefix
	errInvalidRange  = prefixtable.ErrInvalidRange
)

// ParsePrefix parses a bare address ("192.0.2.1", "2001:db8::1") as a
// single-address prefix (/32 or /128) or a CIDR prefix ("192.0.2.0/24").
//
// A prefix with host bits set ("192.0.2.1/24") is masked to its network
// ("192.0.2.0/24") and masked reports true, so a caller can count such lines.
// An IPv4-mapped IPv6 prefix of length /96 or longer becomes the IPv4 prefix
// it maps. Zoned addresses are rejected.
func ParsePrefix(s string) (p netip.Prefix, masked bool, err error) {
	if strings.IndexByte(s, '/') < 0 {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, false, errorf(errInvalidPrefix, s)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), false, nil
	}
	p, err = netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false, errorf(errInvalidPrefix, s)
	}
	p, ok := prefixtable.Normalize(p)
	if !ok {
		return netip.Prefix{}, false, errorf(errInvalidPrefix, s)
	}
	return p.Masked(), p.Masked() != p, nil
}

// ParseRange parses an inclusive address range written "from-to" or
// "from - to" (any blanks around the dash). Both ends must be of the same
// family and from must not be after to.
func ParseRange(s string) (from, to netip.Addr, err error) {
	i := rangeDash(s)
	if i < 0 {
		return netip.Addr{}, netip.Addr{}, errorf(errInvalidRange, s)
	}
	from, err1 := netip.ParseAddr(strings.TrimSpace(s[:i]))
	to, err2 := netip.ParseAddr(strings.TrimSpace(s[i+1:]))
	if err1 != nil || err2 != nil || from.Zone() != "" || to.Zone() != "" {
		return netip.Addr{}, netip.Addr{}, errorf(errInvalidRange, s)
	}
	from, to = from.Unmap(), to.Unmap()
	if from.BitLen() != to.BitLen() || to.Less(from) {
		return netip.Addr{}, netip.Addr{}, errorf(errInvalidRange, s)
	}
	return from, to, nil
}

// rangeDash finds the dash separating a range's ends, or -1. IPv6 addresses
// never contain a dash, so the first one is the separator.
func rangeDash(s string) int { return strings.IndexByte(s, '-') }

// AppendRange appends the fewest prefixes that exactly cover the inclusive
// range from–to to dst. It appends nothing and returns an error wrapping
// source.ErrInvalidInput when the ends are invalid, of different families,
// or out of order.
func AppendRange(dst []netip.Prefix, from, to netip.Addr) ([]netip.Prefix, error) {
	return prefixtable.AppendRange(dst, from, to)
}

// Parse parses one entry in any of the forms a feed uses — a bare address, a
// CIDR prefix or a range — and appends its prefixes to dst. masked reports a
// CIDR whose host bits were set and have been cleared (see [ParsePrefix]).
func Parse(dst []netip.Prefix, s string) (out []netip.Prefix, masked bool, err error) {
	if rangeDash(s) >= 0 {
		from, to, err := ParseRange(s)
		if err != nil {
			return dst, false, err
		}
		out, err = AppendRange(dst, from, to)
		return out, false, err
	}
	p, masked, err := ParsePrefix(s)
	if err != nil {
		return dst, false, err
	}
	return append(dst, p), masked, nil
}

// errorf wraps sentinel with the offending input, quoted and cut to 64
// bytes so an error never echoes a whole hostile line.
func errorf(sentinel error, s string) error {
	const max = 64
	q := s
	if len(q) > max {
		q = q[:max]
		return &inputError{sentinel, strconv.Quote(q) + "…"}
	}
	return &inputError{sentinel, strconv.Quote(q)}
}

type inputError struct {
	err   error
	input string
}

func (e *inputError) Error() string { return e.err.Error() + ": " + e.input }
func (e *inputError) Unwrap() error { return e.err }
