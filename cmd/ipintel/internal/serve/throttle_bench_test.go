package serve

import (
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// BenchmarkAuthThrottleMemory fills a throttle to its bound (maxTracked
// networks, each with one failure) and reports the heap it holds.
func BenchmarkAuthThrottleMemory(b *testing.B) {
	c := newClock()
	var held uint64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		a := newAuthThrottle(defaultAuthBurst, defaultAuthRefill, maxTracked, c.now)
		for i := range maxTracked + 1000 {
			a.attempt(netip.PrefixFrom(netip.AddrFrom4([4]byte{11, byte(i >> 16), byte(i >> 8), byte(i)}), 32), false)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held = after.HeapAlloc - before.HeapAlloc
		if a.len() != maxTracked {
			b.Fatalf("%d tracked", a.len())
		}
		runtime.KeepAlive(a)
	}
	b.ReportMetric(float64(held)/(1<<20), "MB-held")
	b.ReportMetric(float64(held)/maxTracked, "B/network")
}

// BenchmarkAuthThrottleAttempt is the cost the throttle adds to an
// authenticated request: a right key from a tracked address.
func BenchmarkAuthThrottleAttempt(b *testing.B) {
	a := newAuthThrottle(defaultAuthBurst, defaultAuthRefill, maxTracked, time.Now)
	p := netip.MustParsePrefix("192.0.2.1/32")
	a.attempt(p, false)
	for b.Loop() {
		a.attempt(p, true)
	}
}
