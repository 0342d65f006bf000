package remote

import (
	"fmt"
	"strings"
	"time"

	"github.com/ipintel/ipintel/store"
)

// WithSharedCache shares answers with the other processes that use st (a
// fleet of app instances on one Redis, say: see package rediscache), so that
// the fleet asks the API once per address instead of once per instance.
//
// A lookup that misses the local cache reads st; on a miss there, the first
// process to claim the address asks the API and stores the answer, and the
// others wait for it (at most [WithSharedWait]) before asking the API
// themselves. Batches to an API with a batch endpoint read, claim and store
// a chunk in one round trip each; without one, a batch starts with one read
// of every address.
// Answers, misses included, are stored ([WithSharedCacheTTL]); errors never
// are. st failing never fails a lookup: each store operation has a short
// deadline (a tenth of [WithTimeout]), and after 5 failures in a row the
// source stops using st for 1 s, then tries again. A store that fails only
// some keys (a *[store.PartialError]: one node of a Redis Cluster down) is
// not stopped: those keys go to the API, the others are shared as usual.
//
// Keys are WithKeyPrefix + "ipintel:remote:v1:" + source name + ":" +
// address, and "{" + that key + "}:claim" for the claim of an address
// (the braces put it on its value's Redis Cluster shard; keep them out of
// the prefix, where they would put every key on one shard); they never
// contain the API key. Two sources with the same name
// share entries, so give two accounts whose answers differ different
// names ([WithName]). The "v1" is the stored schema's version: a release
// that changes it reads and writes other keys, so a rolling deploy never
// misreads an entry.
func WithSharedCache(st store.Store) Option {
	return func(s *settings) error {
		if st == nil {
			return fmt.Errorf("%w: WithSharedCache(nil)", errConfig)
		}
		s.shared = st
		return nil
	}
}

// WithKeyPrefix puts prefix before every shared-cache key, to keep apart
// applications or environments that share one store ("staging:"). It must
// not contain a space, a line break or a brace: braces are Redis Cluster's
// hash tags and would put every key on one shard.
func WithKeyPrefix(prefix string) Option {
	return func(s *settings) error {
		if strings.ContainsAny(prefix, " \r\n{}") {
			return fmt.Errorf("%w: WithKeyPrefix(%q): contains a space, a line break or a brace", errConfig, prefix)
		}
		s.keyPrefix = prefix
		return nil
	}
}

// WithSharedCacheTTL sets how long answers stay in the shared cache: hit
// for answers with data, miss for "not in the provider's data" (default
// [DefaultSharedHitTTL], [DefaultSharedMissTTL]).
func WithSharedCacheTTL(hit, miss time.Duration) Option {
	return func(s *settings) error {
		if hit <= 0 || miss <= 0 {
			return fmt.Errorf("%w: WithSharedCacheTTL(%v, %v): must be positive", errConfig, hit, miss)
		}
		s.sharedHitTTL, s.sharedMissTTL = hit, miss
		return nil
	}
}

// WithSharedWait bounds how long a lookup waits for another process that
// claimed the same address before asking the API itself (default: a
// quarter of [WithTimeout]). It must be shorter than the timeout.
func WithSharedWait(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithSharedWait(%v): must be positive", errConfig, d)
		}
		s.sharedWait = d
		return nil
	}
}
