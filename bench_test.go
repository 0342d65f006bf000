package ipintel

import (
	"context"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

// constSource answers every address of one family with the same record, at
// almost no cost, so benchmarks measure the Client, not the source.
type constSource struct {
	name string
	rec  source.Record
	v6   bool // answer IPv6 (else IPv4)
}

func (s *constSource) Name() string { return s.name }
func (s *constSource) Lookup(_ context.Context, a netip.Addr) (source.Record, error) {
	if a.Is6() == s.v6 && a.As16()[15]&1 == 1 { // odd addresses hit
		return s.rec, nil
	}
	return source.Record{}, nil
}

func benchSources(v6 bool) []source.Source {
	geo := &constSource{name: "geo", v6: v6, rec: source.Record{
		Prefix:  netip.MustParsePrefix("45.130.202.0/24"),
		Geo:     &source.Geo{CountryCode: "NL", CountryName: "Netherlands", City: "Amsterdam", Timezone: "Europe/Amsterdam"},
		Network: &source.Network{ASN: 9009, Organization: "M247 Europe SRL"},
	}}
	feed := &constSource{name: "feed", v6: v6, rec: source.Record{
		Prefix:  netip.MustParsePrefix("45.130.202.0/24"),
		Signals: []source.Signal{{Kind: source.VPN, Confidence: 95, Provider: "NordVPN", Source: "feed"}},
	}}
	return []source.Source{geo, feed}
}

// BenchmarkLookup measures the Client's own cost per lookup — parse,
// validate, ask two in-memory sources, merge, score, build the Result —
// for a hit (both sources answer) and a miss, IPv4 and IPv6, and a cache
// hit.
func BenchmarkLookup(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, ip string
		v6       bool
	}{
		{"hit/v4", "45.130.202.105", false},
		{"miss/v4", "45.130.202.104", false},
		{"hit/v6", "2a02:26f0:1::1", true},
		{"miss/v6", "2a02:26f0:1::2", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c := newClient(b, WithSources(benchSources(tc.v6)...))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Lookup(ctx, tc.ip); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The floor: allocating an empty Result and nothing else. Every Lookup
	// returns a new Result (720 bytes, most of them pointers), so no lookup
	// can be cheaper than this on the machine at hand.
	b.Run("floor/new-result", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkResult = new(Result)
		}
	})
	b.Run("cached/v4", func(b *testing.B) {
		c := newClient(b, WithSources(benchSources(false)...), WithCache(1024, time.Hour))
		c.Lookup(ctx, "45.130.202.105")
		b.ReportAllocs()
		for b.Loop() {
			r, err := c.Lookup(ctx, "45.130.202.105")
			if err != nil || r.Query.CacheStatus != CacheHit {
				b.Fatal(err)
			}
		}
	})
	// Every lookup misses the cache: two addresses take turns in a cache
	// of one entry. This is the path through the cache's singleflight.
	b.Run("cache-miss/v4", func(b *testing.B) {
		c := newClient(b, WithSources(benchSources(false)...), WithCache(1, time.Hour))
		ips := [2]string{"45.130.202.105", "45.130.202.107"}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			r, err := c.Lookup(ctx, ips[i&1])
			if err != nil || r.Query.CacheStatus == CacheHit {
				b.Fatal(err)
			}
			i++
		}
	})
	for _, tc := range []struct {
		name, ip string
		opts     []Option
	}{
		{"into/hit/v4", "45.130.202.105", nil},
		{"into/miss/v4", "45.130.202.104", nil},
		{"into/cached/v4", "45.130.202.105", []Option{WithCache(1024, time.Hour)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c := newClient(b, append(tc.opts, WithSources(benchSources(false)...))...)
			var r Result
			c.LookupInto(ctx, tc.ip, &r)
			b.ReportAllocs()
			for b.Loop() {
				if err := c.LookupInto(ctx, tc.ip, &r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("parallel/hit/v4", func(b *testing.B) {
		c := newClient(b, WithSources(benchSources(false)...))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c.Lookup(ctx, "45.130.202.105")
			}
		})
	})
}

var sinkResult *Result

// BenchmarkLookupBatch is one batch of 100 unique addresses.
func BenchmarkLookupBatch(b *testing.B) {
	c := newClient(b, WithSources(benchSources(false)...))
	ips := make([]string, 100)
	for i := range ips {
		ips[i] = netip.AddrFrom4([4]byte{45, 130, byte(i), byte(i)}).String()
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.LookupBatch(context.Background(), ips); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupSeq streams b.N generated addresses through LookupSeq and
// reports throughput and the peak heap seen while it ran. Run it with
// -benchtime 10000000x for the 10-million-line case.
func BenchmarkLookupSeq(b *testing.B) {
	c := newClient(b, WithSources(benchSources(false)...))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // sample the heap while the stream runs
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	n := 0
	for r, err := range c.LookupSeq(context.Background(), genAddrs(b.N)) {
		if err != nil {
			b.Fatal(err)
		}
		_ = r
		n++
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(stop)
	wg.Wait()
	if n != b.N {
		b.Fatalf("%d results for %d inputs", n, b.N)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "lookups/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}

// BenchmarkStatsCost measures what counting adds to one lookup of the two
// local sources of BenchmarkLookup, both answering ("hit") or both missing
// ("miss"), and to a cache hit. Beside them: the empty loop ("none") and
// one bare atomic add ("atomic-add"), the floor of any exact shared
// counter, and the same two in parallel.
func BenchmarkStatsCost(b *testing.B) {
	c := newClient(b, WithSources(benchSources(false)...))
	hit := []answer{{rec: source.Record{Prefix: netip.MustParsePrefix("1.1.1.0/24")}}, {rec: source.Record{Prefix: netip.MustParsePrefix("1.1.1.0/24")}}}
	miss := []answer{{}, {}}
	addr := netip.MustParseAddr("45.130.202.105")
	count := func(ans []answer) {
		var missed uint
		for i := range c.sources {
			missed |= c.recordLocal(&c.sources[i], &ans[i])
		}
		c.countResolve(addr, missed)
	}
	b.Run("none", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
		}
	})
	var bare atomic.Uint64
	b.Run("atomic-add", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bare.Add(1)
		}
	})
	b.Run("hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			count(hit)
		}
	})
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			count(miss)
		}
	})
	// Two goroutines (GOMAXPROCS 2 here) counting lookups of different
	// addresses, beside both adding to one shared counter.
	b.Run("parallel/atomic-add", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				bare.Add(1)
			}
		})
	})
	b.Run("parallel/hit", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			a := [4]byte{45, 130, 202, 0}
			for pb.Next() {
				a[3]++
				var missed uint
				for i := range c.sources {
					missed |= c.recordLocal(&c.sources[i], &hit[i])
				}
				c.countResolve(netip.AddrFrom4(a), missed)
			}
		})
	})
	b.Run("cache-hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.stats.cacheHits.Add(1)
		}
	})
}
