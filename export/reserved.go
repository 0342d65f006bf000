package export

import "net/netip"

// reserved are the networks [ipintel.Client.Lookup] refuses as
// special-purpose (ErrReservedIP): the IANA IPv4 and IPv6 special-purpose
// registries as the Client reads them, and for IPv6 everything outside
// 2000::/3. The export leaves them out, as GeoIP2 databases do, which also
// keeps them clear of the MMDB's IPv4 subtree (::/96) and its aliases
// (::ffff:0:0/96, 2001::/32, 2002::/16). TestReservedMatchesClient checks
// the list against the Client.
var reserved = mustPrefixes(
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24",
	"192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15",
	"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",

	"::/3", "4000::/2", "8000::/1",
	"2001::/32", "2001:2::/48", "2001:10::/28", "2001:db8::/32", "2002::/16", "3fff::/20",
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}
