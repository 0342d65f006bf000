package remote

import (
	"context"
	"sync"
	"time"
)

// limiter is a token bucket. It starts no goroutine: tokens are refilled
// from the clock when asked.
type limiter struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int, now time.Time) *limiter {
	if burst < 1 {
		burst = 1
	}
	return &limiter{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// reserve takes a token and returns how long the caller must wait before
// using it. If that wait would end after deadline (when non-zero), it takes
// nothing and reports ok=false.
func (l *limiter) reserve(now, deadline time.Time) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.After(l.last) {
		l.tokens += now.Sub(l.last).Seconds() * l.rate
		if l.tokens > l.burst {
			l.tokens = l.burst
		}
		l.last = now
	}
	if l.tokens >= 1 {
		l.tokens--
		return 0, true
	}
	wait = time.Duration((1 - l.tokens) / l.rate * float64(time.Second))
	if !deadline.IsZero() && now.Add(wait).After(deadline) {
		return wait, false
	}
	l.tokens--
	return wait, true
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// breaker is a circuit breaker: after threshold consecutive failures it
// opens for coolDown, then lets one probe through (half-open); the probe's
// success closes it, its failure opens it again.
type breaker struct {
	mu        sync.Mutex
	threshold int
	coolDown  time.Duration
	failures  int
	openUntil time.Time
	probing   bool
}

// allow reports whether a request may go out now, and if not, how long the
// cool-down still runs. probe is true for the one half-open probe: only its
// outcome (record or release with probe true) frees the probe slot, so a
// request let through before the circuit opened cannot, by ending late,
// let a second probe out.
func (b *breaker) allow(now time.Time) (ok, probe bool, left time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.threshold {
		return true, false, 0
	}
	if now.Before(b.openUntil) {
		return false, false, b.openUntil.Sub(now)
	}
	if b.probing {
		return false, false, b.coolDown
	}
	b.probing = true
	return true, true, 0
}

// record reports a request's outcome; probe is what allow said of it.
// Outcomes that say nothing about the provider's health (a caller's
// cancellation, a bad request) are not recorded.
func (b *breaker) record(ok, probe bool, now time.Time) (opened bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	if ok {
		b.failures = 0
		return false
	}
	b.failures++
	if b.failures < b.threshold {
		return false
	}
	b.openUntil = now.Add(b.coolDown)
	return probe || b.failures == b.threshold
}

// release ends a request whose outcome was not recorded; if it was the
// probe, the next request may probe.
func (b *breaker) release(probe bool) {
	if !probe {
		return
	}
	b.mu.Lock()
	b.probing = false
	b.mu.Unlock()
}
