// Package cidr is an immutable IPv4 and IPv6 prefix table that answers, for
// one address, every value of every prefix covering it — not only the most
// specific one — plus helpers to parse addresses, CIDR prefixes and ranges.
//
// An address inside a VPN provider's /24 that sits inside a cloud /16 is both
// VPN and hosting; [Table.Lookup] returns both values, most specific first.
//
// # Usage
//
// Collect prefixes in a [Builder], then freeze it:
//
//	var b cidr.Builder[string]
//	b.Add(netip.MustParsePrefix("203.0.113.0/24"), "hosting")
//	b.Add(netip.MustParsePrefix("203.0.113.64/26"), "vpn")
//	tab, err := b.Table() // err joins any invalid inputs; tab holds the rest
//	pfx, vals, ok := tab.Lookup(addr) // 203.0.113.64/26 [vpn hosting] true
//
// [ParsePrefix] reads a bare address or a CIDR prefix (host bits are cleared
// and reported), [ParseRange] reads "a-b" or "a - b", [AppendRange] splits a
// range into the fewest prefixes, and [Parse] accepts any of the three.
//
// Values are compared with ==. At freeze time every distinct prefix gets the
// list of its own values followed by those of its covering prefixes, and
// identical lists are stored once, so a lookup is one longest-prefix match
// (github.com/gaissmai/bart) returning a ready-made slice.
//
// # Thread Safety
//
// A [Table] is immutable and safe for concurrent use; the slices it returns
// are shared and must not be modified. A [Builder] is not safe for
// concurrent use. To replace a table while it is being read, build the new
// one off to the side and publish it with an atomic.Pointer.
//
// # Performance
//
// [Table.Lookup] allocates nothing: one
// longest-prefix match in bart's multibit trie, which visits at most one
// node per byte of the address (4 for IPv4, 16 for IPv6), and returns an
// answer precomputed at freeze time. The work of a lookup is bounded by the
// address length, not by the number of prefixes; a larger table costs more
// only through CPU cache misses. A frozen table with a few distinct values
// holds about 60 bytes of heap per prefix, everything included.
//
// Measured figures, beside cidranger in the same run, are in the
// repository's BENCHMARKS.md.
package cidr
