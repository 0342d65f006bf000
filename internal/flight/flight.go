// Package flight collapses concurrent calls for one key into one call, as
// golang.org/x/sync/singleflight does, in two forms:
//
//   - [Group.Do] runs the call in the first caller's goroutine and makes
//     the others wait for it: for work that takes microseconds.
//   - [Group.Join] runs the call detached from every caller, in a goroutine
//     its owner tracks, and each caller waits for it or for its own
//     context, whichever ends first: for work that takes a network round
//     trip, where one caller giving up must fail nobody else.
//
// A Group is generic in its key and value, so values are not boxed in an
// interface. The zero Group is ready to use; it must not be copied after
// first use.
package flight

import (
	"context"
	"errors"
	"sync"
)

// Group runs at most one call per key at a time.
type Group[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*Flight[V]
}

// Flight is one call in progress, shared by every caller of its key that
// joined it before it ended.
type Flight[V any] struct {
	wg sync.WaitGroup // done once val and err are set
	// done is closed with wg, for callers that wait with a context. It
	// is made only for them (a Do flight joined by Do alone has none);
	// guarded by Group.mu.
	done chan struct{}
	val  V
	err  error
	dups int // callers that joined it after the first; guarded by Group.mu
}

// Do calls fn in the calling goroutine and returns its result, unless a
// call for key is already in flight: then it waits for that call and
// returns its result. shared reports that the result was handed to more
// than one caller, so a caller that will modify it must copy it first.
//
// If fn panics, the panic goes on in the caller that ran fn, and the
// callers waiting on it get an error.
func (g *Group[K, V]) Do(key K, fn func() (V, error)) (v V, shared bool, err error) {
	f, first := g.join(key, false)
	if !first {
		f.wg.Wait()
		return f.val, true, f.err
	}
	finished := false
	defer func() {
		if !finished {
			f.err = errPanicked
			g.finish(key, f)
		}
	}()
	f.val, f.err = fn()
	finished = true
	dups := g.finish(key, f)
	return f.val, dups > 0, f.err
}

// Join returns the call in flight for key, or starts one: fn runs in a
// goroutine that start launches, under a context that carries ctx's values
// but not its deadline or cancellation, so that the caller who happened to
// start it giving up fails nobody. fn must bound its own work (a deadline,
// its owner's Close). started reports that this caller started the call.
//
// start runs its argument in a new goroutine, typically one its owner's
// Close waits for; if it cannot (the owner is closed) it returns an error
// without running it, and that error is the call's result.
//
// Callers wait for the result with [Flight.Wait].
func (g *Group[K, V]) Join(ctx context.Context, key K, start func(func()) error,
	fn func(context.Context) (V, error)) (f *Flight[V], started bool) {
	f, first := g.join(key, true)
	if !first {
		return f, false
	}
	detached := context.WithoutCancel(ctx)
	err := start(func() {
		finished := false
		defer func() {
			if !finished {
				// Let the waiters go before the panic ends the process,
				// as it would have without a Group.
				f.err = errPanicked
				g.finish(key, f)
			}
		}()
		f.val, f.err = fn(detached)
		finished = true
		g.finish(key, f)
	})
	if err != nil {
		f.err = err
		g.finish(key, f)
	}
	return f, true
}

// Forget makes the next call for key start a new call rather than join the
// one in flight, whose callers still get its result.
func (g *Group[K, V]) Forget(key K) {
	g.mu.Lock()
	delete(g.calls, key)
	g.mu.Unlock()
}

// join returns key's flight, registering a new one when there is none
// (first is then true). withCtx asks for a flight that can be waited for
// with a context.
func (g *Group[K, V]) join(key K, withCtx bool) (f *Flight[V], first bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.calls[key]; ok {
		f.dups++
		if withCtx && f.done == nil {
			f.done = make(chan struct{})
		}
		return f, false
	}
	if g.calls == nil {
		g.calls = make(map[K]*Flight[V])
	}
	f = &Flight[V]{}
	f.wg.Add(1)
	if withCtx {
		f.done = make(chan struct{})
	}
	g.calls[key] = f
	return f, true
}

// finish removes f from the group (unless Forget already did, and another
// flight took its key) and releases its waiters. It returns how many
// callers joined f after the first.
func (g *Group[K, V]) finish(key K, f *Flight[V]) (dups int) {
	g.mu.Lock()
	if g.calls[key] == f {
		delete(g.calls, key)
	}
	dups = f.dups
	if f.done != nil {
		close(f.done)
	}
	g.mu.Unlock()
	f.wg.Done()
	return dups
}

// Wait returns the call's result, or ctx's error if ctx ends first; the
// call then goes on for the other callers.
func (f *Flight[V]) Wait(ctx context.Context) (V, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// errPanicked is what callers waiting on a call that panicked get.
var errPanicked = errors.New("flight: the shared call panicked")
