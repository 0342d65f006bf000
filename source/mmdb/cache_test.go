package mmdb

import (
	"sync"
	"testing"
)

func TestCache(t *testing.T) {
	c := newCache(100)
	if c.get(5) != nil {
		t.Fatal("hit in an empty cache")
	}
	for off := uintptr(1); off <= 100; off++ {
		c.put(&entry{off: off * 37})
	}
	hits := 0
	for off := uintptr(1); off <= 100; off++ {
		if e := c.get(off * 37); e != nil {
			if e.off != off*37 {
				t.Fatalf("get(%d) = entry %d", off*37, e.off)
			}
			hits++
		}
	}
	if hits < 95 { // a few may not find a free slot within maxProbe
		t.Errorf("%d of 100 records cached", hits)
	}
	// Full: the next insert starts an empty table.
	c.put(&entry{off: 1 << 20})
	if c.get(1<<20) == nil || c.get(37) != nil {
		t.Error("a full cache did not start again")
	}
	off := newCache(0)
	off.put(&entry{off: 1})
	if off.get(1) != nil {
		t.Error("a disabled cache kept a record")
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := newCache(64)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10_000 {
				off := uintptr((i*7+g)%500 + 1)
				if e := c.get(off); e != nil && e.off != off {
					t.Errorf("get(%d) = %d", off, e.off)
					return
				}
				c.put(&entry{off: off})
			}
		}()
	}
	wg.Wait()
}
