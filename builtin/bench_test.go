package builtin

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/phuslu/iploc"
)

// benchAddrs returns n addresses spread over the public space, the same
// every run. IPv4 skips 0/8, 10/8, 127/8 and 224/3 so most are routed.
func benchAddrs(n int, v6 bool) []netip.Addr {
	rng := rand.New(rand.NewPCG(7, 8))
	out := make([]netip.Addr, 0, n)
	for len(out) < n {
		if v6 {
			var b [16]byte
			hi := 0x2000_0000_0000_0000 | rng.Uint64()>>4&0x0fff_ffff_ffff_ffff
			for i := range 8 {
				b[i] = byte(hi >> (56 - 8*i))
			}
			b[15] = 1
			out = append(out, netip.AddrFrom16(b))
			continue
		}
		v := rng.Uint32()
		if first := v >> 24; first == 0 || first == 10 || first == 127 || first >= 224 {
			continue
		}
		out = append(out, netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}))
	}
	return out
}

// BenchmarkLookup compares one builtin Lookup (country, AS, organisation,
// class) with phuslu/iploc's country-only lookup on the same addresses.
func BenchmarkLookup(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	for _, fam := range []struct {
		name string
		v6   bool
	}{{"v4", false}, {"v6", true}} {
		addrs := benchAddrs(4096, fam.v6)
		b.Run(fam.name+"/builtin", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.Lookup(ctx, addrs[i&4095])
				i++
			}
		})
		b.Run(fam.name+"/iploc", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				iploc.IPCountry(addrs[i&4095])
				i++
			}
		})
	}
}

// BenchmarkOpen measures a cold Open: decoding the embedded data into
// tables, as the first Open in a process does (later ones share them). It
// reports the live heap the tables hold.
//
// On a machine shared with other work, wall time (ns/op) swings with the
// load; cpu-ms/op (user + system time of the process, including the GC and
// the parallel section decoders) is the steadier figure of work done.
func BenchmarkOpen(b *testing.B) {
	cpu0, cpuOK := cpuTime()
	for b.Loop() {
		if _, err := decodeTables(embeddedSnapshot); err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, ok := cpuTime(); ok && cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep, _ := decodeTables(embeddedSnapshot)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
	runtime.KeepAlive(keep)
}

// BenchmarkClientLookupInto is the whole Client path (parse, validate,
// merge, score) with builtin as the only source and no result cache.
func BenchmarkClientLookupInto(b *testing.B) {
	c, err := ipintel.New(ipintel.WithSources(open(b)))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	// Keep the addresses the Client accepts (it refuses reserved ones).
	ctx := context.Background()
	var r ipintel.Result
	var ips []string
	for _, a := range benchAddrs(8192, false) {
		if c.LookupInto(ctx, a.String(), &r) == nil && len(ips) < 4096 {
			ips = append(ips, a.String())
		}
	}
	if len(ips) < 4096 {
		b.Fatalf("only %d usable addresses", len(ips))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := c.LookupInto(ctx, ips[i&4095], &r); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
