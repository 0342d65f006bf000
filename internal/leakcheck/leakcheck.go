// Package leakcheck lets tests check that the goroutines a library
// started have stopped.
package leakcheck

import (
	"runtime"
	"testing"
	"time"
)

// Wait waits up to 5 s for the number of goroutines to fall to want or
// fewer, and fails tb with every goroutine's stack if it does not.
func Wait(tb testing.TB, want int) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			tb.Fatalf("%d goroutines, want ≤ %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}
