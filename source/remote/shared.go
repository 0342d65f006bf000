package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/store"
)

// shared is a source's view of a store.Store shared with other processes
// (WithSharedCache). Every operation is best effort: the store failing,
// being slow or answering garbage only means the source asks the API
// itself, and a breaker stops it asking a dead store at all for a while.
type shared struct {
	st        store.Store
	prefix    string // WithKeyPrefix + "ipintel:remote:v1:" + source name + ":"
	hitTTL    time.Duration
	missTTL   time.Duration
	wait      time.Duration // how long to wait on another process's claim
	opTimeout time.Duration // deadline of one store operation
	claimTTL  time.Duration
	breaker   *breaker
	down      atomic.Bool // the breaker opened and no operation succeeded since
	log       *slog.Logger
	name      string
	now       func() time.Time
	stats     sharedCounters
	hub       hub
}

// errStoreSkipped: the store's breaker is open, the operation was not tried.
var errStoreSkipped = errors.New("remote: shared cache skipped, circuit open")

// Store breaker: consecutive failed operations before it opens, and how
// long it stays open before one probe. The cool-down is short because a
// store blip (a failover, a burst of new connections) should cost little
// sharing, and one probe a second is no load on a dead server.
const (
	storeBreakerFailures = 5
	storeBreakerCoolDown = time.Second
)

// pollEvery is how often a process reads the store for the answers its
// lookups wait on.
const pollEvery = 5 * time.Millisecond

func newShared(st settings, name string, timeout time.Duration, log *slog.Logger, now func() time.Time) *shared {
	wait := st.sharedWait
	if wait == 0 {
		wait = timeout / 4
	}
	sh := &shared{
		st:      st.shared,
		prefix:  st.keyPrefix + "ipintel:remote:v1:" + name + ":",
		hitTTL:  st.sharedHitTTL,
		missTTL: st.sharedMissTTL,
		wait:    wait,
		// A tenth of the timeout: room for a loaded store, and a dead one
		// costs a lookup little before the breaker opens.
		opTimeout: timeout / 10,
		// A claim outlives the claimant's whole call (its timeout), so a
		// slow claimant is not raced; one that died frees it then.
		claimTTL: timeout,
		breaker:  &breaker{threshold: storeBreakerFailures, coolDown: storeBreakerCoolDown},
		log:      log,
		name:     name,
		now:      now,
	}
	sh.hub.sh = sh
	return sh
}

func (sh *shared) key(a netip.Addr) string { return sh.prefix + a.String() }

// claimKey is the value's key in braces: Redis Cluster hashes only what is
// between the first { and the next }, so an address's claim lives on the
// same shard as its value. Were they apart, a failing shard would stop
// sharing every address whose claim or value it holds (5 in 9 of three
// shards), not the third whose answers it holds.
func (sh *shared) claimKey(a netip.Addr) string { return "{" + sh.key(a) + "}:claim" }

func (sh *shared) keys(addrs []netip.Addr, key func(netip.Addr) string) []string {
	ks := make([]string, len(addrs))
	for i, a := range addrs {
		ks[i] = key(a)
	}
	return ks
}

// do runs one store operation under the breaker and the operation
// deadline. A failure caused by the caller's own context ending says
// nothing about the store and is not held against it, nor is a
// [store.PartialError]: the store failed some keys (those of a cluster
// node that is down, say), keeps account of that itself, and the other
// keys are still worth asking it about.
func (sh *shared) do(ctx context.Context, op func(ctx context.Context) error) error {
	ok, probe, _ := sh.breaker.allow(sh.now())
	if !ok {
		sh.stats.skipped.Add(1)
		return errStoreSkipped
	}
	opCtx, cancel := context.WithTimeout(ctx, sh.opTimeout)
	defer cancel()
	err := op(opCtx)
	if err != nil && ctx.Err() != nil {
		sh.breaker.release(probe)
		return err
	}
	var partial *store.PartialError
	if err != nil && errors.As(err, &partial) {
		sh.stats.errors.Add(1)
		sh.log.Debug("remote: shared cache failed some keys", "source", sh.name, "error", err)
		if !slices.Contains(partial.Failed, false) {
			sh.breaker.release(probe)
			return err
		}
		// The store answered for some keys: below, a success.
	}
	if err != nil && partial == nil {
		sh.stats.errors.Add(1)
		if sh.breaker.record(false, probe, sh.now()) {
			sh.down.Store(true)
			sh.log.Warn("remote: shared cache failing, using the API directly",
				"source", sh.name, "error", err, "retry_in", sh.breaker.coolDown)
		} else {
			sh.log.Debug("remote: shared cache operation failed", "source", sh.name, "error", err)
		}
		return err
	}
	sh.breaker.record(true, probe, sh.now())
	if sh.down.Swap(false) {
		sh.log.Info("remote: shared cache back", "source", sh.name)
	}
	return err // nil, or a partial failure
}

// checkMulti checks a multi-key operation's answer for n keys: got results
// and err, a *store.PartialError of the right size included, as the store
// returned them.
func checkMulti(err error, got, n int) error {
	var partial *store.PartialError
	switch {
	case err != nil && !errors.As(err, &partial):
		return err
	case got != n:
		return fmt.Errorf("remote: shared cache answered %d results for %d keys", got, n)
	case partial != nil && len(partial.Failed) != n:
		return fmt.Errorf("remote: shared cache failed %d keys of %d: %v", len(partial.Failed), n, err)
	}
	return err
}

