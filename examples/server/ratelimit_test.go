package main

import (
	"sync"
	"testing"
	"time"
)

// TestLimiterSlidingWindow checks the window against a slow reference: a
// request at time t is allowed when fewer than limit allowed requests
// happened in (t−60 s, t].
func TestLimiterSlidingWindow(t *testing.T) {
	c := newClock()
	const limit = 5
	l := newLimiter(limit, window, c.now)
	var allowed []time.Time
	steps := []time.Duration{0, 1, 1, 1, 1, 1, 1, 10, 20, 15, 1, 1, 5, 59, 1, 0, 0, 0, 0, 0, 0, 61, 0, 30, 29, 1}
	for i, s := range steps {
		c.advance(s * time.Second)
		now := c.now()
		inWindow := 0
		for _, a := range allowed {
			if now.Sub(a) < window {
				inWindow++
			}
		}
		want := inWindow < limit
		v := l.allow("k")
		if v.allowed != want {
			t.Fatalf("step %d (t=%v): allowed %v, want %v", i, now.Sub(newClock().now()), v.allowed, want)
		}
		if want {
			allowed = append(allowed, now)
			inWindow++
		}
		if v.remaining != limit-inWindow {
			t.Errorf("step %d: remaining %d, want %d", i, v.remaining, limit-inWindow)
		}
		if !v.allowed && v.reset <= 0 {
			t.Errorf("step %d: refused with reset %v", i, v.reset)
		}
		if n := len(l.hits["k"]); n > limit || cap(l.hits["k"]) > 2*limit+1 {
			t.Errorf("step %d: %d entries, capacity %d", i, n, cap(l.hits["k"]))
		}
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := newLimiter(100, window, newClock().now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if l.allow("k").allowed {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if ok != 100 {
		t.Errorf("%d of 400 requests allowed, want exactly 100", ok)
	}
}

func TestSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 1, -time.Second: 1, time.Nanosecond: 1, time.Second: 1, 1500 * time.Millisecond: 2, 60 * time.Second: 60} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%v) = %d, want %d", d, got, want)
		}
	}
}
