package serve

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestSlidingLimiter(t *testing.T) {
	c := newClock()
	l := newSlidingLimiter(time.Minute, c.now)
	for i := range 3 {
		if v := l.allow("k", 3); !v.allowed || v.remaining != 2-i {
			t.Fatalf("request %d: %+v", i, v)
		}
		c.advance(10 * time.Second)
	}
	v := l.allow("k", 3)
	if v.allowed || v.remaining != 0 || v.reset.Sub(c.now()) != 30*time.Second {
		t.Fatalf("4th request: %+v", v)
	}
	if !l.allow("other", 3).allowed {
		t.Fatal("another identity shares the window")
	}
	c.advance(30 * time.Second) // the first request leaves the window
	if !l.allow("k", 3).allowed || l.allow("k", 3).allowed {
		t.Fatal("the window did not slide by one")
	}
}

// Idle identities are swept: a stream of addresses does not grow the map.
func TestSlidingLimiterSweeps(t *testing.T) {
	c := newClock()
	l := newSlidingLimiter(time.Second, c.now)
	for i := range 3 * sweepEvery {
		l.allow(strconv.Itoa(i), 1)
		c.advance(time.Millisecond)
	}
	l.mu.Lock()
	n := len(l.hits)
	l.mu.Unlock()
	if n > sweepEvery+1000 {
		t.Errorf("%d identities kept", n)
	}
}

func TestFixedLimiter(t *testing.T) {
	c := newClock() // 2026-05-25T14:00:00Z
	l := newFixedLimiter(utcDay, c.now)
	for range 2 {
		if !l.allow("k", 2).allowed {
			t.Fatal("refused under the limit")
		}
	}
	v := l.allow("k", 2)
	if v.allowed || v.reset != time.Date(2026, 5, 26, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("%+v", v)
	}
	if p := l.peek("k", 2); p.remaining != 0 || p.allowed {
		t.Fatalf("peek %+v", p)
	}
	c.advance(10 * time.Hour) // the next UTC day
	if v := l.allow("k", 2); !v.allowed || v.remaining != 1 {
		t.Fatalf("new day: %+v", v)
	}
	if !l.allow("k", 0).allowed {
		t.Fatal("limit 0 is no limit")
	}
	start, end := utcMonth(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC))
	if start != time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) || end != time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("month %v – %v", start, end)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := newSlidingLimiter(time.Minute, time.Now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if l.allow("k", 50).allowed {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if allowed != 50 {
		t.Errorf("%d allowed, want 50", allowed)
	}
}

func TestSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 1, time.Millisecond: 1, time.Second: 1, 1001 * time.Millisecond: 2, 30 * time.Second: 30} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%v) = %d, want %d", d, got, want)
		}
	}
}

// VectraIP: per key, the plan's requests per sliding minute; 429 with
// Retry-After; then the monthly quota, 403.
func TestVectraIPRateLimit(t *testing.T) {
	f := newFixture(t, limits{"free", "enterprise", 1000}) // 10 a minute, 1,000 a month
	req := call{path: "/v1/ip/" + clean, auth: "vectra"}
	for range 10 {
		f.do(t, req).expect(t, 200)
		f.clock.advance(3 * time.Second) // at 0 s … 27 s
	}
	// At 30 s the window is full; the first request leaves it at 60 s.
	a := f.do(t, req).expect(t, http.StatusTooManyRequests)
	var e vectraIPError
	a.decode(t, &e)
	if a.header.Get("Retry-After") != "30" || e.Detail == "" {
		t.Errorf("Retry-After %q, %+v", a.header.Get("Retry-After"), e)
	}
	other := req
	other.key = key2
	f.do(t, other).expect(t, 200) // another key has its own window
	f.clock.advance(30 * time.Second)
	f.do(t, req).expect(t, 200)
	f.do(t, req).expect(t, http.StatusTooManyRequests)

	// The monthly quota: 1,000 requests, then 403 until the month ends.
	for i := 11; i < 1000; i++ {
		f.clock.advance(7 * time.Second)
		f.do(t, req).expect(t, 200)
	}
	f.clock.advance(7 * time.Second)
	f.do(t, req).expect(t, http.StatusForbidden).decode(t, &e)
	f.clock.advance(31 * 24 * time.Hour)
	f.do(t, req).expect(t, 200)
}

// VPN Signal: per key, per second and per UTC day; X-RateLimit-* on every
// response, Reset an epoch.
func TestVPNSignalRateLimit(t *testing.T) {
	f := newFixture(t, limits{"enterprise", "free", 1000}) // 1 a second, 100 a day
	req := call{method: "POST", path: vpnCheck, body: `{"ip":"` + clean + `"}`, auth: "bearer"}
	endOfDay := strconv.FormatInt(time.Date(2026, 5, 26, 0, 0, 0, 0, time.UTC).Unix(), 10)
	f.do(t, req).expect(t, 200)
	a := f.do(t, req).expect(t, http.StatusTooManyRequests) // the same second
	var e vpnSignalError
	a.decode(t, &e)
	if e.Error != "rate_limit_exceeded" || a.header.Get("Retry-After") != "1" || a.header.Get(rateLimitRemaining) != "99" ||
		a.header.Get(rateLimitReset) != endOfDay {
		t.Errorf("%+v %v", e, a.header)
	}
	for i := 1; i < 100; i++ {
		f.clock.advance(time.Second)
		a = f.do(t, req).expect(t, 200)
	}
	if a.header.Get(rateLimitRemaining) != "0" || a.header.Get(rateLimitLimit) != "100" {
		t.Errorf("headers after 100: %v", a.header)
	}
	f.clock.advance(time.Second)
	a = f.do(t, req).expect(t, http.StatusTooManyRequests)
	if a.header.Get(rateLimitReset) != endOfDay {
		t.Errorf("daily 429: %v", a.header)
	}
	f.clock.advance(10 * time.Hour)
	f.do(t, req).expect(t, 200)
}

// A plan without a daily limit shows its per-second window.
func TestVPNSignalRateLimitUnlimitedDaily(t *testing.T) {
	f := newFixture(t, roomy) // enterprise: 100 a second, no daily limit
	f.clock.advance(500 * time.Millisecond)
	a := f.do(t, call{method: "POST", path: vpnCheck, body: `{"ip":"` + clean + `"}`, auth: "bearer"}).expect(t, 200)
	reset, _ := strconv.ParseInt(a.header.Get(rateLimitReset), 10, 64)
	if a.header.Get(rateLimitLimit) != "100" || a.header.Get(rateLimitRemaining) != "99" || reset != f.clock.now().Unix()+2 { // frees at +1.5 s, rounded up
		t.Errorf("headers %v", a.header)
	}
}

// Datpaq: per client IP, whatever the key; health and batch info count too.
func TestDatpaqRateLimit(t *testing.T) {
	f := newFixture(t, limits{"enterprise", "enterprise", 3})
	req := call{path: datpaqPath + "?ip=" + clean, auth: "bearer", remote: "198.51.100.7:1"}
	for range 3 {
		f.do(t, req).expect(t, 200)
		f.clock.advance(10 * time.Second)
	}
	a := f.do(t, req).expect(t, http.StatusTooManyRequests)
	var e datpaqError
	a.decode(t, &e)
	if e.Error != datpaqTooFast || e.CorrelationID == "" || a.header.Get("Retry-After") != "30" {
		t.Errorf("%+v %v", e, a.header)
	}
	other := req
	other.key = key2
	f.do(t, other).expect(t, http.StatusTooManyRequests) // another key, the same IP
	other.remote = "198.51.100.8:1"
	f.do(t, other).expect(t, 200) // another IP
}
