package cidr_test

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"testing"

	"github.com/yl2chen/cidranger"

	"github.com/ipintel/ipintel/cidr"
)

// synthetic returns n random prefixes: IPv4 /16–/32 and, when v6, one in
// four IPv6 /32–/64, the shape of real feed data.
func synthetic(n int, v6 bool) []netip.Prefix {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	ps := make([]netip.Prefix, n)
	for i := range ps {
		if v6 && i%4 == 0 {
			var b [16]byte
			b[0], b[1] = 0x2a, byte(r.IntN(16))
			for j := 2; j < 8; j++ {
				b[j] = byte(r.Uint32())
			}
			ps[i] = netip.PrefixFrom(netip.AddrFrom16(b), 32+r.IntN(33)).Masked()
			continue
		}
		u := r.Uint32()
		a := netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
		ps[i] = netip.PrefixFrom(a, 16+r.IntN(17)).Masked()
	}
	return ps
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkBuild1M builds a table of one million synthetic prefixes (ten
// feeds' worth of values) and reports heap bytes per prefix.
func BenchmarkBuild1M(b *testing.B) {
	ps := synthetic(1_000_000, true)
	var perPfx float64
	for b.Loop() {
		b.StopTimer()
		before := heapInUse()
		b.StartTimer()
		var bld cidr.Builder[uint32]
		for i, p := range ps {
			bld.Add(p, uint32(i%10))
		}
		tab, err := bld.Table()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		bld = cidr.Builder[uint32]{}
		perPfx = float64(heapInUse()-before) / float64(tab.Len())
		runtime.KeepAlive(tab)
		b.StartTimer()
	}
	b.ReportMetric(perPfx, "heapB/prefix")
}

type lookupCase struct {
	name  string
	addrs []netip.Addr
}

// lookupCases returns hit and miss addresses for ps, IPv4 and IPv6.
func lookupCases(tab *cidr.Table[uint32], ps []netip.Prefix) []lookupCase {
	r := rand.New(rand.NewPCG(9, 9))
	cases := map[string][]netip.Addr{}
	for len(cases["hit/v4"]) < 1024 || len(cases["hit/v6"]) < 1024 || len(cases["miss/v4"]) < 1024 || len(cases["miss/v6"]) < 1024 {
		var a netip.Addr
		if r.IntN(2) == 0 {
			p := ps[r.IntN(len(ps))]
			a = p.Addr()
		} else if r.IntN(2) == 0 {
			u := r.Uint32()
			a = netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)})
		} else {
			var b16 [16]byte
			b16[0] = 0x2a
			for j := 1; j < 16; j++ {
				b16[j] = byte(r.Uint32())
			}
			a = netip.AddrFrom16(b16)
		}
		fam := "v6"
		if a.Is4() {
			fam = "v4"
		}
		kind := "miss"
		if tab.Contains(a) {
			kind = "hit"
		}
		if k := kind + "/" + fam; len(cases[k]) < 1024 {
			cases[k] = append(cases[k], a)
		}
	}
	var out []lookupCase
	for _, k := range []string{"hit/v4", "hit/v6", "miss/v4", "miss/v6"} {
		out = append(out, lookupCase{k, cases[k]})
	}
	return out
}

// BenchmarkLookup compares Table.Lookup (every covering value) with
// cidranger's ContainingNetworks (every covering network) on the same
// prefixes and addresses, in the same run.
func BenchmarkLookup(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		ps := synthetic(n, true)
		var bld cidr.Builder[uint32]
		rg := cidranger.NewPCTrieRanger()
		for i, p := range ps {
			bld.Add(p, uint32(i%10))
			_, ipn, _ := net.ParseCIDR(p.String())
			_ = rg.Insert(cidranger.NewBasicRangerEntry(*ipn))
		}
		tab, err := bld.Table()
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range lookupCases(tab, ps) {
			ips := make([]net.IP, len(c.addrs))
			for i, a := range c.addrs {
				ips[i] = net.IP(a.AsSlice())
			}
			b.Run(sizeName(n)+"/"+c.name+"/cidr", func(b *testing.B) {
				i := 0
				for b.Loop() {
					tab.Lookup(c.addrs[i&1023])
					i++
				}
			})
			b.Run(sizeName(n)+"/"+c.name+"/cidranger", func(b *testing.B) {
				i := 0
				for b.Loop() {
					_, _ = rg.ContainingNetworks(ips[i&1023])
					i++
				}
			})
		}
	}
}

func sizeName(n int) string {
	switch {
	case n >= 1_000_000:
		return "1M"
	case n >= 1000:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// BenchmarkAppendRange splits 1024 random IPv4 and IPv6 ranges into
// prefixes.
func BenchmarkAppendRange(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	type rng struct{ from, to netip.Addr }
	var rs []rng
	for range 512 {
		x, y := r.Uint32(), r.Uint32()
		a, z := netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}), netip.AddrFrom4([4]byte{byte(y >> 24), byte(y >> 16), byte(y >> 8), byte(y)})
		if z.Less(a) {
			a, z = z, a
		}
		rs = append(rs, rng{a, z})
		var p, q [16]byte
		for i := range p {
			p[i], q[i] = byte(r.Uint32()), byte(r.Uint32())
		}
		p[0], q[0] = 0x20, 0x20
		a6, z6 := netip.AddrFrom16(p), netip.AddrFrom16(q)
		if z6.Less(a6) {
			a6, z6 = z6, a6
		}
		rs = append(rs, rng{a6, z6})
	}
	var dst []netip.Prefix
	b.ReportAllocs()
	for b.Loop() {
		for _, x := range rs {
			dst, _ = cidr.AppendRange(dst[:0], x.from, x.to)
		}
	}
}
