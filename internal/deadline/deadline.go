// Package deadline calls a source under a deadline, in a goroutine of its
// own, and waits for it no longer than that deadline plus a grace period.
//
// The called function gets a context that ends at its deadline, or when
// its owner closes; a well-behaved source returns then. One that ignores
// its context is abandoned [Grace] later: the caller gets [ErrLate] and
// goes on, and the goroutine ends whenever the source returns (the owner's
// Close waits for it, since the owner started it).
package deadline

import (
	"context"
	"fmt"
	"time"
)

// Grace is how long past a call's deadline its caller still waits for it
// before giving up on it.
const Grace = 50 * time.Millisecond

// ErrLate is the error of a call that did not return by its deadline plus
// [Grace]. It wraps context.DeadlineExceeded.
var ErrLate = fmt.Errorf("did not return by its deadline: %w", context.DeadlineExceeded)

// Call is a function running under a deadline. Its result is read once,
// with [Call.Wait] or [Call.WaitUntil].
type Call[T any] struct {
	done     chan result[T] // buffered: the goroutine never blocks on it
	deadline time.Time      // the call's deadline plus Grace
}

type result[T any] struct {
	v   T
	err error
}

// Go calls fn in a goroutine that start launches, under a context derived
// from ctx that ends after timeout or when owner ends, whichever comes
// first. start runs its argument in a new goroutine its owner's Close
// waits for; if it cannot (the owner is closed) it returns an error
// without running it, and that error is the call's result.
func Go[T any](ctx context.Context, timeout time.Duration, owner context.Context,
	start func(func()) error, fn func(context.Context) (T, error)) *Call[T] {
	c := &Call[T]{done: make(chan result[T], 1), deadline: time.Now().Add(timeout + Grace)}
	err := start(func() {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		stop := context.AfterFunc(owner, cancel)
		v, err := fn(cctx)
		stop()
		cancel()
		c.done <- result[T]{v, err}
	})
	if err != nil {
		c.done <- result[T]{err: err}
	}
	return c
}

// Deadline returns when [Call.Wait] stops waiting: the call's deadline
// plus [Grace].
func (c *Call[T]) Deadline() time.Time { return c.deadline }

// Wait returns the call's result once it returns, [ErrLate] if it has not
// returned by [Call.Deadline], or ctx's error if ctx ends first.
func (c *Call[T]) Wait(ctx context.Context) (T, error) {
	return c.WaitUntil(ctx, c.deadline)
}

// WaitUntil is [Call.Wait] with another deadline, typically the latest
// of several calls started together and waited for in turn: a result that
// is already there is taken even when the deadline has passed or ctx has
// ended.
func (c *Call[T]) WaitUntil(ctx context.Context, deadline time.Time) (T, error) {
	select {
	case r := <-c.done:
		return r.v, r.err
	default:
	}
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	wait := time.Until(deadline)
	if wait <= 0 {
		return zero, ErrLate
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case r := <-c.done:
		return r.v, r.err
	case <-timer.C:
		return zero, ErrLate
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
