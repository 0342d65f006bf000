package builtin

import (
	"encoding/binary"
	"math/bits"
	"net/netip"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/source"
)

// tables is the decoded, immutable data one lookup reads: a step function
// per family, and for each step's value the shared Geo, Network and signals
// to answer with. It is built once and never changed; a refresh builds a
// new one and swaps the pointer.
type tables struct {
	// first4[i] is the index of the last IPv4 step starting at or before
	// address i<<16, so a lookup searches only the steps of one /16.
	first4  []uint32
	starts4 []uint32
	vals4   []uint32
	// first6 is first4 for the top 16 bits of IPv6 addresses.
	first6  []uint32
	starts6 []snapshot.U128
	vals6   []uint32
	answers []answer // by combo index; answers[0] is the miss
	stats   stats
}

// answer is the shared, immutable part of a Record for one combo.
type answer struct {
	geo     *source.Geo
	network *source.Network
	signals []source.Signal
}

// stats are counts for Datasets.
type stats struct {
	countries, networks, classified, byName int
	steps4, steps6                          int
}

// newTables builds the lookup tables from a decoded snapshot.
func newTables(s *snapshot.Snapshot) *tables {
	t := &tables{starts4: s.Starts4, vals4: s.Vals4, starts6: s.Starts6, vals6: s.Vals6}
	t.stats.countries, t.stats.networks = len(s.Countries)-1, len(s.Networks)-1
	t.stats.steps4, t.stats.steps6 = len(s.Starts4), len(s.Starts6)

	geos := make([]source.Geo, len(s.Countries))
	for i, cc := range s.Countries[1:] {
		g := &geos[i+1]
		g.CountryCode = cc
		if c, ok := countryByCode(cc); ok {
			g.CountryName, g.Continent, g.InEU = c.name, c.continent, c.inEU
		}
	}
	nets := make([]source.Network, len(s.Networks))
	sigs := make([][]source.Signal, len(s.Networks))
	for i, n := range s.Networks[1:] {
		nw := &nets[i+1]
		nw.ASN, nw.Organization = source.ASN(n.ASN), n.Org
		c := classify(n.ASN, n.Org)
		sigs[i+1], nw.UsageType, nw.ConnectionType = signalsFor(c)
		if c.class != classUnknown {
			t.stats.classified++
			if c.byName {
				t.stats.byName++
			}
		}
	}
	t.answers = make([]answer, len(s.Combos))
	for i, c := range s.Combos[1:] {
		a := &t.answers[i+1]
		if c.Country != 0 {
			a.geo = &geos[c.Country]
		}
		if c.Network != 0 {
			a.network, a.signals = &nets[c.Network], sigs[c.Network]
		}
	}

	t.first4 = firstIndex(len(s.Starts4), func(j int, i uint32) bool { return s.Starts4[j] <= i<<16 })
	t.first6 = firstIndex(len(s.Starts6), func(j int, i uint32) bool {
		return !(snapshot.U128{Hi: uint64(i) << 48}).Less(s.Starts6[j])
	})
	return t
}

// firstIndex returns, for each value i of an address's top 16 bits, the
// index of the last of n steps starting at or before the first address
// with those bits (and n-1 at index 1<<16). startsBy(j, i) reports whether
// step j starts at or before that address.
func firstIndex(n int, startsBy func(j int, i uint32) bool) []uint32 {
	idx := make([]uint32, 1<<16+1)
	j := 0
	for i := range uint32(1 << 16) {
		for j+1 < n && startsBy(j+1, i) {
			j++
		}
		idx[i] = uint32(j)
	}
	idx[1<<16] = uint32(n - 1)
	return idx
}

// lookup answers for addr (valid and unmapped).
func (t *tables) lookup(addr netip.Addr) source.Record {
	if addr.Is4() {
		b := addr.As4()
		ip := binary.BigEndian.Uint32(b[:])
		i := t.step4(ip)
		a := &t.answers[t.vals4[i]]
		if a.geo == nil && a.network == nil {
			return source.Record{}
		}
		last := uint32(1<<32 - 1)
		if i+1 < len(t.starts4) {
			last = t.starts4[i+1] - 1
		}
		return source.Record{Prefix: prefix4(ip, t.starts4[i], last), Geo: a.geo, Network: a.network, Signals: a.signals}
	}
	ip := snapshot.FromAddr(addr)
	i := t.step6(ip)
	a := &t.answers[t.vals6[i]]
	if a.geo == nil && a.network == nil {
		return source.Record{}
	}
	last := snapshot.U128{Hi: ^uint64(0), Lo: ^uint64(0)}
	if i+1 < len(t.starts6) {
		last = t.starts6[i+1].Prev()
	}
	return source.Record{Prefix: prefix6(ip, t.starts6[i], last), Geo: a.geo, Network: a.network, Signals: a.signals}
}

// step4 returns the index of the last step starting at or before ip.
func (t *tables) step4(ip uint32) int {
	hi16 := ip >> 16
	lo, hi := int(t.first4[hi16]), int(t.first4[hi16+1])
	// Invariant: starts4[lo] <= ip; the answer is in [lo, hi].
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if t.starts4[mid] <= ip {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// step6 returns the index of the last step starting at or before ip.
func (t *tables) step6(ip snapshot.U128) int {
	top := ip.Hi >> 48
	lo, hi := int(t.first6[top]), int(t.first6[top+1])
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if !ip.Less(t.starts6[mid]) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// prefix4 returns the widest prefix holding ip that lies within
// first..last: the network the answer is known to hold for.
func prefix4(ip, first, last uint32) netip.Prefix {
	// Host bits h are allowed when clearing them stays >= first and
	// setting them stays <= last.
	h := min(hostBits32(ip^first, bits.TrailingZeros32(first)), hostBits32(ip^last, bits.TrailingZeros32(^last)))
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], ip)
	p, _ := netip.AddrFrom4(b).Prefix(32 - h)
	return p
}

// hostBits32 is the most host bits a prefix around ip may have on one side:
// below the highest bit where ip and the bound differ, or as many as the
// bound has trailing zeros (ones, for the upper bound) when that is more.
func hostBits32(diff uint32, trailing int) int {
	return min(max(bits.Len32(diff)-1, trailing), 32)
}

// prefix6 is prefix4 for IPv6.
func prefix6(ip, first, last snapshot.U128) netip.Prefix {
	h := min(hostBits128(xor(ip, first), tz128(first)), hostBits128(xor(ip, last), tz128(not(last))))
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], ip.Hi)
	binary.BigEndian.PutUint64(b[8:], ip.Lo)
	p, _ := netip.AddrFrom16(b).Prefix(128 - h)
	return p
}

func hostBits128(diff snapshot.U128, trailing int) int {
	n := bits.Len64(diff.Lo)
	if diff.Hi != 0 {
		n = 64 + bits.Len64(diff.Hi)
	}
	return min(max(n-1, trailing), 128)
}

func xor(a, b snapshot.U128) snapshot.U128 { return snapshot.U128{Hi: a.Hi ^ b.Hi, Lo: a.Lo ^ b.Lo} }
func not(a snapshot.U128) snapshot.U128    { return snapshot.U128{Hi: ^a.Hi, Lo: ^a.Lo} }
func tz128(a snapshot.U128) int {
	if a.Lo != 0 {
		return bits.TrailingZeros64(a.Lo)
	}
	return 64 + bits.TrailingZeros64(a.Hi)
}
