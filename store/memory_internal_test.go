package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Keys that expire and are never read again must not pile up.
func TestMemorySweepsExpired(t *testing.T) {
	m := newMemory()
	ctx := context.Background()
	for i := range 3 * sweepEvery {
		if err := m.Set(ctx, fmt.Sprint(i), []byte("v"), time.Nanosecond); err != nil {
			t.Fatal(err)
		}
	}
	m.mu.Lock()
	n := len(m.items)
	m.mu.Unlock()
	if n >= sweepEvery {
		t.Fatalf("%d expired entries still held after %d writes", n, 3*sweepEvery)
	}
}
