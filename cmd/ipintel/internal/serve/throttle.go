package serve

import (
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/ipintel/ipintel/middleware"
)

// Failed authentication is throttled per client address by a token bucket:
// an address may fail burst times (20 by default) in a row; each failure
// takes a token, and tokens come back at burst per refill period (one
// minute by default, so one every 3 s). With no token left, every
// authenticated request from the address gets 429 with Retry-After (the
// time until the next token) whatever key it carries: a right key too,
// so that the answer does not tell a guesser which key is real. Over any
// span T an address thus fails at most burst × (1 + T/refill) times.
// Requests that need no key (health, batch info, metrics) are not
// affected.
//
// The client address is the one the server determines (the TCP peer, or
// what a trusted proxy says); an IPv6 client is counted by its /64, which
// one subscriber usually holds whole. Buckets live in an LRU of at most
// maxTracked (65,536) networks, 14 MB when full (224 B a network, by
// BenchmarkAuthThrottleMemory); a bucket that has refilled is dropped, and when the LRU is
// full the network that failed least recently is forgotten, which takes
// an attacker that many other addresses, each with its own allowance.

const (
	defaultAuthBurst  = 20
	defaultAuthRefill = time.Minute
	// maxTracked bounds the networks whose failures are remembered.
	maxTracked = 1 << 16
)

// authThrottle counts failed authentications per client network.
type authThrottle struct {
	burst int
	every time.Duration // one token comes back every refill/burst
	now   func() time.Time

	mu  sync.Mutex
	lru *simplelru.LRU[netip.Prefix, bucket]
}

// bucket is one network's tokens as of at.
type bucket struct {
	tokens float64
	at     time.Time
}

func newAuthThrottle(burst int, refill time.Duration, size int, now func() time.Time) *authThrottle {
	burst = max(burst, 1)
	// NewLRU fails only for a size below 1.
	l, _ := simplelru.NewLRU[netip.Prefix, bucket](max(size, 1), nil)
	return &authThrottle{burst: burst, every: max(refill/time.Duration(burst), time.Nanosecond), now: now, lru: l}
}

// refilled is b's tokens at now.
func (a *authThrottle) refilled(b bucket, now time.Time) float64 {
	return min(float64(a.burst), b.tokens+float64(now.Sub(b.at))/float64(a.every))
}

// attempt records an authentication attempt from net, ok when its key was
// right, and reports whether it must be refused, and for how long: when
// net has no token left, a right key is refused too. The check and the
// count are one step under the lock, so a concurrent burst of wrong keys
// gets no more than the tokens there are.
func (a *authThrottle) attempt(net netip.Prefix, ok bool) (time.Duration, bool) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	t := float64(a.burst)
	b, tracked := a.lru.Peek(net)
	if tracked {
		t = a.refilled(b, now)
	}
	switch {
	case t < 1:
		return time.Duration((1 - t) * float64(a.every)), true
	case !ok:
		a.lru.Add(net, bucket{tokens: t - 1, at: now})
	case tracked && t >= float64(a.burst):
		a.lru.Remove(net) // refilled: nothing to remember
	}
	return 0, false
}

// len is the number of networks tracked.
func (a *authThrottle) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lru.Len()
}

// clientNet is the network failures are counted against: the client
// address as the resolver finds it (the peer when it cannot), IPv4 by
// address, IPv6 by /64.
func clientNet(res *middleware.Resolver, r *http.Request) netip.Prefix {
	addr, err := res.ClientIP(r)
	if err != nil {
		ap, perr := netip.ParseAddrPort(r.RemoteAddr)
		if perr != nil {
			return netip.Prefix{} // one shared bucket for the unaddressable
		}
		addr = ap.Addr()
	}
	addr = addr.Unmap().WithZone("")
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	p, _ := addr.Prefix(bits)
	return p
}
