package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/store"
)

// newSharedSources builds n sources on one fake and one store, each without
// a local cache, as n processes of a fleet would be.
func newSharedSources(t *testing.T, f *fake, st store.Store, n int, opts ...Option) []*Source {
	t.Helper()
	srcs := make([]*Source, n)
	for i := range srcs {
		srcs[i] = newTestSource(t, f, append([]Option{WithCache(0, 0), WithSharedCache(st)}, opts...)...)
	}
	return srcs
}

func TestSharedCacheAcrossSources(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			f := newFake(t, kind)
			st := store.NewMemory()
			srcs := newSharedSources(t, f, st, 2)
			hit, miss := mustAddr("45.6.7.8"), mustAddr("9.9.3.3")
			for _, a := range []netip.Addr{hit, miss} {
				first, err := srcs[0].Lookup(context.Background(), a)
				require.NoError(t, err)
				second, err := srcs[1].Lookup(context.Background(), a)
				require.NoError(t, err)
				assert.Equal(t, first, second)
			}
			assert.Equal(t, int64(2), f.requests.Load(), "one request per address for both sources")
			st1 := srcs[1].SharedCacheStats()
			assert.Equal(t, int64(2), st1.Hits, "the second source answered both from the store, the miss included")
			assert.Equal(t, int64(2), srcs[0].SharedCacheStats().Stored)
		})
	}
}

// busyFleet is 4 sources sharing one store in front of a fake that takes
// 20 ms, with n addresses 45.net.i.1. The wait is generous: these tests
// count requests, not time, and on a loaded machine (-race beside other
// jobs) a claimant's batch of 250 took over 2 s, so the waiters gave up
// and asked the API themselves. A waiter stops waiting as soon as the
// answer is in the store, so a long bound costs nothing when all is well.
func busyFleet(t *testing.T, net byte, n int) (*fake, []*Source, []netip.Addr) {
	f := newFake(t, "vectraip")
	f.latency = 20 * time.Millisecond
	srcs := newSharedSources(t, f, store.NewMemory(), 4, WithTimeout(2*time.Minute), WithSharedWait(time.Minute))
	addrs := make([]netip.Addr, n)
	for i := range addrs {
		addrs[i] = netip.AddrFrom4([4]byte{45, net, byte(i), 1})
	}
	return f, srcs, addrs
}

func TestSharedCacheConcurrentSingles(t *testing.T) {
	f, srcs, addrs := busyFleet(t, 10, 40)
	recs := make([][]source.Record, len(srcs))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for i, s := range srcs {
		recs[i] = make([]source.Record, len(addrs))
		for j, a := range addrs {
			wg.Go(func() {
				r, err := s.Lookup(context.Background(), a)
				mu.Lock()
				defer mu.Unlock()
				errs = append(errs, err)
				recs[i][j] = r
			})
		}
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	for i := range srcs {
		assert.Equal(t, recs[0], recs[i])
	}
	assert.Equal(t, int64(len(addrs)), f.requests.Load(), "4 sources asking 40 addresses at once: one request each")
}

func TestSharedCacheConcurrentBatches(t *testing.T) {
	f, srcs, addrs := busyFleet(t, 20, 250)
	addrs = append(addrs, mustAddr("9.9.1.1")) // a miss, shared too
	out := make([][]source.Record, len(srcs))
	errs := make([]error, len(srcs))
	var wg sync.WaitGroup
	for i, s := range srcs {
		wg.Go(func() { out[i], errs[i] = s.LookupBatch(context.Background(), addrs) })
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	asked := 0
	for _, n := range f.sizes() {
		asked += n
	}
	assert.Equal(t, len(addrs), asked, "addresses sent upstream by 4 sources batching the same addresses")
	for i := range srcs {
		assert.Equal(t, out[0], out[i])
	}
	assert.True(t, !out[0][0].IsZero() && out[0][len(addrs)-1].IsZero(), "a hit and a miss")
	// Now every answer is in the store: another batch asks nothing.
	before := f.requests.Load()
	again, err := newSharedSources(t, f, srcs[0].shared.st, 1)[0].LookupBatch(context.Background(), addrs)
	require.NoError(t, err)
	assert.Equal(t, out[0], again)
	assert.Equal(t, before, f.requests.Load())
}

func TestSharedCacheNeverStoresErrors(t *testing.T) {
	f := newFake(t, "vectraip")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, 500, []byte(`{"detail":"Internal Server Error"}`))
		return true
	}
	st := store.NewMemory()
	s := newSharedSources(t, f, st, 1, WithRetries(0), WithCircuitBreaker(0, 0))[0]
	a := mustAddr("45.1.1.1")
	_, err := s.Lookup(context.Background(), a)
	require.ErrorIs(t, err, source.ErrUnavailable)
	_, err = s.LookupBatch(context.Background(), []netip.Addr{a, mustAddr("45.1.1.2")})
	require.ErrorIs(t, err, source.ErrUnavailable)
	_, ok, _ := st.Get(context.Background(), s.shared.key(a))
	assert.False(t, ok, "an error was stored")
	assert.Equal(t, int64(0), s.SharedCacheStats().Stored)
}

