package rediscache_test

import (
	"context"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ipintel/ipintel/source/remote"
	"github.com/ipintel/ipintel/store"
)

// BenchmarkLookup compares a lookup answered from Redis (another instance
// already asked the API) with one that asks a fake API adding 50 ms, as a
// hosted API does. The local cache is off, so every lookup is one or the
// other. p50/p99 are per lookup; lookups/s per instance.
//
//	sequential: one lookup at a time
//	parallel:   32 at a time (RunParallel)
func BenchmarkLookup(b *testing.B) {
	rdbAddr := needRedis(b)
	for _, tc := range []struct {
		name    string
		latency time.Duration
		shared  bool
	}{
		{"shared-hit", 0, true},
		{"api-50ms", 50 * time.Millisecond, false},
	} {
		api := newFakeVectra(b, tc.latency)
		opts := []remote.Option{remote.WithBaseURL(api.srv.URL), remote.WithCache(0, 0)}
		if tc.shared {
			opts = append(opts, remote.WithSharedCache(newStore(b, newClient(b, rdbAddr))),
				remote.WithKeyPrefix(uniquePrefix(b)))
		}
		src, err := remote.VectraIP(apiKey, opts...)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { src.Close() })
		warm := addrs(200, 1000)
		if tc.shared {
			if _, err := src.LookupBatch(context.Background(), warm); err != nil {
				b.Fatal(err)
			}
		}
		var fresh atomic.Int64 // unique addresses for the API case
		pick := func(i int) netip.Addr {
			if tc.shared {
				return warm[i%len(warm)]
			}
			n := fresh.Add(1)
			return netip.AddrFrom4([4]byte{46, byte(n >> 16), byte(n >> 8), byte(n)})
		}
		b.Run(tc.name+"/sequential", func(b *testing.B) {
			var lat []time.Duration
			start := time.Now()
			i := 0
			for b.Loop() {
				t0 := time.Now()
				if r, err := src.Lookup(context.Background(), pick(i)); err != nil || r.IsZero() {
					b.Fatalf("lookup: %+v, %v", r, err)
				}
				lat = append(lat, time.Since(t0))
				i++
			}
			report(b, lat, time.Since(start))
		})
		b.Run(tc.name+"/parallel", func(b *testing.B) {
			b.SetParallelism(16) // 32 goroutines on 2 CPUs
			var n atomic.Int64
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := src.Lookup(context.Background(), pick(int(n.Add(1)))); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "lookups/s")
		})
	}
}

func report(b *testing.B, lat []time.Duration, elapsed time.Duration) {
	b.ReportMetric(float64(percentile(lat, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds()), "p99-µs")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "lookups/s")
}

// BenchmarkStore measures the store's own round trips on loopback.
func BenchmarkStore(b *testing.B) {
	st := newStore(b, newClient(b, needRedis(b)))
	ctx := context.Background()
	keys := seedKeys(b, st)
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			if _, ok, err := st.Get(ctx, keys[0]); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("getmulti-100", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.GetMulti(ctx, keys); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkClusterStore measures the store on the Redis Cluster of
// .ci/redis-cluster.sh beside its peer, the bare go-redis calls the store
// made before it grouped keys by node: one GET, and one ClusterClient
// pipeline of 100 GETs (which go-redis splits by node itself).
func BenchmarkClusterStore(b *testing.B) {
	rdb := newClusterClient(b, needCluster(b))
	st := newStore(b, rdb)
	ctx := context.Background()
	keys := seedKeys(b, st)
	b.Run("get/store", func(b *testing.B) {
		for b.Loop() {
			if _, ok, err := st.Get(ctx, keys[0]); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("get/peer", func(b *testing.B) {
		for b.Loop() {
			if err := rdb.Get(ctx, keys[0]).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("getmulti-100/store", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.GetMulti(ctx, keys); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("getmulti-100/peer", func(b *testing.B) {
		for b.Loop() {
			_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for _, k := range keys {
					p.Get(ctx, k)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// seedKeys stores 100 answers under fresh keys and returns the keys.
func seedKeys(b *testing.B, st store.Store) []string {
	b.Helper()
	prefix := uniquePrefix(b)
	keys := make([]string, 100)
	for i := range keys {
		keys[i] = prefix + netip.AddrFrom4([4]byte{47, 0, 0, byte(i)}).String()
		if err := st.Set(context.Background(), keys[i], []byte("R\x01-"), time.Minute); err != nil {
			b.Fatal(err)
		}
	}
	return keys
}
