package cli

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParsePrefixes parses a comma-separated list of CIDRs or bare addresses,
// such as the value of -trusted-proxies.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("-trusted-proxies: %w", err)
			}
			if a.Zone() != "" {
				// A zoned address has no prefix form (PrefixFrom
				// refuses it), and the resolver drops a peer's
				// zone before comparing: write it without one.
				return nil, fmt.Errorf("-trusted-proxies: %q: an address with a zone cannot be a trusted proxy; leave out %%%s", f, a.Zone())
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