// recordingStore wraps a store and remembers every key it was given.
type recordingStore struct {
	store.Store
	mu   sync.Mutex
	keys []string
}

func (r *recordingStore) note(keys ...string) {
	r.mu.Lock()
	r.keys = append(r.keys, keys...)
	r.mu.Unlock()
}

func (r *recordingStore) GetMulti(ctx context.Context, keys []string) ([][]byte, error) {
	r.note(keys...)
	return r.Store.GetMulti(ctx, keys)
}

func (r *recordingStore) ClaimMulti(ctx context.Context, keys []string, ttl time.Duration) ([]bool, error) {
	r.note(keys...)
	return r.Store.ClaimMulti(ctx, keys, ttl)
}

func (r *recordingStore) SetMulti(ctx context.Context, items []store.Item) error {
	for _, it := range items {
		r.note(it.Key)
	}
	return r.Store.SetMulti(ctx, items)
}

func TestSharedCacheKeys(t *testing.T) {
	f := newFake(t, "vectraip")
	rs := &recordingStore{Store: store.NewMemory()}
	s := newSharedSources(t, f, rs, 1, WithKeyPrefix("staging:"))[0]
	_, err := s.Lookup(context.Background(), mustAddr("45.1.2.3"))
	require.NoError(t, err)
	_, err = s.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.1.2.4"), mustAddr("2a01:4f8::1")})
	require.NoError(t, err)
	require.True(t, len(rs.keys) > 0, "no key used")
	claims := 0
	for _, k := range rs.keys {
		if v, ok := strings.CutSuffix(k, "}:claim"); ok {
			// A claim's key is its value's in braces, so that Redis
			// Cluster puts both on one shard.
			claims++
			k, ok = strings.CutPrefix(v, "{")
			assert.True(t, ok, "claim key %q", k)
		}
		assert.True(t, strings.HasPrefix(k, "staging:ipintel:remote:v1:vectraip:"), "key %q", k)
		assert.False(t, strings.ContainsAny(k, "{}"), "key %q", k)
		assert.False(t, strings.Contains(k, testKey), "key %q holds the API key", k)
	}
	assert.True(t, claims > 0, "no claim key used")
}

// failingStore fails every operation; blockingStore blocks each until its
// context ends.
type failingStore struct{ store.Store }

var errStoreDown = errors.New("store down")

func (failingStore) GetMulti(context.Context, []string) ([][]byte, error) { return nil, errStoreDown }
func (failingStore) SetMulti(context.Context, []store.Item) error         { return errStoreDown }
func (failingStore) ClaimMulti(context.Context, []string, time.Duration) ([]bool, error) {
	return nil, errStoreDown
}

type blockingStore struct{ store.Store }

