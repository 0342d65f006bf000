package ipintel

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

func TestCacheHitIsPrivateCopy(t *testing.T) {
	geo, feed := fixtureSources()
	c := newClient(t, WithSources(geo, feed), WithCache(100, time.Hour))
	ctx := context.Background()
	r1, err := c.Lookup(ctx, "45.130.202.105")
	if err != nil || r1.Query.CacheStatus != CacheMiss {
		t.Fatalf("first lookup: %v, %v", r1.Query.CacheStatus, err)
	}
	// A caller scribbling on its result must not reach the next caller.
	r1.Geo.City = "scribbled"
	r1.Network.ASN = 1
	r1.Signals[0].Provider = "scribbled"
	r1.Risk.Reasons[0].Points = -1
	r1.Meta.DataSources[0] = "scribbled"

	r2, err := c.Lookup(ctx, "45.130.202.105")
	if err != nil || r2.Query.CacheStatus != CacheHit {
		t.Fatalf("second lookup: %v, %v", r2.Query.CacheStatus, err)
	}
	if r2.Geo.City != "Amsterdam" || r2.Network.ASN != 9009 || r2.Signals[0].Provider != "NordVPN" ||
		r2.Risk.Reasons[0].Points <= 0 || r2.Meta.DataSources[0] != "geo" {
		t.Fatalf("cached result was changed through an earlier caller's copy: %+v", r2)
	}
	if r2.Geo == r1.Geo || &r2.Signals[0] == &r1.Signals[0] {
		t.Fatal("hit shares memory with the first result")
	}
	if r2.Query.RequestID == r1.Query.RequestID {
		t.Fatal("request id reused")
	}
	if n := geo.calls.Load(); n != 1 {
		t.Fatalf("geo source asked %d times, want 1", n)
	}
}

func TestCacheTTLAndErrors(t *testing.T) {
	geo, _ := fixtureSources()
	c := newClient(t, WithSources(geo), WithCache(10, 10*time.Millisecond))
	ctx := context.Background()
	c.Lookup(ctx, "1.1.1.1")
	time.Sleep(30 * time.Millisecond)
	r, _ := c.Lookup(ctx, "1.1.1.1")
	if r.Query.CacheStatus != CacheMiss || geo.calls.Load() != 2 {
		t.Fatalf("expired entry served: %s, %d calls", r.Query.CacheStatus, geo.calls.Load())
	}

	// A result with a failed source is not cached.
	flaky := newMem("flaky")
	flaky.fail = errors.New("temporarily down")
	c = newClient(t, WithSources(geo, flaky), WithCache(10, time.Hour))
	c.Lookup(ctx, "1.1.1.1")
	flaky.fail = nil
	r, _ = c.Lookup(ctx, "1.1.1.1")
	if r.Query.CacheStatus != CacheMiss || len(r.Meta.Errors) != 0 {
		t.Fatalf("a failed result was cached: %s %v", r.Query.CacheStatus, r.Meta.Errors)
	}
	if r, _ = c.Lookup(ctx, "1.1.1.1"); r.Query.CacheStatus != CacheHit {
		t.Fatalf("a good result was not cached")
	}
	if err := c.Reload(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCacheSingleflight(t *testing.T) {
	for _, remote := range []bool{false, true} {
		slow := newMem("slow").add("1.1.1.0/24", source.Record{Signals: []source.Signal{sig(source.Hosting, 100, "")}})
		slow.traits.Remote = remote
		slow.block = make(chan struct{})
		c := newClient(t, WithSources(slow), WithCache(10, time.Hour))
		const n = 16
		var wg sync.WaitGroup
		results := make([]*Result, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := c.Lookup(context.Background(), "1.1.1.1")
				if err != nil {
					t.Error(err)
				}
				results[i] = r
			}()
		}
		time.Sleep(50 * time.Millisecond) // let the callers pile up on the one lookup
		close(slow.block)
		wg.Wait()
		if got := slow.calls.Load(); got != 1 {
			t.Errorf("remote=%v: %d concurrent misses made %d source calls, want 1", remote, n, got)
		}
		for i := range results {
			for j := range i {
				if results[i] == results[j] {
					t.Fatalf("remote=%v: callers %d and %d share a *Result", remote, i, j)
				}
			}
		}
	}
}

func TestCacheWaiterHonoursItsContext(t *testing.T) {
	slow := newMem("slow")
	slow.traits = source.Traits{Remote: true, Timeout: time.Minute}
	slow.block = make(chan struct{})
	c := newClient(t, WithSources(slow), WithCache(10, time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Lookup(ctx, "1.1.1.1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter ignored its deadline: %v", err)
	}
	// The shared lookup goes on without the impatient caller and is
	// cached: once the source answers, a lookup (perhaps after one that
	// joins the flight still going) is a hit, and the source was asked
	// once. No sleep decides it, so a slow machine cannot fail it.
	close(slow.block)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := c.Lookup(context.Background(), "1.1.1.1")
		if err != nil {
			t.Fatal(err)
		}
		if r.Query.CacheStatus == CacheHit {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no cache hit 10 s after the source answered: %s", r.Query.CacheStatus)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := slow.calls.Load(); got != 1 {
		t.Fatalf("the source was asked %d times, want once: the abandoned lookup was not the one cached", got)
	}
}
