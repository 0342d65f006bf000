package source

import "errors"

// The kinds of failure shared by every package of this module, checked with
// [errors.Is]. A package wraps them under its own prefix and detail, so one
// check covers the same failure wherever it happens:
//
//	mmdb: too large: GeoLite2-City.mmdb is 80 MiB, the limit is 64 MiB
//
// matches ErrTooLarge, as does a feed or a hosted API's answer over its limit.
// Their texts carry no package name for that reason. Packages add a few
// sentinels of their own only for failures no other package has (the root's
// ErrInvalidIP, remote's ErrUnauthorized), and typed errors where callers
// need fields.
var (
	// ErrInvalidOption: a constructor was given an option, spec or setting
	// it cannot use. The error names the option and the value.
	ErrInvalidOption = errors.New("invalid option")
	// ErrInvalidInput: a value to parse or look up is not valid (an ASN, a
	// signal kind, a prefix or range, a key).
	ErrInvalidInput = errors.New("invalid input")
	// ErrClosed: the Client, source or store has been closed.
	ErrClosed = errors.New("closed")
	// ErrTooLarge: a file, response, table or value is over its size limit.
	ErrTooLarge = errors.New("too large")
	// ErrMalformed: data that does not parse: a database, a feed file, a
	// hosted API's answer, a snapshot, a Result's JSON.
	ErrMalformed = errors.New("malformed data")
	// ErrPoisoned: a reload or refresh was refused because the new data
	// looks wrong (empty, a too-short prefix, a collapse in size, another
	// database type); the data in use is kept.
	ErrPoisoned = errors.New("refused as poisoned")
	// ErrUnavailable: data could not be had just now: a download or a
	// hosted API failed (transport error, 5xx, unexpected status), or a
	// feed has no data yet. Retrying later may work.
	ErrUnavailable = errors.New("unavailable")
	// ErrRateLimited: the provider refused or would have refused the call
	// for its rate limit or quota of calls.
	ErrRateLimited = errors.New("rate limited")
	// ErrCircuitOpen: the source skipped the call because it failed too
	// often recently (a circuit breaker is open).
	ErrCircuitOpen = errors.New("circuit open")
)