func (blockingStore) GetMulti(ctx context.Context, _ []string) ([][]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (blockingStore) SetMulti(ctx context.Context, _ []store.Item) error {
	<-ctx.Done()
	return ctx.Err()
}
func (blockingStore) ClaimMulti(ctx context.Context, _ []string, _ time.Duration) ([]bool, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestSharedCacheStoreFailures(t *testing.T) {
	for name, st := range map[string]store.Store{
		"failing":  failingStore{store.NewMemory()},
		"blocking": blockingStore{store.NewMemory()},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, "vectraip")
			s := newSharedSources(t, f, st, 1, WithTimeout(2*time.Second))[0]
			for i := range 6 {
				r, err := s.Lookup(context.Background(), netip.AddrFrom4([4]byte{45, 30, byte(i), 1}))
				require.NoError(t, err)
				assert.False(t, r.IsZero(), "answer %d from the API", i)
				b, err := s.LookupBatch(context.Background(), []netip.Addr{netip.AddrFrom4([4]byte{45, 31, byte(i), 1}), netip.AddrFrom4([4]byte{45, 31, byte(i), 2})})
				require.NoError(t, err)
				assert.False(t, b[1].IsZero(), "batch answer %d from the API", i)
			}
			stats := s.SharedCacheStats()
			// Once open, the breaker lets one probe a second through; on a
			// slow machine the run may outlast one cool-down.
			assert.True(t, stats.Errors >= storeBreakerFailures && stats.Errors <= storeBreakerFailures+2,
				"%d store failures; the breaker should open after %d", stats.Errors, storeBreakerFailures)
			assert.True(t, stats.Skipped > 0, "the breaker never skipped the store: %+v", stats)
		})
	}
}

func TestSharedCacheCorruptValues(t *testing.T) {
	f := newFake(t, "vectraip")
	st := store.NewMemory()
	s := newSharedSources(t, f, st, 1)[0]
	good, err := encodeShared(source.Record{Signals: []source.Signal{{Kind: source.VPN, Confidence: 50, Source: "x"}}})
	require.NoError(t, err)
	bad := map[string][]byte{
		"garbage":      []byte("{{{{"),
		"truncated":    good[:len(good)-3],
		"other schema": append([]byte{sharedMagic, sharedVersion + 1}, good[2:]...),
		"empty":        {},
		"bad kind":     []byte(`RJ{"s":[{"k":"nonsense","c":50}]}`),
	}
	i := 0
	for name, v := range bad {
		a := netip.AddrFrom4([4]byte{45, 40, byte(i), 1})
		i++
		require.NoError(t, st.Set(context.Background(), s.shared.key(a), v, time.Minute))
		r, err := s.Lookup(context.Background(), a)
		require.NoError(t, err)
		assert.False(t, r.IsZero(), "%s: the API's answer", name)
		// The good answer replaced the bad entry.
		v2, _, _ := st.Get(context.Background(), s.shared.key(a))
		_, err = decodeShared(v2, a)
		assert.NoError(t, err)
	}
	assert.Equal(t, int64(len(bad)), s.SharedCacheStats().Corrupt)
	assert.Equal(t, int64(len(bad)), f.requests.Load())
}

func TestSharedCacheWaitsOnClaim(t *testing.T) {
	f := newFake(t, "vectraip")
	st := store.NewMemory()
	s := newSharedSources(t, f, st, 1, WithSharedWait(30*time.Millisecond))[0]
	a, b := mustAddr("45.50.0.1"), mustAddr("45.50.0.2")
	// Another process claimed a and died; it claimed b and answers late.
	for _, x := range []netip.Addr{a, b} {
		ok, err := st.Claim(context.Background(), s.shared.claimKey(x), time.Minute)
		require.True(t, ok && err == nil, "claim")
	}
	want := source.Record{Signals: []source.Signal{{Kind: source.Tor, Confidence: 77, Source: "vectraip"}}}
	go func() {
		time.Sleep(5 * time.Millisecond)
		v, _ := encodeShared(want)
		_ = st.Set(context.Background(), s.shared.key(b), v, time.Minute)
	}()
	rb, err := s.Lookup(context.Background(), b)
	require.NoError(t, err)
	assert.Equal(t, want, rb, "the other process's answer")
	ra, err := s.Lookup(context.Background(), a)
	require.NoError(t, err)
	assert.False(t, ra.IsZero(), "asked the API once the wait ran out")
	assert.Equal(t, int64(1), f.requests.Load())
	stats := s.SharedCacheStats()
	assert.Equal(t, int64(2), stats.Waits)
	assert.Equal(t, int64(1), stats.WaitTimeouts)
}

