package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Store is a key-value store with expiry, shared by the processes of a
// fleet. Keys are strings; values are opaque bytes that the store never
// interprets. Every method may block on the network, so each takes a
// context and returns when it ends.
//
// An error means the operation's outcome is unknown (the store is down,
// slow, full, or answered garbage); callers treat it as "no shared answer"
// and carry on without the store. A missing key is not an error.
type Store interface {
	// Get returns key's value and true, or nil and false when key is
	// absent or expired.
	Get(ctx context.Context, key string) ([]byte, bool, error)

	// Set stores value under key for ttl, replacing any earlier value and
	// expiry. ttl must be positive.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error

	// Claim sets key for ttl only if it is absent, and reports whether it
	// did. Among concurrent claims of one absent key, across every process
	// sharing the store, exactly one returns true; the key stays claimed
	// until ttl passes (a claim is never renewed). Claims and values should
	// use distinct keys: what Get returns for a claimed key is not
	// specified.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)

	// GetMulti is Get for many keys in one round trip: values[i] is the
	// value of keys[i], nil when absent. A present empty value is a
	// non-nil empty slice. With a *[PartialError], values holds the
	// values of the keys that did not fail.
	GetMulti(ctx context.Context, keys []string) (values [][]byte, err error)

	// SetMulti is Set for many items in one round trip, each with its
	// own TTL. On error, some items may have been stored; a
	// *[PartialError] says which failed.
	SetMulti(ctx context.Context, items []Item) error

	// ClaimMulti is Claim for many keys in one round trip: claimed[i]
	// reports whether keys[i] was claimed by this call. With a
	// *[PartialError], claimed holds the outcome of the keys that did not
	// fail.
	ClaimMulti(ctx context.Context, keys []string, ttl time.Duration) (claimed []bool, err error)
}

// PartialError is the error of a multi-key operation that failed for some
// keys only, returned by a store that spreads keys over several servers
// (Redis Cluster) when some of them fail, or when some keys cannot be read
// (a value of the wrong type). Failed[i] reports whether the i-th key or
// item failed; the results of the others are valid. Err is the first
// failure.
//
// A store that returns PartialError for a server it cannot reach keeps its
// own account of that server's health and fails its keys fast while it is
// down: callers keep using the store for the other keys, and do not stop
// using it as they would after other errors.
type PartialError struct {
	Failed []bool
	Err    error
}

func (e *PartialError) Error() string {
	n := 0
	for _, f := range e.Failed {
		if f {
			n++
		}
	}
	return fmt.Sprintf("store: %d of %d keys failed: %v", n, len(e.Failed), e.Err)
}

func (e *PartialError) Unwrap() error { return e.Err }

// Item is one entry for [Store.SetMulti].
type Item struct {
	Key   string
	Value []byte
	TTL   time.Duration
}

// Check validates a key and a TTL; implementations may use it so that
// they all reject the same arguments.
func Check(key string, ttl time.Duration) error {
	if key == "" {
		return fmt.Errorf("store: %w: empty key", source.ErrInvalidInput)
	}
	if ttl <= 0 {
		return fmt.Errorf("store: %w: TTL %v is not positive", source.ErrInvalidInput, ttl)
	}
	return nil
}
