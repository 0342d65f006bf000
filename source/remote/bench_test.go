package remote

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"testing"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/source"
)

// batchAddrs returns 100 unique public addresses, different for each n.
func batchAddrs(n int) []netip.Addr {
	out := make([]netip.Addr, 100)
	for i := range out {
		out[i] = netip.AddrFrom4([4]byte{45, byte(n >> 8), byte(n), byte(i)})
	}
	return out
}

// BenchmarkBatch100 sends a batch of 100 unique addresses to a fake with
// 50 ms latency per request. "batch" is the source's LookupBatch (one
// request per ≤100 addresses); "singles" is the peer: the same 100 as single
// lookups, 8 in flight, as for an API without a batch endpoint; "client"
// goes through ipintel.Client.LookupBatch.
func BenchmarkBatch100(b *testing.B) {
	for _, kind := range []string{"vectraip", "datpaq"} {
		b.Run(kind+"/batch", func(b *testing.B) {
			f := newFake(b, kind)
			f.latency = 50 * time.Millisecond
			s := newTestSource(b, f, WithCache(0, 0))
			b.ResetTimer()
			for n := 0; b.Loop(); n++ {
				if _, err := s.LookupBatch(context.Background(), batchAddrs(n)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(f.requests.Load())/float64(b.N), "requests/op")
		})
		b.Run(kind+"/singles", func(b *testing.B) {
			f := newFake(b, kind)
			f.latency = 50 * time.Millisecond
			s := newTestSource(b, f, WithCache(0, 0))
			s.api.batch = nil // force single requests
			b.ResetTimer()
			for n := 0; b.Loop(); n++ {
				if _, err := s.LookupBatch(context.Background(), batchAddrs(n)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(f.requests.Load())/float64(b.N), "requests/op")
		})
		b.Run(kind+"/client", func(b *testing.B) {
			f := newFake(b, kind)
			f.latency = 50 * time.Millisecond
			s := newTestSource(b, f, WithCache(0, 0))
			c, err := ipintel.New(ipintel.WithSources(localSource{}, s))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			b.ResetTimer()
			for n := 0; b.Loop(); n++ {
				addrs := batchAddrs(n + 1<<15)
				ips := make([]string, len(addrs))
				for i, a := range addrs {
					ips[i] = a.String()
				}
				if _, err := c.LookupBatch(context.Background(), ips); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(f.requests.Load())/float64(b.N), "requests/op")
		})
	}
}

// BenchmarkCacheHit is a Lookup answered from the source's cache; the peer
// is the bare golang-lru Get it is built on.
func BenchmarkCacheHit(b *testing.B) {
	f := newFake(b, "vectraip")
	s := newTestSource(b, f)
	a := netip.MustParseAddr("45.130.202.105")
	if _, err := s.Lookup(context.Background(), a); err != nil {
		b.Fatal(err)
	}
	b.Run("source", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Lookup(context.Background(), a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lru-peer", func(b *testing.B) {
		peer, err := lru.New[netip.Addr, source.Record](DefaultCacheSize)
		if err != nil {
			b.Fatal(err)
		}
		rec, _ := s.cache.Get(a, time.Now())
		peer.Add(a, rec)
		b.ReportAllocs()
		for b.Loop() {
			peer.Get(a)
		}
	})
	if f.requests.Load() != 1 {
		b.Fatalf("%d requests, want 1", f.requests.Load())
	}
}

func BenchmarkDecode(b *testing.B) {
	body, err := os.ReadFile("testdata/vectraip_45.130.202.105.json")
	if err != nil {
		b.Fatal(err)
	}
	a := netip.MustParseAddr("45.130.202.105")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeVectraIP("vectraip", a, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePlain is BenchmarkDecode's peer: the same body into
// plain Go types (no lenient reading, no mapping), in the same run.
func BenchmarkDecodePlain(b *testing.B) {
	body, err := os.ReadFile("testdata/vectraip_45.130.202.105.json")
	if err != nil {
		b.Fatal(err)
	}
	type plain struct {
		Query                  map[string]string
		Privacy                map[string]any
		Geo                    map[string]any
		Network                map[string]string
		Monitoring, Risk, Meta map[string]any
	}
	b.ReportAllocs()
	for b.Loop() {
		var v plain
		if err := json.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}