// A caller that joins a flight another caller started keeps its own
// deadline: the first caller's short deadline does not end the flight.
func TestJoinerKeepsOwnDeadline(t *testing.T) {
	f := newFake(t, "vectraip")
	f.latency = 150 * time.Millisecond
	s := newTestSource(t, f, WithCache(0, 0))
	a := mustAddr("45.60.0.1")
	joined := make(chan struct{}, 2)
	s.onJoined = func() { joined <- struct{}{} }
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	shortErr := make(chan error, 1)
	go func() {
		_, err := s.Lookup(short, a)
		shortErr <- err
	}()
	<-joined // the first caller waits on its flight
	type answer struct {
		rec source.Record
		err error
	}
	long := make(chan answer, 1)
	go func() {
		r, err := s.Lookup(context.Background(), a)
		long <- answer{r, err}
	}()
	<-joined // the second caller joined the same flight
	assert.ErrorIs(t, <-shortErr, context.DeadlineExceeded)
	got := <-long
	require.NoError(t, got.err)
	assert.False(t, got.rec.IsZero(), "the joiner got the answer")
	assert.Equal(t, int64(1), f.requests.Load(), "the joiner shared the first caller's request")
}

func TestSharedCacheOptions(t *testing.T) {
	for name, opt := range map[string]Option{
		"nil store":   WithSharedCache(nil),
		"zero TTL":    WithSharedCacheTTL(0, time.Minute),
		"zero wait":   WithSharedWait(0),
		"bad prefix":  WithKeyPrefix("a b"),
		"neg missTTL": WithSharedCacheTTL(time.Minute, -1),
	} {
		_, err := VectraIP("k", opt)
		assert.ErrorIs(t, err, source.ErrInvalidOption, name)
	}
	_, err := VectraIP("k", WithSharedCache(store.NewMemory()), WithTimeout(time.Second), WithSharedWait(time.Second))
	assert.ErrorIs(t, err, source.ErrInvalidOption, "a wait as long as the timeout")
}

