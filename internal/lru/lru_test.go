package lru

import (
	"errors"
	"sync"
	"testing"
	"time"
)

func TestNewRejectsBadArguments(t *testing.T) {
	if _, err := New[int, int](0, time.Minute); !errors.Is(err, ErrSize) {
		t.Errorf("size 0: err = %v, want ErrSize", err)
	}
	if _, err := New[int, int](-1, time.Minute); !errors.Is(err, ErrSize) {
		t.Errorf("size -1: err = %v, want ErrSize", err)
	}
	if _, err := New[int, int](1, -time.Second); !errors.Is(err, ErrTTL) {
		t.Errorf("ttl -1s: err = %v, want ErrTTL", err)
	}
}

func TestExpiry(t *testing.T) {
	c, err := New[string, int](4, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c.Add("a", 1, t0)
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{
		{0, true},
		{time.Minute - time.Nanosecond, true},
		{time.Minute, false}, // expires at exactly t0 + ttl
	} {
		v, ok := c.Get("a", t0.Add(tc.at))
		if ok != tc.want || (ok && v != 1) {
			t.Errorf("Get at +%v = %d, %v; want 1, %v", tc.at, v, ok, tc.want)
		}
	}
	// The expired read removed it: even an earlier clock no longer sees it.
	if _, ok := c.Get("a", t0); ok {
		t.Error("an expired entry survived its read")
	}
	if c.Len() != 0 {
		t.Errorf("Len = %d after expiry, want 0", c.Len())
	}
}

func TestZeroTTLNeverExpires(t *testing.T) {
	c, err := New[string, int](4, 0)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	c.Add("a", 1, t0)
	if v, ok := c.Get("a", t0.Add(100*365*24*time.Hour)); !ok || v != 1 {
		t.Errorf("Get a century later = %d, %v; want 1, true", v, ok)
	}
}

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	c, err := New[int, string](2, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c.Add(1, "one", now)
	c.Add(2, "two", now)
	c.Get(1, now) // 2 is now the least recently used
	c.Add(3, "three", now)
	if _, ok := c.Get(2, now); ok {
		t.Error("2 was not evicted")
	}
	for k, want := range map[int]string{1: "one", 3: "three"} {
		if v, ok := c.Get(k, now); !ok || v != want {
			t.Errorf("Get(%d) = %q, %v; want %q", k, v, ok, want)
		}
	}
}

func TestAddReplacesAndRenews(t *testing.T) {
	c, err := New[int, int](2, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	c.Add(1, 10, t0)
	c.Add(1, 11, t0.Add(50*time.Second))
	if v, ok := c.Get(1, t0.Add(90*time.Second)); !ok || v != 11 {
		t.Errorf("Get = %d, %v; want the renewed 11, true", v, ok)
	}
}

func TestPurge(t *testing.T) {
	c, err := New[int, int](8, 0)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := range 5 {
		c.Add(i, i, now)
	}
	c.Purge()
	if c.Len() != 0 {
		t.Errorf("Len = %d after Purge", c.Len())
	}
	if _, ok := c.Get(0, now); ok {
		t.Error("an entry survived Purge")
	}
}

// Run with -race: concurrent readers and writers on a small cache.
func TestConcurrentUse(t *testing.T) {
	c, err := New[int, int](16, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := (w*7 + i) % 32
				now := time.Now()
				if v, ok := c.Get(k, now); ok && v != k*k {
					t.Errorf("Get(%d) = %d, want %d", k, v, k*k)
					return
				}
				c.Add(k, k*k, now)
			}
		}()
	}
	wg.Wait()
	if n := c.Len(); n > 16 {
		t.Errorf("Len = %d, above the size 16", n)
	}
}
