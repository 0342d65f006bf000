package source

import "errors"

// Failure kinds a source's error may wrap so that the Client can count it
// by kind ([errors.Is]). A source wraps them in its own errors; a timeout
// needs nothing: wrapping context.DeadlineExceeded (or a net.Error whose
// Timeout is true) is enough.
var (
	// ErrRateLimited: the provider refused or would have refused the call
	// for its rate limit or quota of calls.
	ErrRateLimited = errors.New("source: rate limited")
	// ErrCircuitOpen: the source skipped the call because it failed too
	// often recently (a circuit breaker is open).
	ErrCircuitOpen = errors.New("source: circuit open")
)