func ExampleWithSharedCache() {
	// One store for every instance of the app: rediscache.New(redisClient)
	// in production; an in-memory store here.
	st := store.NewMemory()
	vectra, err := VectraIP("your-key", WithSharedCache(st), WithKeyPrefix("myapp:"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer vectra.Close()
	fmt.Println(vectra.SharedCacheStats().Hits)
	// Output: 0
}

// countingStore counts multi-gets.
type countingStore struct {
	store.Store
	gets atomic.Int64
}

func (c *countingStore) GetMulti(ctx context.Context, keys []string) ([][]byte, error) {
	c.gets.Add(1)
	return c.Store.GetMulti(ctx, keys)
}

// Lookups waiting at once share one poll of the store per round.
func TestSharedCacheWaitersSharePolls(t *testing.T) {
	f := newFake(t, "vectraip")
	cs := &countingStore{Store: store.NewMemory()}
	s := newSharedSources(t, f, cs, 1, WithTimeout(2*time.Minute), WithSharedWait(time.Minute))[0] // generous: the store answers after ~20 rounds
	const n = 20
	addrs := make([]netip.Addr, n)
	for i := range addrs {
		addrs[i] = netip.AddrFrom4([4]byte{45, 70, 0, byte(i)})
		ok, err := cs.Claim(context.Background(), s.shared.claimKey(addrs[i]), time.Minute)
		require.True(t, ok && err == nil, "claim")
	}
	want := source.Record{Signals: []source.Signal{{Kind: source.Tor, Confidence: 77, Source: "vectraip"}}}
	var wg sync.WaitGroup
	recs := make([]source.Record, n)
	errs := make([]error, n)
	for i, a := range addrs {
		wg.Go(func() { recs[i], errs[i] = s.Lookup(context.Background(), a) })
	}
	// The other process answers after 20 polling rounds.
	time.Sleep(20 * pollEvery)
	v, _ := encodeShared(want)
	for _, a := range addrs {
		require.NoError(t, cs.Set(context.Background(), s.shared.key(a), v, time.Minute))
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	for i := range recs {
		assert.Equal(t, want, recs[i])
	}
	assert.Equal(t, int64(0), f.requests.Load())
	// n first reads, then about one per round for all waiters together
	// (one each would be about 20 × n).
	gets := cs.gets.Load()
	assert.True(t, gets < n+4*20, "%d multi-gets for %d waiters over ~20 rounds", gets, n)
	t.Logf("%d multi-gets for %d lookups waiting ~20 rounds", gets, n)
}

// Close ends a lookup waiting on another process's claim, and the polling.
func TestSharedCacheCloseWhileWaiting(t *testing.T) {
	f := newFake(t, "vectraip")
	st := store.NewMemory()
	s := newSharedSources(t, f, st, 1, WithSharedWait(time.Minute), WithTimeout(5*time.Minute))[0]
	a := mustAddr("45.80.0.1")
	ok, err := st.Claim(context.Background(), s.shared.claimKey(a), time.Minute)
	require.True(t, ok && err == nil, "claim")
	done := make(chan error, 1)
	go func() {
		_, err := s.Lookup(context.Background(), a)
		done <- err
	}()
	for s.SharedCacheStats().Waits == 0 {
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, s.Close())
	// Close ended the one-minute wait. (The lookup may then fail, or win
	// the race with Close's cancellation and get the API's answer.)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end a lookup waiting on another process's claim")
	}
	s.shared.hub.mu.Lock()
	running := s.shared.hub.running
	s.shared.hub.mu.Unlock()
	assert.False(t, running, "the hub still polls after Close")
}

// A batch to an API without a batch endpoint reads the store once for all
// its addresses before asking for the rest one by one.
func TestSharedCacheBatchWithoutBatchEndpoint(t *testing.T) {
	f := newFake(t, "vpnsignal")
	cs := &countingStore{Store: store.NewMemory()}
	srcs := newSharedSources(t, f, cs, 2)
	addrs := []netip.Addr{mustAddr("45.90.0.1"), mustAddr("45.90.0.2"), mustAddr("45.90.0.3")}
	first, err := srcs[0].LookupBatch(context.Background(), addrs)
	require.NoError(t, err)
	asked := f.requests.Load()
	gets := cs.gets.Load()
	second, err := srcs[1].LookupBatch(context.Background(), addrs)
	require.NoError(t, err)
	assert.Equal(t, first, second)
	assert.Equal(t, asked, f.requests.Load(), "the second batch asked the API")
	assert.Equal(t, gets+1, cs.gets.Load(), "reads of the store for a batch answered from it")
}

// shardedStore is a store whose keys for some addresses live on a node
// that is down: multi operations fail those keys alone, with a
// *store.PartialError, as rediscache does on Redis Cluster.
type shardedStore struct {
	store.Store
	down func(key string) bool
}

func (s shardedStore) split(keys []string) (up []string, failed []bool, anyFailed bool) {
	failed = make([]bool, len(keys))
	for i, k := range keys {
		if s.down(k) {
			failed[i], anyFailed = true, true
			continue
		}
		up = append(up, k)
	}
	return up, failed, anyFailed
}

func (s shardedStore) partial(failed []bool) error {
	return &store.PartialError{Failed: failed, Err: errors.New("node down")}
}

func (s shardedStore) GetMulti(ctx context.Context, keys []string) ([][]byte, error) {
	up, failed, anyFailed := s.split(keys)
	vals, err := s.Store.GetMulti(ctx, up)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(keys))
	for i := range keys {
		if !failed[i] {
			out[i], vals = vals[0], vals[1:]
		}
	}
	if anyFailed {
		return out, s.partial(failed)
	}
	return out, nil
}

func (s shardedStore) ClaimMulti(ctx context.Context, keys []string, ttl time.Duration) ([]bool, error) {
	up, failed, anyFailed := s.split(keys)
	got, err := s.Store.ClaimMulti(ctx, up, ttl)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(keys))
	for i := range keys {
		if !failed[i] {
			out[i], got = got[0], got[1:]
		}
	}
	if anyFailed {
		return out, s.partial(failed)
	}
	return out, nil
}

func (s shardedStore) SetMulti(ctx context.Context, items []store.Item) error {
	var up []store.Item
	failed := make([]bool, len(items))
	anyFailed := false
	for i, it := range items {
		if s.down(it.Key) {
			failed[i], anyFailed = true, true
			continue
		}
		up = append(up, it)
	}
	if err := s.Store.SetMulti(ctx, up); err != nil {
		return err
	}
	if anyFailed {
		return s.partial(failed)
	}
	return nil
}

