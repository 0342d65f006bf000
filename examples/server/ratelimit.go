package main

import (
	"sync"
	"time"
)

// limiter is a per-key sliding-window rate limit: at most limit requests
// in any window (60 s) per key. It keeps the times of the requests still in
// the window, so memory is bounded by limit per key, and keys are only the
// configured API keys.
type limiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time // per key, oldest first
}

func newLimiter(limit int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{limit: limit, window: window, now: now, hits: make(map[string][]time.Time)}
}

// verdict is the answer for one request.
type verdict struct {
	allowed   bool
	limit     int
	remaining int           // requests left in the window after this one
	reset     time.Duration // until the oldest request leaves the window
}

// allow records a request for key if the window has room.
func (l *limiter) allow(key string) verdict {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hits[key]
	cut := 0
	for cut < len(h) && now.Sub(h[cut]) >= l.window {
		cut++
	}
	h = h[cut:]
	v := verdict{limit: l.limit}
	if len(h) < l.limit {
		if cap(h) == len(h) {
			// Compact into a fresh slice rather than grow an old one
			// whose head has been cut off.
			h = append(make([]time.Time, 0, min(2*len(h)+1, l.limit)), h...)
		}
		h = append(h, now)
		v.allowed = true
	}
	l.hits[key] = h
	v.remaining = l.limit - len(h)
	if len(h) > 0 {
		v.reset = h[0].Add(l.window).Sub(now)
	}
	return v
}

// seconds rounds d up to whole seconds, at least 1.
func seconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
