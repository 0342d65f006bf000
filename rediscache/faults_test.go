package rediscache_test

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ipintel/ipintel/source/remote"
)

// lookupRun asks src about addrs from workers goroutines and returns every
// lookup's duration and how many failed or came back empty.
func lookupRun(ctx context.Context, src *remote.Source, addrs []netip.Addr, workers int) (lat []time.Duration, failed int) {
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(addrs) {
					return
				}
				start := time.Now()
				r, err := src.Lookup(ctx, addrs[i])
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, d)
				if err != nil || r.IsZero() {
					failed++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lat, failed
}

const faultTimeout = time.Second

// ownRedis starts a Redis of the test's own, a source sharing through it,
// and a second client to control the server.
func ownRedis(t *testing.T) (*server, *remote.Source, *redis.Client) {
	t.Helper()
	srv := startServer(t)
	src := newSharedSource(t, newFakeVectra(t, 0), srv.addr(), uniquePrefix(t))
	return srv, src, newClient(t, srv.addr())
}

func newSharedSource(t *testing.T, api *fakeVectra, rdbAddr, prefix string) *remote.Source {
	t.Helper()
	src, err := remote.VectraIP(apiKey, remote.WithBaseURL(api.srv.URL), remote.WithCache(0, 0),
		remote.WithTimeout(faultTimeout), remote.WithSharedCache(newStore(t, newClient(t, rdbAddr))),
		remote.WithKeyPrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// TestRedisStoppedAndRestarted stops the Redis server mid-run and starts it
// again: no lookup fails, and the source uses Redis again once it is back.
func TestRedisStoppedAndRestarted(t *testing.T) {
	srv, src, _ := ownRedis(t)
	ctx := context.Background()

	lat, failed := lookupRun(ctx, src, addrs(1, 300), 4)
	before := src.SharedCacheStats()
	if before.Stored == 0 {
		t.Fatalf("with Redis up: %+v, no answer stored", before)
	}
	srv.stop()
	down, f2 := lookupRun(ctx, src, addrs(2, 600), 4)
	failed += f2
	lat = append(lat, down...)
	srv.start()
	restarted := src.SharedCacheStats()
	// The store's breaker waits a second before probing again.
	deadline := time.Now().Add(10 * time.Second)
	for seed := byte(3); src.SharedCacheStats().Stored == restarted.Stored; seed++ {
		if time.Now().After(deadline) {
			t.Fatalf("Redis back for 10 s and still unused: %+v", src.SharedCacheStats())
		}
		more, f := lookupRun(ctx, src, addrs(seed, 50), 4)
		failed += f
		lat = append(lat, more...)
		time.Sleep(50 * time.Millisecond)
	}
	if failed != 0 {
		t.Fatalf("%d of %d lookups failed while Redis was stopped and restarted", failed, len(lat))
	}
	t.Logf("%d lookups, 0 failed; with Redis down: p50 %v p99 %v max %v (source timeout %v); stats %+v",
		len(lat), percentile(down, 50), percentile(down, 99), percentile(down, 100), faultTimeout, src.SharedCacheStats())
}

// TestRedisPaused: a Redis that answers nothing (CLIENT PAUSE) costs each
// lookup at most the store's operation deadline until the breaker opens.
func TestRedisPaused(t *testing.T) {
	_, src, ctl := ownRedis(t)
	ctx := context.Background()
	if err := ctl.Do(ctx, "CLIENT", "PAUSE", "3000", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	lat, failed := lookupRun(ctx, src, addrs(4, 300), 4)
	if failed != 0 {
		t.Fatalf("%d lookups failed with Redis paused", failed)
	}
	st := src.SharedCacheStats()
	if st.Errors == 0 || st.Skipped == 0 {
		t.Fatalf("a paused Redis went unnoticed: %+v", st)
	}
	t.Logf("Redis paused: %d lookups, p50 %v p99 %v max %v; %+v",
		len(lat), percentile(lat, 50), percentile(lat, 99), percentile(lat, 100), st)
}

// TestRedisFull: a Redis out of memory refuses writes; lookups go on.
func TestRedisFull(t *testing.T) {
	_, src, ctl := ownRedis(t)
	ctx := context.Background()
	for _, kv := range [][2]string{{"maxmemory-policy", "noeviction"}, {"maxmemory", "1"}} {
		if err := ctl.ConfigSet(ctx, kv[0], kv[1]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	_, failed := lookupRun(ctx, src, addrs(5, 100), 4)
	if failed != 0 {
		t.Fatalf("%d lookups failed with Redis full", failed)
	}
	if st := src.SharedCacheStats(); st.Errors == 0 || st.Stored != 0 {
		t.Fatalf("writes to a full Redis: %+v", st)
	}
}

// TestRedisGarbage: entries someone else wrote (a wrong type, bytes that
// are not ours) are a miss, never a failed lookup.
func TestRedisGarbage(t *testing.T) {
	rdbAddr := needRedis(t)
	api := newFakeVectra(t, 0)
	prefix := uniquePrefix(t)
	src := newSharedSource(t, api, rdbAddr, prefix)
	ctx := context.Background()
	ctl := newClient(t, rdbAddr)
	list, junk := netip.MustParseAddr("45.6.0.1"), netip.MustParseAddr("45.6.0.2")
	key := func(a netip.Addr) string { return prefix + "ipintel:remote:v1:vectraip:" + a.String() }
	if err := ctl.RPush(ctx, key(list), "x").Err(); err != nil {
		t.Fatal(err)
	}
	if err := ctl.Set(ctx, key(junk), "\x00garbage", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	for _, a := range []netip.Addr{list, junk} {
		r, err := src.Lookup(ctx, a)
		if err != nil || r.IsZero() {
			t.Fatalf("Lookup(%v) over a garbage entry = %+v, %v", a, r, err)
		}
	}
	if b, err := src.LookupBatch(ctx, []netip.Addr{list, junk}); err != nil || b[0].IsZero() || b[1].IsZero() {
		t.Fatalf("LookupBatch over garbage entries = %+v, %v", b, err)
	}
	if st := src.SharedCacheStats(); st.Corrupt == 0 || st.Errors == 0 {
		t.Fatalf("garbage went unnoticed: %+v", st)
	}
}