// TestSharedCachePartialFailure: with the node holding some addresses'
// keys down, those addresses go to the API from every source, the others
// are still shared, no lookup fails, and the store is never skipped as a
// whole however many operations fail.
func TestSharedCachePartialFailure(t *testing.T) {
	f := newFake(t, "vectraip")
	st := shardedStore{Store: store.NewMemory(), down: func(k string) bool { return strings.Contains(k, ":45.30.1.") }}
	srcs := newSharedSources(t, f, st, 2)
	ctx := context.Background()
	var healthy, down []netip.Addr
	for i := range 10 {
		healthy = append(healthy, netip.AddrFrom4([4]byte{45, 30, 0, byte(i + 1)}))
		down = append(down, netip.AddrFrom4([4]byte{45, 30, 1, byte(i + 1)}))
	}
	// Batches: one request of 20 from the first source; the second gets
	// the healthy half from the store and asks for the other.
	batch := append(append([]netip.Addr(nil), healthy...), down...)
	first, err := srcs[0].LookupBatch(ctx, batch)
	require.NoError(t, err)
	second, err := srcs[1].LookupBatch(ctx, batch)
	require.NoError(t, err)
	assert.Equal(t, first, second)
	for i, r := range first {
		assert.False(t, r.IsZero(), "no answer for %v", batch[i])
	}
	assert.Equal(t, []int{20, 10}, f.sizes(), "addresses per batch request")

	// Singles, many more failed operations than the breaker's threshold:
	// each down address is asked by each source; a healthy one once.
	before := f.requests.Load()
	for round := range 3 {
		for _, s := range srcs {
			for _, a := range down {
				r, err := s.Lookup(ctx, a)
				require.NoError(t, err)
				assert.False(t, r.IsZero(), "round %d: no answer for %v", round, a)
			}
		}
	}
	assert.Equal(t, before+int64(3*len(srcs)*len(down)), f.requests.Load(), "requests for the down addresses")
	before = f.requests.Load()
	fresh := mustAddr("45.30.2.1")
	for _, s := range srcs {
		_, err := s.Lookup(ctx, fresh)
		require.NoError(t, err)
	}
	assert.Equal(t, before+1, f.requests.Load(), "a healthy address, after many partial failures, asked once")
	for i, s := range srcs {
		stats := s.SharedCacheStats()
		assert.Equal(t, int64(0), stats.Skipped, "source %d: the store was skipped as a whole: %+v", i, stats)
		assert.True(t, stats.Errors >= int64(3*len(down)), "source %d: partial failures not counted: %+v", i, stats)
	}
	assert.Equal(t, int64(11), srcs[1].SharedCacheStats().Hits, "the second source's hits: the 10 healthy of the batch, the fresh address")
}

// oddStore answers every multi operation with the wrong number of results
// and a partial error of the wrong size.
type oddStore struct{ store.Store }

func (oddStore) odd() error {
	return &store.PartialError{Failed: []bool{true}, Err: errors.New("odd")}
}

func (s oddStore) GetMulti(context.Context, []string) ([][]byte, error) {
	return make([][]byte, 7), s.odd()
}

func (s oddStore) ClaimMulti(context.Context, []string, time.Duration) ([]bool, error) {
	return make([]bool, 7), s.odd()
}

func (s oddStore) SetMulti(context.Context, []store.Item) error { return s.odd() }

// TestSharedCacheMalformedPartial: a store whose answers do not match the
// keys asked is a failing store, never a panic or a failed lookup.
func TestSharedCacheMalformedPartial(t *testing.T) {
	f := newFake(t, "vectraip")
	s := newSharedSources(t, f, oddStore{store.NewMemory()}, 1)[0]
	ctx := context.Background()
	r, err := s.Lookup(ctx, mustAddr("45.31.0.1"))
	require.NoError(t, err)
	assert.False(t, r.IsZero())
	recs, err := s.LookupBatch(ctx, []netip.Addr{mustAddr("45.31.0.2"), mustAddr("45.31.0.3")})
	require.NoError(t, err)
	assert.False(t, recs[0].IsZero() || recs[1].IsZero())
	assert.True(t, s.SharedCacheStats().Errors > 0)
}
