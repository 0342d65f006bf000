package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// SignalError is the cause of a context that [SignalContext] cancelled.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return "interrupted by " + e.Signal.String() }

// SignalContext returns a context cancelled by the first SIGINT or SIGTERM,
// with a [*SignalError] as its cause, so a program can finish what it was
// writing and exit with [ExitCode]. After the first signal the default
// handling is restored: a second Ctrl-C kills the program at once. stop
// releases the signals; call it when done.
func SignalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch)
			cancel(&SignalError{sig})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// ExitCode is the conventional exit status of a program stopped by the
// signal that ended ctx — 128 + the signal's number: 130 for SIGINT, 143
// for SIGTERM — or 0 when no signal did.
func ExitCode(ctx context.Context) int {
	var se *SignalError
	if errors.As(context.Cause(ctx), &se) {
		if n, ok := se.Signal.(syscall.Signal); ok {
			return 128 + int(n)
		}
		return 130
	}
	return 0
}
