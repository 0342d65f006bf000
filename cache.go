package ipintel

import (
	"context"
	"net/netip"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
)

// resultCache keeps recent Results by address. Expiry is checked on read,
// so no janitor goroutine is needed (golang-lru's expirable cache starts one
// that never stops).
type resultCache struct {
	lru    *lru.Cache[netip.Addr, cacheEntry]
	ttl    time.Duration // 0: no expiry
	flight singleflight.Group
}

type cacheEntry struct {
	res     *Result // never handed out: callers get clones
	expires time.Time
}

func newResultCache(size int, ttl time.Duration) (*resultCache, error) {
	l, err := lru.New[netip.Addr, cacheEntry](size)
	if err != nil {
		return nil, err
	}
	return &resultCache{lru: l, ttl: ttl}, nil
}

// get returns a private copy of the cached result for addr, marked as a hit.
func (rc *resultCache) get(addr netip.Addr, now time.Time) *Result {
	e, ok := rc.fresh(addr, now)
	if !ok {
		return nil
	}
	r := e.res.clone()
	markHit(r, now)
	return r
}

// getInto is get copying into r, reusing its storage; it reports whether
// addr was cached.
func (rc *resultCache) getInto(addr netip.Addr, now time.Time, r *Result) bool {
	e, ok := rc.fresh(addr, now)
	if !ok {
		return false
	}
	r.copyFrom(e.res)
	markHit(r, now)
	return true
}

// fresh returns addr's entry unless it is missing or expired.
func (rc *resultCache) fresh(addr netip.Addr, now time.Time) (cacheEntry, bool) {
	e, ok := rc.lru.Get(addr)
	if !ok {
		return e, false
	}
	if rc.ttl > 0 && !now.Before(e.expires) {
		rc.lru.Remove(addr)
		return e, false
	}
	return e, true
}

func markHit(r *Result, now time.Time) {
	r.Query.CacheStatus = CacheHit
	r.Query.ProcessedAt = now
	r.Query.RequestID = newRequestID()
	r.Meta.ResponseTime = time.Since(now)
}

// put keeps a private copy of r, unless a source failed in it: a transient
// failure must not be remembered for a whole TTL.
func (rc *resultCache) put(r *Result) {
	if len(r.Meta.Errors) > 0 {
		return
	}
	rc.lru.Add(r.Query.IP, cacheEntry{res: r.clone(), expires: r.Query.ProcessedAt.Add(rc.ttl)})
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
	key := string(addr.AsSlice())
	ran := false // this caller resolved addr; else it joined another's lookup
	if !c.hasRemote {
		// Local sources answer in microseconds: wait in place, no goroutine.
		v, _, shared := rc.flight.Do(key, func() (any, error) {
			ran = true
			r := c.resolve(ctx, addr)
			rc.put(r)
			return r, nil
		})
		if !ran {
			c.stats.shared.Add(1)
		}
		return own(v.(*Result), shared), nil
	}
	// The shared lookup must not die with the first caller's context, nor
	// outlive Close: it runs detached from the caller but under c.ctx, and
	// each caller waits for it or for its own context.
	ch := rc.flight.DoChan(key, func() (any, error) {
		ran = true
		done := make(chan *Result, 1)
		if !c.goStart(func() {
			sctx, stop := withCancelOn(context.WithoutCancel(ctx), c.ctx)
			defer stop()
			r := c.resolve(sctx, addr)
			rc.put(r)
			done <- r
		}) {
			return nil, errClientClosed
		}
		return <-done, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		if !ran {
			c.stats.shared.Add(1)
		}
		return own(res.Val.(*Result), true), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
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
