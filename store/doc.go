// Package store is the contract for a key-value store shared by the
// processes of a fleet, with [NewMemory], an in-process implementation for
// tests and single-process use. Package rediscache (its own module)
// implements it on Redis, Valkey, Sentinel or Redis Cluster; any other
// engine can, and checks itself with
// [github.com/ipintel/ipintel/store/storetest.Run].
//
// The contract is small on purpose: get, set with a TTL, claim (set if
// absent, with an expiry) and their multi-key forms, one round trip each.
// Values are opaque bytes: the store never looks inside them, so what they
// mean, and which schema version wrote them, is the caller's business
// (remote.WithSharedCache puts a version in every value and key).
//
// # Semantics
//
//   - Get on an absent or expired key is (nil, false, nil): a miss is not
//     an error.
//   - A TTL must be positive (an error wrapping [source.ErrInvalidInput]
//     otherwise); an entry is gone once its TTL has passed. Stores may keep
//     time coarsely (Redis: ms).
//   - A claim is the only coordination primitive: among concurrent claims
//     of one absent key, exactly one succeeds, and the key then stays taken
//     until its TTL passes. It is a hint for collapsing work, not a lock:
//     a claimant may die, so whoever waits on a claim must bound its wait.
//   - Any error means "outcome unknown, carry on without the store": the
//     store may be down, slow, full or answering garbage. Callers must never
//     fail their own work because the store did.
//   - A multi-key operation may fail for some keys only (one node of a
//     cluster down): a *[PartialError] says which, and the results of the
//     others are valid.
//   - Methods honour ctx: they return once it ends, with an error.
//
// # Usage
//
//	st := store.NewMemory() // or the store rediscache.New(redisClient) returns
//	src, err := remote.VectraIP(key, remote.WithSharedCache(st))
//
// # Thread Safety
//
// Every Store, NewMemory's included, is safe for concurrent use.
//
// # Performance
//
// NewMemory's store is one map behind one mutex: a Get takes the lock and copies the
// value out (one allocation), so concurrent callers take turns. Expired
// entries are dropped when read and swept now and then as the store is
// written; no goroutine runs. It is meant for tests and one process, not
// for sharing between processes.
//
// Measured figures are in the repository's BENCHMARKS.md.
package store