// failedKeys tells which of n keys an operation that ended with err
// failed: none for nil, those of a *store.PartialError, all for any other
// error.
func failedKeys(err error, n int) []bool {
	failed := make([]bool, n)
	var partial *store.PartialError
	switch {
	case err == nil:
	case errors.As(err, &partial) && len(partial.Failed) == n:
		copy(failed, partial.Failed)
	default:
		for i := range failed {
			failed[i] = true
		}
	}
	return failed
}

// getMulti reads addrs' entries: found[i] says whether recs[i] is an
// answer, failed[i] whether the store could not tell (it failed for that
// key, or altogether). Unreadable entries count as absent.
func (sh *shared) getMulti(ctx context.Context, addrs []netip.Addr) (recs []source.Record, found, failed []bool) {
	recs = make([]source.Record, len(addrs))
	found = make([]bool, len(addrs))
	var vals [][]byte
	err := sh.do(ctx, func(ctx context.Context) (err error) {
		vals, err = sh.st.GetMulti(ctx, sh.keys(addrs, sh.key))
		return checkMulti(err, len(vals), len(addrs))
	})
	failed = failedKeys(err, len(addrs))
	if allFailed(failed) {
		return recs, found, failed
	}
	for i, v := range vals {
		if v == nil || failed[i] {
			continue
		}
		rec, err := decodeShared(v, addrs[i])
		if err != nil {
			sh.stats.corrupt.Add(1)
			sh.log.Debug("remote: shared cache entry unreadable, ignored", "source", sh.name, "addr", addrs[i])
			continue
		}
		recs[i], found[i] = rec, true
	}
	return recs, found, failed
}

// allFailed reports whether the store failed every key of an operation.
func allFailed(failed []bool) bool { return !slices.Contains(failed, false) }

// claimMulti claims addrs; an address the store failed counts as claimed,
// so that the caller asks the API rather than wait for nobody.
func (sh *shared) claimMulti(ctx context.Context, addrs []netip.Addr) []bool {
	var claimed []bool
	err := sh.do(ctx, func(ctx context.Context) (err error) {
		claimed, err = sh.st.ClaimMulti(ctx, sh.keys(addrs, sh.claimKey), sh.claimTTL)
		return checkMulti(err, len(claimed), len(addrs))
	})
	failed := failedKeys(err, len(addrs))
	if len(claimed) != len(addrs) {
		claimed = make([]bool, len(addrs))
	}
	for i, f := range failed {
		if f {
			claimed[i] = true
		}
	}
	return claimed
}

// await waits for answers another process claimed, until all are there,
// the wait bound passes, the store fails or ctx ends; found[i] says which
// arrived. The polling is the hub's: one read for every waiter of the
// process, not one per waiter.
func (sh *shared) await(ctx context.Context, addrs []netip.Addr) (recs []source.Record, found []bool) {
	sh.stats.waits.Add(1)
	w := &waiter{
		addrs: addrs,
		recs:  make([]source.Record, len(addrs)),
		found: make([]bool, len(addrs)),
		left:  len(addrs),
		done:  make(chan struct{}),
	}
	sh.hub.add(w)
	t := time.NewTimer(sh.wait)
	defer t.Stop()
	select {
	case <-w.done:
	case <-t.C:
	case <-ctx.Done():
	}
	left := sh.hub.remove(w)
	if left > 0 {
		sh.stats.waitTimeouts.Add(1)
	}
	return w.recs, w.found
}

// putMulti stores answers: hits for hitTTL, misses for missTTL.
func (sh *shared) putMulti(ctx context.Context, addrs []netip.Addr, recs []source.Record) {
	items := make([]store.Item, 0, len(addrs))
	for i, a := range addrs {
		v, err := encodeShared(recs[i])
		if err != nil {
			continue
		}
		ttl := sh.hitTTL
		if recs[i].IsZero() {
			ttl = sh.missTTL
		}
		items = append(items, store.Item{Key: sh.key(a), Value: v, TTL: ttl})
	}
	if len(items) == 0 {
		return
	}
	err := sh.do(ctx, func(ctx context.Context) error {
		return checkMulti(sh.st.SetMulti(ctx, items), len(items), len(items))
	})
	for _, f := range failedKeys(err, len(items)) {
		if !f {
			sh.stats.stored.Add(1)
		}
	}
}

// SharedCacheStats counts what a source's shared cache did
// ([WithSharedCache]); all zero without one.
type SharedCacheStats struct {
	Hits         int64 // addresses answered from the store
	Misses       int64 // addresses the store did not have
	Stored       int64 // answers written to the store
	Corrupt      int64 // entries ignored as unreadable (garbage, truncated, other schema)
	Errors       int64 // store operations that failed (down, slow, full)
	Skipped      int64 // operations not tried because the store's breaker was open
	Waits        int64 // times the source waited on another process's claim
	WaitTimeouts int64 // waits that ended before every answer arrived
}

type sharedCounters struct {
	hits, misses, stored, corrupt, errors, skipped, waits, waitTimeouts atomic.Int64
}

func (c *sharedCounters) snapshot() SharedCacheStats {
	return SharedCacheStats{
		Hits: c.hits.Load(), Misses: c.misses.Load(), Stored: c.stored.Load(),
		Corrupt: c.corrupt.Load(), Errors: c.errors.Load(), Skipped: c.skipped.Load(),
		Waits: c.waits.Load(), WaitTimeouts: c.waitTimeouts.Load(),
	}
}

// SharedCacheStats returns the source's shared-cache counters.
func (s *Source) SharedCacheStats() SharedCacheStats {
	if s.shared == nil {
		return SharedCacheStats{}
	}
	return s.shared.stats.snapshot()
}

// closed reports whether the breaker lets every request through (no
// failures at its threshold).
func (b *breaker) closed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failures < b.threshold
}
