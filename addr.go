package ipintel

import (
	"net/netip"
	"strings"
)

// maxAddrLen is longer than any textual IP address the Client accepts
// ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" is 45 bytes); longer
// input is rejected before parsing.
const maxAddrLen = 64

// parseAddr parses one textual address the way Lookup documents: ASCII
// spaces, tabs and line ends around it are trimmed, IPv4-mapped IPv6 is
// unmapped, and zones are rejected.
func parseAddr(s string) (netip.Addr, error) {
	t := strings.Trim(s, " \t\r\n")
	if t == "" {
		return netip.Addr{}, newAddrError(s, "empty input", ErrInvalidIP)
	}
	if len(t) > maxAddrLen {
		return netip.Addr{}, newAddrError(s, "too long to be an IP address", ErrInvalidIP)
	}
	addr, err := netip.ParseAddr(t)
	if err != nil {
		return netip.Addr{}, newAddrError(s, "not an IPv4 or IPv6 address", ErrInvalidIP)
	}
	if addr.Zone() != "" {
		return netip.Addr{}, newAddrError(s, "zones are not allowed", ErrInvalidIP)
	}
	return addr.Unmap(), nil
}

// checkAddr validates an address given as netip.Addr: it must be valid and
// zone-free; it is returned unmapped.
func checkAddr(addr netip.Addr) (netip.Addr, error) {
	if !addr.IsValid() {
		return addr, newAddrError("", "the zero netip.Addr", ErrInvalidIP)
	}
	if addr.Zone() != "" {
		return addr, newAddrError(addr.String(), "zones are not allowed", ErrInvalidIP)
	}
	return addr.Unmap(), nil
}

// reservedReason returns why addr (unmapped) is not a globally routable
// unicast address, or "" when it is. It follows the IANA IPv4 and IPv6
// Special-Purpose Address Registries; for IPv6 everything outside 2000::/3,
// the only block IANA allocates for global unicast, is reserved.
func reservedReason(addr netip.Addr) string {
	if addr.Is4() {
		return reserved4(addr.As4())
	}
	return reserved6(addr.As16())
}

func reserved4(a [4]byte) string {
	switch a[0] {
	case 0:
		return "this network (0.0.0.0/8)"
	case 10:
		return "private-use (RFC 1918)"
	case 100:
		if a[1]&0xc0 == 64 {
			return "shared address space, CGNAT (100.64.0.0/10)"
		}
	case 127:
		return "loopback"
	case 169:
		if a[1] == 254 {
			return "link-local"
		}
	case 172:
		if a[1]&0xf0 == 16 {
			return "private-use (RFC 1918)"
		}
	case 192:
		switch {
		case a[1] == 168:
			return "private-use (RFC 1918)"
		case a[1] == 0 && a[2] == 0:
			return "IETF protocol assignments (192.0.0.0/24)"
		case a[1] == 0 && a[2] == 2:
			return "documentation (TEST-NET-1)"
		case a[1] == 31 && a[2] == 196, a[1] == 175 && a[2] == 48:
			return "AS112 DNS service"
		case a[1] == 52 && a[2] == 193:
			return "AMT (192.52.193.0/24)"
		case a[1] == 88 && a[2] == 99:
			return "deprecated 6to4 relay anycast"
		}
	case 198:
		switch {
		case a[1]&0xfe == 18:
			return "benchmarking (198.18.0.0/15)"
		case a[1] == 51 && a[2] == 100:
			return "documentation (TEST-NET-2)"
		}
	case 203:
		if a[1] == 0 && a[2] == 113 {
			return "documentation (TEST-NET-3)"
		}
	}
	switch {
	case a[0] >= 240:
		return "reserved (240.0.0.0/4, broadcast)"
	case a[0] >= 224:
		return "multicast"
	}
	return ""
}

func reserved6(a [16]byte) string {
	switch {
	case a == [16]byte{}:
		return "unspecified"
	case a == [16]byte{15: 1}:
		return "loopback"
	case a[0] == 0xff:
		return "multicast"
	case a[0] == 0xfe && a[1]&0xc0 == 0x80:
		return "link-local"
	case a[0] == 0xfe && a[1]&0xc0 == 0xc0:
		return "deprecated site-local"
	case a[0]&0xfe == 0xfc:
		return "unique local (fc00::/7)"
	case a[0]&0xe0 != 0x20:
		return "not global unicast (outside 2000::/3)"
	}
	// Inside 2000::/3.
	switch {
	case a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8:
		return "documentation (2001:db8::/32)"
	case a[0] == 0x3f && a[1] == 0xff && a[2]&0xf0 == 0:
		return "documentation (3fff::/20)"
	case a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0:
		return "Teredo (2001::/32)"
	case a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0x02 && a[4] == 0 && a[5] == 0:
		return "benchmarking (2001:2::/48)"
	case a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3]&0xf0 == 0x10:
		return "deprecated ORCHID (2001:10::/28)"
	case a[0] == 0x20 && a[1] == 0x02:
		return "6to4 (2002::/16)"
	}
	return ""
}
