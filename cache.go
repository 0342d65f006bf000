package ipintel

import (
	"context"
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/internal/flight"
	"github.com/ipintel/ipintel/internal/lru"
)

// resultCache keeps recent Results by address. Expiry is checked on read,
// so no janitor goroutine is needed (golang-lru's expirable cache starts one
// that never stops).
type resultCache struct {
	lru    *lru.Cache[netip.Addr, *Result] // never handed out: callers get clones
	flight flight.Group[netip.Addr, *Result]
}

func newResultCache(size int, ttl time.Duration) (*resultCache, error) {
	l, err := lru.New[netip.Addr, *Result](size, ttl)
	if err != nil {
		return nil, err
	}
	return &resultCache{lru: l}, nil
}

// get returns a private copy of the cached result for addr, marked as a hit.
func (rc *resultCache) get(addr netip.Addr, now time.Time) *Result {
	e, ok := rc.lru.Get(addr, now)
	if !ok {
		return nil
	}
	r := e.clone()
	markHit(r, now)
	return r
}

// getInto is get copying into r, reusing its storage; it reports whether
// addr was cached.
func (rc *resultCache) getInto(addr netip.Addr, now time.Time, r *Result) bool {
	e, ok := rc.lru.Get(addr, now)
	if !ok {
		return false
	}
	r.copyFrom(e)
	markHit(r, now)
	return true
}

func markHit(r *Result, now time.Time) {
	r.Query.CacheStatus = CacheHit
	r.Query.ProcessedAt = now
	r.Query.RequestID = newRequestID()
	r.Meta.ResponseTime = time.Since(now)
}

// put keeps a private copy of r, unless a source failed in it: a transient
// failure must not be remembered for a whole TTL. Its time to live runs
// from when it was processed.
func (rc *resultCache) put(r *Result) {
	if len(r.Meta.Errors) > 0 {
		return
	}
	rc.lru.Add(r.Query.IP, r.clone(), r.Query.ProcessedAt)
}

func (rc *resultCache) purge() { rc.lru.Purge() }

// lookupCached answers from the cache, or resolves addr once however many
// callers ask for it at the same time.
func (c *Client) lookupCached(ctx context.Context, addr netip.Addr) (*Result, error) {
	rc := c.cache
	if r := rc.get(addr, time.Now()); r != nil {
		c.stats.cacheHits.Add(1)
		return r, nil
	}
	c.stats.cacheMisses.Add(1)
	ran := false // this caller resolved addr; else it joined another's lookup
	if !c.hasRemote {
		// Local sources answer in microseconds: wait in place, no goroutine.
		r, shared, err := rc.flight.Do(addr, func() (*Result, error) {
			ran = true
			r := c.resolve(ctx, addr)
			rc.put(r)
			return r, nil
		})
		if err != nil { // the caller that resolved it panicked
			return nil, err
		}
		if !ran {
			c.stats.shared.Add(1)
		}
		return own(r, shared), nil
	}
	// The shared lookup must not die with the first caller's context, nor
	// outlive Close: it runs detached from the caller but under c.ctx, and
	// each caller waits for it or for its own context.
	f, ran := rc.flight.Join(ctx, addr, c.goStart, func(ctx context.Context) (*Result, error) {
		sctx, stop := withCancelOn(ctx, c.ctx)
		defer stop()
		r := c.resolve(sctx, addr)
		rc.put(r)
		return r, nil
	})
	r, err := f.Wait(ctx)
	if err != nil {
		return nil, err
	}
	if !ran {
		c.stats.shared.Add(1)
	}
	return own(r, true), nil
}

// own returns r for a single caller, or a private copy when the result is
// shared with other callers.
func own(r *Result, shared bool) *Result {
	if shared {
		r = r.clone()
		r.Query.RequestID = newRequestID() // every caller is its own request
	}
	return r
}

// withCancelOn returns a context derived from ctx that is also cancelled
// when other is.
func withCancelOn(ctx, other context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(other, cancel)
	return ctx, func() { stop(); cancel() }
}
