package serve

import (
	"sync"
	"time"
)

// The server's rate limits, as each API documents its own:
//   - VectraIP: per key, a sliding 60-second window of the plan's requests
//     per minute, and the plan's monthly quota (calendar month, UTC);
//   - VPN Signal: per key, the plan's daily limit (UTC day) and a sliding
//     one-second window of its per-second limit;
//   - Datpaq: per client IP, a sliding 60-second window.
//
// A sliding window keeps the times of the requests still in it (memory
// bounded by the limit per identity); a fixed window keeps one count.
// Identities whose requests have all left their window are swept, so a
// stream of client addresses does not grow the maps without bound.

// verdict is a limiter's answer for one request.
type verdict struct {
	allowed   bool
	limit     int
	remaining int       // requests left in the window after this one
	reset     time.Time // when the window frees a request (sliding) or starts over (fixed)
}

// sweepEvery is how many calls pass between sweeps of idle identities.
const sweepEvery = 4096

// slidingLimiter allows at most limit requests per identity in any window.
type slidingLimiter struct {
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	hits  map[string][]time.Time // per identity, oldest first
	calls int
}

func newSlidingLimiter(window time.Duration, now func() time.Time) *slidingLimiter {
	return &slidingLimiter{window: window, now: now, hits: make(map[string][]time.Time)}
}

// allow records a request for id if its window has room for limit.
func (l *slidingLimiter) allow(id string, limit int) verdict {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	h := l.hits[id]
	cut := 0
	for cut < len(h) && now.Sub(h[cut]) >= l.window {
		cut++
	}
	h = h[cut:]
	v := verdict{limit: limit}
	if len(h) < limit {
		if cap(h) == len(h) {
			// Compact into a fresh slice rather than grow an old one
			// whose head has been cut off.
			h = append(make([]time.Time, 0, min(2*len(h)+1, limit)), h...)
		}
		h = append(h, now)
		v.allowed = true
	}
	l.hits[id] = h
	v.remaining = max(limit-len(h), 0)
	v.reset = now
	if len(h) > 0 {
		v.reset = h[0].Add(l.window)
	}
	return v
}

func (l *slidingLimiter) sweep(now time.Time) {
	if l.calls++; l.calls%sweepEvery != 0 {
		return
	}
	for id, h := range l.hits {
		if len(h) == 0 || now.Sub(h[len(h)-1]) >= l.window {
			delete(l.hits, id)
		}
	}
}

// fixedLimiter allows at most limit requests per identity in each period
// (a UTC day, a calendar month); limit 0 is no limit.
type fixedLimiter struct {
	period func(t time.Time) (start, end time.Time)
	now    func() time.Time

	mu     sync.Mutex
	counts map[string]fixedCount
	calls  int
}

type fixedCount struct {
	start time.Time
	n     int
}

func newFixedLimiter(period func(time.Time) (time.Time, time.Time), now func() time.Time) *fixedLimiter {
	return &fixedLimiter{period: period, now: now, counts: make(map[string]fixedCount)}
}

func (l *fixedLimiter) allow(id string, limit int) verdict {
	start, end := l.period(l.now())
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls++; l.calls%sweepEvery == 0 {
		for k, c := range l.counts {
			if !c.start.Equal(start) {
				delete(l.counts, k)
			}
		}
	}
	c := l.counts[id]
	if !c.start.Equal(start) {
		c = fixedCount{start: start}
	}
	v := verdict{limit: limit, reset: end}
	if limit == 0 || c.n < limit {
		c.n++
		v.allowed = true
	}
	l.counts[id] = c
	v.remaining = max(limit-c.n, 0)
	return v
}

// peek is allow without counting the request.
func (l *fixedLimiter) peek(id string, limit int) verdict {
	start, end := l.period(l.now())
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	if c := l.counts[id]; c.start.Equal(start) {
		n = c.n
	}
	return verdict{allowed: limit == 0 || n < limit, limit: limit, remaining: max(limit-n, 0), reset: end}
}

// utcDay is the UTC day holding t.
func utcDay(t time.Time) (start, end time.Time) {
	t = t.UTC()
	start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 0, 1)
}

// utcMonth is the calendar month (UTC) holding t.
func utcMonth(t time.Time) (start, end time.Time) {
	t = t.UTC()
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0)
}

// seconds rounds d up to whole seconds, at least 1.
func seconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
