package export

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/uint128"
)

// TestFlattenMatchesLongestMatch checks flatten against the obvious
// reference, a linear scan for the longest listed prefix, on every address
// of small random universes of nested prefixes (IPv4 inside 10.0.0.0/20,
// IPv6 inside 2001:db8::/116, and the whole of each family).
func TestFlattenMatchesLongestMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 300 {
		fam, base := v4, netip.MustParsePrefix("10.0.0.0/20")
		if round%2 == 1 {
			fam, base = v6, netip.MustParsePrefix("2001:db8::/116")
		}
		width := base.Addr().BitLen()
		var ps []netip.Prefix
		var items []item
		seen := map[netip.Prefix]bool{}
		n := 1 + r.IntN(40)
		disjoint := round%8 >= 6 // long runs of disjoint prefixes: the sorted path
		for i := range n {
			bits := base.Bits() + r.IntN(width-base.Bits()+1)
			if disjoint {
				bits = width - 4 // all /28 or /124: never nested
			}
			if round%10 == 0 && i == 0 && !disjoint {
				bits = 0 // the whole family
			}
			p, _ := randomAddr(r, base).Prefix(bits)
			if seen[p] {
				continue
			}
			seen[p] = true
			v := uint32(r.IntN(4))
			if r.IntN(5) == 0 {
				v = miss
			}
			ps = append(ps, p)
			items = append(items, item{first: uint128.FromAddr(p.Addr()), bits: uint8(p.Bits()), v: v})
		}
		// Through a lister, in the order drawn (nested, so it flattens)
		// or sorted: address order, wider first (sorted ranges while the
		// prefixes are disjoint, then flattening).
		l := &lister{fam: fam, sorted: true}
		order := r.Perm(len(ps))
		if round%4 < 2 {
			slices.SortFunc(order, func(i, j int) int {
				if c := ps[i].Addr().Compare(ps[j].Addr()); c != 0 {
					return c
				}
				return ps[i].Bits() - ps[j].Bits()
			})
		}
		for _, i := range order {
			l.add(ps[i], items[i].v)
		}
		rs := l.ranges()
		for i := 1; i < len(rs); i++ {
			if !rs[i-1].hi.Less(rs[i].lo) {
				t.Fatalf("ranges overlap or are out of order: %+v %+v", rs[i-1], rs[i])
			}
			if n, _ := fam.inc(rs[i-1].hi); n == rs[i].lo && rs[i-1].v == rs[i].v {
				t.Fatalf("adjacent ranges of one value not joined: %+v %+v", rs[i-1], rs[i])
			}
		}
		for a := base.Addr(); base.Contains(a); a = a.Next() {
			want, best := miss, -1
			for i, p := range ps {
				if p.Contains(a) && p.Bits() > best {
					want, best = items[i].v, p.Bits()
				}
			}
			got := miss
			x := uint128.FromAddr(a)
			for _, iv := range rs {
				if !x.Less(iv.lo) && !iv.hi.Less(x) {
					got = iv.v
				}
			}
			if got != want {
				t.Fatalf("round %d, %v: flatten gives %d, longest match %d (prefixes %v)", round, a, got, want, ps)
			}
		}
	}
}

func randomAddr(r *rand.Rand, p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		if r.IntN(2) == 1 {
			b[i/8] |= 1 << (7 - i%8)
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// TestReservedMatchesClient checks the list of left-out networks against
// what Client.Lookup refuses: every listed network's first, last and a
// random address are refused, the addresses just outside each are refused
// only when another listed network holds them, and so is a large random
// sample of both families.
func TestReservedMatchesClient(t *testing.T) {
	c, err := ipintel.New()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	refused := func(a netip.Addr) bool {
		_, err := c.LookupAddr(context.Background(), a)
		return errors.Is(err, ipintel.ErrReservedIP)
	}
	listed := func(a netip.Addr) bool {
		for _, p := range reserved {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	r := rand.New(rand.NewPCG(5, 6))
	var check []netip.Addr
	for _, p := range reserved {
		fam := familyOf(p.Addr())
		last := fam.addr(fam.lastOf(uint128.FromAddr(p.Addr()), p.Bits()))
		check = append(check, p.Addr(), last, randomAddr(r, p), p.Addr().Prev(), last.Next())
	}
	for i := range 200_000 {
		var b [16]byte
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		if i%2 == 0 {
			check = append(check, netip.AddrFrom4([4]byte(b[:4])))
		} else {
			b[0] = 0x20 | b[0]&0x1f // mostly inside 2000::/3, where the exceptions are
			if i%10 == 1 {
				b[0], b[1], b[2] = 0x20, 0x01, b[2]&0x01
			}
			check = append(check, netip.AddrFrom16(b))
		}
	}
	for _, a := range check {
		if !a.IsValid() {
			continue
		}
		if refused(a) != listed(a) {
			t.Errorf("%v: Client refuses it: %v; listed as reserved: %v", a, refused(a), listed(a))
		}
	}
}
