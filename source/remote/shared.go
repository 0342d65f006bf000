package remote

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
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

func (sh *shared) key(a netip.Addr) string      { return sh.prefix + a.String() }
func (sh *shared) claimKey(a netip.Addr) string { return sh.prefix + a.String() + ":claim" }

func (sh *shared) keys(addrs []netip.Addr, key func(netip.Addr) string) []string {
	ks := make([]string, len(addrs))
	for i, a := range addrs {
		ks[i] = key(a)
	}
	return ks
}

// do runs one store operation under the breaker and the operation
// deadline. A failure caused by the caller's own context ending says
// nothing about the store and is not held against it.
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
	if err != nil {
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
	return nil
}

// getMulti reads addrs' entries: found[i] says whether recs[i] is an
// answer. Unreadable entries count as absent; a store error (up false) as
// all absent.
func (sh *shared) getMulti(ctx context.Context, addrs []netip.Addr) (recs []source.Record, found []bool, up bool) {
	recs = make([]source.Record, len(addrs))
	found = make([]bool, len(addrs))
	var vals [][]byte
	err := sh.do(ctx, func(ctx context.Context) (err error) {
		vals, err = sh.st.GetMulti(ctx, sh.keys(addrs, sh.key))
		if err == nil && len(vals) != len(addrs) {
			err = errors.New("remote: shared cache answered the wrong number of values")
		}
		return err
	})
	if err != nil {
		return recs, found, false
	}
	for i, v := range vals {
		if v == nil {
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
	return recs, found, true
}

// claimMulti claims addrs; on a store error every address counts as
// claimed, so that the caller asks the API rather than wait for nobody.
func (sh *shared) claimMulti(ctx context.Context, addrs []netip.Addr) []bool {
	var claimed []bool
	err := sh.do(ctx, func(ctx context.Context) (err error) {
		claimed, err = sh.st.ClaimMulti(ctx, sh.keys(addrs, sh.claimKey), sh.claimTTL)
		if err == nil && len(claimed) != len(addrs) {
			err = errors.New("remote: shared cache answered the wrong number of claims")
		}
		return err
	})
	if err != nil {
		claimed = make([]bool, len(addrs))
		for i := range claimed {
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
	if sh.do(ctx, func(ctx context.Context) error { return sh.st.SetMulti(ctx, items) }) == nil {
		sh.stats.stored.Add(int64(len(items)))
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
